"""`compendium check-links`: the built site's internal links and anchors (internal) and the external
addresses it gives readers (sources), checked against the live web or a server given for tests (external),
with a cache of results (cache), judged into errors and warnings (report); check runs them in order.
Its dependencies are optional (the `linkcheck` extra)."""

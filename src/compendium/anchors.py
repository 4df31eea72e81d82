"""The ids that pages and the PDF give to the parts a link can lead to (a reference on the references
page, a finding on its evidence page), written in one place so that web and PDF agree on them."""

from __future__ import annotations

import re


def reference_anchor(key: str) -> str:
    """The HTML id of a reference on the references page: stable, and safe in a URL fragment."""
    return "ref-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")

"""The builders of the site, by name, and the default: the one place they are named (the command line offers them
before anything of the site stage is imported; site.py runs the one chosen).

MkDocs with Material stays the default while the Zensical that installs from the package index
(zensical_build.VERSION) lacks what the site needs (README: "Choosing a builder")."""

BUILDERS = ("mkdocs", "zensical")
DEFAULT_BUILDER = "mkdocs"

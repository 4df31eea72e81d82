"""Stages 4-5, the website: the model rendered through jinja2 templates into Markdown pages, open data,
ClaimReview and share cards (render and the modules it calls), then built by MkDocs + Material or Zensical
into the static site (site, engine_config, zensical_build). templates/, theme/ and assets/ are its files."""

"""Stage 4b, the charts: each chart spec drawn with matplotlib to SVG at a page's width and a phone's
(draw), by kind (kinds/, one module each), in a shared style (style)."""

"""Evidence compendium engine: YAML claims and evidence plus BibTeX in, a cross-linked static site and a
PDF edition out.

The packages are the stages, in the order pipeline.build() calls them:

    input/      load -> validate -> resolve: the files, checked, into the model
    charts/     the charts drawn to SVG
    web/        pages rendered from the model, and the site built from them by MkDocs or Zensical
    pdf/        the PDF edition laid out by Typst
    linkcheck/  the built site's links checked (compendium check-links)
    authoring/  compendium init, new and synth: files written for contributors

The modules at the top are the entry points (cli, pipeline, offline, serve_hook) and the vocabulary
every stage shares: the model, where files live (paths), problems (diagnostics), safe reading and
writing (intake, files), the schemas, references, and how values are put into words (wording, units,
text). A stage imports the shared modules and its own, never another stage (tests/test_layers.py).
"""

__version__ = "0.1.0"

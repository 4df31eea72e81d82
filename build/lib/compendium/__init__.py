"""Evidence compendium engine: YAML claims and evidence plus BibTeX in, a cross-linked static site out.

The pipeline (see pipeline.py) is: load -> validate -> resolve references -> render pages and charts
-> build site. Each stage is a module of its own.
"""

__version__ = "0.1.0"

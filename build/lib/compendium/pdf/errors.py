"""Why the PDF edition could not be made."""


class PdfError(Exception):
    """The PDF could not be made; the message says why and what to do."""

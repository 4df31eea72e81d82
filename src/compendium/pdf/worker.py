"""One Typst compile in a process of its own, which typeset.py starts: `python -P worker.py ROOT TIMESTAMP
STANDARDS TEMPLATE_BYTES`, with the template's bytes then the print document (JSON) on its standard input.

It writes the PDF's bytes to its standard output and, last, one line of JSON to its standard error: the
warnings, or the error and its hints (exit status 1). Run by path, it imports Typst and the standard
library only, so that it starts in a few hundredths of a second.

Why a process: Typst keeps everything it laid out (about 1 MB a page) in caches the Python package never
frees (messense/typst-py#104). In a process of its own that memory goes back to the system as soon as the
PDF is written, instead of staying with the build, the preview or the test run that asked for it.
"""

from __future__ import annotations

import json
import sys
import warnings
from typing import Any


def main(argv: list[str]) -> int:
    import typst

    root, timestamp, standards, template_size = argv[0], int(argv[1]), argv[2], int(argv[3])
    chosen = [s for s in standards.split(",") if s]  # what Typst checks the PDF against (typeset.STANDARDS)
    compile_with_warnings: Any = typst.compile_with_warnings  # its stubs list the standards one by one
    given = sys.stdin.buffer.read()
    template, document = given[:template_size], given[template_size:].decode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # compile_with_warnings returns them
        try:
            pdf, found = compile_with_warnings(
                template, root=root, format="pdf", sys_inputs={"document": document},
                pdf_standards=chosen, timestamp=timestamp)
        except typst.TypstError as exc:
            hints = [str(hint) for hint in getattr(exc, "hints", []) or []]
            _report({"error": str(getattr(exc, "message", exc)), "hints": hints})
            return 1
        except RuntimeError as exc:
            _report({"error": str(exc), "hints": []})
            return 1
    if not isinstance(pdf, bytes):
        _report({"error": "Typst returned no PDF", "hints": []})
        return 1
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    _report({"warnings": [str(getattr(w, "message", w)) for w in found]})
    return 0


def _report(outcome: dict[str, object]) -> None:
    sys.stderr.write("\n" + json.dumps(outcome) + "\n")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Nothing of the IAPT record in the engine: the schemas' examples and descriptions (shown on every
compendium's data-fields page, published in its data/schemas/ and found by its search) and the files
`compendium new` writes speak of no programme in particular."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

# Words that belong to the IAPT record (its programme, bodies, measures, people, sources), not to the engine.
IAPT_WORDS = ("IAPT", "Talking Therapies", "NHS", "PHQ", "GAD-7", "SCID", "caseness", "Clark", "Scott", "Layard",
              "medico-legal", "Depression Report", "psychological", "therapy", "therapies", "therapist",
              "recover", "recovery", "recovered", "England")
_IAPT = re.compile(r"\b(?:" + "|".join(re.escape(word) for word in IAPT_WORDS) + r")\b", re.I)
SCHEMAS = REPO / "src" / "compendium" / "schemas"


def iapt_words(text: str) -> list[str]:
    return sorted({match.group(0) for match in _IAPT.finditer(text)})


def test_the_word_list_finds_what_it_should() -> None:
    assert iapt_words("About 50% of the people IAPT treats recover (PHQ-9; NHS Digital).") == \
        ["IAPT", "NHS", "PHQ", "recover"]
    assert iapt_words("Most participants finish the course; recovering costs nothing") == []


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_schemas_name_no_iapt_word(path: Path) -> None:
    assert iapt_words(path.read_text("utf-8")) == [], path.name


@pytest.mark.parametrize("kind", ["claim", "evidence", "chart"])
def test_scaffolds_name_no_iapt_word(kind: str, sample: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "compendium", "new", kind, f"fresh-{kind}", "--root", str(sample)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    written = next(sample.glob(f"*/fresh-{kind}.yml"))
    assert iapt_words(written.read_text("utf-8") + run.stdout) == []

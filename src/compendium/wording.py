"""How values are put into words and numbers on pages: verdict names, figures, labels for enums."""

from __future__ import annotations

from compendium.model import Figure, Verdict
from compendium.schemas import labels, schema
from compendium.units import range_text, value_text

# The labels of enum values are the schemas' (their x-labels, and the other sets of words beside them):
# these are read from there, under the names the stages import.
_QUALITY = ("evidence", "properties", "quality", "properties")
_SIDE = ("claim", "properties", "claimant", "properties", "side")
_STANCE = ("claim", "properties", "evidence", "items", "properties", "stance")
_CERTAINTY = ("common", "$defs", "certainty")
VERIFICATION = labels("common", "$defs", "verification")
INDEPENDENCE = labels(*_QUALITY, "independent")
DESIGNS = labels(*_QUALITY, "design")
SIDES = labels(*_SIDE)
# Who makes claims, as the lists (the site's and the PDF's) group them: (side, label).
SIDE_GROUPS = tuple(labels(*_SIDE, which="x-group-labels").items())
STANCE_WORDS = labels(*_STANCE, which="x-short-labels")
STANCE_LABELS = labels(*_STANCE)
CERTAINTY = labels(*_CERTAINTY)  # "very-low" -> "very low"
# A certainty grade drawn as GRADE's tables draw it (filled circles out of four). Decoration: the word is
# always written beside it, and screen readers are not given the symbols.
CERTAINTY_SYMBOLS = labels(*_CERTAINTY, which="x-symbols")
# What each grade of certainty means (the PDF's method section, its "Grading the evidence" table).
CERTAINTY_MEANINGS = labels(*_CERTAINTY, which="x-enum-descriptions")
INDEPENDENT_SHORT = labels(*_QUALITY, "independent", which="x-short-labels")  # under the heading "Independent"
FREQUENCIES = labels("series", "additionalProperties", "properties", "frequency")
RATING_LABELS = labels("claim", "$defs", "rating")


def releases_phrase(releases: tuple[str, ...], frequency: str | None) -> str:
    """How many releases of a series, and of which periods: "7 yearly releases, 2012-13 to 2018-19"."""
    count = len(releases)
    what = f"{count} {FREQUENCIES[frequency] + ' ' if frequency else ''}release{'s' if count != 1 else ''}"
    if not releases:
        return what
    return f"{what}, {releases[0]}" if count == 1 else f"{what}, {releases[0]} to {releases[-1]}"


def rating_label(rating: str) -> str:
    """The engine's own label for a rating ("mostly-accurate" -> "Mostly accurate", the schema's x-labels);
    pages show the compendium's (Compendium.verdicts), which is this one unless mkdocs.yml's extra.verdicts
    words it."""
    return RATING_LABELS[rating]


def engine_verdicts() -> dict[str, Verdict]:
    """Every rating of the scale (the claim schema's, in its order) in the engine's neutral words: its label,
    and its meaning as the schema describes it."""
    rating = schema("claim")["$defs"]["rating"]
    return {r: Verdict(rating_label(r), rating["x-enum-descriptions"][r]) for r in rating["enum"]}


def figure_value(f: Figure) -> str:
    """The figure as a reader writes it: 50.8%, £877, ES = 0.87, 40–46%, 3 weeks (units.py says how)."""
    if f.value is not None:
        return value_text(f.value, f.unit)
    return range_text(f.low or 0, f.high or 0, f.unit)

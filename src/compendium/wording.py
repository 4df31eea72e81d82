"""How values are put into words and numbers on pages: verdict names, figures, labels for enums."""

from __future__ import annotations

from compendium.model import Figure, Verdict
from compendium.schemas import schema
from compendium.units import range_text, value_text

VERIFICATION = {"verified": "checked against the source", "secondary": "known only from a secondary source",
                "unverified": "not yet checked against the source"}
INDEPENDENCE = {"yes": "independent of the programme", "no": "not independent of the programme",
                "unclear": "independence unclear"}
DESIGNS = {"rct": "randomised controlled trial", "systematic-review": "systematic review",
           "cohort": "observational cohort", "service-evaluation": "service evaluation",
           "official-statistics": "official statistics", "economic-evaluation": "economic evaluation",
           "qualitative": "qualitative study", "case-series": "case series",
           "official-document": "official document", "commentary": "commentary", "journalism": "journalism"}
SIDES = {"proponent": "speaks for the programme", "critic": "a critic of the programme",
         "other": "neither for nor against the programme"}
# Who makes claims, as the lists (the site's and the PDF's) group them: (side, label).
SIDE_GROUPS = (("proponent", "Its proponents"), ("critic", "Its critics"), ("other", "Others"))
STANCE_WORDS = {"supports": "for", "contradicts": "against", "qualifies": "qualifying"}
STANCE_LABELS = {"supports": "Supports", "contradicts": "Contradicts", "qualifies": "Qualifies"}
# A certainty grade drawn as GRADE's tables draw it (filled circles out of four). Decoration: the word is
# always written beside it, and screen readers are not given the symbols.
CERTAINTY_SYMBOLS = {"high": "\u2295\u2295\u2295\u2295", "moderate": "\u2295\u2295\u2295\u25ef",
                     "low": "\u2295\u2295\u25ef\u25ef", "very-low": "\u2295\u25ef\u25ef\u25ef"}
INDEPENDENT_SHORT = {"yes": "yes", "no": "no", "unclear": "unclear"}  # under the heading "Independent"


def releases_phrase(releases: tuple[str, ...], frequency: str | None) -> str:
    """How many releases of a series, and of which periods: "7 yearly releases, 2012-13 to 2018-19"."""
    count = len(releases)
    what = f"{count} {frequency + ' ' if frequency else ''}release{'s' if count != 1 else ''}"
    if not releases:
        return what
    return f"{what}, {releases[0]}" if count == 1 else f"{what}, {releases[0]} to {releases[-1]}"


def rating_label(rating: str) -> str:
    """The engine's own label for a rating ("mostly-accurate" -> "Mostly accurate"); pages show the
    compendium's (Compendium.verdicts), which is this one unless mkdocs.yml's extra.verdicts words it."""
    return rating.replace("-", " ").capitalize()


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

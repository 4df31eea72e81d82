"""Share cards: the picture a link to a page shows where it is shared (Open Graph's og:image), one per
claim with its title, verdict and certainty, and one for the site that every other generated page uses.

Each card is a PNG of 1200 x 630 px (the size Facebook, LinkedIn, Mastodon and X show large), drawn with
Pillow in DejaVu Sans, the font that comes with matplotlib, so it is drawn alike offline on any machine.
Contributor text is drawn as typed: Pillow knows no markup or mathematics ("$\\alpha$" stays "$\\alpha$").
Like the charts, a card is the same bytes from build to build (no date or software in the PNG's metadata),
and it is drawn only when what it shows or the code that draws it changed, or its file
on disk is no longer the one drawn: a build with no change draws nothing and imports neither library.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from compendium.chartdata import INK
from compendium.files import has_shape, read_record, sha256_file, write_file
from compendium.processes import cores, worker_context
from compendium.settings import SiteSettings
from compendium.text import cut_at_word

if TYPE_CHECKING:
    from compendium.model import Claim, Compendium

CARDS = "assets/compendium/cards"  # under docs/ (and so in the site): the one place the cards' folder is named
# The card of every page but a claim's: "index" is an id no claim can take (common.schema.json reserves it).
SITE_CARD = "index"
WIDTH, HEIGHT = 1200, 630  # px
_DPI = 100
_MARGIN = 60  # px, left and right
_BAND_HEIGHT = 84  # px
BAND = "#3f51b5"  # Material's indigo, the site's primary colour: white on it is 6.9:1
MUTED = "#4d4d4d"  # 8.5:1 on white
SHADES = 20  # steps from white to each colour of the text and band, the PNG's palette (anti-aliased edges)
TITLE_LINES = 4  # a longer title is cut at a word and ends with an ellipsis
# A drawing process costs its start and imports before it draws its first card, so cards are drawn in
# parallel only when there are many.
PARALLEL_FROM = 40


@dataclass(frozen=True)
class Card:
    """What a card shows. band: the line in the coloured band at the top ('' for none); verdict: the bold
    line under the title (None on the site's card); detail: the line or lines under it."""

    name: str  # the file's name without .png: a claim's id, or SITE_CARD
    band: str
    title: str
    verdict: str | None
    detail: str
    footer: str  # the site's address without its scheme, or '' when mkdocs.yml gives none
    alt: str  # the card's text, for og:image:alt


@dataclass(frozen=True)
class CardStats:
    drawn: int
    cached: int


def card_file(name: str) -> str:
    """The card's path under docs/ (and in the site)."""
    return f"{CARDS}/{name}.png"


def _address(settings: SiteSettings) -> str:
    parts = urlsplit(settings.site_url)
    return (parts.netloc + parts.path).rstrip("/")


def _certainty(claim: Claim) -> str:
    # Imported here: a build with nothing changed checks the cards with this module, and reads no schema.
    from compendium.wording import CERTAINTY

    return f"Certainty of the evidence: {CERTAINTY[claim.certainty]}" if claim.certainty else ""


def claim_card(claim: Claim, settings: SiteSettings, verdict_label: str) -> Card:
    """A claim's share card; verdict_label is its verdict in the compendium's words."""
    verdict = f"Verdict: {verdict_label}"
    certainty = _certainty(claim)
    alt = f"{claim.title}. {verdict}." + (f" {certainty}." if certainty else "") + f" {settings.site_name}"
    return Card(claim.id, settings.site_name, claim.title, verdict, certainty, _address(settings), alt)


def site_card(settings: SiteSettings) -> Card:
    alt = settings.site_name + (f": {settings.site_description}" if settings.site_description else "")
    return Card(SITE_CARD, "", settings.site_name, None, settings.site_description, _address(settings), alt)


def share_image(card: Card, settings: SiteSettings) -> dict[str, Any] | None:
    """The front matter of a page's picture: its absolute address (None without a site_url), size and text."""
    if not settings.site_url:
        return None
    return {"image": settings.site_url + card_file(card.name), "width": WIDTH, "height": HEIGHT,
            "alt": cut_at_word(card.alt, 420)}  # X's limit for alternative text is 420 characters


def all_cards(compendium: Compendium, settings: SiteSettings) -> list[Card]:
    return [site_card(settings), *(claim_card(c, settings, compendium.verdicts[c.rating].label)
                                  for c in compendium.claims.values())]


def _drawing_code_hash() -> str:
    """A change to this module redraws every card, with no version number to remember."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _key(card: Card) -> str:
    return hashlib.sha256(json.dumps([_drawing_code_hash(), asdict(card)], sort_keys=True).encode()).hexdigest()


def render_cards(compendium: Compendium, settings: SiteSettings, docs_dir: Path, cache_file: Path,
                 workers: int | None = None) -> tuple[set[str], CardStats]:
    """Draw every card whose text changed, or whose file is not the one drawn. Returns the cards' files
    (relative to docs_dir) and counts. workers: how many processes draw (None: by the number to draw)."""
    cache = _read_cache(cache_file)
    cards = all_cards(compendium, settings)
    todo = [card for card in cards
            if cache.get(card.name) != {"key": _key(card), "png": sha256_file(docs_dir / card_file(card.name))}]
    count = workers if workers is not None else (1 if len(todo) < PARALLEL_FROM else cores())
    for card, png in zip(todo, _draw_all(todo, count), strict=True):
        write_file(docs_dir / card_file(card.name), png)
        cache[card.name] = {"key": _key(card), "png": hashlib.sha256(png).hexdigest()}
    names = {card.name for card in cards}
    if todo or set(cache) - names:
        write_file(cache_file, json.dumps({k: cache[k] for k in sorted(cache) if k in names}))
    return {card_file(card.name) for card in cards}, CardStats(len(todo), len(cards) - len(todo))


def _read_cache(cache_file: Path) -> dict[str, dict[str, str | None]]:
    return {name: entry for name, entry in (read_record(cache_file) or {}).items()
            if has_shape(entry, {"key": str, "png": str})}


def _draw_all(cards: list[Card], workers: int) -> list[bytes]:
    if not cards:
        return []  # and Pillow is not imported
    if workers <= 1 or len(cards) <= 1:
        return draw_cards(cards)
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(cards) // workers)
    batches = [cards[i:i + size] for i in range(0, len(cards), size)]
    with ProcessPoolExecutor(len(batches), mp_context=worker_context()) as pool:
        return [png for batch in pool.map(draw_cards, batches) for png in batch]


def draw_card(card: Card) -> bytes:
    return draw_cards([card])[0]


@dataclass(frozen=True)
class Line:
    """One line of text on a card: its top (px from the card's top), words, size (px), colour, weight."""

    y: float
    text: str
    size: int
    colour: str
    bold: bool


def _px(points: float) -> int:
    return round(points * _DPI / 72)


def layout(card: Card, measure: Callable[[str, int, bool], float]) -> list[Line]:
    """The lines a card shows, wrapped to its width. measure: (text, size in px, bold) -> width in px."""
    lines: list[Line] = []

    def write(y: float, text: str, points: float, colour: str = INK, bold: bool = False, count: int = 1,
              gap: float = 1.25) -> float:
        """Lay text out from y (px, its top) in at most count lines; returns the y below it."""
        size = _px(points)
        for words in wrap(_visible(text), lambda piece: measure(piece, size, bold), WIDTH - 2 * _MARGIN, count):
            lines.append(Line(y, words, size, colour, bold))
            y += points * _DPI / 72 * gap
        return y

    if card.band:
        write(24, card.band, 24, colour="white", bold=True)
    if card.verdict is None:  # the site's card: its name large, its description under it
        below = write(150, card.title, 44, bold=True, count=2)
        write(below + 20, card.detail, 26, colour=MUTED, count=5, gap=1.35)
    else:
        write(125, card.title, 38, bold=True, count=TITLE_LINES, gap=1.2)
        write(440, card.verdict, 34, bold=True)
        write(500, card.detail, 26, colour=MUTED)
    if card.footer:
        write(570, card.footer, 20, colour=BAND)
    return lines


class Fonts:
    """DejaVu Sans and its bold, from matplotlib's own fonts (so alike on every machine), by size in px.
    Laid out with Pillow's basic engine, the same wherever Pillow runs (no system shaping library)."""

    def __init__(self) -> None:
        from importlib.util import find_spec

        from PIL import ImageFont

        # Found without importing matplotlib, which the cards do not need.
        spec = find_spec("matplotlib")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("matplotlib, whose fonts the share cards use, is not installed")
        folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
        self._files = {False: folder / "DejaVuSans.ttf", True: folder / "DejaVuSans-Bold.ttf"}
        self._truetype = ImageFont.truetype
        self._basic = ImageFont.Layout.BASIC
        self._fonts: dict[tuple[int, bool], Any] = {}

    def get(self, size: int, bold: bool) -> Any:
        if (size, bold) not in self._fonts:
            self._fonts[size, bold] = self._truetype(str(self._files[bold]), size, layout_engine=self._basic)
        return self._fonts[size, bold]

    def measure(self, text: str, size: int, bold: bool) -> float:
        return float(self.get(size, bold).getlength(text))


def _palette(image_module: Any) -> Any:
    """A palette image of white blended into each colour a card draws with, in SHADES steps."""
    def rgb(colour: str) -> tuple[int, int, int]:
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)

    colours: dict[tuple[int, ...], None] = {}
    for colour in (INK, MUTED, BAND):
        for step in range(SHADES + 1):
            colours[tuple(round(255 + (c - 255) * step / SHADES) for c in rgb(colour))] = None
    flat = [value for colour in colours for value in colour]
    palette = image_module.new("P", (1, 1))
    palette.putpalette(flat + [0] * (768 - len(flat)))
    return palette


def draw_cards(cards: list[Card]) -> list[bytes]:
    """Each card as PNG bytes, drawn with Pillow (which matplotlib requires): text is drawn as typed, never
    read as markup or mathematics. Written with no metadata, so that the same card is the same bytes, and
    with a palette of the card's colours and their blends with white (a third of the bytes of full colour,
    and quicker to write)."""
    from PIL import Image, ImageDraw

    fonts = Fonts()
    palette = _palette(Image)
    ground = Image.new("RGB", (WIDTH, HEIGHT), "white")
    ImageDraw.Draw(ground).rectangle((0, 0, WIDTH, _BAND_HEIGHT - 1), fill=BAND)
    pngs = []
    for card in cards:
        image = ground.copy()
        draw = ImageDraw.Draw(image)
        for line in layout(card, fonts.measure):
            draw.text((_MARGIN, line.y), line.text, font=fonts.get(line.size, line.bold), fill=line.colour,
                      anchor="la")
        buffer = io.BytesIO()
        image.quantize(palette=palette, dither=Image.Dither.NONE).save(buffer, format="png", compress_level=3)
        pngs.append(buffer.getvalue())
    return pngs


def _visible(text: str) -> str:
    """text on one line, without its invisible format characters (zero-width spaces, direction marks and
    overrides: the font has no glyph for them, and an override would reverse the words drawn)."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cf").split())


def wrap(text: str, measure: Callable[[str], float], width: float, lines: int) -> list[str]:
    """text in at most lines lines that measure (text -> px) no wider than width, broken at spaces (a word
    wider than a line is broken where it must); text that does not fit ends its last line with an ellipsis.
    A line's width is taken as its words' and spaces' (each measured once): kerning across a space is nil."""
    widths: dict[str, float] = {}

    def size(piece: str) -> float:
        if piece not in widths:
            widths[piece] = measure(piece)
        return widths[piece]

    def line_width(words: list[str]) -> float:
        return sum(size(w) for w in words) + size(" ") * (len(words) - 1)

    result: list[list[str]] = []
    current: list[str] = []
    for word in text.split(" ") if text else []:
        if line_width([*current, word]) <= width:
            current.append(word)
            continue
        if current:
            result.append(current)
        while size(word) > width and len(word) > 1:
            cut = max((i for i in range(1, len(word)) if measure(word[:i]) <= width), default=1)
            result.append([word[:cut]])
            word = word[cut:]
        current = [word]
    if current:
        result.append(current)
    if len(result) <= lines:
        return [" ".join(words) for words in result]

    def ended(words: list[str]) -> str:
        return " ".join(words).rstrip(" ,;:.-") + "…"

    last = result[lines - 1]
    while measure(ended(last)) > width and (len(last) > 1 or len(last[0]) > 1):
        last = last[:-1] if len(last) > 1 else [last[0][:-1]]
    return [*(" ".join(words) for words in result[:lines - 1]), ended(last)]

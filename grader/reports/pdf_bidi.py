"""A right-to-left line of a PDF put back in reading order from where its glyphs sit.

A PDF holds glyphs at positions; the order a text extractor returns them in is
a guess. For a Persian line with Latin words, numbers and formulas, PDFium's
guess breaks Latin runs at neutral characters ("Q1.ipynb" -> "ipynb1.Q") and
keeps numbers in the order they are displayed ("(11, 11, 256)" is displayed,
and extracted, as "(256 ,11 ,11)"). This module rebuilds the line from the
glyph boxes instead, inverting the Unicode bidirectional algorithm (UAX #9) in
the cases a report has:
- Arabic-script letters read right to left; a ligature glyph's characters
  (لا) come from the text layer in reverse and are put back;
- Latin letters, and the neutrals between two of them, form left-to-right runs
  ("val_accuracy", "C_in");
- numbers are left-to-right runs too, but the neutrals between two numbers
  take the line's direction (N1: numbers count as right-to-left there), so
  "(3×3×64+1)×256", displayed "256×(64+1×3×3)", reads back as typed;
- brackets that took the line's direction are mirrored back;
- a wide gap (a table's column boundary) becomes a tab.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_MIRROR = str.maketrans("()[]{}<>«»", ")(][}{><»«")
_NUMBER_JOINERS = set("+-−.,٫٬/:")  # ES and CS: a single one between two digits belongs to the number
_NUMBER_SUFFIXES = set("%٪")  # ET after a number
# A gap wider than this many glyph widths with no space glyph in it separates table cells (justified
# prose stretches its word gaps to about twice a glyph at most).
_GAP = 3.0


@dataclass(frozen=True)
class Glyph:
    """One character of a PDF's text layer and the box of the glyph that shows it."""

    text: str
    box: tuple[float, float, float, float]  # left, bottom, right, top
    generated: bool  # inserted by the extractor (a line break, a space between words), not on the page


@dataclass(frozen=True)
class _Cluster:
    text: str
    left: float
    right: float
    kind: str  # R | L | EN | N

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def _kind(text: str) -> str:
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            return "R"
        if bidi == "L":
            return "L"
        if bidi in ("EN", "AN"):
            return "EN"
    return "N"


def _clusters(glyphs: Sequence[Glyph]) -> list[_Cluster]:
    """Characters that share one glyph box, as one cluster; an Arabic ligature's characters reversed back."""
    clusters: list[_Cluster] = []
    group: list[Glyph] = []
    for glyph in [*glyphs, None]:
        if glyph is not None and group and glyph.box == group[0].box:
            group.append(glyph)
            continue
        if group:
            text = "".join(g.text for g in group)
            if len(group) > 1 and _kind(text) == "R" and any(c.isalpha() for c in text):
                text = text[::-1]
            clusters.append(_Cluster(text, group[0].box[0], group[0].box[2], _kind(text)))
        group = [glyph] if glyph is not None else []
    return clusters


def _resolve(visual: list[_Cluster], base: str) -> list[str]:
    """Each cluster's resolved direction, left to right: L, EN (a number) or R."""
    kinds = [c.kind for c in visual]
    # W4/W5: a joiner between two digits, and a percent sign after one, belong to the number.
    for i in range(1, len(kinds) - 1):
        if kinds[i] == "N" and kinds[i - 1] == kinds[i + 1] == "EN" and visual[i].text in _NUMBER_JOINERS:
            kinds[i] = "EN"
    for i in range(1, len(kinds)):
        if kinds[i] == "N" and kinds[i - 1] == "EN" and visual[i].text in _NUMBER_SUFFIXES:
            kinds[i] = "EN"
    # W7: a number whose nearest letter on its left is Latin belongs to that Latin run ("Q1", "conv2d_2",
    # "Layer 1"). Only ASCII digits: Persian digits are typed in Persian text («۲. MinMaxScaler»).
    strong = ""
    for i, kind in enumerate(kinds):
        if kind in ("L", "R"):
            strong = kind
        elif (
            kind == "EN"
            and visual[i].text.isascii()
            and (strong == "L" or (i + 1 < len(kinds) and kinds[i + 1] == "L"))
        ):
            kinds[i] = "L"
    # N1/N2: neutrals between two Latin runs are Latin; every other neutral takes the line's direction.
    i = 0
    while i < len(kinds):
        if kinds[i] != "N":
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] == "N":
            j += 1
        # Numbers count as right-to-left here (N1); a neutral between two runs of one direction
        # takes it, any other the line's own (N2).
        before = ("R" if kinds[i - 1] == "EN" else kinds[i - 1]) if i > 0 else base
        after = ("R" if kinds[j] == "EN" else kinds[j]) if j < len(kinds) else base
        if base == "L" and i > 0 and j < len(kinds) and kinds[i - 1] == "EN" and kinds[j] == "EN":
            before = after = "L"  # in a left-to-right line a neutral between numbers stays with them
        resolved = before if before == after else base
        for k in range(i, j):
            kinds[k] = resolved
        i = j
    return kinds


def _cell_breaks(visual: list[_Cluster]) -> set[int]:
    """Indexes i where a table cell ends between visual[i] and visual[i + 1]: a wide gap with no space glyph in it."""
    widths = [c.right - c.left for c in visual if c.right > c.left and c.text.strip()]
    gap = _GAP * (statistics.median(widths) if widths else 5.0)
    breaks: set[int] = set()
    previous: int | None = None
    spaced = False
    for index, cluster in enumerate(visual):
        if not cluster.text.strip():
            spaced = spaced or cluster.right > cluster.left  # a real space glyph (a generated one has no width)
            continue
        if previous is not None and not spaced and cluster.left - visual[previous].right > gap:
            breaks.add(index - 1)
        previous, spaced = index, False
    return breaks


def reading_order(glyphs: Sequence[Glyph], base: str = "R") -> str:
    """The line's text in reading order; `base` is the line's own direction ("R" or "L")."""
    visual = sorted(_clusters([g for g in glyphs if g.text not in ("\r", "\n")]), key=lambda c: c.centre)
    if not visual:
        return ""
    kinds = _resolve(visual, base)
    breaks = _cell_breaks(visual)
    units: list[list[int]] = []  # indexes into visual, each unit left to right
    for index, kind in enumerate(kinds):
        joins = bool(units) and kind in ("L", "EN") and kinds[units[-1][-1]] == kind
        if base == "L" and units and kind == "R" and kinds[units[-1][-1]] == "R":
            joins = True  # in a left-to-right line a right-to-left run is one unit, read backwards
        if joins and index - 1 not in breaks:
            units[-1].append(index)
        else:
            units.append([index])
    order = list(reversed(units)) if base == "R" else units
    parts: list[str] = []
    for position, unit in enumerate(order):
        members = unit[::-1] if kinds[unit[0]] == "R" and base == "L" else unit
        if position:
            before = order[position - 1]
            boundary = min(unit[-1], before[-1]) if base == "R" else before[-1]
            if boundary in breaks or (base == "R" and unit[-1] in breaks):
                parts.append("\t")
        text = "".join(visual[i].text for i in members)
        if kinds[unit[0]] == "R" and base == "R":
            text = text.translate(_MIRROR)
        parts.append(text)
    return "".join(parts)


def direction(glyphs: Sequence[Glyph]) -> str | None:
    """ "R" or "L" when one script clearly leads the line; None when the page should decide (a table row, a mixed line)."""
    kinds = [_kind(g.text) for g in glyphs]
    right, left = kinds.count("R"), kinds.count("L")
    if right > 2 * left:
        return "R"
    if left > 2 * right and left >= 8:
        return "L"
    return None  # mixed or few letters: the page's direction decides

"""PDF reports through PDFium (pypdfium2): the text layer, repaired, page by page.

Why PDFium: it is maintained (Chrome's PDF engine), fast (a 30-page report in
well under a second), reads damaged and owner-password files, and orders
mixed Persian/English lines logically, where pure-Python extractors return
visual order (numbers and Latin words at the wrong end of the line).

What a Word export of a Persian report still does to the text layer, and how
each is repaired (tests/reports/test_read_pdf.py shows each on a real export):
- the لا ligature is one glyph with two characters, extracted in reverse
  ("الیه" for "لایه"): characters that share one glyph box are put back in order;
- brackets come out mirrored (")الف(" for "(الف)"): a line whose brackets do
  not balance is balanced by flipping the mirrored ones;
- zero-width non-joiners are lost ("میشود"): matching ignores them anyway;
- tables become lines of text; page headers and footers repeat on every page
  and are dropped; a page with no text layer (a scan) is reported, never read as empty.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from grader.reports.document import Block, Document, Location, UnreadableReport
from grader.results import Bilingual

MAX_PAGES = 300
_MIN_TEXT_CHARS = 15  # fewer visible characters than this on a page with a picture: a scan
_MARGIN = 0.1  # headers and footers sit in the top and bottom tenth of the page (Word: ~4% and ~96%)


@dataclass(frozen=True)
class _Char:
    text: str
    box: tuple[float, float, float, float]  # left, bottom, right, top
    generated: bool


def _direction(char: str) -> str:
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL"):
        return "R"
    if kind in ("L", "EN", "AN"):
        return "L"
    return ""


def _is_arabic(char: str) -> bool:
    """An Arabic-script letter, or a mark (hamza above, a diacritic) that sits on one."""
    return (unicodedata.bidirectional(char) == "AL" and char.isalpha()) or unicodedata.category(char) == "Mn"


def fix_ligatures(chars: list[_Char]) -> list[_Char]:
    """Characters of one glyph (same box) in an Arabic-script word come out reversed: restore their order."""
    fixed: list[_Char] = []
    i = 0
    while i < len(chars):
        j = i + 1
        while j < len(chars) and not chars[j].generated and chars[j].box == chars[i].box:
            j += 1
        group = chars[i:j]
        if len(group) > 1 and all(_is_arabic(c.text) for c in group) and any(c.text.isalpha() for c in group):
            group = group[::-1]
        fixed.extend(group)
        i = j
    return fixed


def _words(chars: list[_Char]) -> list[list[_Char]]:
    words: list[list[_Char]] = [[]]
    for char in chars:
        if char.text.isspace():
            if words[-1]:
                words.append([])
        else:
            words[-1].append(char)
    return [w for w in words if w]


def _word_direction(word: list[_Char]) -> str:
    strong = Counter(d for c in word if (d := _direction(c.text)))
    return strong.most_common(1)[0][0] if strong else ""


def logical_order(chars: list[_Char]) -> list[_Char]:
    """An RTL line whose runs come in visual (left-to-right) order is put back in reading order.

    Runs are groups of words of one direction; inside a run the words are already in
    reading order, only the order of the runs is reversed by visual extraction.
    """
    strong = Counter(_direction(c.text) for c in chars)
    if strong["R"] <= strong["L"]:
        return chars
    runs: list[list[list[_Char]]] = []
    direction = None
    for word in _words(chars):
        d = _word_direction(word)
        if runs and (not d or d == direction):
            runs[-1].append(word)
        else:
            runs.append([word])
            direction = d or direction
    if len(runs) < 3:
        return chars
    centres = [sum((c.box[0] + c.box[2]) / 2 for w in run for c in w) / sum(len(w) for w in run) for run in runs]
    rising = sum(b > a for a, b in itertools.pairwise(centres))
    if rising <= (len(centres) - 1) / 2:
        return chars  # already right to left: logical order
    space = _Char(" ", (0.0, 0.0, 0.0, 0.0), True)
    ordered: list[_Char] = []
    for run in reversed(runs):
        for word in run:
            ordered.extend([*([space] if ordered else []), *word])
    return ordered


_PAIRS = {"(": ")", "[": "]"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def balance_brackets(line: str) -> str:
    """Flip mirrored brackets of a right-to-left line: ')الف(' -> '(الف)'. A balanced line is left alone."""
    chars = list(line)
    changed = False
    for opener, closer in _PAIRS.items():
        stack: list[int] = []
        for i, char in enumerate(chars):
            if char == opener:
                stack.append(i)
            elif char == closer:
                if stack:
                    stack.pop()
                else:  # a closer before any opener: a mirrored opener
                    chars[i] = opener
                    stack.append(i)
                    changed = True
        for position in stack[len(stack) - len(stack) // 2 :] if len(stack) > 1 else []:
            chars[position] = closer
            changed = True
    return "".join(chars) if changed else line


def _page_lines(textpage: object, raw: object) -> list[tuple[str, float]]:
    """The page's lines in reading order, repaired, with the height of each line's top edge."""
    import pypdfium2.raw as pdfium_c

    count = textpage.count_chars()  # type: ignore[attr-defined]
    chars: list[_Char] = []
    for index in range(count):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        box = tuple(round(v, 2) for v in textpage.get_charbox(index))  # type: ignore[attr-defined]
        chars.append(_Char(chr(code) if code else "", box, bool(pdfium_c.FPDFText_IsGenerated(raw, index))))
    lines: list[tuple[str, float]] = []
    current: list[_Char] = []
    for char in [*chars, _Char("\n", (0, 0, 0, 0), True)]:
        if char.text in ("\r", "\n"):
            if current:
                ordered = logical_order(fix_ligatures(current))
                text = "".join(c.text for c in ordered).strip()
                if text:
                    top = max((c.box[3] for c in current if not c.generated), default=0.0)
                    rtl = Counter(_direction(c.text) for c in current)
                    lines.append((balance_brackets(text) if rtl["R"] > rtl["L"] else text, top))
            current = []
        else:
            current.append(char)
    return lines


def _in_margin(top: float, height: float) -> bool:
    """Whether a line sits in the top or bottom margin, where Word puts headers and footers."""
    return top > height * (1 - _MARGIN) or top < height * _MARGIN


def _running_lines(pages: list[list[tuple[str, float]]], heights: list[float]) -> set[str]:
    """Header and footer lines: lines in a page's margins that repeat (page numbers aside) on most pages."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        seen.update({_shape(text) for text, top in lines if _in_margin(top, height)})
    needed = max(2, (len(pages) + 1) // 2)
    return {shape for shape, n in seen.items() if n >= needed and shape}


def _shape(text: str) -> str:
    """A line with its digits (page numbers) removed, for comparing running headers."""
    return re.sub(r"[\d۰-۹٠-٩]+", "#", re.sub(r"\s+", " ", text)).strip()


def read_pdf(path: Path, relative: str) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise UnreadableReport(Bilingual(
                f"{relative}: the PDF is password-protected; export it again without a password",
                f"{relative}: فایل PDF رمز دارد؛ آن را دوباره بدون رمز ذخیره کنید")) from None  # fmt: skip
        raise UnreadableReport(Bilingual(
            f"{relative}: not a readable PDF ({str(error)[:100]}); it may be damaged or cut short — export it again",
            f"{relative}: فایل PDF قابل خواندن نیست ({str(error)[:100]})؛ ممکن است خراب یا ناقص باشد — "
            "دوباره آن را ذخیره کنید")) from None  # fmt: skip
    result = Document(relative, "pdf")
    try:
        total = len(pdf)
        if total > MAX_PAGES:
            result.notes.append(Bilingual(f"{relative}: {total} pages; only the first {MAX_PAGES} were read",
                                          f"{relative}: {total} صفحه دارد؛ فقط {MAX_PAGES} صفحهٔ اول خوانده شد"))  # fmt: skip
        pages: list[list[tuple[str, float]]] = []
        heights: list[float] = []
        for number in range(min(total, MAX_PAGES)):
            page = pdf[number]
            heights.append(float(page.get_height()))
            textpage = page.get_textpage()
            lines = _page_lines(textpage, textpage.raw)
            visible = sum(len(t.replace(" ", "")) for t, _ in lines)
            if visible < _MIN_TEXT_CHARS and _has_picture(page):
                result.image_only_pages.append(number + 1)
            pages.append(lines)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    running = _running_lines(pages, heights)
    for number, (lines, height) in enumerate(zip(pages, heights, strict=True), start=1):
        where = Location(relative, page=number)
        if number in result.image_only_pages:
            result.blocks.append(Block("image", "", where))
        for text, top in lines:
            if _in_margin(top, height) and _shape(text) in running:
                continue
            result.blocks.append(Block("text", text, where))
    if result.image_only_pages:
        listed = ", ".join(str(p) for p in result.image_only_pages)
        result.notes.append(Bilingual(
            f"{relative}: page(s) {listed} have no text layer (a scan or photo); a TA must read them",
            f"{relative}: صفحهٔ {listed} لایهٔ متنی ندارد (اسکن یا عکس است)؛ دستیار آموزشی باید آن را بخواند"))  # fmt: skip
    return result


def _has_picture(page: object) -> bool:
    import pypdfium2.raw as pdfium_c

    return any(obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects())  # type: ignore[attr-defined]

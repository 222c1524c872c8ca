"""PDF reports through PDFium (pypdfium2): the text layer, repaired, page by page.

Why PDFium: it is maintained (Chrome's PDF engine), fast (a 30-page report in
well under a second), reads damaged and owner-password files, and gives every
glyph's box, from which a right-to-left line is put back in reading order
(pdf_bidi.py): the order text extractors guess breaks Latin words, numbers and
formulas inside Persian lines.

What a Word export of a Persian report still does to the text layer, and how
each is repaired (tests/reports/test_read_pdf.py shows each on a real export):
- the لا ligature is one glyph with two characters, extracted in reverse
  ("الیه" for "لایه"): characters that share one glyph box are put back in order;
- brackets come out mirrored (")الف(" for "(الف)"): a bracket that took the line's
  right-to-left direction is mirrored back (pdf_bidi.py);
- zero-width non-joiners are lost ("میشود"): matching ignores them anyway;
- tables become lines of text (a column boundary becomes a tab); page headers and footers repeat on every page
  and are dropped; a page with no text layer (a scan) is reported, never read as empty.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from grader.reports.document import Block, Document, Location, UnreadableReport
from grader.reports.pdf_bidi import Glyph, direction, reading_order
from grader.results import Bilingual

MAX_PAGES = 300
_MIN_TEXT_CHARS = 15  # fewer visible characters than this on a page with a picture: a scan
_MARGIN = 0.1  # headers and footers sit in the top and bottom tenth of the page (Word: ~4% and ~96%)


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


_PAIRS = {"(": ")", "[": "]"}


def balance_brackets(line: str) -> str:
    """Flip the brackets of a line that hold a pair but do not balance: ')مثلا 1e-5)' -> '(مثلا 1e-5)'.

    Whether a PDF's text layer names a mirrored bracket by its look or by its meaning depends
    on the font; a line with a single bracket (its pair is on the next line) is left alone.
    """
    chars = list(line)
    for opener, closer in _PAIRS.items():
        if sum(c in (opener, closer) for c in chars) < 2:
            continue
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
        for position in stack[len(stack) - len(stack) // 2 :] if len(stack) > 1 else []:
            chars[position] = closer
    return "".join(chars)


def _page_lines(textpage: object, raw: object) -> list[tuple[str, float]]:
    """The page's lines in reading order, repaired, with the height of each line's top edge."""
    import pypdfium2.raw as pdfium_c

    count = textpage.count_chars()  # type: ignore[attr-defined]
    chars: list[Glyph] = []
    # PDFium gives a character above U+FFFF (Word's math italic 𝑥, an emoji) as two UTF-16 halves, in either order
    # (a right-to-left line may list the low half first): joined into one glyph, a lone half dropped.
    half = 0
    for index in range(count):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if 0xD800 <= code <= 0xDFFF:
            if not half:
                half = code
                continue
            high, low = (half, code) if half < 0xDC00 else (code, half)
            half = 0
            if not (high < 0xDC00 <= low):
                continue
            code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        half = 0
        box = tuple(round(v, 2) for v in textpage.get_charbox(index))  # type: ignore[attr-defined]
        chars.append(Glyph(chr(code) if code else "", box, bool(pdfium_c.FPDFText_IsGenerated(raw, index))))
    raw_lines: list[list[Glyph]] = [[]]
    for char in chars:
        if char.text in ("\r", "\n"):
            if raw_lines[-1]:
                raw_lines.append([])
        else:
            raw_lines[-1].append(char)
    directions = [direction(line) for line in raw_lines]
    # A line whose letters do not decide (a table row, a mixed line) takes the direction most of the page has.
    letters = Counter(d for line in raw_lines for c in line if (d := _direction(c.text)) and c.text.isalpha())
    page_direction = "R" if letters["R"] >= letters["L"] else "L"
    lines: list[tuple[str, float]] = []
    for line, way in zip(raw_lines, directions, strict=True):
        if not line:
            continue
        base = way or page_direction
        text = reading_order(line, base).strip()
        if "\t" in text and base != page_direction:  # a table row follows the page, whatever its cells hold
            base = page_direction
            text = reading_order(line, base).strip()
        if base == "R":
            text = balance_brackets(text)
        if text:
            lines.append((text, max((c.box[3] for c in line if not c.generated), default=0.0)))
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
            pictures = _picture_tops(page)
            if visible < _MIN_TEXT_CHARS and pictures:
                result.image_only_pages.append(number + 1)
            else:  # a picture between paragraphs (a photo of handwriting): an empty line marks its place
                lines = sorted([*lines, *((_PICTURE, top) for top in pictures)], key=lambda line: -line[1])
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
            if text == _PICTURE:
                result.blocks.append(Block("image", "", where))
                continue
            if _in_margin(top, height) and _shape(text) in running:
                continue
            if "\t" in text:  # a table row: its cells, in reading order
                cells = tuple(c.strip() for c in text.split("\t") if c.strip())
                result.blocks.append(Block("row", " | ".join(cells), where, cells))
            else:
                result.blocks.append(Block("text", text, where))
    if result.image_only_pages:
        listed = ", ".join(str(p) for p in result.image_only_pages)
        listed_fa = "، ".join(str(p) for p in result.image_only_pages)
        pages_fa = "صفحه‌های" if len(result.image_only_pages) > 1 else "صفحهٔ"
        them_fa = "آن‌ها" if len(result.image_only_pages) > 1 else "آن"
        result.notes.append(Bilingual(
            f"{relative}: page(s) {listed} have no text layer (a scan or photo); a TA must read them",
            f"{relative}: {pages_fa} {listed_fa} لایهٔ متنی ندارد (اسکن یا عکس است)؛ دستیار آموزشی باید {them_fa} را "
            "بخواند"))  # fmt: skip
    return result


_PICTURE = "\x00picture"
_MIN_PICTURE = 40.0  # points: smaller pictures are icons and rules, not answers


def _picture_tops(page: object) -> list[float]:
    """The top edges of the pictures on a page that are big enough to hold an answer."""
    import pypdfium2.raw as pdfium_c

    tops = []
    for obj in page.get_objects():  # type: ignore[attr-defined]
        if obj.type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        left, bottom, right, top = obj.get_bounds()
        if right - left >= _MIN_PICTURE and top - bottom >= _MIN_PICTURE:
            tops.append(float(top))
    return tops

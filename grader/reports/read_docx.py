"""Word reports (.docx) through python-docx: paragraphs, tables, equations and images in reading order.

Headers and footers live in their own parts of the package and are never read
as answers. A paragraph's equations (OMML) become linear text in place (see
omml.py); an embedded picture becomes an "image" block, so that a part answered
only by a photo of handwriting is sent to a TA instead of scoring 0 silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grader.reports.document import Block, Document, Location, UnreadableReport
from grader.reports.omml import is_math, linear
from grader.results import Bilingual

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RECURSE = {"hyperlink", "ins", "smartTag", "sdt", "sdtContent", "fldSimple", "customXml", "moveTo"}
_HEADING_STYLES = ("heading", "title", "subtitle", "عنوان", "سرفصل")


def _local(element: Any) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.split("}", 1)[1] if "}" in tag else tag


def _paragraph_parts(paragraph: Any) -> tuple[str, int]:
    """The paragraph's text (equations linearised) and the number of pictures in it."""
    text: list[str] = []
    pictures = 0

    def walk(element: Any) -> None:
        nonlocal pictures
        for child in element:
            name = _local(child)
            if is_math(child):
                before = " " if text and text[-1] and not text[-1][-1].isspace() else ""
                text.append(before + linear(child).strip() + " ")
            elif name == "r":
                for part in child:
                    part_name = _local(part)
                    if part_name == "t":
                        text.append(part.text or "")
                    elif part_name == "tab":
                        text.append("\t")
                    elif part_name in ("br", "cr"):
                        text.append("\n")
                    elif part_name in ("drawing", "pict", "object"):
                        pictures += 1
            elif name in _RECURSE:
                walk(child)

    walk(paragraph)
    return "".join(text).strip(), pictures


def _style_name(paragraph: Any, styles: dict[str, str]) -> str:
    props = paragraph.find(f"{W}pPr")
    style = props.find(f"{W}pStyle") if props is not None else None
    style_id = style.get(f"{W}val") if style is not None else None
    return styles.get(str(style_id), str(style_id or "")).lower()


def _style_names(document: Any) -> dict[str, str]:
    try:
        return {str(s.style_id): str(s.name or "") for s in document.styles}
    except Exception:  # a damaged styles part: headings are still found by their text
        return {}


def read_docx(path: Path, relative: str) -> Document:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as error:  # zipfile, lxml and python-docx's own errors all mean "not a readable .docx"
        raise UnreadableReport(Bilingual(
            f"{relative}: not a readable Word file ({type(error).__name__}); it may be damaged or cut short — "
            "open it in Word and save it again as .docx, or export it to PDF",
            f"{relative}: فایل Word قابل خواندن نیست ({type(error).__name__})؛ ممکن است خراب یا ناقص باشد — "
            "آن را در Word باز کنید و دوباره به صورت ‎.docx‎ ذخیره کنید یا به PDF تبدیل کنید")) from None  # fmt: skip
    result = Document(relative, "docx")
    styles = _style_names(document)
    paragraph_number = table_number = 0
    for element in _body_elements(document.element.body):
        name = _local(element)
        if name == "p":
            paragraph_number += 1
            text, pictures = _paragraph_parts(element)
            where = Location(relative, paragraph=paragraph_number)
            if text:
                style = _style_name(element, styles)
                kind = "heading" if any(style.startswith(h) for h in _HEADING_STYLES) else "text"
                result.blocks.append(Block(kind, text, where))
            for _ in range(pictures):
                result.blocks.append(Block("image", "", where))
        elif name == "tbl":
            table_number += 1
            table = Table(element, document)
            for row_number, row in enumerate(table.rows, start=1):
                cells: list[str] = []
                pictures = 0
                for cell in _unique_cells(row):
                    # every paragraph of the cell: in a content control or a table nested in it too
                    parts = [_paragraph_parts(p) for p in cell._tc.iter(f"{W}p")]
                    cells.append(" ".join(t for t, _ in parts if t).strip())
                    pictures += sum(n for _, n in parts)
                where = Location(relative, table=table_number, row=row_number)
                if any(cells):
                    result.blocks.append(Block("row", " | ".join(cells), where, tuple(cells)))
                for _ in range(pictures):
                    result.blocks.append(Block("image", "", where))
    return result


def _body_elements(container: Any) -> Iterator[Any]:
    """The body's paragraphs and tables in order, also those inside content controls (a cover page, a
    "type your answer here" box of a template) and custom XML, which python-docx's own lists skip."""
    for element in container.iterchildren():
        if _local(element) in ("sdt", "sdtContent", "customXml"):
            yield from _body_elements(element)
        else:
            yield element


def _unique_cells(row: Any) -> list[Any]:
    """A row's cells, a merged cell once (python-docx repeats it for every grid column it spans)."""
    seen: set[int] = set()
    cells = []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells

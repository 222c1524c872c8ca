"""Small reports built in the tests themselves: Word files with python-docx, PDFs with WeasyPrint."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from lxml import etree

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def png(width: int = 40, height: int = 20) -> bytes:
    """A small grey PNG (a stand-in for a photo of handwriting)."""
    raw = b"".join(b"\x00" + bytes([128]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def add_equation(paragraph: object, body: str) -> None:
    """Append an OMML equation (m:oMath with the given inner XML) to a python-docx paragraph."""
    element = etree.fromstring(f'<m:oMath xmlns:m="{M}">{body}</m:oMath>')
    paragraph._p.append(element)  # type: ignore[attr-defined]


def math_run(text: str) -> str:
    return f"<m:r><m:t>{text}</m:t></m:r>"


def write_docx(path: Path, items: list[tuple[str, object]], header: str = "", footer: str = "") -> Path:
    """items: ("heading", text) | ("text", text) | ("table", rows) | ("image", None) | ("equation", (prefix, xml))."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if footer:
        section.footer.paragraphs[0].text = footer
    image = path.with_suffix(".png")
    image.write_bytes(png())
    for kind, value in items:
        if kind == "heading":
            document.add_heading(str(value), level=1)
        elif kind == "text":
            document.add_paragraph(str(value))
        elif kind == "table":
            rows = list(value)  # type: ignore[call-overload]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = str(cell)
        elif kind == "image":
            document.add_picture(str(image))
        elif kind == "equation":
            prefix, xml = value  # type: ignore[misc]
            add_equation(document.add_paragraph(prefix), xml)
    document.save(str(path))
    image.unlink()
    return path


def write_pdf(path: Path, html_body: str, header: str = "") -> Path:
    """A right-to-left PDF set by WeasyPrint in the bundled Vazirmatn font, as a Word export of a Persian report.

    Nothing is done to its text layer: what PDFium extracts from it (ligatures reversed,
    brackets mirrored, half-spaces lost) is what the reader must repair.
    """
    from grader.render.pdf_engine import Document, font_assets
    from grader.render.pdf_engine import write_pdf as render

    running = f"@top-center {{ content: '{header}'; font-family: Vazirmatn; font-size: 9pt; }}" if header else ""
    html = f"""<html dir="rtl" lang="fa"><head><meta charset="utf-8"><style>
        @font-face {{ font-family: Vazirmatn; src: url("fonts/Vazirmatn-Regular.ttf"); }}
        @page {{ size: A5; margin: 2cm 1.5cm; {running} }}
        body {{ font-family: Vazirmatn; font-size: 11pt; }}
        .page {{ page-break-after: always; }}
    </style></head><body>{html_body}</body></html>"""
    render(Document(html, font_assets()), path)
    return path

"""Word reports: paragraphs, headings, tables, equations and pictures in reading order; headers never read."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.reports.document import UnreadableReport
from grader.reports.read_docx import read_docx
from tests.reports.builders import math_run, write_docx

FLOOR = (
    '<m:d><m:dPr><m:begChr m:val="⌊"/><m:endChr m:val="⌋"/></m:dPr><m:e><m:f><m:num>'
    + math_run("n + 2p − f")
    + "</m:num><m:den>"
    + math_run("s")
    + "</m:den></m:f></m:e></m:d>"
    + math_run(" + 1")
)


def test_blocks_come_in_reading_order_with_their_kind_and_place(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "Report.docx", [
        ("heading", "سوال پنجم"),
        ("text", "الف) جدول زیر ابعاد خروجی و تعداد پارامترها را نشان می‌دهد."),
        ("table", [["لایه", "ابعاد خروجی", "تعداد پارامتر"], ["1", "(256, 256, 64)", "(3×3×3+1)×64 = 1792"]]),
        ("equation", ("ب) ", math_run("out = ") + FLOOR)),
        ("image", None),
    ], header="علی رضایی — ۴۰۰۱۲۳۴۵۶", footer="صفحه")  # fmt: skip
    document = read_docx(path, "Report.docx")
    kinds = [b.kind for b in document.blocks]
    assert kinds == ["heading", "text", "row", "row", "text", "image"]
    assert document.blocks[0].text == "سوال پنجم"
    assert document.blocks[3].cells == ("1", "(256, 256, 64)", "(3×3×3+1)×64 = 1792")
    assert document.blocks[3].where.table == 1 and document.blocks[3].where.row == 2
    assert document.blocks[4].text == "ب) out = ⌊(n + 2p − f)/s⌋ + 1"
    assert document.blocks[1].where.describe().en == "Report.docx, paragraph 2"
    assert "رضایی" not in document.text  # the running header is not an answer


def test_a_truncated_word_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "Report.docx", [("text", "متن")])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableReport) as raised:
        read_docx(path, "Report.docx")
    assert "save it again as .docx" in raised.value.message.en
    assert "دوباره" in raised.value.message.fa


def test_answers_inside_content_controls_and_nested_tables_are_read(tmp_path: Path) -> None:
    # Word templates put "type your answer here" boxes (content controls, w:sdt) in the body and in table cells;
    # python-docx's paragraph and cell lists skip what is inside them.
    import copy

    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    path = write_docx(tmp_path / "Report.docx", [
        ("heading", "سوال ششم"),
        ("text", "ج) اپسیلون از تقسیم بر صفر جلوگیری می‌کند."),
        ("table", [["لایه", "تعداد پارامتر"], ["Dense", "220"]]),
    ])  # fmt: skip
    document = docx.Document(str(path))
    body = document.element.body
    answer = body.findall(qn("w:p"))[1]
    sdt = etree.SubElement(body, qn("w:sdt"))
    etree.SubElement(sdt, qn("w:sdtPr"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    answer.addprevious(sdt)
    content.append(answer)  # the answer paragraph now lives in a content control, where it was
    cell = document.tables[0].cell(1, 1)._tc
    cell_sdt = etree.SubElement(cell, qn("w:sdt"))
    cell_content = etree.SubElement(cell_sdt, qn("w:sdtContent"))
    moved = cell.find(qn("w:p"))
    cell_content.append(copy.deepcopy(moved))
    cell.remove(moved)
    document.save(str(path))

    blocks = read_docx(path, "Report.docx").blocks
    assert [b.kind for b in blocks] == ["heading", "text", "row", "row"]
    assert blocks[1].text == "ج) اپسیلون از تقسیم بر صفر جلوگیری می‌کند." and blocks[1].where.paragraph == 2
    assert blocks[3].cells == ("Dense", "220")

"""PDF reports: PDFium's text layer of a Persian export, repaired; running headers dropped; scans reported."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from grader.reports.document import UnreadableReport
from grader.reports.pdf_bidi import Glyph, _clusters
from grader.reports.read_pdf import balance_brackets, read_pdf
from tests.reports.builders import png, write_pdf

pytest.importorskip("weasyprint", reason="the PDF fixtures are rendered with WeasyPrint (pip install '.[pdf]')")


def test_a_ligature_extracted_in_reverse_is_put_back() -> None:
    # «لایه»: ل and ا share one glyph box and come out as «ا ل».
    chars = [Glyph("ا", (9, 0, 10, 1), False), Glyph("ل", (9, 0, 10, 1), False),
             Glyph("ی", (8, 0, 9, 1), False), Glyph("ه", (7, 0, 8, 1), False)]  # fmt: skip
    assert [c.text for c in _clusters(chars)] == ["لا", "ی", "ه"]
    latin = [Glyph("f", (1, 0, 2, 1), False), Glyph("i", (1, 0, 2, 1), False)]  # an fi ligature is in order
    assert [c.text for c in _clusters(latin)] == ["fi"]


@pytest.mark.parametrize(("damaged", "repaired"), [
    (")مثلا 1e-5)", "(مثلا 1e-5)"),  # a pair, one of them mirrored
    (")الف(", "(الف)"),
    ("(الف) درست", "(الف) درست"),
    ("۱۲۸ فیلتر)، یک لایه", "۱۲۸ فیلتر)، یک لایه"),  # one bracket: its pair is on the line before
])  # fmt: skip
def test_mirrored_brackets_of_a_pair_are_balanced(damaged: str, repaired: str) -> None:
    assert balance_brackets(damaged) == repaired


def test_a_persian_export_reads_back_repaired_without_its_running_header(tmp_path: Path) -> None:
    pages = "".join(
        f'<div class="page"><h2>سوال {n}</h2><p>(الف) لایهٔ Dropout در کلاس‌بندی بالا به کار می‌رود و '
        f"تعداد 260 پارامتر دارد.</p></div>"
        for n in ("اول", "دوم", "سوم")
    )
    path = write_pdf(tmp_path / "Report.pdf", pages, header="علی رضایی ۴۰۰۱۲۳۴۵۶")
    document = read_pdf(path, "Report.pdf")
    text = document.text
    assert "رضایی" not in text  # the header of every page is dropped
    assert text.count("لایه") == 3 and "الیه" not in text  # the لا ligature is repaired
    assert "بالا" in text and "کلاس" in text
    assert "(الف)" in text and "Dropout" in text
    assert "260 پارامتر" in text  # the number stays where it was written
    assert [b.where.page for b in document.blocks if "سوال" in b.text] == [1, 2, 3]


def test_a_page_without_text_layer_is_reported_for_a_ta(tmp_path: Path) -> None:
    image = base64.b64encode(png(300, 200)).decode()
    body = (f'<div class="page"><h2>سوال پنجم</h2><p>جواب در صفحهٔ بعد است.</p></div>'
            f'<div class="page"><img src="data:image/png;base64,{image}" style="width: 10cm"></div>')  # fmt: skip
    document = read_pdf(write_pdf(tmp_path / "Q5.pdf", body), "Q5.pdf")
    assert document.image_only_pages == [2]
    assert any(b.kind == "image" and b.where.page == 2 for b in document.blocks)
    assert "page(s) 2 have no text layer" in document.notes[0].en


def test_a_broken_pdf_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "Report.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00" * 100)
    with pytest.raises(UnreadableReport) as raised:
        read_pdf(path, "Report.pdf")
    assert "export it again" in raised.value.message.en


def test_characters_beyond_the_basic_plane_read_whole(tmp_path: Path) -> None:
    # Word's equation export writes math italic letters (U+1D400 on); PDFium gives each as two UTF-16 halves,
    # in a right-to-left line low half first. A lone half would crash every later encode of the answer.
    write_pdf(tmp_path / "r.pdf", "<p>سوال ۵</p><p>ب) رابطه: 𝑊 = 𝑥 + 2𝑝 − 𝑓 + 1 و 😀</p><p>𝑊 = 𝑥</p>")
    texts = [b.text for b in read_pdf(tmp_path / "r.pdf", "r.pdf").blocks]
    assert "ب) رابطه: 𝑊 = 𝑥 + 2𝑝 − 𝑓 + 1 و 😀" in texts and "𝑊 = 𝑥" in texts
    assert all(not 0xD800 <= ord(ch) <= 0xDFFF for text in texts for ch in text)

"""A submission's written answers read from its reports: the seed student's report, precedence, bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.reports import extract as extract_module
from grader.reports.extract import extract
from tests.helpers import FIXTURES, grade_folder
from tests.reports.builders import write_docx

SEED = FIXTURES / "reports" / "seed_md" / "report.md"
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "student_answer_sheet.fa.txt"


@pytest.fixture
def seed_folder(tmp_path: Path) -> Path:
    source = SEED if SEED.exists() else SHARED_SEED
    if not source.exists():
        pytest.skip("the seed student's report is not available")
    folder = tmp_path / "seed"
    folder.mkdir()
    shutil.copy(source, folder / "report.md")
    return folder


def test_the_seed_students_report_lands_in_the_right_fields(seed_folder: Path) -> None:
    fields = extract(seed_folder).fields
    values = {d: f.text for d, f in fields.items() if "\n" not in f.text and len(f.text) < 20}
    assert values["q01.tuner_choice"] == "hyperband"
    assert float(values["q01.best_val_accuracy"]) == 0.9918000102043152  # the best so far, not trial 9's 0.54
    assert values["q02.better_model"] == "vgg16"
    assert values["q06.true_statements"] == "2"
    assert values["q06.trainable_params"] == "40"
    assert values["q07.target_layer"] == "conv2d_5"  # Markdown's escaped underscore is read
    assert "RandomSearch این تنظیم کننده" in fields["q01.tuners"].text
    assert fields["q01.filter_size"].text.startswith("من اندازه فیلترها")  # c's restarted «الف)»
    assert fields["q06.batch_size_one"].text.startswith("استفاده از نرمالسازی")  # «(১» read as «د)»
    assert fields["q06.true_statements"].where[0].paragraph == 212  # Q6 has no heading: found by «عبارت اول»
    assert fields["q07.analysis"].where[0].paragraph == 243  # Q7's heading ends a line of Q6(e)
    # The Q5 table is handwriting read by OCR: every cell it does not give goes to a TA.
    unread = [d for d, f in fields.items() if d.startswith("q05.layers") and f.needs_reading]
    assert "q05.layers.1.params" in unread and fields["q05.layers.1.params"].note is not None
    assert all(f.confidence <= 0.4 for d, f in fields.items() if d.startswith("q05.layers"))


def test_the_seed_report_graded_says_where_each_answer_came_from(seed_folder: Path) -> None:
    report = grade_folder(seed_folder, only=("q05", "q06"))
    e = next(c for c in report.question("q06").checks if c.check_id == "q06.e_trainable_params")
    assert e.score == 0.5  # 40, "mean and variance": a sixth (answers/q06.yaml)
    assert "Read from report.md, line 241" in e.feedback.en and "خوانده‌شده از report.md" in e.feedback.fa
    table = next(c for c in report.question("q05").checks if c.check_id == "q05.layer_table")
    assert table.manual_review and "a TA must read it" in table.feedback.en
    assert any("answers were read from report.md" in n.message.en for n in report.notes)


def test_a_typed_answer_sheet_wins_and_the_report_fills_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "answer_sheet.yaml").write_text("q06:\n  trainable_params: 260\n", encoding="utf-8")
    write_docx(folder / "Report.docx", [("heading", "سوال ششم"), ("text", "ه) در کل ۴۰ پارامتر داریم."),
                                        ("text", "د) واریانس صفر می‌شود و خروجی فقط beta است.")])  # fmt: skip
    report = grade_folder(folder, only=("q06",))
    checks = {c.check_id: c for c in report.question("q06").checks}
    # 260 from the sheet (the report's 40 does not replace it); the part's text in the report, its
    # working, shows none: 5/6, and the feedback says where that text was read.
    e = checks["q06.e_trainable_params"]
    assert e.score == 2.5 and e.feedback.en.startswith("260: right") and "no working shown" in e.feedback.en
    assert "Read from Report.docx, paragraph 2." in e.feedback.en
    assert "Report.docx, paragraph 3" in checks["q06.d_batch_size_one"].feedback.en


def test_the_pdf_export_of_a_word_report_is_not_read_twice(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from tests.reports.builders import write_pdf

    folder = tmp_path / "s"
    folder.mkdir()
    paragraphs = ["سوال ششم", "ج) اپسیلون جلوی تقسیم بر صفر را می‌گیرد.", "د) با اندازهٔ دستهٔ یک واریانس صفر است."]
    write_docx(folder / "Report.docx", [("text", p) for p in paragraphs])
    write_pdf(folder / "Report.pdf", "".join(f"<p>{p}</p>" for p in paragraphs))
    result = extract(folder)
    assert result.read == ["Report.docx"]
    assert any("Report.pdf is the same report as Report.docx" in n.en for n in result.notes)


def test_bad_files_are_reported_and_the_rest_is_still_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    write_docx(folder / "Report.docx", [("text", "سوال ششم"), ("text", "ج) اپسیلون جلوی تقسیم بر صفر را می‌گیرد.")])
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 binary word")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 cut short")
    (folder / "notes.md").write_text("یادداشت‌هایی بدون هیچ عنوان سوال\n", encoding="utf-8")
    big = folder / "huge.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * 200_000)
    monkeypatch.setattr(extract_module, "MAX_REPORT_BYTES", 100_000)  # the Word report is ~40 kB
    result = extract(folder)
    notes = " | ".join(n.en for n in result.notes)
    assert "old.doc: Word 97-2003 files cannot be read; save the report as .docx or PDF" in notes
    assert "broken.docx: not a readable Word file" in notes
    assert "huge.pdf: 200,009 bytes is over the 100,000-byte limit" in notes
    assert "notes.md: no question headings found" in notes
    assert result.fields["q06.epsilon"].text.startswith("اپسیلون")


def test_a_pdf_renamed_docx_is_read_as_a_pdf(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from tests.reports.builders import write_pdf

    folder = tmp_path / "s"
    folder.mkdir()
    write_pdf(folder / "Report.docx", "<p>سوال ششم</p><p>ج) اپسیلون جلوی تقسیم بر صفر را می‌گیرد.</p>")
    result = extract(folder)
    assert any("Report.docx is a PDF file with another extension" in n.en for n in result.notes)
    assert "q06.epsilon" in result.fields


def test_the_draft_sheet_reads_back_with_the_same_answers(seed_folder: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from grader.answer_sheet import parse_sheet_text
    from grader.cli import main

    target = tmp_path / "answer_sheet.yaml"
    result = CliRunner().invoke(main, ["extract", str(seed_folder), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "answers read from report.md" in result.output
    text = target.read_text(encoding="utf-8")
    assert "# read: report.md, line 27 (confidence 0.8)" in text
    assert "⚑ not read: this part reads like an OCR of handwriting" in text
    sheet = parse_sheet_text(text)
    assert sheet.problems == []
    fields = extract(seed_folder).fields
    for dotted in ("q01.tuner_choice", "q06.trainable_params", "q02.better_model", "q01.tuner_reason"):
        assert sheet.text(dotted).strip() == fields[dotted].text.strip()
    again = CliRunner().invoke(main, ["extract", str(seed_folder), "-o", str(target)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_a_short_pdf_for_one_question_is_no_copy_of_the_word_report(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from tests.reports.builders import write_pdf

    folder = tmp_path / "s"
    folder.mkdir()
    shutil.copy(FIXTURES / "reports" / "docx_fa" / "Report.docx", folder / "Report.docx")
    write_pdf(folder / "Q6_extra.pdf", "<p>سوال ششم</p><p>ه) تعداد پارامترهای قابل آموزش ۲۶۰ است.</p>")
    result = extract(folder)
    assert "Q6_extra.pdf" in result.read and not any("is the same report" in n.en for n in result.notes)


def test_a_file_a_reader_fails_on_is_said_and_the_rest_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    write_docx(folder / "Report.docx", [("text", "سوال ششم"), ("text", "ج) اپسیلون جلوی تقسیم بر صفر را می‌گیرد.")])
    (folder / "q7.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "print(1)", "outputs": null,'
                                     ' "execution_count": 1}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
                                     encoding="utf-8")  # fmt: skip
    result = extract(folder)
    assert result.fields["q06.epsilon"].text.startswith("اپسیلون")
    assert not any("could not be read" in n.en and "Report.docx" in n.en for n in result.notes)


def test_a_written_answer_beside_a_captioned_plot_is_read_not_sent_as_a_picture(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    answer = (
        "ج) در تصویر زیر نمودار دقت آموزش و اعتبارسنجی را آورده‌ام. دقت آموزش تا ۹۹ درصد بالا رفت ولی دقت "
        "اعتبارسنجی از دورهٔ پنجم ثابت ماند، یعنی مدل کمی بیش‌برازش دارد. با اضافه کردن dropout بعد از هر "
        "بلوک کانولوشنی و pooling این فاصله کمتر شد و دقت روی دادهٔ آزمون هم بهتر شد."
    )
    write_docx(folder / "Report.docx", [("text", "سوال اول"), ("text", answer), ("image", None)])
    result = extract(folder)
    field = result.fields["q01.overfitting"]
    assert not field.needs_reading and "بیش‌برازش" in field.text

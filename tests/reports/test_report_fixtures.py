"""The report reader on the fixtures written as students hand reports in (tests/fixtures/reports/README.md).

The ground truth of each fixture (expected.yaml) was written from what its author typed, not from
any extraction. Every answer must land in its own field (misplaced = 0); the few that are read
but not exactly are listed here, with the reason, so that a regression cannot hide among them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.reports.extract import extract
from tests.reports.builders import png, write_docx
from tests.reports.truth import REPORT_FIXTURES, fixture_folders, score_fixture

# Fields read into the right place but not to the letter, and why.
KNOWN = {
    # The PDF export of docx_fa: two excerpts whose brackets around Latin words inside Persian lines
    # cannot be told apart once displayed («build_model(hp)», «(مثلا ۲۴ ساعت قبل)»).
    "pdf_fa": {"q01.keras_tuner", "q03.fix"},
}


@pytest.mark.parametrize(("name", "folder"), fixture_folders(), ids=[n for n, _ in fixture_folders()])
def test_every_answer_lands_in_its_own_field(name: str, folder: Path) -> None:
    score = score_fixture(name, folder)
    assert score.misplaced == [], f"{name}: answers in another field: {score.misplaced}"
    assert score.spurious == [] or name == "scanned_q5", f"{name}: fields the report does not answer: {score.spurious}"
    not_read = {f.split("=")[0] for f in score.wrong} | set(score.missing)
    assert not_read <= KNOWN.get(name, set()), f"{name}: not read right: {sorted(not_read)}"
    assert score.flagged == score.to_flag, f"{name}: pictures and scans not sent to a TA"


def test_robustness_files_are_reported_and_the_rest_still_read(tmp_path: Path) -> None:
    result = extract(REPORT_FIXTURES / "robustness")
    notes = " | ".join(n.en for n in result.notes)
    assert "truncated.docx: not a readable Word file" in notes
    assert "encrypted.pdf: the PDF is password-protected" in notes
    assert "renamed.docx is a PDF file with another extension" in notes
    assert "no_headings.docx: no question headings found" in notes
    truth = yaml.safe_load((REPORT_FIXTURES / "robustness" / "expected.yaml").read_text(encoding="utf-8"))
    expected = truth["files"]["renamed.docx"]["fields"]
    # Everything the renamed PDF answers (and Q6(a)'s reasons beside its statements), nothing from the others.
    assert set(result.fields) - {"q06.statements_reason"} == set(expected)
    assert result.fields["q06.trainable_params"].text == "260"


def test_a_50_mb_report_is_read(tmp_path: Path) -> None:
    """A report made big by its pictures (a phone photo of every page) is read like any other."""
    import os

    folder = tmp_path / "s"
    folder.mkdir()
    report = write_docx(
        folder / "Report.docx", [("text", "سوال ششم"), ("text", "ج) اپسیلون جلوی تقسیم بر صفر را می‌گیرد.")]
    )
    import zipfile

    with zipfile.ZipFile(report, "a", compression=zipfile.ZIP_STORED) as package:  # 50 MB of photo bytes
        package.writestr("word/media/photo.png", png(64, 64) + os.urandom(50_000_000))
    assert report.stat().st_size > 50_000_000
    result = extract(folder)
    assert result.fields["q06.epsilon"].text.startswith("اپسیلون")

"""Real PDFs: the answer key and a student report rendered by WeasyPrint, checked with poppler-utils.

Skipped, with the reason, where WeasyPrint (pip install '.[pdf]') or pdftotext/pdffonts
(Debian: poppler-utils) are missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.render import pdf_engine, pdf_key, pdf_report
from reference.q01_keras_tuner import key_values as q01_key_values
from tests.helpers import SUBMISSIONS
from tests.render.pdf_samples import sample_report

try:
    pdf_engine.load_weasyprint()
    WEASYPRINT = ""
except pdf_engine.PdfUnavailable as error:
    WEASYPRINT = str(error)

pytestmark = [
    pytest.mark.skipif(bool(WEASYPRINT), reason=f"WeasyPrint unavailable: {WEASYPRINT}"),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
        reason="pdftotext/pdffonts missing: apt-get install -y poppler-utils",
    ),
]


def _plain(text: str) -> str:
    """Drop what pdftotext adds, drops or reorders around Persian: bidi marks, ZWNJ, the hamza above of هٔ.

    (It also writes the lam-alef ligature as "ال": the phrases below avoid "لا".)
    """
    for mark in ("\u202a", "\u202b", "\u202c", "\u200c", "\u2066", "\u2069", "\u0654"):
        text = text.replace(mark, "")
    return " ".join(text.split())


def _text(pdf: Path) -> str:
    """The PDF's extracted text. Phrases to look for stay within one direction (pdftotext reorders mixed runs)."""
    return _plain(
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    )


def _fonts(pdf: Path) -> list[list[str]]:
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [line.split() for line in lines]


def _assert_fonts_embedded(pdf: Path) -> set[str]:
    fonts = _fonts(pdf)
    assert fonts, "no fonts in the PDF"
    for row in fonts:
        # name type... emb sub uni object ID: the three flags sit before the last two columns.
        emb, _sub, uni = row[-5:-2]
        assert (emb, uni) == ("yes", "yes"), row
    names = {row[0].split("+", 1)[-1] for row in fonts}
    assert {"Vazirmatn", "Vazirmatn-Bold", "HW4-Mono"} <= names, names
    return names


@pytest.fixture(scope="module")
def key_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("key") / "answer_key.pdf"
    pages = pdf_engine.write_pdf(pdf_key.build("both", keras=False), path)
    return path, pages


def test_answer_key_pdf(key_pdf: tuple[Path, int]) -> None:
    path, pages = key_pdf
    assert 20 <= pages <= 60
    names = _assert_fonts_embedded(path)
    assert names <= {"Vazirmatn", "Vazirmatn-Bold", "HW4-Mono", "HW4-Mono-Bold", "HW4-Mono-Oblique"}, names
    text = _text(path)
    for phrase in (
        "HW4 answer key",
        "KerasTuner is Keras' library for hyperparameter search",
        "Grad-CAM on the last convolutional layer",
        "cannot be applied: the dilated kernel spans 33 pixels",
        "کلید پاسخ تمرین چهارم",
        "برای جستجوی ابرپارامترهاست",
        "پاسخ نمونه",
        "راهنمای نمره‌دهی",
        "قابل اعمال نیست",
        f"{q01_key_values()['parameters']:,}",  # the tuned Q1 model's size, from its committed summary
    ):
        assert _plain(phrase) in text, phrase
    # The ten probe formulas are vector drawings, not text; their plain sympy form is text.
    assert "sympy: d*(k - 1) + 1" in text


def test_student_report_pdf(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    pages = pdf_engine.write_pdf(pdf_report.build(sample_report(), "both"), path)
    assert 1 <= pages <= 6
    _assert_fonts_embedded(path)
    text = _text(path)
    for phrase in (
        "HW4 grading report",
        "students/400123456",
        "Right idea, different words",
        "126x126x32",
        "گزارش نمرهٔ تمرین",
        "دستیار آموزشی",
        "در انتظار بازبینی دستیار آموزشی",
    ):
        assert _plain(phrase) in text, phrase


def test_cli_check_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(
        main,
        ["check", str(SUBMISSIONS / "perfect"), "--only", "q05,q06", "--quiet", "--pdf", str(out), "--pdf-lang", "fa"],
    )
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert out.read_bytes().startswith(b"%PDF") and _plain("ابعاد خروجی و تعداد پارامترهای") in text
    assert "HW4 grading report" not in text  # Persian only


def test_report_draws_the_q03_pipeline_week(tmp_path: Path) -> None:
    from grader.checks._q03_pipeline import WEEK
    from grader.results import Bilingual, CheckResult, GradeReport, QuestionResult, Status

    predictions: list[float | None] = [0.6 + 0.01 * (i % 24) for i in range(WEEK)]
    predictions[5] = None  # an hour the pipeline could not predict
    fix = CheckResult("q03.fix", Bilingual("The fix", "راه‌حل"), Status.PASSED, 4, 4,
                      Bilingual("In words: 0/4\nYour pipeline: 4/4", "در متن: ۰\npipeline شما: ۴"),
                      details=(("pipeline_r2", 0.95), ("week_first_row", 16000), ("week_predictions", predictions)))  # fmt: skip
    question = QuestionResult("q03", Bilingual("Q3", "سوال ۳"), 10, 0, (fix,))
    report = GradeReport("s", "0.1.0", (question,), (), 1.0, ())
    context, assets = pdf_report.build_context(report)
    assert context["questions"][0]["q03_week"] == pdf_report.Q03_FIGURE
    assert assets[pdf_report.Q03_FIGURE].startswith(b"\x89PNG")
    path = tmp_path / "q03.pdf"
    pdf_engine.write_pdf(pdf_report.build(report, "both"), path)
    assert _plain("Your pipeline on the coldest test week") in _text(path)

"""A hand-built GradeReport that exercises every part of the PDF report (no sandbox, no grading)."""

from __future__ import annotations

from grader.results import (
    Bilingual,
    CheckResult,
    GradeReport,
    Override,
    QuestionResult,
    Status,
    SubmissionNote,
    Visibility,
)

B = Bilingual


def _q05_cells() -> tuple[dict[str, object], ...]:
    expected = [
        ("(256, 256, 64)", 1792),
        ("(124, 124, 32)", 51232),
        ("(62, 62, 32)", 0),
        ("(62, 62, 128)", 36992),
        ("(23, 23, 64)", 204864),
        ("(11, 11, 64)", 0),
        ("(11, 11, 256)", 147712),
        ("n/a", 819328),
        ("n/a", 0),
    ]
    cells = []
    for index, (output, params) in enumerate(expected, start=1):
        cell: dict[str, object] = {"layer": index, "expected_output": output, "expected_params": params}
        if index == 9:
            cell.update(output=None, params=None)  # not answered
        elif index == 2:
            cell.update(output="126x126x32", output_ok=False, params="51200", params_ok=False)
        else:
            cell.update(
                output=output.strip("()").replace(", ", "x"), output_ok=True, params=str(params), params_ok=True
            )
        cells.append(cell)
    return tuple(cells)


def sample_report() -> GradeReport:
    q05 = QuestionResult(
        "q05",
        B("Q5 — output size and parameters of conv layers", "سوال ۵ — ابعاد خروجی و تعداد پارامترها"),
        10,
        0,
        (
            CheckResult(
                "q05.layer_table",
                B("(a) the nine layers", "(الف) نُه لایه"),
                Status.PARTIAL,
                3.889,
                5,
                B(
                    "14 of 18 cells right; layer 2 output: 126x126x32 is wrong — floor((256 − 9)/2) + 1 = 124.",
                    "۱۴ خانه از ۱۸ خانه درست است؛ لایهٔ 2، ابعاد خروجی: «126x126x32» نادرست است — floor((256 − 9)/2) + 1 = 124.",
                ),
                details=(("cells", _q05_cells()),),
            ),
            CheckResult(
                "q05.padding_relation",
                B("(b) the padding", "(ب) padding"),
                Status.PASSED,
                5,
                5,
                B("p = (f - 1)/2: right.", "p = (f - 1)/2: درست است."),
            ),
        ),
    )
    q06 = QuestionResult(
        "q06",
        B("Q6 — batch normalization", "سوال ۶ — نرمال‌سازی دسته‌ای"),
        15,
        5,
        (
            CheckResult(
                "q06.c_epsilon",
                B("(c, bonus) the role of epsilon", "(ج، امتیازی) نقش اپسیلون"),
                Status.PARTIAL,
                3,
                5,
                B("1 of 2 key ideas found.", "۱ نکته از ۲ نکته پیدا شد."),
                manual_review=True,
                bonus=True,
            ),
            CheckResult(
                "q06.d_batch_size_one",
                B("(d) batch size 1", "(د) اندازهٔ دستهٔ ۱"),
                Status.FAILED,
                0,
                3,
                B("Not answered yet.", "هنوز پاسخ داده نشده است."),
                manual_review=True,
            ),
            CheckResult(
                "q06.b_hidden",
                B("(b) a hidden check", "(ب) بررسی پنهان"),
                Status.ERROR,
                0,
                1,
                B("forward_batchnorm raised ZeroDivisionError.", "forward_batchnorm خطای ZeroDivisionError داد."),
                visibility=Visibility.HIDDEN,
            ),
        ),
        overrides=(Override("q06.d_batch_size_one", 2.5, "Right idea, different words — TA Sara"),),
    )
    q07 = QuestionResult(
        "q07",
        B("Q7 — Grad-CAM on MNIST", "سوال ۷ — Grad-CAM روی MNIST"),
        20,
        0,
        (
            CheckResult(
                "q07.gradcam_functional",
                B("Grad-CAM heatmaps match the reference", "نقشه‌های Grad-CAM با مرجع"),
                Status.PASSED,
                5,
                5,
                B("median correlation 0.951.", "میانهٔ همبستگی 0.951."),
                details=(("correlations", [0.97, 0.95, 0.91, 0.96, 0.94, 0.98, 0.93, 0.95, 0.92, 0.96]),),
            ),
            CheckResult(
                "q07.gradcam_sequential",
                B("the same on a Sequential model", "همین روی یک مدل Sequential"),
                Status.PARTIAL,
                1,
                2,
                B("median correlation 0.71.", "میانهٔ همبستگی 0.71."),
                details=(("correlations", [0.71, 0.55, 0.80, 0.62, 0.90, 0.70, 0.40, 0.75, 0.72, 0.66]),),
            ),
        ),
    )
    ungraded = QuestionResult("q01", B("Q1 — KerasTuner", "سوال ۱ — KerasTuner"), 15, 10, (), graded=False)
    notes = (SubmissionNote("skipped", B("Skipped .venv/ (a virtual environment).", "پوشهٔ .venv/ نادیده گرفته شد.")),)
    return GradeReport("students/400123456", "0.1.0", (ungraded, q05, q06, q07), notes, 1.25, ("network: none",))

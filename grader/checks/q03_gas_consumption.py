"""Q3 checks: the written diagnosis and fix, scored with the bilingual keyword rubrics in answers/q03.yaml.

Each real cause of the handed-out pipeline's negative R² earns its own rubric group (the unused
scaler, one hour's features fed as time steps, the distribution shift the chronological split
exposes, test NaNs, no validation); reference/q03_gas_consumption.py shows them on synthetic data.
The score is a suggestion: an answer that misses a cause is flagged for a TA's manual review; an
empty one earns 0 with "Not answered yet".

A student may also hand in the fix as code (templates/student/q03_gas_consumption.py, optional):
it is run on the key's synthetic sheet and scored by its test R² (_q03_pipeline.py), and the fix
earns the higher of the written score and the pipeline's, with both shown.
"""

from __future__ import annotations

from fractions import Fraction

from grader import answers
from grader.checks import _q03_pipeline as pipeline
from grader.context import QuestionContext, rubric_verdict
from grader.registry import Verdict, check
from grader.results import Bilingual


@check("q03.diagnosis", points=6, en="Why the given LSTM gets a negative R²: every cause",
       fa="چرا LSTM داده‌شده R² منفی می‌گیرد: همهٔ علت‌ها")  # fmt: skip
def diagnosis(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "diagnosis", "diagnosis")


@check("q03.fix", points=4, en="The fix, step by step (in words, or your pipeline run)",
       fa="راه‌حل، گام به گام (در متن، یا اجرای pipeline شما)")  # fmt: skip
def fix(ctx: QuestionContext) -> Verdict:
    written = rubric_verdict(ctx, "fix", "fix")
    run = pipeline.run_pipeline(ctx)
    if run is None:
        return written
    ran = pipeline.score(run)
    points = answers.load("q03")["parts"]["fix"]
    best = max(written.fraction, ran.fraction)
    words = Bilingual(" ".join(written.feedback.en.splitlines()), " ".join(written.feedback.fa.splitlines()))
    feedback = Bilingual.join([
        Bilingual(f"In words: {_points(written.fraction, points)}/{points} — {words.en}",
                  f"در متن: {_points(written.fraction, points)} از {points} — {words.fa}"),
        Bilingual(f"Your pipeline: {_points(ran.fraction, points)}/{points} — {ran.feedback.en}",
                  f"pipeline شما: {_points(ran.fraction, points)} از {points} — {ran.feedback.fa}"),
        Bilingual("The higher of the two counts.", "امتیاز بالاتر از این دو حساب می‌شود."),
    ], sep="\n")  # fmt: skip
    # A TA looks when the kept score is partial, and at any pipeline that uses later hours.
    review = (best < 1 and (written.manual_review or ran.review)) or run.leak is not None
    return Verdict(best, feedback, manual_review=review, details=pipeline.details(run))


def _points(fraction: Fraction, points: int) -> str:
    return f"{float(fraction * points):g}"

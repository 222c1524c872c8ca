"""Q3 checks: the written diagnosis and fix, scored with the bilingual keyword rubrics in answers/q03.yaml.

Each real cause of the handed-out pipeline's negative R² earns its own rubric group (the unused
scaler, one hour's features fed as time steps, the distribution shift the chronological split
exposes, test NaNs, no validation); reference/q03_gas_consumption.py shows them on synthetic data.
The score is a suggestion: an answer that misses a cause is flagged for a TA's manual review; an
empty one earns 0 with "Not answered yet".
"""

from __future__ import annotations

from grader.context import QuestionContext, rubric_verdict
from grader.registry import Verdict, check


@check("q03.diagnosis", points=6, en="Why the given LSTM gets a negative R²: every cause",
       fa="چرا LSTM داده‌شده R² منفی می‌گیرد: همهٔ علت‌ها")  # fmt: skip
def diagnosis(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "diagnosis", "diagnosis")


@check("q03.fix", points=4, en="The fix, step by step", fa="راه‌حل، گام به گام")
def fix(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "fix", "fix")

"""Q4 checks: the two written parts, scored with the bilingual keyword rubrics in answers/q04.yaml.

The score is a suggestion: an answer that misses a key idea is flagged for a
TA's manual review; an empty one earns 0 with "Not answered yet".
"""

from __future__ import annotations

from grader.context import QuestionContext, rubric_verdict
from grader.registry import Verdict, check


@check("q04.definitions_and_uses", points=5, en="(a) CNNs and RNNs: definitions, and where each works better and why",
       fa="(الف) تعریف CNN و RNN و اینکه هر کدام کجا بهتر کار می‌کند و چرا")  # fmt: skip
def definitions_and_uses(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "definitions_and_uses", "definitions_and_uses")


@check("q04.parameters_and_parallelism", points=5, en="(b) number of parameters and parallelism",
       fa="(ب) تعداد پارامترها و موازی‌سازی")  # fmt: skip
def parameters_and_parallelism(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "parameters_and_parallelism", "parameters_and_parallelism")

"""What a check function receives: the answer sheet, the student's definitions, the sandbox."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

from grader.answer_sheet import AnswerSheet, Given, Invalid, Missing
from grader.registry import Verdict
from grader.results import Bilingual
from grader.sandbox.client import Definition, Sandbox
from grader.sandbox.failures import StudentCodeFailure

T = TypeVar("T")

NOT_ANSWERED = Bilingual("Not answered yet.", "هنوز پاسخ داده نشده است.")


@dataclass
class Found:
    definition: Definition
    alternatives: tuple[Definition, ...]

    def note(self) -> Bilingual | None:
        """Which of several same-named definitions is graded, and why."""
        if not self.alternatives:
            return None
        others = ", ".join(_where(d) for d in self.alternatives)
        return Bilingual(
            f"{self.definition.name} is defined more than once ({others}); graded the one in "
            f"{_where(self.definition)}, the last in file order, as Python itself would keep.",
            f"{self.definition.name} بیش از یک بار تعریف شده است ({others})؛ تعریفِ {_where(self.definition)} "
            "تصحیح شد که در ترتیب فایل‌ها آخرین است، همان‌طور که خود پایتون نگه می‌دارد.",
        )


def _where(definition: Definition) -> str:
    line = f":{definition.line}" if definition.line else ""
    return f"{definition.file}{line}"


@dataclass
class QuestionContext:
    question_id: str
    sheet: AnswerSheet
    sandbox: Sandbox | None
    definitions: Sequence[Definition]
    memo: dict[str, Any] = field(default_factory=dict)
    # What the student's notebooks left after running (sandbox/harvest.py): models, tuners,
    # hypermodels and plain values, each {"module", "name", "kind", ...}; empty when none ran.
    objects: Sequence[dict[str, Any]] = ()

    def find(self, *names: str, kind: str = "function") -> Found | None:
        """The student's definition with one of these names (earlier names win), last in file order."""
        for name in names:
            matches = [d for d in self.definitions if d.name == name and d.kind == kind]
            if matches:
                return Found(matches[-1], tuple(matches[:-1]))
        return None

    def remember(self, key: str, compute: Callable[[], T]) -> T:
        """Share one computation (e.g. a student call) between the checks of a question."""
        if key not in self.memo:
            try:
                self.memo[key] = compute()
            except StudentCodeFailure as failure:
                self.memo[key] = failure
        value = self.memo[key]
        if isinstance(value, StudentCodeFailure):
            raise value
        return value  # type: ignore[no-any-return]


def sheet_verdict(
    ctx: QuestionContext, dotted: str, parse: Callable[[str], T], grade: Callable[[T], Verdict]
) -> Verdict:
    """Read one answer-sheet field and grade it; missing and unreadable answers earn 0 with a reason."""
    answer = ctx.sheet.get(dotted, parse)
    if isinstance(answer, Missing):
        return Verdict(Fraction(0), NOT_ANSWERED)
    if isinstance(answer, Invalid):
        return Verdict(Fraction(0), answer.problem.describe())
    assert isinstance(answer, Given)
    return grade(answer.value)


def rubric_verdict(ctx: QuestionContext, field: str, rubric: str) -> Verdict:
    """Score a written answer with a rubric of answers/<question>.yaml; partial scores go to a TA."""
    from grader import answers
    from grader.rubric import load_rubric, score_text

    groups = load_rubric(answers.load(ctx.question_id)["rubrics"][rubric]["groups"])
    dotted = f"{ctx.question_id}.{field}"
    text = ctx.sheet.text(dotted)
    if not text.strip():
        return sheet_verdict(ctx, dotted, str, lambda _: Verdict(Fraction(0), NOT_ANSWERED))
    # An answer read from a report is scored on its whole part, as a TA reads it: students do
    # not keep to one paragraph per sub-question.
    scored = score_text(ctx.sheet.context(dotted), groups)
    return Verdict(scored.fraction, scored.feedback(), manual_review=scored.fraction < 1)

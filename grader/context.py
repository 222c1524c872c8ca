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
MAX_WRITTEN = 50_000  # characters of one written part that a rubric reads


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


def part_text(ctx: QuestionContext, dotted: str) -> str:
    """The text a written answer is scored on.

    An answer read from a report is scored on its whole part, as a TA reads it: students do not
    keep to one paragraph per sub-question, and a part's paragraphs may all have gone to a
    sibling field of the same part. A YAML answer is its own text.
    """
    text = ctx.sheet.text(dotted)
    if text.strip():
        return ctx.sheet.context(dotted)
    from grader.reports.fields import layout

    field_name = dotted.split(".", 1)[1]
    for fields in layout(ctx.question_id).parts.values():
        if field_name in fields:
            for sibling in fields:
                source = ctx.sheet.source(f"{ctx.question_id}.{sibling}")
                if source is not None and source.context.strip():
                    ctx.sheet.text(f"{ctx.question_id}.{sibling}")  # so the feedback says where it was read
                    return source.context
    return ""


def _submission_text(ctx: QuestionContext) -> str:
    return "\n".join(raw.text for path, raw in ctx.sheet.raw.items() if path[0] != "student")


def rubric_verdict(ctx: QuestionContext, field: str, rubric: str, preface: str = "") -> Verdict:
    """Score a written answer with a rubric of answers/<question>.yaml (grader/written, docs/rubrics.md).

    `preface`: what a typed field of the sheet already says (the tuner chosen), read before the text.
    Partial scores go to a TA, and so does text that reads as pasted (the score is unchanged).
    """
    from grader.written import load_rubric, mark, pasted_signal

    dotted = f"{ctx.question_id}.{field}"
    text = part_text(ctx, dotted)
    if not text.strip():
        return sheet_verdict(ctx, dotted, str, lambda _: Verdict(Fraction(0), NOT_ANSWERED))
    cut = len(text) > MAX_WRITTEN  # a part is a few thousand characters; far more is no answer to read whole
    text = text[:MAX_WRITTEN]
    marking = mark(f"{preface}\n{text}" if preface else text, load_rubric(ctx.question_id, rubric))
    feedback = marking.feedback()
    if cut:
        feedback = Bilingual.join([feedback, Bilingual(
            f"Only the first {MAX_WRITTEN:,} characters were read; a TA should read the rest.",
            f"فقط {MAX_WRITTEN:,} نویسهٔ اول خوانده شد؛ دستیار آموزشی باید بقیه را بخواند.")], sep="\n")  # fmt: skip
    pasted = pasted_signal(text, _submission_text(ctx))
    if pasted is not None:
        feedback = Bilingual.join([feedback, pasted], sep="\n")
    details = (("rubric", {"points": marking.points, "found": [e.idea.id for e in marking.found],
                           "wrong": [e.idea.id for e in marking.wrong], "pasted": pasted is not None}),)  # fmt: skip
    return Verdict(marking.fraction, feedback, manual_review=marking.fraction < 1 or pasted is not None or cut,
                   details=details)  # fmt: skip

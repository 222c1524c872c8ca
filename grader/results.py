"""Immutable result types: what a check found, per question and per submission.

Every user-visible string is a `Bilingual` pair, so no renderer can ever show a
message in one language only. Scores are validated on construction: a result
whose status contradicts its score is our bug and fails loudly.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

QUESTION_IDS: tuple[str, ...] = ("q01", "q02", "q03", "q04", "q05", "q06", "q07")


@dataclass(frozen=True)
class Bilingual:
    """One message in English and Persian; both halves are required."""

    en: str
    fa: str

    def __post_init__(self) -> None:
        if not isinstance(self.en, str) or not isinstance(self.fa, str):
            raise TypeError("Bilingual needs two strings")
        if not self.en.strip() or not self.fa.strip():
            raise ValueError(f"Bilingual message with an empty half: en={self.en!r} fa={self.fa!r}")

    def pick(self, lang: str) -> str:
        if lang == "en":
            return self.en
        if lang == "fa":
            return self.fa
        if lang == "both":
            return f"{self.en}\n{self.fa}"
        raise ValueError(f"unknown language {lang!r}; use en, fa or both")

    def __add__(self, other: Bilingual) -> Bilingual:
        return Bilingual(f"{self.en} {other.en}", f"{self.fa} {other.fa}")

    @staticmethod
    def join(parts: list[Bilingual] | tuple[Bilingual, ...], sep: str = " ") -> Bilingual:
        """The parts one after another; "; " and ", " become Persian's «؛ » and «، » in the Persian text."""
        if not parts:
            raise ValueError("nothing to join")
        sep_fa = {"; ": "؛ ", ", ": "، "}.get(sep, sep)
        return Bilingual(sep.join(p.en for p in parts), sep_fa.join(p.fa for p in parts))


class Status(enum.StrEnum):
    PASSED = "passed"
    PARTIAL = "partial"
    FAILED = "failed"
    ERROR = "error"  # the student's code crashed, hung or broke a limit


class Visibility(enum.StrEnum):
    VISIBLE = "visible"  # students see the check and its feedback
    HIDDEN = "hidden"  # TAs only (Gradescope: after_published)


def round_points(value: float) -> float:
    """Scores are kept to 1/1000 of a point so that JSON, CSV and PDF agree."""
    return round(value + 0.0, 3)


@dataclass(frozen=True)
class CheckResult:
    check_id: str
    title: Bilingual
    status: Status
    score: float
    max_score: float
    feedback: Bilingual
    visibility: Visibility = Visibility.VISIBLE
    manual_review: bool = False
    bonus: bool = False  # bonus points sit on top of the question's regular points
    # Extra structured facts for renderers (e.g. the Q5 table cells). Plain data only.
    details: tuple[tuple[str, object], ...] = ()

    def __post_init__(self) -> None:
        if not (math.isfinite(self.score) and math.isfinite(self.max_score)):
            raise ValueError(f"{self.check_id}: non-finite score")
        if not 0 <= self.score <= self.max_score:
            raise ValueError(f"{self.check_id}: score {self.score} outside 0..{self.max_score}")
        if self.status is Status.PASSED and self.score != self.max_score:
            raise ValueError(f"{self.check_id}: passed with {self.score}/{self.max_score}")
        if self.status in (Status.FAILED, Status.ERROR) and self.score != 0:
            raise ValueError(f"{self.check_id}: {self.status.value} with a non-zero score")
        if self.status is Status.PARTIAL and not (0 < self.score < self.max_score):
            raise ValueError(f"{self.check_id}: partial with {self.score}/{self.max_score}")

    def detail(self, key: str, default: object = None) -> object:
        return dict(self.details).get(key, default)


@dataclass(frozen=True)
class Override:
    """A TA's decision for one check; it wins over the automatic score everywhere."""

    check_id: str
    score: float
    reason: str


@dataclass(frozen=True)
class QuestionResult:
    """One question's checks. `graded` is False for a question left out with --only."""

    question_id: str
    title: Bilingual
    points: float  # the sheet's regular points
    bonus_points: float
    checks: tuple[CheckResult, ...]
    graded: bool = True
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        ids = [c.check_id for c in self.checks]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.question_id}: duplicate check ids {ids}")
        known = set(ids)
        for override in self.overrides:
            if override.check_id not in known:
                raise ValueError(f"override for unknown check {override.check_id!r}")

    def override_for(self, check: CheckResult) -> Override | None:
        for override in self.overrides:
            if override.check_id == check.check_id:
                return override
        return None

    def check_score(self, check: CheckResult) -> float:
        override = self.override_for(check)
        return check.score if override is None else override.score

    @property
    def score(self) -> float:
        return round_points(sum(self.check_score(c) for c in self.checks))

    @property
    def max_score(self) -> float:
        return self.points if self.graded else 0.0

    @property
    def manual_review(self) -> bool:
        """Checks still waiting for a TA: flagged ones that no override has decided."""
        return any(c.manual_review and self.override_for(c) is None for c in self.checks)


@dataclass(frozen=True)
class SubmissionNote:
    """Something about the submission as a whole: files skipped, cells that failed, ..."""

    kind: str
    message: Bilingual


@dataclass(frozen=True)
class GradeReport:
    submission: str
    grader_version: str
    questions: tuple[QuestionResult, ...]
    notes: tuple[SubmissionNote, ...] = ()
    execution_time: float = 0.0
    sandbox: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total(self) -> float:
        return round_points(sum(q.score for q in self.questions))

    @property
    def bonus_total(self) -> float:
        return round_points(sum(q.check_score(c) for q in self.questions for c in q.checks if c.bonus))

    @property
    def max_total(self) -> float:
        return round_points(sum(q.max_score for q in self.questions))

    def question(self, question_id: str) -> QuestionResult:
        for q in self.questions:
            if q.question_id == question_id:
                return q
        raise KeyError(question_id)

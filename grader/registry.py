"""The check registry: a marker decorator and one validating collection step.

`@check(...)` only records metadata on the function and returns it unchanged
(as pluggy's markers do). `collect()` imports every `grader.checks.qNN_*`
module, then validates all checks at once against the point values kept in
`answers/` and fails loudly, naming the offending function, on our mistakes.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, TypeVar

from grader.answers import question_points
from grader.results import QUESTION_IDS, Bilingual, Visibility

if TYPE_CHECKING:
    from grader.context import QuestionContext

_CHECK_ID = re.compile(r"^q0[1-7]\.[a-z0-9_]+$")


@dataclass(frozen=True)
class Verdict:
    """What a check function returns: the fraction of its points earned, and why."""

    fraction: Fraction
    feedback: Bilingual
    manual_review: bool = False
    details: tuple[tuple[str, object], ...] = ()
    crashed: bool = False  # the student's code raised, hung or broke a limit

    def __post_init__(self) -> None:
        if not 0 <= self.fraction <= 1:
            raise ValueError(f"fraction {self.fraction} outside 0..1")
        if self.crashed and self.fraction != 0:
            raise ValueError("a crashed call earns nothing")


CheckFunction = Callable[["QuestionContext"], Verdict]
F = TypeVar("F", bound=CheckFunction)


@dataclass(frozen=True)
class CheckSpec:
    check_id: str
    points: float
    title: Bilingual
    function: CheckFunction
    visibility: Visibility = Visibility.VISIBLE
    bonus: bool = False

    @property
    def question_id(self) -> str:
        return self.check_id.split(".", 1)[0]


_MARK = "__grader_check__"


def check(
    check_id: str,
    *,
    points: float,
    en: str,
    fa: str,
    hidden: bool = False,
    bonus: bool = False,
) -> Callable[[F], F]:
    """Mark a function as a check. Returns the function unchanged."""

    def mark(function: F) -> F:
        spec = CheckSpec(
            check_id=check_id,
            points=points,
            title=Bilingual(en, fa),
            function=function,
            visibility=Visibility.HIDDEN if hidden else Visibility.VISIBLE,
            bonus=bonus,
        )
        setattr(function, _MARK, spec)
        return function

    return mark


class RegistryError(Exception):
    """Our own mistake in the checks: never a student's."""


def _specs_in(module: object) -> list[CheckSpec]:
    found = [getattr(v, _MARK) for v in vars(module).values() if hasattr(v, _MARK)]
    # Definition order, so that checks run and render in the order they are written.
    return sorted(found, key=lambda s: s.function.__code__.co_firstlineno)


def collect(package: str = "grader.checks") -> dict[str, tuple[CheckSpec, ...]]:
    """Every registered check, grouped by question, validated."""
    pkg = importlib.import_module(package)
    by_question: dict[str, list[CheckSpec]] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if not re.match(r"^q0[1-7]_", info.name):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for spec in _specs_in(module):
            where = f"{module.__name__}.{spec.function.__name__}"
            if not _CHECK_ID.match(spec.check_id):
                raise RegistryError(f"{where}: bad check id {spec.check_id!r} (want qNN.name)")
            if not info.name.startswith(spec.question_id + "_"):
                raise RegistryError(f"{where}: check {spec.check_id} lives in {info.name}")
            if spec.points < 0:
                raise RegistryError(f"{where}: points must not be negative, got {spec.points}")
            by_question.setdefault(spec.question_id, []).append(spec)
    seen: dict[str, str] = {}
    for specs in by_question.values():
        for spec in specs:
            if spec.check_id in seen:
                raise RegistryError(f"duplicate check id {spec.check_id} ({seen[spec.check_id]})")
            seen[spec.check_id] = spec.function.__name__
    for qid, specs in by_question.items():
        regular = sum(s.points for s in specs if not s.bonus)
        bonus = sum(s.points for s in specs if s.bonus)
        want = question_points(qid)
        if abs(regular - want.points) > 1e-9 or abs(bonus - want.bonus) > 1e-9:
            raise RegistryError(
                f"{qid}: checks give {regular} + {bonus} bonus points but answers/{qid}.yaml "
                f"says {want.points} + {want.bonus} bonus"
            )
    return {qid: tuple(by_question[qid]) for qid in QUESTION_IDS if qid in by_question}

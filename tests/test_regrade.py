"""Re-grading without the student's code: the explicit list is proven check by check, corrections apply."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.answer_sheet import read_sheet
from grader.context import QuestionContext
from grader.corrections import Correction, CorrectionError, load
from grader.engine import Options, grade
from grader.registry import collect
from grader.regrade import NO_CODE_CHECKS, regrade
from grader.student_answers import read_answers
from tests.helpers import SUBMISSIONS, grade_folder


class Touched(Exception):
    """A check reached for the student's code."""


class Tripwire:
    def __getattr__(self, name: str) -> Any:
        raise Touched(f"sandbox.{name}")


class TripwireList(list):  # type: ignore[type-arg]
    def __iter__(self) -> Iterator[Any]:
        raise Touched("definitions")

    def __len__(self) -> int:
        raise Touched("definitions")


class TripwireMemo(dict):  # type: ignore[type-arg]
    def __contains__(self, key: object) -> bool:
        raise Touched(f"memo[{key!r}]")

    def get(self, key: Any, default: Any = None) -> Any:
        raise Touched(f"memo[{key!r}]")

    def __getitem__(self, key: Any) -> Any:
        raise Touched(f"memo[{key!r}]")


def _touches_code(check_id: str) -> bool:
    spec = next(s for q in collect().values() for s in q if s.check_id == check_id)
    sheet = read_sheet(SUBMISSIONS / "perfect" / "answer_sheet.yaml")
    ctx = QuestionContext(spec.question_id, sheet, Tripwire(), TripwireList(), TripwireMemo())  # type: ignore[arg-type]
    try:
        spec.function(ctx)
    except Touched:
        return True
    return False


@pytest.mark.parametrize("check_id", sorted(s.check_id for q in collect().values() for s in q))
def test_the_list_of_checks_that_need_no_code_is_exact(check_id: str) -> None:
    assert _touches_code(check_id) == (check_id not in NO_CODE_CHECKS)


def test_regrade_gives_what_a_full_run_gives_and_names_the_checks_needing_code() -> None:
    full = grade_folder(SUBMISSIONS / "seed_student")
    ids = [c.check_id for q in full.questions for c in q.checks]
    again = regrade(SUBMISSIONS / "seed_student", ids, {})
    assert again.internal == []
    assert sorted(again.needs_code) == sorted(i for i in ids if i not in NO_CODE_CHECKS)
    for question in full.questions:
        for check in question.checks:
            if check.check_id in NO_CODE_CHECKS:
                assert again.results[check.check_id] == check


def test_a_correction_replaces_the_reading_and_is_marked_as_a_tas(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    shutil.copytree(SUBMISSIONS / "seed_student", folder)
    before = regrade(folder, ["q06.e_trainable_params"], {}).results["q06.e_trainable_params"]
    fixed = {"q06.trainable_params": Correction("q06.trainable_params", "260", by="Sara")}
    after = regrade(folder, ["q06.e_trainable_params"], fixed).results["q06.e_trainable_params"]
    # 260 is right; the seed's working (mean and variance as BN's parameters) still costs a third
    assert after.feedback.en.startswith("260: right") and after.score > before.score
    sheet, _ = read_answers(folder, fixed)
    source = sheet.source("q06.trainable_params")
    assert source is not None and source.corrected_by == "Sara" and source.confidence == 1.0
    report, _ = grade(folder, Options(only=frozenset({"q06"})), corrections=fixed)
    assert report.notes[-1].kind == "correction" and report.notes[-1].message.en.endswith(": q06.trainable_params")


def test_the_corrections_file_is_checked_field_by_field(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('students:\n  "400":\n    q05.layers.3.output: {value: "(62, 62, 32)", by: Sara}\n',
                    encoding="utf-8")  # fmt: skip
    assert load(path, "400") == {"q05.layers.3.output": Correction("q05.layers.3.output", "(62, 62, 32)", "Sara")}
    assert load(path, "401") == {} and load(path) == {}
    path.write_text("q05.layers.99.output: {value: 1}\n", encoding="utf-8")
    with pytest.raises(CorrectionError, match=r"q05.layers.99.output: not an answer-sheet field"):
        load(path)
    path.write_text("q06.trainable_params: 260\n", encoding="utf-8")
    with pytest.raises(CorrectionError, match=r"expected \{value"):
        load(path)

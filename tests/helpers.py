"""Shared helpers for the tests: fixture paths and grading of fixture folders."""

from __future__ import annotations

from pathlib import Path

from grader.engine import Options, grade
from grader.results import GradeReport

FIXTURES = Path(__file__).parent / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"


def grade_folder(folder: Path, only: tuple[str, ...] = ("q05", "q06")) -> GradeReport:
    report, internal = grade(folder, Options(only=frozenset(only)))
    assert internal == [], internal
    return report


def statuses(report: GradeReport, question: str) -> dict[str, str]:
    return {c.check_id: c.status.value for c in report.question(question).checks}

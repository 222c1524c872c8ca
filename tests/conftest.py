"""Shared fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.results import GradeReport
from tests.helpers import SUBMISSIONS, grade_folder

pytest_plugins = ("pytester",)  # tests/test_pytest_plugin.py runs pytest inside pytest


@pytest.fixture(scope="session")
def perfect_report() -> GradeReport:
    return grade_folder(SUBMISSIONS / "perfect")


@pytest.fixture(scope="session")
def keras_perfect_report() -> GradeReport:
    """The perfect submission's Q1 and Q7, graded once (TensorFlow in the sandbox: ~15 s)."""
    return grade_folder(SUBMISSIONS / "perfect", only=("q01", "q07"))


@pytest.fixture(scope="session")
def notebook_2023_report() -> GradeReport:
    return grade_folder(SUBMISSIONS / "notebook_2023_keras", only=("q01", "q07"))


@pytest.fixture
def submission(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Build a submission folder: submission({"name.py": path_or_text}, sheet_from="perfect")."""

    def build(files: dict[str, Path | str], sheet_from: str | None = "perfect") -> Path:
        folder = tmp_path / "submission"
        folder.mkdir(exist_ok=True)
        if sheet_from is not None:
            shutil.copy(SUBMISSIONS / sheet_from / "answer_sheet.yaml", folder / "answer_sheet.yaml")
        for name, content in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copy(content, target)
            else:
                target.write_text(content, encoding="utf-8")
        return folder

    return build

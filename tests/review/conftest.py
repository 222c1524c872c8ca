"""The graded class the review's tests share (each test works on its own copy of the results)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.review.classroom import build_class, copy_class


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_class(tmp_path_factory.mktemp("review-class"))


@pytest.fixture
def results(graded_class: Path, tmp_path: Path) -> Path:
    """This test's own copy of the class's results (and gradebook), with the shared submissions."""
    return copy_class(graded_class, tmp_path)

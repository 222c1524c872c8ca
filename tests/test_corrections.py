"""A TA's corrections file: what it holds, for one submission and for a class."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.corrections import CorrectionError, load


def test_an_unquoted_student_id_still_finds_its_entries(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("students:\n  400123456:\n    q06.trainable_params: {value: '260', by: Sara}\n", encoding="utf-8")
    found = load(path, "400123456")
    assert found["q06.trainable_params"].value == "260" and found["q06.trainable_params"].by == "Sara"
    assert load(path, "400000000") == {}


def test_top_level_entries_are_for_one_submission_and_refused_in_a_class(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("q06.trainable_params: {value: '260'}\n", encoding="utf-8")
    assert load(path)["q06.trainable_params"].value == "260"
    with pytest.raises(CorrectionError, match="in a class run corrections go under students: <id>"):
        load(path, "400123456")


def test_a_check_id_is_not_a_field_and_the_message_says_where(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("q06.e_trainable_params: {value: '260'}\n", encoding="utf-8")
    with pytest.raises(CorrectionError, match=r"q06\.e_trainable_params: not an answer-sheet field"):
        load(path)

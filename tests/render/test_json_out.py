"""The result file reads back into the report it was written from (grader review applies overrides to it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.overrides import apply
from grader.render.json_out import render, report_dict, report_from_dict
from grader.results import GradeReport, Override
from tests.render.pdf_samples import sample_report


def test_a_result_file_reads_back_unchanged(perfect_report: GradeReport) -> None:
    for report in (perfect_report, sample_report()):
        data = json.loads(render(report))
        assert report_dict(report_from_dict(data)) == data


def test_overrides_come_back_attached_and_the_automatic_scores_stay(perfect_report: GradeReport) -> None:
    decided, _ = apply(perfect_report, [Override("q06.c_epsilon", 1.0, "only half the idea — Sara")], Path("ta.yaml"))
    again = report_from_dict(json.loads(render(decided)))
    q06 = again.question("q06")
    check = next(c for c in q06.checks if c.check_id == "q06.c_epsilon")
    assert q06.check_score(check) == 1.0 and check.score == 5 and again.total == decided.total


def test_another_schema_is_refused() -> None:
    with pytest.raises(ValueError, match="not a hw4-grader/result/v1 result"):
        report_from_dict({"schema": "something/else"})

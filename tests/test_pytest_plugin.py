"""The pytest plugin (entry point pytest11): one test item per check of a submission."""

from __future__ import annotations

import json

import pytest

from tests.helpers import SUBMISSIONS

PERFECT, SEED = str(SUBMISSIONS / "perfect"), str(SUBMISSIONS / "seed_student")


def test_one_item_per_check_and_a_perfect_submission_passes(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--grader-submission", PERFECT, "--grader-only", "q05,q06", "-v")
    result.assert_outcomes(passed=14)
    result.stdout.fnmatch_lines(["*grader[[]perfect[]]::q05.layer_table PASSED*", "*q06.b_train_output PASSED*"])


def test_failing_checks_show_score_and_bilingual_feedback(pytester: pytest.Pytester) -> None:
    out = pytester.path / "r.json"
    junit = pytester.path / "pytest.xml"
    result = pytester.runpytest_subprocess("--grader-submission", SEED, "--grader-only", "q05",
                                           "--grader-json", str(out), f"--junitxml={junit}")  # fmt: skip
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*q05.layer_table partial: *", "*لایه*"])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["questions"]["q05"]["graded"] and not data["questions"]["q06"]["graded"]
    assert 'name="score"' in junit.read_text(encoding="utf-8")


def test_visibility_selects_public_or_hidden_checks(pytester: pytest.Pytester) -> None:
    public = pytester.runpytest_subprocess(
        "--grader-submission", PERFECT, "--grader-only", "q05", "--collect-only", "-q"
    )
    public.stdout.fnmatch_lines(["*q05.layer_table*"])
    hidden = pytester.runpytest_subprocess("--grader-submission", PERFECT, "--grader-only", "q05",
                                           "--grader-visibility", "hidden", "--collect-only", "-q")  # fmt: skip
    assert "q05.layer_table" not in hidden.stdout.str()


def test_bad_options_are_usage_errors(pytester: pytest.Pytester) -> None:
    missing = pytester.runpytest_subprocess("--grader-submission", str(pytester.path / "nope"))
    missing.stderr.fnmatch_lines(["*--grader-submission*no such folder*"])
    assert missing.ret == pytest.ExitCode.USAGE_ERROR
    bad = pytester.runpytest_subprocess("--grader-submission", PERFECT, "--grader-only", "q9")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR


def test_without_the_option_the_plugin_does_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_ordinary():\n    assert True\n")
    pytester.runpytest_subprocess().assert_outcomes(passed=1)

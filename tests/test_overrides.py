"""TA overrides: the file format, its errors, and the scores in every output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.overrides import OverrideError, apply, load
from grader.results import Override
from tests.helpers import SUBMISSIONS, grade_folder

SEED = str(SUBMISSIONS / "seed_student")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_single_submission_file_with_persian_digits(tmp_path: Path) -> None:
    path = _write(tmp_path, 'q06.d_batch_size_one: {score: "۲٫۵", reason: "Right idea", by: "TA Sara"}\n')
    [override] = load(path)
    assert override.check_id == "q06.d_batch_size_one" and override.score == 2.5
    assert override.reason == "Right idea — TA Sara"


def test_class_file_picks_the_student(tmp_path: Path) -> None:
    path = _write(tmp_path, 'students:\n  "400123456":\n    q06.e_trainable_params: {score: 3, reason: "ok"}\n')
    assert [o.check_id for o in load(path, student="400123456")] == ["q06.e_trainable_params"]
    assert load(path, student="400000000") == [] and load(path) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("q06.d_batch_size_one: {score: 2}\n", "line 1: q06.d_batch_size_one: a reason is required"),
        ("q06.d_batch_size_one: {score: lots, reason: x}\n", "is not a number"),
        ("q06.d_batch_size_one: 2\n", "expected {score: N, reason"),
        ("- 1\n", "expected a mapping of check ids"),
        ("q06: [\n", "not valid YAML"),
    ],
)
def test_bad_files_say_where_and_what(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(OverrideError, match=r"overrides\.yaml") as error:
        load(_write(tmp_path, text))
    assert message in str(error.value)


def test_apply_wins_clears_the_review_flag_and_checks_bounds(tmp_path: Path) -> None:
    report = grade_folder(Path(SEED), only=("q06",))
    flagged = next(c for c in report.question("q06").checks if c.manual_review)
    source = tmp_path / "o.yaml"
    overrides = load(_write(tmp_path, f"{flagged.check_id}: {{score: 1, reason: checked by hand}}\n"))
    updated, warnings = apply(report, overrides, source)
    question = updated.question("q06")
    assert warnings == []
    assert question.check_score(next(c for c in question.checks if c.check_id == flagged.check_id)) == 1
    assert updated.total == pytest.approx(report.total - flagged.score + 1)
    assert not any(c.manual_review and question.override_for(c) is None for c in question.checks if c is flagged)
    with pytest.raises(OverrideError, match=r"no check 'q06\.nonsense'; the checks of q06 are: q06\.a_statements"):
        apply(report, [Override("q06.nonsense", 1, "x")], source)
    with pytest.raises(OverrideError, match=r"outside 0\.\."):
        apply(report, [Override(flagged.check_id, 99, "x")], source)
    _, skipped = apply(report, [Override("q01.a_tuners", 1, "x")], source)
    assert skipped == ["override for q01.a_tuners not applied: q01 was not graded in this run"]


def test_cli_applies_overrides_in_every_output(tmp_path: Path) -> None:
    overrides = _write(tmp_path, "q06.d_batch_size_one: {score: 3, reason: 'Full marks: explained in office hours'}\n")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["check", SEED, "--only", "q06", "--overrides", str(overrides),
                                       "--json", str(out), "--csv", str(tmp_path / "r.csv"), "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    check = next(c for c in data["questions"]["q06"]["checks"] if c["id"] == "q06.d_batch_size_one")
    assert check["override"] == {"score": 3, "reason": "Full marks: explained in office hours"}
    assert check["score"] == 3 and check["auto_score"] < 3
    assert data["questions"]["q06"]["score"] == pytest.approx(
        sum(c["score"] for c in data["questions"]["q06"]["checks"])
    )
    bad = _write(tmp_path, "q06.d_batch_size_one: {score: 3}\n")
    failed = CliRunner().invoke(main, ["check", SEED, "--only", "q06", "--overrides", str(bad)])
    assert failed.exit_code == 2 and "a reason is required" in failed.output and "Traceback" not in failed.output


def test_terminal_shows_the_ta_score_and_reason(tmp_path: Path) -> None:
    from rich.console import Console

    from grader.render import terminal

    report = grade_folder(Path(SEED), only=("q06",))
    updated, _ = apply(report, [Override("q06.d_batch_size_one", 3, "explained in office hours")], tmp_path / "o.yaml")
    console = Console(width=240, record=True)
    terminal.render(updated, console, "en")
    text = console.export_text()
    assert "3/3 (TA)" in text and "TA: explained in office hours (automatic score" in text

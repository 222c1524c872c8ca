"""Q3: a student's own fixed pipeline, run on the key's synthetic sheet and scored by R².

The perfect submission's pipeline and one fixture per typical mistake (tests/fixtures/q03_bugs)
are graded for real in the sandbox (each trains a small model for a few seconds); the scoring
rules and the probe's plumbing are tested on plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.checks import _q03_pipeline as pipeline
from grader.results import Bilingual, CheckResult, Status
from grader.sandbox import probe_gas
from reference import q03_gas_consumption as reference
from tests.helpers import FIXTURES, SUBMISSIONS, grade_folder

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "student" / "q03_gas_consumption.py"
BUGS = FIXTURES / "q03_bugs"


def _fix(folder: Path) -> CheckResult:
    checks = {c.check_id: c for c in grade_folder(folder, only=("q03",)).question("q03").checks}
    return checks["q03.fix"]


def _pipeline_line(check: CheckResult) -> str:
    return next(line for line in check.feedback.en.splitlines() if line.startswith("Your pipeline"))


# --- scoring rules (no TensorFlow) ------------------------------------------------------------------


@pytest.mark.parametrize(("r2", "share"), [(0.975, 1), (0.9, 1), (0.85, Fraction(3, 4)), (0.73, Fraction(1, 2)),
                                           (0.3, Fraction(1, 4)), (0.0, 0), (-1.5, 0)])  # fmt: skip
def test_r2_tiers(r2: float, share: Fraction) -> None:
    assert pipeline.tier(r2) == share


def _run(**changes: Any) -> pipeline.PipelineRun:
    trained = {"seconds": 6.0, "layers": ["LSTM", "Dense"], "recurrent": ["LSTM"], "returned": "dict"}
    values: dict[str, Any] = {"r2": 0.95, "persistence_r2": 0.98, "scored": 3489, "total": 3489, "trained": trained}
    return pipeline.PipelineRun(**{**values, **changes})


def test_a_good_recurrent_pipeline_earns_everything_and_names_its_comparisons() -> None:
    scored = pipeline.score(_run())
    assert scored.fraction == 1 and not scored.review
    text = scored.feedback.en
    assert "R² 0.950 on 3,489 of the 3,489 test hours" in text
    assert "the handed-out model -1.50, the reference fix 0.94, next hour = last hour 0.98" in text
    assert "do not use later hours (3 cuts checked)" in text
    assert "R² برابر 0.950" in scored.feedback.fa


def test_no_recurrent_layer_caps_the_pipeline_at_half() -> None:
    run = _run(trained={"seconds": 1.0, "layers": ["Dense", "Dense"], "recurrent": [], "returned": "dict"})
    scored = pipeline.score(run)
    assert scored.fraction == Fraction(1, 2) and scored.review
    assert "No recurrent layer" in scored.feedback.en and "(Dense, Dense)" in scored.feedback.en


def test_a_leak_earns_nothing_and_goes_to_a_ta() -> None:
    leak = Bilingual("it uses the value it predicts", "از همان مقدار استفاده می‌کند")
    scored = pipeline.score(_run(leak=leak))
    assert scored.fraction == 0 and scored.review
    assert "not counted: it uses the value it predicts" in scored.feedback.en


def test_an_environment_problem_goes_to_a_ta_but_a_student_problem_does_not() -> None:
    ours = pipeline.score(pipeline.PipelineRun(Bilingual("no TF", "بدون TF"), environment=True))
    theirs = pipeline.score(pipeline.PipelineRun(Bilingual("crashed", "خطا")))
    assert ours.fraction == theirs.fraction == 0
    assert ours.review and not theirs.review


# --- the probe's plumbing (pandas, no TensorFlow) ---------------------------------------------------


class LSTM:
    pass


class Dense:
    pass


class FakeModel:
    def __init__(self) -> None:
        self.layers = [LSTM(), Dense()]

    def predict(self, x: Any) -> Any:
        return x

    def count_params(self) -> int:
        return 7


class Bundle:
    def __init__(self) -> None:
        self.scaler = object()
        self.model = FakeModel()


@pytest.mark.parametrize("returned", [FakeModel(), (FakeModel(), 1.0), {"model": FakeModel()}, Bundle()],
                         ids=["model", "tuple", "dict", "object"])  # fmt: skip
def test_the_probe_finds_the_model_in_what_train_returns(returned: Any) -> None:
    pytest.importorskip("pandas")
    columns = pipeline.sheet_columns(pipeline.sheet())
    described = probe_gas.gas_train(lambda train: returned, columns, 100, seed=3)
    assert described["layers"] == ["LSTM", "Dense"] and described["recurrent"] == ["LSTM"]
    assert described["parameters"] == 7


def test_the_probe_hands_out_the_sheet_as_pandas_reads_it_and_replaces_the_tail() -> None:
    pd = pytest.importorskip("pandas")
    data = pipeline.sheet()
    columns = pipeline.sheet_columns(data)
    seen: dict[str, Any] = {}

    def train(frame: Any) -> str:
        seen["train"] = frame
        return "fitted"

    def predict(fitted: str, sheet: Any, rows: Any) -> Any:
        seen["sheet"], seen["fitted"] = sheet, fitted
        return sheet["cons (m3/unit)"].iloc[rows - 1]  # last hour's consumption, as a Series

    probe_gas.gas_train(train, columns, 1000, seed=3)
    assert len(seen["train"]) == 1000 and list(seen["train"].columns) == list(reference.COLUMNS)
    assert seen["train"]["date"].dtype.kind == "M" and seen["train"]["date"].iloc[0] == pd.Timestamp("2022-03-01")
    rows = np.arange(2000, 2010)
    reply = probe_gas.gas_predict(predict, columns, rows.tolist(), 2005, np.full(len(data) - 2005, 9.0))
    assert seen["fitted"] == "fitted" and reply["shape"] == [10]
    np.testing.assert_array_equal(reply["values"][:6], data.cons[1999:2005])
    assert (seen["sheet"]["cons (m3/unit)"].iloc[2005:] == 9.0).all() and reply["values"][-1] == 9.0


def test_the_probe_reports_output_that_is_not_numbers() -> None:
    pytest.importorskip("pandas")
    columns = pipeline.sheet_columns(pipeline.sheet())
    probe_gas.gas_train(lambda train: None, columns, 100, seed=3)
    reply = probe_gas.gas_predict(lambda fitted, sheet, rows: ["high", "low"], columns, [200, 201])
    assert "not numbers" in reply["problem"]


# --- real pipelines in the sandbox ------------------------------------------------------------------


@pytest.mark.tf
def test_perfect_pipeline_earns_the_fix_and_shows_both_scores() -> None:
    check = _fix(SUBMISSIONS / "perfect")
    assert check.score == 4 and check.status is Status.PASSED and not check.manual_review
    lines = check.feedback.en.splitlines()
    assert lines[0].startswith("In words: 4/4") and lines[1].startswith("Your pipeline: 4/4 — R² 0.9")
    assert lines[2] == "The higher of the two counts."
    details = dict(check.details)
    assert details["pipeline_r2"] >= 0.9 and details["rows_scored"] == details["rows"] == 3489
    assert details["layers"] == ["LSTM", "Dense"] and details["leak"] is False
    assert "pipeline شما: 4 از 4" in check.feedback.fa


# Each typical mistake: the pipeline's points, and a phrase of the feedback that names the mistake.
MISTAKES = {
    "own_hour_in_window": (0, "it uses the value it predicts"),
    "scaler_fit_on_sheet": (0, "it uses later hours"),
    "features_as_steps": (0, "do not use later hours"),  # causal, but static: R² below zero
    "dense_on_lags": (2, "No recurrent layer"),
    "wrong_length": (0, "returned shape (17429,) for 3489 rows"),
}
SLOW_MISTAKES = {"features_as_steps", "dense_on_lags"}


@pytest.mark.tf
@pytest.mark.parametrize(
    "bug", [pytest.param(b, marks=pytest.mark.slow) if b in SLOW_MISTAKES else b for b in sorted(MISTAKES)]
)
def test_each_mistake_is_named_and_scored(bug: str) -> None:
    points, phrase = MISTAKES[bug]
    check = _fix(BUGS / bug)  # no answer sheet: the words earn 0, the pipeline alone counts
    assert check.score == points, check.feedback.en
    line = _pipeline_line(check)
    assert line.startswith(f"Your pipeline: {points}/4") and phrase in line, line
    assert check.manual_review == (bug != "wrong_length")  # leaks and partial scores go to a TA


@pytest.mark.tf
def test_untouched_template_adds_nothing_to_the_written_fix(submission: Callable[..., Path]) -> None:
    folder = submission({"q03_gas_consumption.py": TEMPLATE}, sheet_from="perfect")
    check = _fix(folder)
    assert check.score == 4 and "pipeline" not in check.feedback.en
    assert set(dict(check.details)) == {"rubric", "read", "answer_digest"}  # what it read, and no pipeline run


def test_one_function_alone_is_named(submission: Callable[..., Path]) -> None:
    folder = submission({"q03.py": "def train_gas_model(train):\n    return None\n"}, sheet_from=None)
    check = _fix(folder)
    assert check.score == 0
    assert "train_gas_model is defined but predict_gas_consumption is not" in _pipeline_line(check)


def test_without_tensorflow_the_pipeline_is_not_run_and_a_ta_is_asked(
    submission: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import grader.engine

    monkeypatch.setattr(grader.engine, "keras_available", lambda: False)
    folder = submission({"q03.py": (SUBMISSIONS / "perfect" / "q03_gas_consumption.py")}, sheet_from="perfect")
    check = _fix(folder)
    assert check.score == 4  # the written fix still counts
    assert "not run: TensorFlow is not installed" in _pipeline_line(check)
    assert not check.manual_review  # full marks from the words: nothing for a TA to decide

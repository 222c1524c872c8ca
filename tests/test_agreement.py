"""The grader agrees with a careful TA on the agreement set (benchmarks/bench_agreement.py, docs/rubrics.md).

Every case of benchmarks/agreement/cases is graded through the real pipeline, as a Markdown
report and as an answer-sheet field. This fails when agreement drops below the level reached
when the rubrics were written (plus a small margin): a rubric or a reader changed for the worse.
About 3 s; no TensorFlow.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARGIN = 0.02  # of a part's maximum: room for a deliberate change of judgement, not for a regression

# Mean |grader - judged| / max per part over all its cases (tuned and held out, both modes), as reached.
REACHED = {
    "q01.a_keras_tuner": 0.04, "q01.a_tuner_reason": 0.00, "q01.a_tuners": 0.09, "q01.b_dropout_pooling": 0.03,
    "q01.b_mnist": 0.04, "q01.c_filter_size": 0.10, "q01.c_overfitting": 0.07, "q01.c_results_analysis": 0.00,
    "q02.analysis": 0.04, "q03.diagnosis": 0.01, "q03.fix": 0.03, "q04.definitions_and_uses": 0.05,
    "q04.parameters_and_parallelism": 0.02, "q05.layer_table": 0.02, "q05.padding_relation": 0.04,
    "q06.a_statements": 0.03, "q06.c_epsilon": 0.10, "q06.d_batch_size_one": 0.03, "q06.e_trainable_params": 0.00,
    "q07.analysis": 0.01,
}  # fmt: skip
REACHED_OVERALL = {"all": 0.04, "tuned": 0.02, "held_out": 0.08}


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_agreement", ROOT / "benchmarks" / "bench_agreement.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_agreement"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def summary() -> dict[str, Any]:
    return _bench().run()  # type: ignore[no-any-return]


def test_every_part_of_the_agreement_set_is_measured(summary: dict[str, Any]) -> None:
    assert set(summary["parts"]) == set(REACHED)
    assert summary["overall"]["all"]["n"] == 410 and summary["overall"]["held_out"]["n"] == 117


@pytest.mark.parametrize("part", sorted(REACHED))
def test_each_part_agrees_with_the_ta_as_closely_as_reached(summary: dict[str, Any], part: str) -> None:
    measured = summary["parts"][part]["all"]
    assert measured["mean_gap"] <= REACHED[part] + MARGIN, measured
    assert measured["mean_gap"] <= 0.10 + MARGIN  # the target: within a tenth of the part's points
    assert abs(measured["bias"]) <= 0.10, measured  # no part systematically above or below the TA


def test_overall_agreement_and_bias(summary: dict[str, Any]) -> None:
    overall = summary["overall"]
    for subset, reached in REACHED_OVERALL.items():
        assert overall[subset]["mean_gap"] <= reached + MARGIN, (subset, overall[subset])
    assert abs(overall["all"]["bias"]) <= 0.03, overall["all"]


def test_the_pasted_text_signal_flags_the_pasted_answers_only(summary: dict[str, Any]) -> None:
    flagged, total = (int(v) for v in summary["pasted_signal"]["pasted_cases_flagged"].split(" of "))
    assert flagged == total > 0
    assert summary["pasted_signal"]["other_cases_flagged"].startswith("0 of ")

"""The Q1 reference search space: inside the sheet's limits, and buildable at every corner."""

from __future__ import annotations

import itertools
import json

import pytest

pytest.importorskip("keras_tuner")
pytestmark = pytest.mark.tf

import keras_tuner  # noqa: E402

from reference.q01_keras_tuner import ARTIFACTS, LIMITS, build_model  # noqa: E402


def corner(conv: int, dense: int, kernel: int, filters: int, units: int) -> keras_tuner.HyperParameters:
    hp = keras_tuner.HyperParameters()
    hp.Fixed("conv_layers", conv)
    hp.Fixed("dense_layers", dense)
    hp.Fixed("kernel_size", kernel)
    for index in range(5):
        hp.Fixed(f"filters_{index}", filters)
    for index in range(2):
        hp.Fixed(f"units_{index}", units)
    return hp


def test_declared_space_is_inside_the_sheets_limits() -> None:
    hp = keras_tuner.HyperParameters()
    build_model(hp)
    space = {p.name: p for p in hp.space}
    assert space["conv_layers"].max_value <= LIMITS["conv_layers"]
    assert space["dense_layers"].max_value <= LIMITS["dense_layers"]
    assert max(max(p.values) for n, p in space.items() if n.startswith("filters_")) <= LIMITS["filters"]
    assert max(max(p.values) for n, p in space.items() if n.startswith("units_")) <= LIMITS["units"]
    assert max(space["learning_rate"].values) <= LIMITS["learning_rate"]


@pytest.mark.parametrize(("conv", "dense", "kernel"), list(itertools.product((2, 5), (1, 2), (3, 5))))
def test_every_corner_builds(conv: int, dense: int, kernel: int) -> None:
    for filters, units in ((32, 64), (64, 256)):
        model = build_model(corner(conv, dense, kernel, filters, units))
        assert model.output_shape == (None, 10)
        assert model.layers[-1].get_config()["activation"] == "softmax"


def test_committed_search_results() -> None:
    summary_path = ARTIFACTS / "summary.json"
    if not summary_path.exists():
        pytest.skip("the tuning run has not been committed yet")
    summary = json.loads(summary_path.read_text())
    assert summary["split"] == {"train": 54_000, "validation": 6_000, "test": 10_000}
    assert summary["tuner"]["kind"] == "Hyperband" and summary["tuner"]["trials"] >= 5
    assert (ARTIFACTS / "trials.csv").exists() and (ARTIFACTS / "learning_curves.png").exists()

"""The Q1 reference: its search space is inside the sheet's limits and builds at every corner, and the
committed weights reproduce the committed test accuracy."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from reference.q01_artifacts import SIZE_BUDGET, WEIGHTS_FILE, shift_images
from reference.q01_keras_tuner import ARTIFACTS, LIMITS, key_values

FULL_MNIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist" / "mnist.npz"


def corner(block2: int, block3: int, dense: int, small: bool) -> dict[str, object]:
    return {"conv_dropout": 0.0, "block1_filters": 16 if small else 32, "block2_convs": block2,
            "block2_filters": 32 if small else 64, "block3_convs": block3, "block3_filters": 64 if small else 96,
            "dense_dropout": 0.2, "dense_layers": dense, "units_0": 64 if small else 256,
            "units_1": 64 if small else 256, "learning_rate": 1e-3}  # fmt: skip


@pytest.mark.tf
def test_declared_space_is_inside_the_sheets_limits() -> None:
    keras_tuner = pytest.importorskip("keras_tuner")
    from reference.q01_keras_tuner import build_model

    hp = keras_tuner.HyperParameters()
    build_model(hp)
    space = {p.name: p for p in hp.space}
    assert 1 + space["block2_convs"].max_value + space["block3_convs"].max_value <= LIMITS["conv_layers"]
    assert space["dense_layers"].max_value <= LIMITS["dense_layers"]
    assert max(max(p.values) for n, p in space.items() if n.endswith("_filters")) <= LIMITS["filters"]
    assert max(max(p.values) for n, p in space.items() if n.startswith("units_")) <= LIMITS["units"]
    assert max(space["learning_rate"].values) <= LIMITS["learning_rate"]


@pytest.mark.tf
@pytest.mark.parametrize(("block2", "block3", "dense"), list(itertools.product((1, 2), (1, 2), (1, 2))))
def test_every_corner_builds_and_fits_the_size_budget(block2: int, block3: int, dense: int) -> None:
    pytest.importorskip("keras_tuner")
    from reference.q01_keras_tuner import build_from_values

    for small in (True, False):
        model = build_from_values(corner(block2, block3, dense, small))
        assert model.output_shape == (None, 10)
        assert model.layers[-1].get_config()["activation"] == "softmax"
        kinds = {type(layer).__name__ for layer in model.layers}
        assert kinds <= {"Conv2D", "MaxPooling2D", "Dropout", "Flatten", "Dense"}  # the sheet's layer kinds
        assert model.count_params() * 2 <= SIZE_BUDGET  # float16 always fits; the largest corner has 483,978


def test_shifts_move_each_image_within_the_limit() -> None:
    images = np.zeros((50, 28, 28, 1), np.float32)
    images[:, 13, 13, 0] = 1.0
    shifted = shift_images(images, np.random.default_rng(0), 2)
    again = shift_images(images, np.random.default_rng(0), 2)
    assert np.array_equal(shifted, again)  # seeded: the same on every run
    where = np.array([np.argwhere(image[..., 0] == 1.0)[0] for image in shifted])
    assert shifted.sum() == 50 and np.abs(where - 13).max() == 2 and len({tuple(w) for w in where}) > 10


def test_committed_search_is_complete_and_carries_no_machine_paths() -> None:
    summary_path = ARTIFACTS / "summary.json"
    if not summary_path.exists():
        pytest.skip("the tuning run has not been committed yet")
    text = summary_path.read_text()
    summary = json.loads(text)
    assert summary["split"] == {"train": 54_000, "validation": 6_000, "test": 10_000, "search_subset": 12_000}
    assert summary["tuner"]["kind"] == "Hyperband" and summary["search_complete"] is True
    assert "/work" not in text and "/home" not in text and "/root" not in text and "/tmp" not in text
    weights = ARTIFACTS / WEIGHTS_FILE
    assert weights.stat().st_size == summary["weights"]["bytes"] <= SIZE_BUDGET
    if summary["weights"]["dtype"] == "float16":  # stored in half precision only if it tests the same
        assert abs(summary["weights"]["float16_test_accuracy"] - summary["weights"]["float32_test_accuracy"]) <= 5e-4
    with (ARTIFACTS / "trials.csv").open() as table:
        assert sum(1 for _ in table) - 1 == summary["tuner"]["trials"]
    assert (ARTIFACTS / "learning_curves.png").exists()
    assert key_values()["test_accuracy"] == summary["test_accuracy"]


def test_key_values_need_no_tensorflow() -> None:
    code = ("import sys; from reference.q01_keras_tuner import key_values; key_values(); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


@pytest.mark.tf
@pytest.mark.parametrize("near_tie", [False, True])
def test_float16_storage_only_when_it_tests_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, near_tie: bool
) -> None:
    """Over the size budget the weights go to float16, unless that changes the test accuracy by more than 0.0005."""
    keras = pytest.importorskip("keras")
    from reference import q01_artifacts

    monkeypatch.setattr(q01_artifacts, "SIZE_BUDGET", 10)  # every file is over it
    model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(10, use_bias=False)])
    weights = np.eye(10, dtype=np.float32)
    if near_tie:  # float32 tells class j (0.9999) from class 0 (0.9998); float16 rounds both to 1.0
        weights = np.full((10, 10), 0.0, np.float32)
        weights[:, 0] = 0.9998
        weights[np.arange(10), np.arange(10)] = 0.9999
    model.set_weights([weights])
    x, y = np.eye(10, dtype=np.float32), np.arange(10)
    stored = q01_artifacts.save_weights(model, x, y, tmp_path)
    assert stored["weights"]["float32_test_accuracy"] == 1.0
    assert stored["weights"]["float16_test_accuracy"] == (0.1 if near_tie else 1.0)
    assert stored["weights"]["dtype"] == ("float32" if near_tie else "float16")
    assert stored["test_accuracy"] == 1.0
    with np.load(tmp_path / q01_artifacts.WEIGHTS_FILE) as data:
        assert data["arr_0"].dtype == (np.float32 if near_tie else np.float16)
    q01_artifacts.load_weights(model, tmp_path)
    assert q01_artifacts.accuracy(model, x, y) == 1.0


@pytest.mark.tf
def test_committed_weights_reproduce_the_committed_test_accuracy() -> None:
    """Rebuild the best model from the summary, load the committed weights, evaluate on the 10,000 test digits."""
    pytest.importorskip("keras_tuner")
    path = Path(os.environ.get("HW4_MNIST") or FULL_MNIST)
    if not path.is_file():
        pytest.skip(f"the full MNIST archive is not here ({path}); set HW4_MNIST to an mnist.npz")
    from reference.q01_keras_tuner import verify

    started = time.perf_counter()
    accuracy = verify(str(path))
    summary = json.loads((ARTIFACTS / "summary.json").read_text())
    assert accuracy == pytest.approx(summary["test_accuracy"], abs=1e-4), time.perf_counter() - started

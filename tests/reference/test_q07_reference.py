"""The Q7 reference: the sheet's model, and two independent Grad-CAMs that agree."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tf

from reference.q07_gradcam import (  # noqa: E402
    ARTIFACTS,
    SPEC,
    build_model,
    gradcam_tape,
    gradcam_vis,
    load_trained,
    upsample_and_normalise,
)


def test_the_model_is_the_sheets() -> None:
    model = build_model()
    kinds = [type(layer).__name__ for layer in model.layers[1:]]
    assert kinds == [kind for kind, _ in SPEC]
    assert model.count_params() == 130_890
    assert model.output_shape == (None, 10)


def test_committed_training_run() -> None:
    summary = json.loads((ARTIFACTS / "training.json").read_text())
    assert summary["epochs"] == 15 and summary["batch_size"] == 64
    assert summary["parameters"] == 130_890
    assert "60,000 train" in summary["data"] and summary["test_accuracy"] > 0.99


def test_tape_and_tf_keras_vis_agree_on_the_trained_model() -> None:
    from reference.mnist import load_mnist, prepare

    model = load_trained()
    images = prepare(load_mnist(allow_download=False).x_test[:10])  # real digits: the full set or the subset
    classes = np.argmax(np.asarray(model(images)), axis=1)
    tape, vis = gradcam_tape(model, images, classes), gradcam_vis(model, images, classes)
    assert tape.shape == vis.shape == (10, 7, 7)
    assert np.max(np.abs(tape - vis)) <= 1e-5 * max(1.0, float(np.max(np.abs(tape))))


def test_constant_cam_is_zero_not_nan() -> None:
    cams = np.zeros((3, 7, 7), dtype="float32")
    cams[1] = 2.5
    out = upsample_and_normalise(cams)
    assert out.shape == (3, 28, 28) and not np.isnan(out).any() and out.max() == 0.0
    varied = upsample_and_normalise(np.arange(49, dtype="float32").reshape(1, 7, 7))
    assert varied.min() == 0.0 and varied.max() == pytest.approx(1.0)


def test_committed_probe_set_matches_a_fresh_computation() -> None:
    """The Q7 checks' inputs and reference CAMs (reference/artifacts/q07/probe_set.npz) are reproducible."""
    from reference.q07_gradcam import CONV_LAYERS, LAST_CONV, gradcam_variants, load_probe_set

    images, labels, cams = load_probe_set()
    assert images.shape == (10, 28, 28, 1) and sorted(labels.tolist()) == list(range(10))
    model = load_trained()
    assert (np.argmax(np.asarray(model(images)), axis=1) == labels).all()  # correctly classified, by design
    fresh = gradcam_variants(model, images, labels)
    assert set(fresh) == set(cams) == {*(f"linear:{n}" for n in CONV_LAYERS), f"softmax:{LAST_CONV}",
                                       f"norelu:{LAST_CONV}"}  # fmt: skip
    for name, cam in fresh.items():
        scale = max(1e-12, float(np.max(np.abs(cam))))
        assert np.max(np.abs(cam - cams[name])) <= 1e-5 * scale, name
    assert np.max(np.abs(fresh[f"linear:{LAST_CONV}"] - gradcam_vis(model, images, labels))) <= 1e-5 * max(
        1.0, float(np.max(np.abs(fresh[f"linear:{LAST_CONV}"])))
    )

"""The heatmap metric of the Q7 checks, and the measurements its thresholds rest on."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks._q07_heatmaps import (
    AGREE,
    RELATED,
    agreement,
    correlation,
    normalise,
    reference_maps,
    resize_bilinear,
)


def test_correlation_edge_cases() -> None:
    ramp = np.arange(49.0).reshape(7, 7)
    assert correlation(ramp, 2 * ramp + 3) == pytest.approx(1.0)
    assert correlation(ramp, -ramp) == pytest.approx(-1.0)
    assert correlation(np.zeros((7, 7)), np.zeros((7, 7))) == 1.0  # both constant: they agree
    assert correlation(np.zeros((7, 7)), ramp) == 0.0
    assert correlation(ramp * 1e-9, ramp) == pytest.approx(1.0)  # a tiny CAM is not "constant"


def test_normalise_maps_constants_to_zeros_never_nan() -> None:
    maps = np.stack([np.zeros((4, 4)), np.full((4, 4), 3.0), np.arange(16.0).reshape(4, 4)])
    out = normalise(maps)
    assert not np.isnan(out).any() and out[0].max() == out[1].max() == 0.0
    assert out[2].min() == 0.0 and out[2].max() == 1.0


def test_resize_keeps_size_and_agreement_resizes_students_maps() -> None:
    raw = np.random.default_rng(0).random((3, 7, 7))
    assert resize_bilinear(raw, (7, 7)).shape == (3, 7, 7)
    reference = reference_maps(raw)
    assert reference.shape == (3, 28, 28)
    assert agreement(raw, reference).median == pytest.approx(1.0)  # 7x7 maps are upsampled before comparing


@pytest.mark.tf
def test_numpy_resize_equals_tensorflow_bilinear() -> None:
    tf = pytest.importorskip("tensorflow")
    raw = np.random.default_rng(1).random((4, 7, 7)).astype("float32")
    expected = np.asarray(tf.image.resize(raw[..., None], (28, 28), method="bilinear"))[..., 0]
    assert np.max(np.abs(resize_bilinear(raw) - expected)) < 1e-6


@pytest.mark.tf
def test_thresholds_separate_correct_implementations_from_the_mistakes() -> None:
    """The measurements quoted in grader/checks/_q07_heatmaps.py."""
    pytest.importorskip("tensorflow")
    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.utils.model_modifiers import ReplaceToLinear
    from tf_keras_vis.utils.scores import CategoricalScore

    from reference.q07_gradcam import gradcam_tape, load_probe_set, load_trained

    images, labels, cams = load_probe_set()
    model = load_trained()
    target = reference_maps(cams["linear:conv2d_2"])
    vis = Gradcam(model, model_modifier=ReplaceToLinear(), clone=True)(CategoricalScore(list(labels)), images,
                                                                       penultimate_layer="conv2d_2")  # fmt: skip
    nearest = normalise(np.stack([np.kron(c, np.ones((4, 4))) for c in cams["linear:conv2d_2"]]))
    for correct in (np.asarray(vis), nearest):
        score = agreement(correct, target)
        assert score.median >= AGREE and min(score.per_image) > 0.8
    wrong_class = reference_maps(gradcam_tape(model, images, (labels + 1) % 10))
    for mistake in (cams["softmax:conv2d_2"], cams["linear:conv2d"], cams["linear:conv2d_1"]):
        assert agreement(normalise(resize_bilinear(mistake)), target).median < RELATED
    assert agreement(wrong_class, target).median < RELATED

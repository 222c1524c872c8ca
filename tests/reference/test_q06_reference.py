"""The Q6 reference against Keras' BatchNormalization and against finite differences."""

import numpy as np
import pytest

from reference import q06_batchnorm as ref


def data(seed: int = 0, n: int = 16, d: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(2, 3, (n, d)), rng.uniform(0.5, 2, d), rng.normal(0, 1, d)


def test_course_and_cs231n_interfaces_agree() -> None:
    x, gamma, beta = data()
    cache = {"mu": np.zeros(5), "var": np.ones(5)}
    course = ref.forward_batchnorm(x, gamma, beta, 1e-5, cache, 0.9, "train")
    param = {"mode": "train", "eps": 1e-5, "momentum": 0.9, "running_mean": np.zeros(5), "running_var": np.ones(5)}
    cs231n, _ = ref.batchnorm_forward(x, gamma, beta, param)
    assert np.allclose(course, cs231n)
    assert np.allclose(cache["mu"], param["running_mean"]) and np.allclose(cache["var"], param["running_var"])


def test_backward_matches_finite_differences() -> None:
    x, gamma, beta = data(1, n=6, d=4)
    dout = np.random.default_rng(2).normal(size=(6, 4))
    _, cache = ref.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    analytic = ref.batchnorm_backward(dout, cache)
    numeric = ref.numeric_batchnorm_gradients(x, gamma, beta, dout)
    for a, b in zip(analytic, numeric, strict=True):
        assert np.allclose(a, b, rtol=1e-5, atol=1e-8)


def test_mode_must_be_train_or_test() -> None:
    x, gamma, beta = data()
    with pytest.raises(ValueError, match="mode"):
        ref.forward_batchnorm(x, gamma, beta, 1e-5, {"mu": 0, "var": 1}, 0.9, "training")


@pytest.mark.tf
def test_matches_keras_batch_normalization_in_training_and_inference() -> None:
    keras = pytest.importorskip("keras")
    x, gamma, beta = data(3)
    mu0, var0 = np.full(5, 0.5), np.full(5, 2.0)
    layer = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    layer.build((None, 5))
    layer.set_weights([gamma, beta, mu0, var0])
    cache = {"mu": mu0.copy(), "var": var0.copy()}
    ours = ref.forward_batchnorm(x, gamma, beta, 1e-3, cache, 0.9, "train")
    theirs = np.asarray(layer(x.astype("float32"), training=True))
    assert np.allclose(ours, theirs, rtol=1e-4, atol=1e-4)
    moving_mean, moving_var = (np.asarray(w) for w in layer.get_weights()[2:])
    assert np.allclose(cache["mu"], moving_mean, rtol=1e-5) and np.allclose(cache["var"], moving_var, rtol=1e-5)
    inference = np.asarray(layer(x.astype("float32"), training=False))
    assert np.allclose(ref.forward_batchnorm(x, gamma, beta, 1e-3, cache, 0.9, "test"), inference, rtol=1e-4, atol=1e-4)


@pytest.mark.tf
def test_dense_plus_batchnorm_count_matches_keras() -> None:
    keras = pytest.importorskip("keras")
    for bias in (True, False):
        model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(20, use_bias=bias),
                                  keras.layers.BatchNormalization()])  # fmt: skip
        trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
        counted = ref.dense_batchnorm_trainable(dense_bias=bias)
        assert trainable == counted["total_trainable"]
        assert model.count_params() == counted["total_trainable"] + counted["bn_non_trainable"]

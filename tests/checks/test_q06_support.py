import numpy as np

from grader.checks._q06_support import TRAIN_VARIANTS, compare, name_the_bug
from grader.sandbox.wire import Unsupported


def test_shape_difference_is_flagged_apart_from_the_values() -> None:
    expected = np.arange(6.0).reshape(2, 3)
    same_values = compare(expected.reshape(1, 2, 3), expected)
    assert same_values.ok and same_values.shape_differs
    wrong_size = compare(np.zeros(4), expected)
    assert not wrong_size.ok and wrong_size.shape_differs and "(4,)" in wrong_size.message.en  # type: ignore[union-attr]


def test_non_numeric_and_nan_results_are_explained() -> None:
    expected = np.zeros(3)
    assert "dict" in compare({"a": 1}, expected).message.en  # type: ignore[union-attr]
    assert "Model" in compare(Unsupported("Model"), expected).message.en  # type: ignore[union-attr]
    assert "NaN" in compare(np.array([0.0, np.nan, 0.0]), expected).message.en  # type: ignore[union-attr]


def test_a_missing_eps_is_named_when_a_feature_is_constant() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=(8, 3))
    z[:, 0] = 1.0
    gamma, beta, mu, var = np.ones(3), np.zeros(3), np.zeros(3), np.ones(3)
    with np.errstate(all="ignore"):
        student = gamma * (z - z.mean(0)) / np.sqrt(z.var(0)) + beta
    bug = name_the_bug(student, TRAIN_VARIANTS, z, gamma, beta, 1e-2, mu, var, 0.9)
    assert bug is not None and bug[0] == "no_eps"

"""The moving-statistics rule on its own: right values in another shape (answers/q06.yaml, code_credit)."""

from fractions import Fraction

import numpy as np
import pytest

from grader.checks._q06_moving import _judge_shapes
from grader.checks._q06_support import ForwardRun

D = 5
VALUES = np.linspace(0.5, 2.5, D)


def run_with(mu_shape: tuple[int, ...], var_shape: tuple[int, ...]) -> ForwardRun:
    return ForwardRun(None, VALUES.reshape(mu_shape), VALUES.reshape(var_shape), (None, None, None))


@pytest.mark.parametrize(
    ("mu_shape", "var_shape", "fraction", "phrase"),
    [
        ((D,), (D,), Fraction(1), "Both moving averages are right"),
        ((1, D), (1, D), Fraction(3, 4), "keepdims=True"),
        ((1, 1, D), (D,), Fraction(3, 4), "cache_dict['mu'] has shape (1, 1, 5)"),
        ((D, 1), (D, 1), Fraction(1, 2), "does not broadcast"),
        ((1, D), (D, 1), Fraction(1, 2), "cache_dict['mu'] has shape (1, 5) and cache_dict['var'] has shape (5, 1)"),
    ],
)
def test_values_and_shape_are_judged_apart(
    mu_shape: tuple[int, ...], var_shape: tuple[int, ...], fraction: Fraction, phrase: str
) -> None:
    verdict = _judge_shapes(run_with(mu_shape, var_shape), D)
    assert verdict.fraction == fraction
    assert phrase in verdict.feedback.en
    assert verdict.feedback.fa.strip() and verdict.feedback.fa != verdict.feedback.en

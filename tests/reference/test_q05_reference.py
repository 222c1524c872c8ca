"""The Q5 formulas against brute force and against Keras' own layers."""

import itertools

import pytest
import sympy

from reference.q05_conv_arithmetic import (
    CONV_PARAMETERS,
    OUTPUT_SAME,
    OUTPUT_VALID,
    d,
    k,
    keras_cross_check,
    layer_table,
    n,
    padding_relation,
    s,
)


def brute_force_valid(size: int, kernel: int, stride: int, dilation: int) -> int:
    """Count the window positions by walking them."""
    extent = dilation * (kernel - 1) + 1
    return sum(1 for start in range(0, size, stride) if start + extent <= size)


@pytest.mark.parametrize(("size", "kernel", "stride", "dilation"),
                         list(itertools.product((7, 11, 28, 62), (1, 2, 3, 5), (1, 2, 3), (1, 2, 4))))  # fmt: skip
def test_valid_output_formula_matches_brute_force(size: int, kernel: int, stride: int, dilation: int) -> None:
    expected = brute_force_valid(size, kernel, stride, dilation)
    formula = int(OUTPUT_VALID.subs({n: size, k: kernel, s: stride, d: dilation}))
    assert max(formula, 0) == expected


def test_same_padding_is_ceil() -> None:
    assert [int(OUTPUT_SAME.subs({n: v, s: 2})) for v in (5, 6, 7)] == [3, 3, 4]


def test_parameter_formula_is_the_textbook_one() -> None:
    c_in, c_out = sympy.symbols("c_in c_out", positive=True, integer=True)
    assert sympy.expand(CONV_PARAMETERS - (k**2 * c_in * c_out + c_out)) == 0


def test_the_table() -> None:
    rows = layer_table()
    shapes = [r.output_shape for r in rows]
    assert shapes == [(256, 256, 64), (124, 124, 32), (62, 62, 32), (62, 62, 128), (23, 23, 64), (11, 11, 64),
                      (11, 11, 256), None, None]  # fmt: skip
    assert [r.params for r in rows] == [1792, 51232, 0, 36992, 204864, 0, 147712, 819328, 0]


def test_padding_relation_is_derived_and_checked() -> None:
    relation = padding_relation()
    f = sympy.Symbol("f", positive=True, integer=True)
    assert sympy.simplify(relation["per_side"] - (f - 1) / 2) == 0
    assert relation["check"] is True


@pytest.mark.tf
def test_keras_agrees_on_every_layer() -> None:
    pytest.importorskip("keras")
    results = keras_cross_check()
    assert all(r["agrees"] for r in results), results
    assert "refused" in str(results[7]["keras"])  # Keras also refuses layer 8

"""The Q4 parameter formulas against Keras' count_params(), the committed artifact, and the key values."""

import json
import subprocess
import sys
from typing import Any

import pytest
import sympy

from reference.q04_cnn_vs_rnn import (
    VERIFICATION,
    c_in,
    configurations,
    d,
    f,
    formula_records,
    formulas,
    k,
    key_values,
    kh,
    kw,
    n_in,
    n_out,
    parallelism_demo,
    u,
    verify,
)


def committed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VERIFICATION.read_text(encoding="utf-8"))
    return data


def test_formulas_are_the_textbook_ones() -> None:
    expected = {
        "Conv2D": (kh * kw * c_in + 1) * f,
        "Conv1D": (k * c_in + 1) * f,
        "Dense": n_in * n_out + n_out,
        "SimpleRNN": u * (d + u) + u,
        "LSTM": 4 * (u * (d + u) + u),
        "GRU": 3 * (u * (d + u) + 2 * u),
        "GRU_reset_after_False": 3 * (u * (d + u) + u),
    }
    table = formulas()
    assert set(table) == set(expected)
    for name, expr in expected.items():
        assert sympy.expand(table[name] - expr) == 0, name


def test_counts_do_not_depend_on_input_size() -> None:
    """No formula has a symbol for the image size or the sequence length: weights are shared."""
    names = {s.name for expr in formulas().values() for s in expr.free_symbols}
    assert names == {"k_h", "k_w", "k", "c_in", "f", "n_in", "n_out", "d", "u"}


def test_known_values() -> None:
    values = {(r["formula"], json.dumps(r["configuration"]["symbols"])): r["formula_value"] for r in formula_records()}
    assert values[("Conv2D", '{"k_h": 3, "k_w": 3, "c_in": 3, "f": 64}')] == 1792
    assert values[("Dense", '{"n_in": 10, "n_out": 20}')] == 220
    assert values[("LSTM", '{"d": 8, "u": 16}')] == 1600
    assert values[("GRU", '{"d": 8, "u": 16}')] == 1248
    assert values[("GRU_reset_after_False", '{"d": 8, "u": 16}')] == 1200


def test_committed_verification_matches_the_formulas_now() -> None:
    """Without TensorFlow: the same configurations and formula values, and Keras agreed on every one."""
    records = committed()["records"]
    now = formula_records()
    strip = ("keras_value", "agrees")
    assert [{k: v for k, v in r.items() if k not in strip} for r in records] == [
        {k: v for k, v in r.items() if k not in strip} for r in now
    ]
    assert all(r["agrees"] and r["keras_value"] == r["formula_value"] for r in records)
    assert {r["formula"] for r in records} == set(formulas())


def test_key_values_are_json_and_need_no_tensorflow() -> None:
    values = key_values()
    assert json.loads(json.dumps(values)) == values
    assert values["all_agree"] is True
    assert values["formulas"]["LSTM"]["sympy"] == "4*u*(d + u + 1)"
    assert values["formulas"]["Conv2D"]["latex"] == r"f \left(c_{in} k_{h} k_{w} + 1\right)"
    code = (
        "import sys; from reference.q04_cnn_vs_rnn import key_values; key_values(); "
        "assert not {'tensorflow', 'keras'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.fixture(scope="module")
def keras_records() -> list[dict[str, Any]]:
    pytest.importorskip("keras")
    return verify()


@pytest.mark.tf
def test_formulas_equal_count_params(keras_records: list[dict[str, Any]]) -> None:
    assert len(keras_records) == len(configurations())
    wrong = [r for r in keras_records if not r["agrees"]]
    assert not wrong, wrong


@pytest.mark.tf
def test_committed_verification_matches_keras_now(keras_records: list[dict[str, Any]]) -> None:
    assert committed()["records"] == keras_records


@pytest.mark.tf
def test_recurrent_time_grows_with_length_and_convolution_time_does_not() -> None:
    pytest.importorskip("keras")
    demo = parallelism_demo(lengths=(16, 512), batch=4, units=16)
    conv, rnn = demo["seconds"]["Conv1D"], demo["seconds"]["SimpleRNN"]
    assert rnn[1] > 3 * rnn[0], demo  # 32 times the steps: a loop of dependent steps (about 14x measured)
    assert demo["growth"]["SimpleRNN"] > 2 * demo["growth"]["Conv1D"], demo
    assert conv[1] < rnn[1], demo

"""Q4 reference: parameter counts of conv, dense and recurrent layers, and why an RNN is sequential.

Every count is the sum of a layer's weight tensors, written with sympy symbols
and factored; none depends on the image size or the sequence length, because a
convolution reuses its kernel at every position and a recurrent layer its
matrices at every time step:

- Conv2D: kernel k_h x k_w x c_in x f, bias f.
- Dense: kernel n_in x n_out, bias n_out.
- SimpleRNN (input dimension d, u units): input kernel d x u, recurrent kernel u x u, bias u.
- LSTM: four such blocks (input, forget, cell, output).
- GRU: three blocks (update, reset, candidate); Keras' default reset_after=True
  keeps two biases per block (input and recurrent), reset_after=False one.

`verify` (TensorFlow) builds each layer with `keras.layers` for several
configurations and compares `count_params()`, and times a Conv1D against a
SimpleRNN and an LSTM over growing sequence lengths. `python -m
reference.q04_cnn_vs_rnn verify` writes both to artifacts/q04/verification.json,
which `key_values` reads, so that `grader key` needs no TensorFlow.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import sympy

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "q04"
VERIFICATION = ARTIFACTS / "verification.json"

kh, kw, k, c_in, f, n_in, n_out, d, u = sympy.symbols("k_h k_w k c_in f n_in n_out d u", positive=True, integer=True)
SYMBOLS: dict[str, sympy.Symbol] = {s.name: s for s in (kh, kw, k, c_in, f, n_in, n_out, d, u)}


def _block(inputs: sympy.Expr, units: sympy.Expr, biases: int = 1) -> sympy.Expr:
    """One recurrent block (the SimpleRNN cell, or one gate): W (inputs x units), U (units x units), bias(es)."""
    return inputs * units + units * units + biases * units


@functools.cache
def _factored() -> tuple[tuple[str, sympy.Expr], ...]:
    counts: dict[str, sympy.Expr] = {
        "Conv2D": kh * kw * c_in * f + f,
        "Conv1D": k * c_in * f + f,
        "Dense": n_in * n_out + n_out,
        "SimpleRNN": _block(d, u),
        "LSTM": 4 * _block(d, u),
        "GRU": 3 * _block(d, u, biases=2),  # Keras 3 default: reset_after=True
        "GRU_reset_after_False": 3 * _block(d, u),
    }
    return tuple((name, sympy.factor(expr)) for name, expr in counts.items())


def formulas() -> dict[str, sympy.Expr]:
    """The parameter count of each layer, factored."""
    return dict(_factored())


class Config(NamedTuple):
    formula: str  # a key of formulas()
    layer: str  # the keras.layers class
    kwargs: dict[str, Any]  # its constructor arguments
    input_shape: tuple[int, ...]  # without the batch axis
    values: dict[str, int]  # the formula's symbols


def configurations() -> list[Config]:
    """The cases checked against Keras; each layer once more on a larger input, to show the count does not change."""
    configs: list[Config] = []
    for h, w, ci, fi, size in ((3, 3, 3, 64, 32), (3, 3, 3, 64, 256), (5, 5, 16, 32, 28), (1, 1, 64, 128, 14),
                               (3, 5, 2, 8, 12)):  # fmt: skip
        configs.append(Config("Conv2D", "Conv2D", {"filters": fi, "kernel_size": [h, w]}, (size, size, ci),
                              {"k_h": h, "k_w": w, "c_in": ci, "f": fi}))  # fmt: skip
    for ki, ci, fi, length in ((3, 16, 32, 50), (3, 16, 32, 1000), (7, 1, 8, 100)):
        configs.append(Config("Conv1D", "Conv1D", {"filters": fi, "kernel_size": ki}, (length, ci),
                              {"k": ki, "c_in": ci, "f": fi}))  # fmt: skip
    for a, b in ((10, 20), (784, 128), (128, 10)):
        configs.append(Config("Dense", "Dense", {"units": b}, (a,), {"n_in": a, "n_out": b}))
    for name, layer, extra in (("SimpleRNN", "SimpleRNN", {}), ("LSTM", "LSTM", {}), ("GRU", "GRU", {}),
                               ("GRU_reset_after_False", "GRU", {"reset_after": False})):  # fmt: skip
        for dim, units, length in ((8, 16, 10), (8, 16, 1000), (1, 32, 50), (100, 64, 20)):
            configs.append(Config(name, layer, {"units": units, **extra}, (length, dim), {"d": dim, "u": units}))
    return configs


def formula_value(config: Config) -> int:
    expr = formulas()[config.formula]
    return int(expr.subs({SYMBOLS[name]: value for name, value in config.values.items()}))


def _record(config: Config, keras_value: int | None) -> dict[str, Any]:
    value = formula_value(config)
    return {
        "layer": config.layer,
        "formula": config.formula,
        "configuration": {
            "arguments": config.kwargs,
            "input_shape": list(config.input_shape),
            "symbols": config.values,
        },
        "formula_value": value,
        "keras_value": keras_value,
        "agrees": keras_value == value,
    }


def formula_records() -> list[dict[str, Any]]:
    """The records without Keras (keras_value None): what a committed artifact can be checked against."""
    return [_record(config, None) for config in configurations()]


def verify() -> list[dict[str, Any]]:
    """Build every configuration with keras.layers and compare count_params() with the formula."""
    from keras import layers

    records = []
    for config in configurations():
        layer = getattr(layers, config.layer)(**config.kwargs)
        layer.build((None, *config.input_shape))
        records.append(_record(config, int(layer.count_params())))
    return records


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    run()  # the first call traces and compiles
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parallelism_demo(lengths: tuple[int, ...] = (16, 64, 256, 1024), batch: int = 8, features: int = 16,
                     units: int = 32, repeats: int = 3) -> dict[str, Any]:  # fmt: skip
    """Median time of one compiled forward pass of Conv1D, SimpleRNN and LSTM over each sequence length.

    A Conv1D computes every position at once; a recurrent layer runs a loop of
    `length` dependent steps (step t needs the hidden state of step t-1), so its
    time grows with the length while the convolution's barely moves.
    """
    import keras
    import numpy as np

    builders: dict[str, Callable[[], Any]] = {
        "Conv1D": lambda: keras.layers.Conv1D(units, 3, padding="same"),
        "SimpleRNN": lambda: keras.layers.SimpleRNN(units, return_sequences=True),
        "LSTM": lambda: keras.layers.LSTM(units, return_sequences=True),
    }
    seconds: dict[str, list[float]] = {name: [] for name in builders}
    rng = np.random.default_rng(4)
    for length in lengths:
        x = rng.normal(size=(batch, length, features)).astype("float32")
        for name, build in builders.items():
            model = keras.Sequential([keras.Input((length, features)), build()])
            seconds[name].append(round(_median_seconds(partial(model.predict_on_batch, x), repeats), 6))
    return {
        "lengths": list(lengths),
        "seconds": seconds,
        "growth": {name: round(t[-1] / t[0], 2) for name, t in seconds.items()},
        "settings": {
            "batch": batch,
            "features": features,
            "units": units,
            "kernel": 3,
            "repeats": repeats,
            "timing": "median of repeats, after one warm-up call, of model.predict_on_batch",
        },
        "machine": f"{platform.machine()}, Python {platform.python_version()}, CPU, keras {keras.__version__}",
    }


def write_verification(out: Path = VERIFICATION) -> dict[str, Any]:
    import keras

    data = {"keras_version": keras.__version__, "records": verify(), "parallelism": parallelism_demo()}
    out.parent.mkdir(parents=True, exist_ok=True)
    # One record a line, so that a change of formula or of Keras shows as a one-line diff.
    items = [
        f"  {json.dumps(key)}: "
        + (
            "[\n" + ",\n".join(f"    {json.dumps(r)}" for r in value) + "\n  ]"
            if key == "records"
            else json.dumps(value)
        )
        for key, value in data.items()
    ]
    out.write_text("{\n" + ",\n".join(items) + "\n}\n", encoding="utf-8")
    return data


def key_values(path: Path = VERIFICATION) -> dict[str, Any]:
    """The answer key's Q4 values: the formulas (sympy text and LaTeX) and the committed checks (no TensorFlow)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        "formulas": {
            name: {"sympy": sympy.sstr(expr), "expanded": sympy.sstr(sympy.expand(expr)), "latex": sympy.latex(expr)}
            for name, expr in formulas().items()
        },
        "symbols": {
            "k_h, k_w": "kernel height and width",
            "k": "Conv1D kernel length",
            "c_in": "input channels",
            "f": "filters",
            "n_in, n_out": "Dense inputs and units",
            "d": "input features per time step",
            "u": "recurrent units",
        },
        "verification": data["records"],
        "all_agree": all(r["agrees"] for r in data["records"]),
        "keras_version": data["keras_version"],
        "parallelism": data["parallelism"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Q4 reference: parameter formulas checked by Keras; RNN vs Conv1D timing."
    )
    parser.add_argument("command", choices=["formulas", "verify"], nargs="?", default="formulas",
                        help="formulas: print them; verify: check with Keras, time, write artifacts/q04/verification.json")  # fmt: skip
    options = parser.parse_args()
    for name, expr in formulas().items():
        print(f"{name:22s} {sympy.sstr(expr)}")
    if options.command == "formulas":
        return
    data = write_verification()
    for r in data["records"]:
        shape = "x".join(map(str, r["configuration"]["input_shape"]))
        values = json.dumps(r["configuration"]["symbols"])
        mark = "ok" if r["agrees"] else "DIFFERENT"
        print(f"{r['formula']:22s} {shape:>10s} {values:40s} {r['formula_value']:>8d} {r['keras_value']:>8d} {mark}")
    demo = data["parallelism"]
    print("length", *demo["lengths"], sep="\t")
    for name, times in demo["seconds"].items():
        print(name, *(f"{1000 * t:.2f} ms" for t in times), f"(x{demo['growth'][name]})", sep="\t")
    print(VERIFICATION)


if __name__ == "__main__":
    main()

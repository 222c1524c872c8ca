"""Grader helpers for Q3 (a student's fixed gas-consumption pipeline) that run inside the sandbox child.

Sent as source (client.Sandbox.probe) and loaded on first use. The grader sends the synthetic
sheet as plain columns; these helpers turn it into the pandas DataFrame a student's notebook
would have read from the Excel file, call the student's `train_gas_model(train)` on the
training part and `predict_gas_consumption(fitted, sheet, rows)` on the whole sheet (the
second call is made several times: once as given and once per consumption tail the grader
replaced, to see whether a prediction uses its own hour or later hours). The fitted object
stays here, in the child, between the calls. They hold no expected values and judge nothing:
they return what the student's code returned, as floats, and what kind of model `train`
produced. A student's exception propagates (reported with the student's file and line).
"""

from __future__ import annotations

import contextlib
import random
import sys
import time
from typing import Any

import numpy as np

CONSUMPTION = "cons (m3/unit)"
_RECURRENT = ("LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "LSTMCell", "GRUCell")
_STATE: dict[str, Any] = {}


def _frame(columns: dict[str, Any]) -> Any:
    """The sheet as pandas reads it from Excel: a datetime `date` column, the others numbers, index 0..n-1."""
    import pandas as pd

    frame = pd.DataFrame({name: np.asarray(values) for name, values in columns.items()})
    frame["date"] = pd.to_datetime(np.asarray(columns["date"], dtype="int64"), unit="D")
    return frame


def _models_in(value: Any, depth: int = 0, seen: set[int] | None = None) -> list[Any]:
    """Keras models inside what `train_gas_model` returned: itself, or in a tuple, list, dict or attributes."""
    seen = set() if seen is None else seen
    if depth > 3 or id(value) in seen or value is None or isinstance(value, (str, bytes, int, float, np.ndarray)):
        return []
    seen.add(id(value))
    if hasattr(value, "layers") and hasattr(value, "predict"):
        return [value]
    if isinstance(value, dict):
        items = list(value.values())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = list(getattr(value, "__dict__", {}).values())
    return [model for item in items for model in _models_in(item, depth + 1, seen)]


def _layer_types(model: Any) -> list[str]:
    names = []
    for layer in getattr(model, "layers", []):
        if getattr(layer, "layers", None):
            names += _layer_types(layer)
        else:
            names.append(type(layer).__name__)
            wrapped = getattr(layer, "layer", None) or getattr(layer, "forward_layer", None)
            if wrapped is not None:
                names.append(type(wrapped).__name__)
    return names


def _seed_everything(seed: int) -> None:
    """The same seeds before every training, so that a submission graded twice gets the same R²."""
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules or "tensorflow" in sys.modules:  # imported by the student's code
        import keras

        keras.utils.set_random_seed(seed)


def gas_train(train_fn: Any, columns: dict[str, Any], split: int, seed: int) -> dict[str, Any]:
    """Call the student's train_gas_model on the first `split` rows (seeded); keep what it returns here."""
    _STATE.clear()
    train = _frame(columns).iloc[:split].copy()
    _seed_everything(seed)
    started = time.perf_counter()
    fitted = train_fn(train)
    seconds = time.perf_counter() - started
    _STATE["fitted"] = fitted
    models = _models_in(fitted)
    layers = [name for model in models for name in _layer_types(model)]
    parameters = 0
    for model in models:
        with contextlib.suppress(Exception):  # an unbuilt model: no parameters to count
            parameters += int(model.count_params())
    return {"seconds": round(seconds, 2), "returned": type(fitted).__name__, "models": len(models),
            "layers": layers, "recurrent": sorted({n for n in layers if n in _RECURRENT}),
            "parameters": parameters}  # fmt: skip


def gas_predict(
    predict_fn: Any, columns: dict[str, Any], rows: list[int], replace_from: int | None = None,
    replacement: Any = None,
) -> dict[str, Any]:  # fmt: skip
    """Call the student's predict_gas_consumption on the whole sheet, the consumption from
    `replace_from` on replaced by `replacement` when given; return its output as floats."""
    if "fitted" not in _STATE:
        raise RuntimeError("train_gas_model has not run in this process (it failed or the process restarted)")
    sheet = _frame(columns)
    if replace_from is not None:
        sheet.loc[replace_from:, CONSUMPTION] = np.asarray(replacement, dtype=np.float64)
    started = time.perf_counter()
    output = predict_fn(_STATE["fitted"], sheet, np.asarray(rows, dtype=np.int64))
    seconds = time.perf_counter() - started
    try:
        values = np.asarray(getattr(output, "values", output), dtype=np.float64)
    except (TypeError, ValueError) as error:
        return {"problem": f"{type(output).__name__} that is not numbers ({error})", "seconds": round(seconds, 2)}
    return {"values": values, "shape": list(values.shape), "seconds": round(seconds, 2)}

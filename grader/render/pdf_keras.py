"""Live Keras cross-checks for the answer key (None without TensorFlow; its import takes ~5 s, once).

Measured: running them in a child process started first, to overlap TensorFlow's import with
the rest of the key, saved nothing on this 2-core machine while anything else ran on it, so
they run here, in order.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from grader.render.pdf_math import Check
from grader.results import Bilingual
from grader.tf_quiet import import_tensorflow_quietly


def _check(kind: str, passed: bool, en: str, fa: str) -> Check:
    return Check(kind, bool(passed), Bilingual(en, fa))


Results = tuple[list[dict[str, Any]] | None, tuple[int, int] | None]


def _q05_records() -> list[dict[str, Any]] | None:
    import_tensorflow_quietly()
    try:
        from reference.q05_conv_arithmetic import keras_cross_check

        return keras_cross_check()
    except ImportError:
        return None


@functools.cache
def _results() -> Results:
    return _q05_records(), _q06_counts()


def q05_keras() -> list[dict[str, Any]] | None:
    """Q5's Keras cross-check (reference.q05_conv_arithmetic.keras_cross_check), or None without TensorFlow."""
    return _results()[0]


def layer_check(indices: list[int], what_en: str, what_fa: str, keras: bool) -> Check:
    if not keras:
        return _check(
            "keras",
            True,
            "Keras cross-check not run (rendered without TensorFlow).",
            "مقایسه با Keras اجرا نشد (بدون TensorFlow).",
        )
    records = q05_keras()
    if records is None:
        return _check(
            "keras",
            True,
            "Keras cross-check not run: TensorFlow is not installed.",
            "مقایسه با Keras اجرا نشد: TensorFlow نصب نیست.",
        )
    chosen = [r for r in records if r["index"] in indices]
    agree = all(r["agrees"] for r in chosen)
    layers = ", ".join(str(i) for i in indices)
    return _check(
        "keras",
        agree,
        f"Keras {what_en} agree on layers {layers}" + ("" if agree else " — MISMATCH"),
        f"{what_fa} در Keras برای لایه‌های {layers} یکسان است" + ("" if agree else " — ناسازگار"),
    )


def q06_keras_counts() -> tuple[int, int] | None:
    """(trainable, non-trainable) of Dense(20) + BatchNormalization on 10 inputs, or None without TensorFlow."""
    return _results()[1]


def _q06_counts() -> tuple[int, int] | None:
    try:
        import keras
    except ImportError:
        return None
    model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(20), keras.layers.BatchNormalization()])
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return trainable, frozen

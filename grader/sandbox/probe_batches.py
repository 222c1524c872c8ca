"""Grader helper for Q2 (a student's own data pipeline) that runs inside the sandbox child.

Sent as source (client.Sandbox.probe) and loaded on first use. `describe_pipeline` calls the
student's `make_generators(data_dir)` on the grader's small dataset (written into the child's
scratch folder) and describes one epoch of each of the two sources it returns, whatever their
kind: a Keras iterator or PyDataset (length and indexing), a tf.data.Dataset or a Python
generator (iteration, at most `max_batches`). Per batch it returns shapes, dtypes, the value
range and, per image, the median of each channel and the spread of its pixels: small numbers
from which the grader's process recognises its images (each is one flat grey level) without
sending 38 MB batches back. It holds no expected values and judges nothing.
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any

import numpy as np


def _seed(seed: int) -> None:
    """Shuffles and augmentation draw the same numbers on every run: the same description twice."""
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules or "tensorflow" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)


def _batches(source: Any, max_batches: int) -> tuple[list[Any], bool]:
    """Up to max_batches batches of one epoch, and whether the epoch ended within them."""
    if hasattr(source, "__len__") and hasattr(source, "__getitem__") and not isinstance(source, (list, tuple)):
        count = len(source)  # Keras iterators and PyDatasets: an epoch is len() batches, then they cycle
        return [source[i] for i in range(min(count, max_batches))], count <= max_batches
    batches, iterator = [], iter(source)
    for _ in range(max_batches):
        try:
            batches.append(next(iterator))
        except StopIteration:
            return batches, True
    try:
        next(iterator)
    except StopIteration:
        return batches, True
    return batches, False  # endless (e.g. .repeat() or `while True: yield`)


def _describe_batch(batch: Any) -> dict[str, Any]:
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        return {"problem": f"a batch is a {type(batch).__name__}, not (images, labels)"}
    x, y = np.asarray(batch[0]), np.asarray(batch[1])
    described: dict[str, Any] = {"x_shape": list(x.shape), "x_dtype": str(x.dtype), "y_shape": list(y.shape),
                                 "y_dtype": str(y.dtype)}  # fmt: skip
    if x.dtype.kind not in "fiub" or x.ndim < 3 or y.dtype.kind not in "fiub":
        return described
    pixels = x.astype(np.float64).reshape(x.shape[0], -1, x.shape[-1] if x.ndim == 4 else 1)
    described.update({
        "min": float(pixels.min()), "max": float(pixels.max()),
        # Per image and channel; the median ignores corners an augmentation filled with black.
        "medians": np.median(pixels, axis=1),
        "spread": (pixels.max(axis=1) - pixels.min(axis=1)).max(axis=1),  # per image: 0 for a flat one
        "labels": y.astype(np.float64).reshape(y.shape[0], -1),
    })  # fmt: skip
    return described


def describe_pipeline(factory: Any, data_dir: str, max_batches: int, seed: int) -> dict[str, Any]:
    """Call make_generators(data_dir) and describe one epoch of each source it returns."""
    _seed(seed)
    started = time.perf_counter()
    made = factory(data_dir)
    if not isinstance(made, (tuple, list)) or len(made) != 2:
        return {"problem": f"it returned {type(made).__name__}, not a pair (train_generator, val_generator)"}
    described: dict[str, Any] = {}
    for name, source in zip(("train", "validation"), made, strict=True):
        batches, finished = _batches(source, max_batches)
        described[name] = {"kind": type(source).__name__, "finished": finished,
                           "batches": [_describe_batch(b) for b in batches]}  # fmt: skip
    described["seconds"] = round(time.perf_counter() - started, 2)
    return described

"""What running a student's notebook may cost, and the data it finds offline (runs inside the sandbox child).

A notebook is run top to bottom as the student ran it, but a grader cannot
train for an hour: while the student's cells run (and only then: the
grader's own probes train as they need), these patches cap what they ask for,
and say what they capped:
- `fit` (and `fit_generator`, which the compat shims route to it): at most
  `epochs` epochs, at most `samples` examples of array data (a generator or a
  dataset: at most `steps` steps an epoch), validation likewise, and a wall
  clock per call after which training stops at the next batch;
- `evaluate` on at most `samples` examples (its numbers are the budget run's, not the notebook's);
- KerasTuner's `search`: at most `trials` trials, one execution each;
- downloads: `keras.datasets.mnist.load_data()` (and every other `get_file`)
  is served from the files the grader handed over, under the names Keras
  uses (mnist.npz); ImageNet weights cannot be downloaded, so an application
  built with weights='imagenet' keeps its random weights, with a note;
  anything else fails as a download without a network does.
Sent to the child as source; standard library only at import time.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
import time
from typing import Any

ACTIVE = False  # True while student cells run (child_main.Runner.exec_unit)
SETTINGS: dict[str, Any] = {"epochs": 1, "steps": 50, "samples": 3200, "fit_seconds": 30.0, "trials": 2}
DATA: dict[str, str] = {}  # file name Keras asks for (mnist.npz) -> path of the grader's copy
EVENTS: list[dict[str, Any]] = []  # what was capped or served, in order, as {"kind", ...}; reported per cell
_NO_WEIGHTS = "/hw4-grader/no-imagenet-weights"


def configure(settings: dict[str, Any], data: dict[str, str]) -> None:
    SETTINGS.update(settings)
    DATA.clear()
    DATA.update(data)


def note(kind: str, **facts: Any) -> None:
    event = {"kind": kind, **facts}
    if event not in EVENTS[-8:]:
        EVENTS.append(event)


def _cap_rows(value: Any, rows: int) -> Any:
    """The first `rows` rows of an array (or of each array of a list/tuple/dict); anything else unchanged."""
    if hasattr(value, "shape") and bool(getattr(value, "shape", None)) and hasattr(value, "__getitem__"):
        try:
            return value[:rows] if len(value) > rows else value
        except TypeError:
            return value
    if isinstance(value, (list, tuple)) and value and all(hasattr(v, "shape") for v in value):
        return type(value)(_cap_rows(v, rows) for v in value)
    if isinstance(value, dict) and value and all(hasattr(v, "shape") for v in value.values()):
        return {k: _cap_rows(v, rows) for k, v in value.items()}
    return value


def _length(value: Any) -> int | None:
    if hasattr(value, "shape") and bool(getattr(value, "shape", None)):
        return int(value.shape[0])
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "shape"):
        return int(value[0].shape[0])
    return None


def _stopper(keras: Any, seconds: float) -> Any:
    class StopAfter(keras.callbacks.Callback):  # type: ignore[misc]
        """Stops training at the next batch once the budget's seconds are spent."""

        def __init__(self) -> None:
            super().__init__()
            self.started = time.monotonic()

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            if time.monotonic() - self.started > seconds:
                self.model.stop_training = True
                note("fit_seconds", seconds=seconds)

    return StopAfter()


def _patch_fit(keras: Any) -> None:
    model = keras.Model
    original_fit, original_evaluate = model.fit, model.evaluate
    fit_signature = inspect.signature(original_fit)

    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not ACTIVE:
            return original_fit(self, *args, **kwargs)
        bound = fit_signature.bind(self, *args, **kwargs)
        arguments = bound.arguments
        extra = arguments.pop("kwargs", {})
        epochs = int(arguments.get("epochs", 1) or 1)
        start = int(arguments.get("initial_epoch", 0) or 0)
        cap = start + int(SETTINGS["epochs"])
        if epochs > cap:
            note("epochs", asked=epochs, ran=cap - start)
            arguments["epochs"] = cap
        rows = _length(arguments.get("x"))
        if rows is not None and rows > int(SETTINGS["samples"]):
            note("samples", asked=rows, ran=int(SETTINGS["samples"]))
            for name in ("x", "y", "sample_weight"):
                if arguments.get(name) is not None:
                    arguments[name] = _cap_rows(arguments[name], int(SETTINGS["samples"]))
        elif rows is None and arguments.get("x") is not None:
            steps = arguments.get("steps_per_epoch")
            if steps is None or int(steps) > int(SETTINGS["steps"]):
                note("steps", asked=steps, ran=int(SETTINGS["steps"]))
                arguments["steps_per_epoch"] = int(SETTINGS["steps"])
        validation = arguments.get("validation_data")
        if isinstance(validation, (tuple, list)) and validation and _length(validation[0]) is not None:
            arguments["validation_data"] = type(validation)(_cap_rows(v, int(SETTINGS["samples"])) for v in validation)
        elif validation is not None:
            steps = arguments.get("validation_steps")
            if steps is None or int(steps) > int(SETTINGS["steps"]):
                arguments["validation_steps"] = max(1, int(SETTINGS["steps"]) // 5)
        callbacks = list(arguments.get("callbacks") or [])
        callbacks.append(_stopper(keras, float(SETTINGS["fit_seconds"])))
        arguments["callbacks"] = callbacks
        return original_fit(*bound.args, **bound.kwargs, **extra)

    def evaluate(self: Any, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        if ACTIVE and _length(x) is not None and _length(x) > int(SETTINGS["samples"]):  # type: ignore[operator]
            note("evaluate", asked=_length(x), ran=int(SETTINGS["samples"]))
            x, y = _cap_rows(x, int(SETTINGS["samples"])), _cap_rows(y, int(SETTINGS["samples"]))
        elif ACTIVE and x is not None and _length(x) is None and "steps" not in kwargs:
            kwargs["steps"] = int(SETTINGS["steps"])
        return original_evaluate(self, x, y, *args, **kwargs)

    model.fit, model.evaluate = fit, evaluate


def _patch_downloads(keras: Any) -> None:
    """Serve get_file from the grader's copies; ImageNet weights stay random, with a note."""
    import importlib

    file_utils = importlib.import_module("keras.src.utils.file_utils")
    original = file_utils.get_file

    def get_file(fname: Any = None, origin: Any = None, *args: Any, **kwargs: Any) -> str:
        name = os.path.basename(str(fname or origin or ""))
        if name in DATA:
            note("served", name=name)
            return DATA[name]
        if "keras-applications" in str(origin) or str(name).endswith((".h5", ".weights.h5")):
            note("no_weights", name=name)
            return _NO_WEIGHTS
        raise OSError(f"no network while grading: {origin or fname} cannot be downloaded (the grader serves "
                      f"{', '.join(sorted(DATA)) or 'no dataset'} offline)")  # fmt: skip

    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if name.startswith("keras") and getattr(module, "get_file", None) is original:
            module.get_file = get_file  # type: ignore[attr-defined]
    original_load = keras.Model.load_weights

    def load_weights(self: Any, filepath: Any, *args: Any, **kwargs: Any) -> Any:
        if str(filepath) == _NO_WEIGHTS:
            return None
        return original_load(self, filepath, *args, **kwargs)

    keras.Model.load_weights = load_weights


def _patch_tuner(keras_tuner: Any) -> None:
    base = keras_tuner.engine.base_tuner.BaseTuner
    original = base.search

    def search(self: Any, *args: Any, **kwargs: Any) -> Any:
        if ACTIVE:
            trials = int(SETTINGS["trials"])
            oracle = self.oracle
            if oracle.max_trials is None or oracle.max_trials > trials:
                note("trials", asked=oracle.max_trials, ran=trials)
                oracle.max_trials = trials
            if getattr(self, "executions_per_trial", 1) > 1:
                note("executions", asked=self.executions_per_trial, ran=1)
                self.executions_per_trial = 1
        return original(self, *args, **kwargs)

    base.search = search


def _remember_activations(keras: Any) -> None:
    """Each layer's activation when the model was compiled: keras.io's Grad-CAM example sets the last one to
    None afterwards (model.layers[-1].activation = None), which must not read as a model built without softmax."""
    original = keras.Model.compile

    def compile(self: Any, *args: Any, **kwargs: Any) -> Any:
        with contextlib.suppress(Exception):  # a model whose layers cannot be listed yet: nothing to remember
            self._hw4_compiled_activations = [
                getattr(getattr(layer, "activation", None), "__name__", None) for layer in self.layers
            ]
        return original(self, *args, **kwargs)

    keras.Model.compile = compile


def patch_keras(keras: Any) -> None:
    _patch_fit(keras)
    _patch_downloads(keras)
    _remember_activations(keras)


def patch_keras_tuner(keras_tuner: Any) -> None:
    _patch_tuner(keras_tuner)

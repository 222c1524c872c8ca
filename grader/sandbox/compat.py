"""Run Keras 2-era student code (TF 2.13-2.15) on the Keras 3 the grader installs.

Students of this homework wrote for `tf.keras` 2.x. Most of it runs unchanged
on TensorFlow 2.21 (where `tf.keras` is Keras 3); these shims cover what does
not, each with the error a correct student would otherwise see:

- tf-keras-vis' `ReplaceToLinear` reads `model.output_names`, which Keras 3
  `Sequential` lacks ("'Sequential' object has no attribute 'output_names'");
- `model.output` / `model.input` of a built `Sequential` (the Keras Grad-CAM
  example's `Model(model.inputs, [layer.output, model.output])`): "The layer
  sequential has never been called and thus has no defined output";
- `Adam(lr=0.001)` (the Keras 2 spelling): "Argument(s) not recognized: {'lr': ...}";
- `model.fit_generator` / `evaluate_generator` / `predict_generator`, removed in Keras 3;
- `from keras.utils import np_utils` (`np_utils.to_categorical`), removed in Keras 3;
- `from keras.preprocessing.image import ImageDataGenerator` (the Q2 notebook's pipeline):
  Keras 3 keeps the class only under `tf.keras` and `keras.src.legacy`, so the plain `keras`
  spelling gets "cannot import name 'ImageDataGenerator'";
- pandas' `fillna(method='ffill')` (Colab's pandas 1.5; pandas 3 removed the argument).

The shims are applied right after `keras` (or pandas) is first imported (by the student's
code or ours), through an import hook, so that grading questions that never
touch TensorFlow does not pay for importing it. This module is sent to the
child as source (see program.child_program) and holds no grading data.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from typing import Any

PATCHED = "__hw4_compat_patched__"
_DROPPED_FIT_ARGUMENTS = ("workers", "use_multiprocessing", "max_queue_size")


def patch_keras(keras: Any) -> None:
    """Apply every shim to an imported Keras 3 package (idempotent)."""
    if getattr(keras, PATCHED, False) or not str(getattr(keras, "__version__", "0")).startswith("3."):
        return
    setattr(keras, PATCHED, True)
    _sequential_output_names(keras)
    _sequential_input_output(keras)
    _optimizer_lr(keras)
    _generator_methods(keras)
    _np_utils(keras)
    _image_data_generator(keras)


def _sequential_output_names(keras: Any) -> None:
    sequential = keras.Sequential
    if "output_names" in vars(sequential):
        return

    def output_names(self: Any) -> list[str]:
        return [self.layers[-1].name] if self.layers else []

    sequential.output_names = property(output_names)


def _sequential_input_output(keras: Any) -> None:
    sequential = keras.Sequential
    if "output" in vars(sequential) or "input" in vars(sequential):
        return
    layer_output, layer_input = keras.layers.Layer.output, keras.layers.Layer.input

    def single(tensors: Any) -> Any:
        return tensors[0] if isinstance(tensors, (list, tuple)) and len(tensors) == 1 else tensors

    def output(self: Any) -> Any:
        if self.built and getattr(self, "_functional", None) is not None:
            return single(self.outputs)
        return layer_output.fget(self)

    def input(self: Any) -> Any:
        if self.built and getattr(self, "_functional", None) is not None:
            return single(self.inputs)
        return layer_input.fget(self)

    sequential.output = property(output)
    sequential.input = property(input)


def _optimizer_lr(keras: Any) -> None:
    from keras.src.optimizers.base_optimizer import BaseOptimizer

    original = BaseOptimizer.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        if "lr" in kwargs:  # Keras 2 accepted lr= as the learning rate
            rate = kwargs.pop("lr")
            if args:
                args = (rate, *args[1:])
            else:
                kwargs["learning_rate"] = rate
        original(self, *args, **kwargs)

    BaseOptimizer.__init__ = init


def _generator_methods(keras: Any) -> None:
    model = keras.Model

    def without_workers(kwargs: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in kwargs.items() if k not in _DROPPED_FIT_ARGUMENTS}

    def fit_generator(self: Any, generator: Any, *args: Any, **kwargs: Any) -> Any:
        return self.fit(generator, *args, **without_workers(kwargs))

    def evaluate_generator(self: Any, generator: Any, *args: Any, **kwargs: Any) -> Any:
        return self.evaluate(generator, *args, **without_workers(kwargs))

    def predict_generator(self: Any, generator: Any, *args: Any, **kwargs: Any) -> Any:
        return self.predict(generator, *args, **without_workers(kwargs))

    for method in (fit_generator, evaluate_generator, predict_generator):
        if not hasattr(model, method.__name__):
            setattr(model, method.__name__, method)


def _np_utils(keras: Any) -> None:
    module = types.ModuleType("keras.utils.np_utils")
    module.to_categorical = keras.utils.to_categorical  # type: ignore[attr-defined]
    module.normalize = keras.utils.normalize  # type: ignore[attr-defined]
    sys.modules.setdefault("keras.utils.np_utils", module)
    if not hasattr(keras.utils, "np_utils"):
        keras.utils.np_utils = module


def _image_data_generator(keras: Any) -> None:
    from keras.src.legacy.preprocessing import image as legacy

    public = keras.preprocessing.image
    for name in ("ImageDataGenerator", "Iterator", "DirectoryIterator", "DataFrameIterator", "NumpyArrayIterator"):
        if not hasattr(public, name) and hasattr(legacy, name):
            setattr(public, name, getattr(legacy, name))


def patch_pandas(pandas: Any) -> None:
    """`fillna(method='ffill')`, which Colab's pandas 1.5 took and pandas 3 refuses ("unexpected keyword")."""
    for kind in (pandas.DataFrame, pandas.Series):
        if getattr(kind.fillna, PATCHED, False):
            continue
        original = kind.fillna

        def fillna(self: Any, value: Any = None, *args: Any, method: Any = None, __original: Any = original,
                   **kwargs: Any) -> Any:  # fmt: skip
            if method in ("ffill", "pad"):
                return self.ffill(limit=kwargs.get("limit"), inplace=kwargs.get("inplace", False))
            if method in ("bfill", "backfill"):
                return self.bfill(limit=kwargs.get("limit"), inplace=kwargs.get("inplace", False))
            return __original(self, value, *args, **kwargs)

        setattr(fillna, PATCHED, True)
        kind.fillna = fillna


AFTER_IMPORT: dict[str, list[Any]] = {"keras": [patch_keras], "pandas": [patch_pandas]}


class _AfterImport(importlib.abc.MetaPathFinder):
    """Applies the shims (and the budget, see budget.py) as soon as a package has finished importing."""

    def __init__(self) -> None:
        self._busy = False

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in AFTER_IMPORT or self._busy:
            return None
        self._busy = True
        try:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        finally:
            self._busy = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            run(module)
            _apply(fullname, module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _apply(name: str, module: types.ModuleType) -> None:
    for patch in AFTER_IMPORT.get(name, []):
        try:
            patch(module)
        except Exception as error:  # a shim that no longer fits must not break the student's import
            print(f"[grader] {name}: compatibility shim {patch.__name__} not applied: {error}", file=sys.__stderr__)


def install(extra: dict[str, list[Any]] | None = None) -> None:
    """Install the hook (call before any student code runs); `extra` adds patches per package."""
    for name, patches in (extra or {}).items():
        AFTER_IMPORT.setdefault(name, []).extend(patches)
    for name in AFTER_IMPORT:
        if name in sys.modules:
            _apply(name, sys.modules[name])
    if not any(isinstance(f, _AfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport())

"""What a run notebook left behind, described as plain data (runs inside the sandbox child).

After the student's cells have run, their results live in module globals:
`model = Sequential([...])`, `tuner = kt.Hyperband(...)`, `last_conv_layer_name = "conv2d_2"`,
`VGG_time = 1523.4`. The grader looks for them by what they are, not by name: every Keras
model, KerasTuner tuner and HyperModel instance, and every short plain value (a number, a
string, a list of numbers) is listed with enough to match it to a question. The objects
themselves stay in the child; the grader refers to them by (module, name).
Sent to the child as source; standard library only at import time.
"""

from __future__ import annotations

import sys
from typing import Any

_MAX_TEXT = 200
_MAX_NUMBERS = 100


def _is_instance(obj: Any, module: str, names: tuple[str, ...]) -> bool:
    """isinstance against a class of a package that may not be imported (then it cannot be one)."""
    package = sys.modules.get(module)
    if package is None:
        return False
    for name in names:
        kind: Any = package
        for part in name.split("."):
            kind = getattr(kind, part, None)
            if kind is None:
                break
        if isinstance(kind, type) and isinstance(obj, kind):
            return True
    return False


def _plain(value: Any) -> Any:
    """A short plain value, or None when the value is not one."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value if value == value else None  # drop NaN
    if isinstance(value, str):
        return value if len(value) <= _MAX_TEXT else None
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return _plain(value.item())
    if isinstance(value, (list, tuple)) and 0 < len(value) <= _MAX_NUMBERS:
        items = [_plain(v) for v in value]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
            return items
    return None


def describe(obj: Any) -> dict[str, Any] | None:
    """What an object is, for the grader: a model, a tuner, a hypermodel, or a plain value; None otherwise."""
    if _is_instance(obj, "keras", ("Model",)):
        try:
            parameters = int(obj.count_params()) if obj.built else None
        except Exception:
            parameters = None
        layers = [type(layer).__name__ for layer in getattr(obj, "layers", [])]
        return {"kind": "model", "class": type(obj).__name__, "layers": layers[:60], "parameters": parameters}
    if _is_instance(obj, "keras_tuner", ("engine.base_tuner.BaseTuner", "Tuner")):
        oracle = getattr(obj, "oracle", None)
        objective = getattr(getattr(oracle, "objective", None), "name", None)
        hypermodel = getattr(obj, "hypermodel", None)
        return {"kind": "tuner", "class": type(obj).__name__, "objective": objective,
                "hypermodel": type(hypermodel).__name__ if hypermodel is not None else None}  # fmt: skip
    if _is_instance(obj, "keras_tuner", ("HyperModel",)):
        return {"kind": "hypermodel", "class": type(obj).__name__}
    value = _plain(obj)
    if value is not None:
        return {"kind": "value", "value": value}
    return None


def harvest(modules: dict[str, Any], order: list[str]) -> list[dict[str, Any]]:
    """Every module global worth reporting, in load order."""
    items = []
    for module_name in order:
        for name, obj in list(vars(modules[module_name]).items()):
            if name.startswith("_") or isinstance(obj, type) or (callable(obj) and not hasattr(obj, "layers")):
                continue
            try:
                described = describe(obj)
            except Exception:  # a student's object whose attributes raise: not worth reporting
                continue
            if described is not None:
                items.append({"module": module_name, "name": name, **described})
    return items

"""Grader helpers for Q2 (transfer learning) that run inside the sandbox child, beside the student's code.

Sent as source (client.Sandbox.probe) after probe_keras.py, into the same namespace (it
uses that probe's describing helpers), and loaded on first use. `describe_transfer`
builds one of the grader's backbones, `keras.applications.VGG16` or `ResNet50`
with `weights=None` (nothing is downloaded: the child has no network) and
`include_top=False`, hands it to the student's `define_model(conv_model)` and
describes what comes back: the effective trainable flag of every backbone
layer, in order; the layers added after the backbone; input and output shapes;
how the model was compiled; its parameter counts. It holds no expected values
and judges nothing: every judgement is made in the grader's process. A
student's exception propagates (it is reported with the student's file and line).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import numpy as np

# In the grader's own process (tests) import them; in the child, which refuses to import the
# grader, probe_keras was loaded into this namespace first and they are already here.
with contextlib.suppress(ImportError):
    from grader.sandbox.probe_keras import _activation_name, _keras, _learning_rate, _loss_name, _plain

BACKBONES = {"vgg16": "VGG16", "resnet50": "ResNet50"}
_SETTINGS = ("units", "activation", "rate", "pool_size", "filters")


def _metrics(model: Any) -> list[str]:
    compiled = getattr(model, "_compile_metrics", None)
    user = getattr(compiled, "_user_metrics", None)
    if user is None:
        return []
    items = user if isinstance(user, (list, tuple)) else [user]
    names = []
    for item in items:
        if isinstance(item, (list, tuple)):
            names += [str(getattr(m, "name", None) or getattr(m, "__name__", m)) for m in item]
        else:
            names.append(str(getattr(item, "name", None) or getattr(item, "__name__", item)))
    return names


def _is_input(layer: Any) -> bool:
    return type(layer).__name__ == "InputLayer"


def _walk(container: Any, trainable: bool, found: dict[int, bool], order: list[Any]) -> None:
    """Every leaf layer under container, with its effective flag: its own and all its containers'."""
    for layer in getattr(container, "layers", []):
        effective = trainable and bool(layer.trainable)
        if getattr(layer, "layers", None):  # a nested model: the backbone as one layer of a Sequential
            found[id(layer)] = effective
            _walk(layer, effective, found, order)
        elif id(layer) not in found:
            found[id(layer)] = effective
            order.append(layer)


def _describe_layer(layer: Any, trainable: bool) -> dict[str, Any]:
    try:
        config = layer.get_config()
    except Exception:
        config = {}
    settings = {key: _plain(config[key]) for key in _SETTINGS if key in config}
    if hasattr(layer, "activation"):
        settings["activation"] = _activation_name(layer)
    return {"type": type(layer).__name__, "name": str(layer.name), "settings": settings, "trainable": trainable,
            "parameters": int(layer.count_params()) if layer.built else None}  # fmt: skip


def _shape(tensors: Any) -> Any:
    try:
        return _plain(tuple(tensors[0].shape))
    except Exception:
        return None


def describe_transfer(function: Any, backbone: str, size: int) -> dict[str, Any]:
    """Build the grader's backbone, call define_model(conv_model) on it, describe the result."""
    keras = _keras()
    keras.backend.clear_session()  # the same automatic names on every call
    conv_model = getattr(keras.applications, BACKBONES[backbone])(
        weights=None, include_top=False, input_shape=(size, size, 3)
    )
    backbone_layers = [layer for layer in conv_model.layers if not _is_input(layer)]
    started = time.perf_counter()
    model = function(conv_model)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "backbone": backbone,
        "size": size,
        "returned": type(model).__name__,
        "seconds": seconds,
        "backbone_names": [str(layer.name) for layer in backbone_layers],
        "backbone_weighted": [bool(layer.weights) for layer in backbone_layers],
    }
    if not isinstance(model, keras.Model):
        # The flags the function set on conv_model itself, e.g. when it forgot to return the model.
        flags = {id(layer): bool(layer.trainable) and bool(conv_model.trainable) for layer in backbone_layers}
        result.update({"model": False, "backbone_trainable": [flags[id(layer)] for layer in backbone_layers],
                       "backbone_in_model": [False] * len(backbone_layers)})  # fmt: skip
        return result
    found: dict[int, bool] = {}
    order: list[Any] = []
    _walk(model, bool(model.trainable), found, order)
    backbone_ids = {id(layer) for layer in conv_model.layers}
    head = [layer for layer in order if id(layer) not in backbone_ids and not _is_input(layer)]
    optimizer = getattr(model, "optimizer", None)
    rate = _learning_rate(optimizer)
    trainable_count = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    result.update({
        "model": True,
        "class": type(model).__name__,
        "backbone_trainable": [found.get(id(layer), bool(layer.trainable)) for layer in backbone_layers],
        "backbone_in_model": [id(layer) in found for layer in backbone_layers],
        "head": [_describe_layer(layer, found[id(layer)]) for layer in head],
        "input_shape": _shape(model.inputs),
        "output_shape": _shape(model.outputs),
        "parameters": int(model.count_params()),
        "trainable_parameters": trainable_count,
        "backbone_trainable_parameters": sum(int(np.prod(w.shape)) for w in conv_model.weights
                                             if any(w is t for t in model.trainable_weights)),
        "compiled": bool(getattr(model, "compiled", False) or optimizer is not None),
        "loss": _loss_name(getattr(model, "loss", None)),
        "optimizer": type(optimizer).__name__ if optimizer is not None else None,
        "learning_rate": rate,
        "metrics": _metrics(model),
    })  # fmt: skip
    return result

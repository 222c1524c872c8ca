"""Grader helpers that run inside the sandbox child, beside the student's code (Q1 and Q7).

Sent as source (client.Sandbox.probe) and loaded on first use, so questions
that need no Keras never import TensorFlow. These functions build models from
the student's functions or from the grader's plain specifications, call the
student's code on grader data and return plain descriptions: layer lists,
arrays, error texts. They hold no expected values; every judgement is made in
the grader's process. A student's exception propagates (it is reported with
the student's file and line), except where a probe records it as a finding.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

import numpy as np

_CONFIG_KEYS = ("filters", "kernel_size", "strides", "padding", "activation", "units", "pool_size", "rate")


def _keras() -> Any:
    import keras

    return keras


# -- describing models ---------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _activation_name(layer: Any) -> str | None:
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    return str(getattr(activation, "__name__", activation))


def describe_layer(layer: Any) -> dict[str, Any]:
    try:
        config = layer.get_config()
    except Exception:  # e.g. a Dense whose activation a notebook set to None: read the attributes instead
        config = {k: getattr(layer, k) for k in _CONFIG_KEYS if k != "activation" and hasattr(layer, k)}
    settings = {k: _plain(config[k]) for k in _CONFIG_KEYS if k in config}
    if "activation" in settings or hasattr(layer, "activation"):
        settings["activation"] = _activation_name(layer) or settings.get("activation")
    try:
        output_shape = _plain(tuple(layer.output.shape))
    except Exception:
        output_shape = None
    return {"type": type(layer).__name__, "name": str(layer.name), "settings": settings,
            "output_shape": output_shape, "parameters": int(layer.count_params()) if layer.built else None}  # fmt: skip


def _learning_rate(optimizer: Any) -> float | None:
    """The optimizer's learning rate as a number; None without an optimizer or for a schedule."""
    if optimizer is None:
        return None
    try:
        return float(np.asarray(optimizer.learning_rate))
    except Exception:
        return None


def _loss_name(loss: Any) -> str | None:
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss
    if isinstance(loss, (list, tuple)) and loss:
        return _loss_name(loss[0])
    if isinstance(loss, dict) and loss:
        return _loss_name(next(iter(loss.values())))
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__
    from_logits = bool(getattr(loss, "from_logits", False) or getattr(loss, "_fn_kwargs", {}).get("from_logits"))
    return f"{name}{' (from_logits)' if from_logits else ''}"


def describe_model(model: Any, input_shape: tuple[int, ...] | None = None) -> dict[str, Any]:
    keras = _keras()
    if not isinstance(model, keras.Model):
        raise TypeError(f"expected a Keras model, got {type(model).__name__}")
    if not model.built and input_shape is not None:
        model.build((None, *input_shape))
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    optimizer = getattr(model, "optimizer", None)
    rate = _learning_rate(optimizer)
    try:
        inputs = _plain(tuple(model.inputs[0].shape))
        outputs = _plain(tuple(model.outputs[0].shape))
    except Exception:
        inputs = outputs = None
    return {
        "class": type(model).__name__,
        "layers": [describe_layer(layer) for layer in layers],
        "input_shape": inputs,
        "output_shape": outputs,
        "parameters": int(model.count_params()) if model.built else None,
        "compiled": bool(getattr(model, "compiled", False) or optimizer is not None),
        "loss": _loss_name(getattr(model, "loss", None)),
        "optimizer": type(optimizer).__name__ if optimizer is not None else None,
        "learning_rate": rate,
        # Set when the model was compiled in the student's run (sandbox/budget.py), for a model changed since.
        "compiled_activations": [
            a for a in getattr(model, "_hw4_compiled_activations", []) if a is None or isinstance(a, str)
        ][-len(layers) :]
        or None,
    }


def describe_student_model(factory: Any, input_shape: list[int]) -> dict[str, Any]:
    """Q7: call the student's create_model() (or a class) and describe what it returns; or describe the
    model itself, when the notebook built it at top level."""
    model = factory if isinstance(factory, _keras().Model) else factory()
    return describe_model(model, tuple(input_shape))


# -- the grader's Q7 network, for the student's Grad-CAM function ----------------------
def build_grader_model(
    spec: list[list[Any]],
    weights: list[np.ndarray],
    flavour: str,
    names: list[str],
    zero_head: bool,
    linear_head: bool = False,
) -> Any:
    """The grader's trained network as a Sequential or Functional model, with the given layer names."""
    keras = _keras()
    made = [
        getattr(keras.layers, kind)(**settings, name=name) for (kind, settings), name in zip(spec, names, strict=True)
    ]
    if flavour == "sequential":
        model = keras.Sequential([keras.Input((28, 28, 1)), *made])
    else:
        inputs = keras.Input((28, 28, 1))
        x = inputs
        for layer in made:
            x = layer(x)
        model = keras.Model(inputs, x)
    weights = [np.array(w, dtype=np.float32) for w in weights]
    if zero_head:  # the class score no longer depends on the image: every Grad-CAM is constant
        weights[-2][...] = 0.0
    model.set_weights(weights)
    if linear_head:  # the notebook removed the softmax before calling its Grad-CAM (keras.io's recipe)
        model.layers[-1].activation = keras.activations.linear
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _collect(result: Any, count: int) -> np.ndarray:
    """The heatmaps in what a Grad-CAM function returned: an array, a list of maps, or a tuple led by them."""
    if inspect.isgenerator(result):
        result = list(result)
    if isinstance(result, tuple) and len(result) in (2, 3) and count not in (2, 3):
        result = result[0]  # (heatmaps, overlays), (heatmaps, predictions), ...
    if isinstance(result, (list, tuple)):
        result = np.stack([np.asarray(r, dtype=np.float64) for r in result])
    maps = np.asarray(result, dtype=np.float64)
    if maps.ndim >= 3:  # drop axes of one beside the image axes: (n, 1, 28, 28) from tf-keras-vis, (n, 28, 28, 1)
        maps = maps.reshape((maps.shape[0], *(d for d in maps.shape[1:] if d != 1)))
    if maps.ndim == 2:
        maps = maps[None]
    return maps


# How a Grad-CAM function may want its images, per the public examples: all at once (a batch), one at a
# time with a batch axis (keras.io's make_gradcam_heatmap(np.expand_dims(img, 0), ...)), one at a time as
# a plain image (functions that add the axis themselves).
CONVENTIONS = ("batch", "one_batched", "one")


def run_gradcam(
    function: Any,
    roles: dict[str, str],
    images: np.ndarray,
    labels: np.ndarray,
    layer: str,
    model: dict[str, Any],
    convention: str = "",
    layer_object: bool = False,
) -> dict[str, Any]:
    """Call the student's Grad-CAM function, arguments by keyword and role, on a fresh grader model.

    roles: parameter name -> model / images / image / labels / label / layer. `convention` says how
    the images are passed (CONVENTIONS); by default, once per image when the parameters are singular.
    With `layer_object` the layer itself is passed instead of its name. A fresh model per call:
    tf-keras-vis with clone=False, and keras.io's own example, change the model's last activation.
    """
    network = build_grader_model(**model)
    target = network.get_layer(layer) if layer_object else layer
    convention = convention or ("one" if {"image", "label"} & set(roles.values()) else "batch")
    started = time.perf_counter()
    if convention == "batch":
        maps = _collect(function(**_arguments(roles, network, images, labels, target)), len(images))
    else:
        single = []
        for i in range(len(images)):
            image = images[i : i + 1] if convention == "one_batched" else images[i]
            single.append(_collect(function(**_arguments(roles, network, image, labels[i], target)), 1)[0])
        maps = np.stack(single)
    return {"maps": maps, "seconds": time.perf_counter() - started}


def _arguments(roles: dict[str, str], model: Any, images: Any, labels: Any, layer: Any) -> dict[str, Any]:
    by_role = {"model": model, "images": images, "image": images, "labels": labels, "label": labels, "layer": layer}
    return {name: by_role[role] for name, role in roles.items()}


# -- Q1: the student's KerasTuner builder ----------------------------------------------
def _call_builder(builder: Callable[..., Any], hp: Any) -> Any:
    """build_model(hp), a HyperModel subclass (instantiated without arguments, or with the input shape), or what a
    notebook made: a HyperModel instance, or a tuner (its hypermodel)."""
    if not inspect.isclass(builder) and hasattr(builder, "hypermodel") and hasattr(builder, "search"):
        return builder.hypermodel.build(hp)
    if not inspect.isclass(builder) and not callable(builder) and hasattr(builder, "build"):
        return builder.build(hp)
    if inspect.isclass(builder):
        make: Any = builder
        try:
            instance = make()
        except TypeError:
            instance = make(input_shape=(28, 28, 1), num_classes=10)
        return instance.build(hp)
    return builder(hp)


def _breaking_layer(error: BaseException) -> dict[str, Any] | None:
    """The innermost Keras layer on the traceback of a failed build, and the input shape it received."""
    keras = _keras()
    found = None
    traceback = error.__traceback__
    while traceback is not None:
        candidate = traceback.tb_frame.f_locals.get("self")
        if isinstance(candidate, keras.layers.Layer) and not isinstance(candidate, keras.Model):
            found = candidate
        traceback = traceback.tb_next
    if found is None:
        return None
    return {"type": type(found).__name__, "name": str(found.name), "settings": describe_layer(found)["settings"]}


def _middle(low: float, high: float, log: bool) -> float:
    return float(np.sqrt(low * high)) if log and low > 0 else (low + high) / 2


def _corner_value(hp: Any, corner: str) -> Any:
    """A hyperparameter's minimum, maximum or middle ("median": the middle of its range, the middle choice)."""
    kind = type(hp).__name__
    log = getattr(hp, "sampling", "linear") == "log"
    if kind in ("Int", "Float") and corner == "median":
        step = getattr(hp, "step", None)
        if kind == "Int" and not log and step:
            grid = list(range(hp.min_value, hp.max_value + 1, step))
            return grid[len(grid) // 2]
        if kind == "Float" and not log and step:
            count = round((hp.max_value - hp.min_value) / step) + 1
            return float(hp.min_value + step * (count // 2))
        middle = _middle(hp.min_value, hp.max_value, log)
        return round(middle) if kind == "Int" else middle
    if kind in ("Int", "Float"):
        return hp.max_value if corner == "max" else hp.min_value
    if kind == "Choice":
        values = list(hp.values)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            values = sorted(values)
        if corner == "median":
            return values[len(values) // 2]  # of two choices, the larger (more capacity, faster rate)
        return values[-1] if corner == "max" else values[0]
    if kind == "Boolean":
        return hp.default if corner == "median" else corner == "max"
    return getattr(hp, "value", getattr(hp, "default", None))


def build_at(builder: Any, corner: str, rounds: int = 8) -> dict[str, Any]:
    """Build with every hyperparameter at its default, minimum, maximum or middle ("default" / "min" / "max" /
    "median").

    Hyperparameters declared only inside a loop or branch (filters_4 exists only with
    five conv layers) appear in later rounds; each round sets the new ones to the
    corner too, until no new one appears.
    """
    import keras_tuner as kt

    _keras().config.disable_traceback_filtering()  # keep Keras' frames: they show which layer broke
    space: list[dict[str, Any]] = []
    values: dict[str, Any] = {}
    result: dict[str, Any] = {}
    for _ in range(rounds):
        hp = kt.HyperParameters.from_config({"space": space, "values": dict(values)})
        try:
            model = _call_builder(builder, hp)
            result = {"model": describe_model(model, (28, 28, 1)), "error": None}
        except NotImplementedError:
            raise  # the untouched template: "not answered yet"
        except Exception as error:
            result = {"model": None, "error": f"{type(error).__name__}: {error}"[:600], "layer": _breaking_layer(error)}
        new = [p for p in hp.space if p.name not in values]
        for p in new:
            values[p.name] = hp.values.get(p.name) if corner == "default" else _corner_value(p, corner)
            space.append({"class_name": type(p).__name__, "config": p.get_config()})
        if not new or corner == "default":
            break
    return {**result, "values": _plain(values), "space": _plain(space)}


def _fit_and_score(model: Any, data: dict[str, np.ndarray], epochs: int, batch_size: int) -> dict[str, Any]:
    """Train a compiled model on the grader's digits; its accuracy on the held-out ones."""
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    loss = _loss_name(getattr(model, "loss", None)) or ""
    one_hot = "categorical" in loss.lower() and "sparse" not in loss.lower()

    def prepare(pixels: np.ndarray) -> np.ndarray:
        return (pixels.astype("float32") / 255.0).reshape((len(pixels), *shape))

    labels = np.eye(10, dtype="float32")[data["y_train"]] if one_hot else data["y_train"]
    started = time.perf_counter()
    model.fit(prepare(data["x_train"]), labels, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=True)
    held_out = prepare(data["x_test"])
    # The predicted classes go back, never a score: the held-out labels stay with the grader, which scores them.
    predicted = np.argmax(np.asarray(model.predict(held_out, verbose=0)), axis=1)
    batch_statistics = None
    if _has_batch_normalization(model):  # its moving statistics lag after a short training: also ask with batch ones
        outputs = [np.asarray(model(held_out[i : i + batch_size], training=True))
                   for i in range(0, len(held_out), batch_size)]  # fmt: skip
        batch_statistics = [int(c) for c in np.argmax(np.concatenate(outputs), axis=1)]
    return {"predicted": [int(c) for c in predicted], "batch_statistics_predicted": batch_statistics,
            "seconds": time.perf_counter() - started, "labels": "one-hot" if one_hot else "integer", "loss": loss,
            "input_shape": list(shape)}  # fmt: skip


def _has_batch_normalization(model: Any) -> bool:
    layers = list(getattr(model, "layers", []))
    while layers:
        layer = layers.pop()
        if "BatchNormalization" in type(layer).__name__:
            return True
        layers += list(getattr(layer, "layers", []))
    return False


def smoke_train(
    builder: Any, values: dict[str, Any], data: dict[str, np.ndarray], epochs: int, batch_size: int, seed: int
) -> dict[str, Any]:
    """Train the model of one hyperparameter assignment briefly on grader data; accuracy on held-out digits."""
    import keras_tuner as kt

    _keras().utils.set_random_seed(seed)
    hp = kt.HyperParameters()
    hp.values.update(values)
    return _fit_and_score(_call_builder(builder, hp), data, epochs, batch_size)


def smoke_train_spec(
    spec: list[list[Any]], learning_rate: float, data: dict[str, np.ndarray], epochs: int, batch_size: int, seed: int
) -> dict[str, Any]:
    """The grader's baseline CNN (layers given as [kind, settings]) under the same budget as smoke_train."""
    keras = _keras()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((28, 28, 1)), *(getattr(keras.layers, k)(**s) for k, s in spec)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    return {**_fit_and_score(model, data, epochs, batch_size), "parameters": int(model.count_params())}

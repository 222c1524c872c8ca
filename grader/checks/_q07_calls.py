"""Q7: finding the student's functions and calling them through the Keras probe.

Grad-CAM functions come in many shapes in real submissions: (model, images,
labels, layer), (img, model, layer_name, pred_index=None), generators, ones
that return (heatmaps, overlays). Parameters are matched by name to roles;
the function is called by keyword on the grader's trained network, once per
image when its parameters are singular. Two retries resolve what a correct
student should not lose points for: labels expected one-hot instead of as
integers, and a layer name hard-coded from the student's own notebook session
(`conv2d_5`), which is mapped to the layer it denotes.
"""

from __future__ import annotations

import difflib
import inspect
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.checks._q07_heatmaps import AGREE, agreement, reference_maps
from grader.context import Found, QuestionContext
from grader.results import Bilingual
from grader.sandbox import probe_keras
from grader.sandbox.client import Definition, student
from grader.sandbox.failures import StudentCodeFailure
from reference import q07_gradcam as ref

PROBE = "keras"
PROBE_SOURCE = inspect.getsource(probe_keras)
KERAS_TIMEOUT = 90.0  # the first call imports TensorFlow in the child (~5 s), then builds and runs
MODEL_NAMES = ("create_model", "build_model", "make_model", "get_model", "build_cnn", "cnn_model", "define_model")
GRADCAM_NAMES = ("generate_gradcam", "gradcam", "grad_cam", "make_gradcam_heatmap", "compute_gradcam",
                 "get_gradcam", "gradcam_heatmap", "make_gradcam", "generate_grad_cam", "grad_cam_heatmap")  # fmt: skip
DEFAULT_NAMES = ("conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "conv2d_2", "max_pooling2d_2",
                 "flatten", "dense", "dense_1")  # fmt: skip
CONV_POSITIONS = (0, 2, 4)  # where the conv layers are in SPEC

_ROLES = {
    "model": {"model", "mdl", "cnn", "net", "network", "keras_model", "trained_model", "classifier"},
    "images": {"images", "imgs", "x", "x_test", "inputs", "input_images", "samples", "sample_images", "batch",
               "data", "img_array", "image_batch", "x_batch", "test_images", "seed_input", "seed_inputs"},
    "image": {"image", "img", "x_img", "sample", "input_image", "img_tensor", "image_tensor", "test_image"},
    "labels": {"labels", "y", "y_true", "classes", "targets", "y_test", "class_indices", "true_labels",
               "categories", "test_labels", "label_list"},
    "label": {"label", "class_index", "class_idx", "target_class", "pred_index", "category_index", "cls",
              "target", "class_id", "true_label", "category"},
    "layer": {"layer", "layer_name", "target_layer", "penultimate_layer", "last_conv_layer_name",
              "last_conv_layer", "conv_layer", "conv_layer_name", "target_layer_name"},
}  # fmt: skip


def probe(ctx: QuestionContext, function: str, *args: Any, timeout: float = KERAS_TIMEOUT) -> Any:
    assert ctx.sandbox is not None
    return ctx.sandbox.probe(PROBE, PROBE_SOURCE, function, *args, timeout=timeout).value


SHEET_LAYERS = [kind for kind, _ in ref.SPEC]


def find_model_factory(ctx: QuestionContext) -> Found | None:
    """create_model() or a similar name; else the last parameterless function named like *model* or *cnn*;
    else the model a notebook built at top level that looks most like the sheet's network."""
    for name in MODEL_NAMES:
        found = ctx.find(name)
        if found is not None and not found.definition.required:  # build_model(hp) is Q1's
            return found
    named = [d for d in ctx.definitions if d.kind == "function" and d.required == ()
             and ("model" in d.name.lower() or "cnn" in d.name.lower())]  # fmt: skip
    if named:
        return Found(named[-1], ())
    return notebook_model(ctx)


def notebook_model(ctx: QuestionContext) -> Found | None:
    """The Keras model among the notebooks' globals whose layers are closest to the sheet's (half of them at least)."""

    def likeness(item: dict[str, Any]) -> float:
        layers = [k for k in item.get("layers", []) if k not in ("InputLayer", "Dropout", "Activation")]
        return difflib.SequenceMatcher(None, layers, SHEET_LAYERS).ratio()

    models = [o for o in ctx.objects if o.get("kind") == "model"]
    if not models:
        return None
    best = max(models, key=lambda o: (likeness(o), -abs((o.get("parameters") or 0) - 130_890)))
    if likeness(best) < 0.5:
        return None
    definition = Definition(module=str(best["module"]), name=str(best["name"]), kind="model", params=None,
                            required=None, file="", line=None, generator=False, bases=())  # fmt: skip
    return Found(definition, ())


def student_model(ctx: QuestionContext, found: Found) -> dict[str, Any]:
    factory = student(found.definition)
    return ctx.remember("model", lambda: probe(ctx, "describe_student_model", factory, [28, 28, 1]))


def _role(name: str) -> str | None:
    lowered = name.lower()
    for role, names in _ROLES.items():
        if lowered in names:
            return role
    if "layer" in lowered:
        return "layer"
    if "model" in lowered:
        return "model"
    if "img" in lowered or "image" in lowered:
        return "images" if lowered.endswith("s") else "image"
    if "label" in lowered or "class" in lowered:
        return "labels" if lowered.endswith(("s", "es")) else "label"
    return None


@dataclass(frozen=True)
class GradcamFunction:
    definition: Definition
    roles: dict[str, str]
    note: Bilingual | None


def find_gradcam(ctx: QuestionContext) -> GradcamFunction | Bilingual | None:
    """The student's Grad-CAM function and the role of each parameter; a reason if it cannot be called."""
    found = next((f for f in (ctx.find(n) for n in GRADCAM_NAMES) if f is not None), None)
    if found is None:
        named = [d for d in ctx.definitions if d.kind == "function" and "cam" in d.name.lower()]
        if not named:
            return None
        found = Found(named[-1], ())
    definition = found.definition
    roles: dict[str, str] = {}
    for name in definition.params or ():
        role = _role(name)
        if role is not None and role not in roles.values():
            roles[name] = role
        elif name in (definition.required or ()):
            return Bilingual(
                f"{definition.name}: cannot tell what to pass as its parameter {name!r}; name the parameters like "
                "generate_gradcam(model, images, labels, target_layer)",
                f"{definition.name}: معلوم نیست به پارامتر {name!r} چه باید داد؛ پارامترها را مانند "
                "generate_gradcam(model, images, labels, target_layer) نام‌گذاری کنید",
            )
    if "model" not in roles.values() or not {"images", "image"} & set(roles.values()):
        return Bilingual(f"{definition.name} takes no model or no images ({', '.join(definition.params or ())})",
                         f"{definition.name} مدل یا تصویر نمی‌گیرد ({', '.join(definition.params or ())})")  # fmt: skip
    return GradcamFunction(definition, roles, found.note())


@dataclass
class GradcamRun:
    maps: np.ndarray
    labels: str  # "integers" or "one-hot"
    notes: list[Bilingual] = field(default_factory=list)
    layer_names: tuple[str, ...] = DEFAULT_NAMES


def _names_for(requested: str, ctx: QuestionContext) -> tuple[tuple[str, ...], Bilingual] | None:
    """Layer names for the grader's model so that a name hard-coded by the student exists in it."""
    position = None
    described = ctx.memo.get("model")
    if isinstance(described, dict):
        names = [layer.get("name") for layer in described.get("layers", [])]
        if requested in names and len(names) == len(DEFAULT_NAMES):
            position = names.index(requested)
    how = Bilingual(f"layer {requested!r} of your own model", f"لایهٔ {requested!r} از مدل خود شما")
    match = re.fullmatch(r"conv2d(?:_(\d+))?", requested)
    if position is None and match:
        index = int(match.group(1) or 0)
        position = CONV_POSITIONS[index % 3]
        how = Bilingual(
            f"{requested!r}, an automatic name from a session where the model was built {index // 3 + 1} times; "
            f"it is conv layer {index % 3 + 1} of 3",
            f"{requested!r}، نامی خودکار از نشستی که مدل در آن {index // 3 + 1} بار ساخته شده است؛ "
            f"این لایهٔ کانولوشنی {index % 3 + 1} از ۳ است",
        )
    if position is None:
        return None
    names = list(DEFAULT_NAMES)
    names = [n if n != requested else f"{n}_grader" for n in names]
    names[position] = requested
    note = Bilingual(f"your function looks up the layer by a fixed name, resolved as {how.en}",
                     f"تابع شما لایه را با نامی ثابت پیدا می‌کند و این نام چنین تعبیر شد: {how.fa}")  # fmt: skip
    return tuple(names), note


def _missing_layer(failure: StudentCodeFailure) -> str | None:
    text = failure.message.en
    match = re.search(r"[Nn]o such layer:? '?([\w.\-]+)'?", text) or re.search(r"penultimate_layer`?=([\w.\-]+)", text)
    return match.group(1) if match else None


def run_gradcam(ctx: QuestionContext, function: GradcamFunction, flavour: str, zero_head: bool = False) -> GradcamRun:
    """The student's heatmaps for the probe set on the grader's trained model (remembered per flavour)."""
    return ctx.remember(f"gradcam:{flavour}:{zero_head}", lambda: _run(ctx, function, flavour, zero_head))


_CONVENTION_TEXT = {
    "batch": Bilingual("called with all ten images as one batch", "با هر ده تصویر در یک دسته فراخوانی شد"),
    "one_batched": Bilingual("called once per image with a batch axis, as keras.io's example does (np.expand_dims(img, 0))",
                             "برای هر تصویر جداگانه و با محور دسته فراخوانی شد، همان‌طور که مثال keras.io می‌کند "
                             "(np.expand_dims(img, 0))"),
    "one": Bilingual("called once per image", "برای هر تصویر جداگانه فراخوانی شد"),
}  # fmt: skip


def softmax_removed(ctx: QuestionContext) -> bool:
    """Whether the notebook's own model was compiled with softmax and made linear later (keras.io's recipe)."""
    found = find_model_factory(ctx)
    if found is None or found.definition.kind != "model":
        return False
    try:
        described = student_model(ctx, found)
    except StudentCodeFailure:
        return False
    layers = described.get("layers") or []
    compiled = described.get("compiled_activations") or []
    return bool(layers and compiled) and compiled[-1] == "softmax" and (
        layers[-1].get("settings", {}).get("activation") in (None, "linear"))  # fmt: skip


def _conventions(function: GradcamFunction) -> list[str]:
    """The ways to pass the images, the one the signature suggests first (keras.io's wants a batch of one)."""
    params = set(function.definition.params or ())
    if "pred_index" in params or "img_array" in params:
        return ["one_batched", "batch", "one"]
    if {"image", "label"} & set(function.roles.values()):
        return ["one", "one_batched", "batch"]
    return ["batch", "one_batched", "one"]


def _run(ctx: QuestionContext, function: GradcamFunction, flavour: str, zero_head: bool) -> GradcamRun:
    """Call the function under each public convention until one returns a heatmap per image (probe_keras)."""
    images, labels, cams = ref.load_probe_set()
    weights = _weights()
    target = reference_maps(cams[f"linear:{ref.LAST_CONV}"])
    names: tuple[str, ...] = DEFAULT_NAMES
    notes: list[Bilingual] = []
    one_hot = np.eye(10, dtype=np.float32)[labels]
    linear_head = softmax_removed(ctx)
    if linear_head:
        notes.append(Bilingual("your notebook removed the model's softmax before its Grad-CAM, so the grader's "
                               "model was given without softmax too", "نوت‌بوک شما پیش از Grad-CAM سافت‌مکس مدل را "
                               "برداشت، پس مدل تصحیح‌گر هم بدون سافت‌مکس داده شد"))  # fmt: skip

    def call(encoded: np.ndarray, layer_names: tuple[str, ...], convention: str, layer_object: bool) -> np.ndarray:
        plan = {"spec": [[kind, settings] for kind, settings in ref.SPEC], "weights": weights, "flavour": flavour,
                "names": list(layer_names), "zero_head": zero_head, "linear_head": linear_head}  # fmt: skip
        layer = layer_names[CONV_POSITIONS[-1]]
        result = probe(ctx, "run_gradcam", student(function.definition), function.roles, images, encoded, layer,
                       plan, convention, layer_object)  # fmt: skip
        return np.asarray(result["maps"], dtype=np.float64)

    first_failure: StudentCodeFailure | None = None
    for convention in _conventions(function):
        for encoding, encoded in (("integers", labels), ("one-hot", one_hot)):
            for layer_object in (False, True):
                try:
                    maps = call(encoded, names, convention, layer_object)
                except StudentCodeFailure as failure:
                    if failure.kind == "timeout":
                        raise  # another convention would wait as long again, up to a dozen times
                    first_failure = first_failure or failure
                    requested = _missing_layer(failure)
                    resolved = _names_for(requested, ctx) if requested and names == DEFAULT_NAMES else None
                    if resolved is None:
                        if "str" in failure.message.en and not layer_object:
                            continue  # perhaps the layer itself, not its name
                        break
                    names, note = resolved
                    notes.append(note)
                    try:
                        maps = call(encoded, names, convention, layer_object)
                    except StudentCodeFailure as retried:
                        if retried.kind == "timeout":
                            raise
                        break
                if maps.ndim == 3 and len(maps) == len(labels):
                    if convention != _conventions(function)[0] or convention == "one_batched":
                        notes.append(_CONVENTION_TEXT[convention])
                    if layer_object:
                        notes.append(Bilingual("called with the layer itself, not its name",
                                               "با خود لایه فراخوانی شد، نه نام آن"))  # fmt: skip
                    run = GradcamRun(maps, encoding, notes, names)
                    return _better_encoding(run, call, one_hot, target, convention, layer_object, zero_head)
                break  # it ran but did not give a map per image: the next convention
    if first_failure is not None:
        raise first_failure
    raise StudentCodeFailure("exception", Bilingual(
        "the function did not return one heatmap per image under any calling convention (a batch, one image "
        "with or without a batch axis)",
        "تابع با هیچ شیوهٔ فراخوانی (یک دسته، یک تصویر با یا بدون محور دسته) برای هر تصویر یک نقشه برنگرداند"))  # fmt: skip


def _better_encoding(
    run: GradcamRun, call: Any, one_hot: np.ndarray, target: np.ndarray, convention: str, layer_object: bool,
    zero_head: bool,
) -> GradcamRun:  # fmt: skip
    """Integer labels that match poorly are tried one-hot (CategoricalScore(np.argmax(label)) on an int: class 0)."""
    if zero_head or run.labels != "integers" or _median(run.maps, target) >= AGREE:
        return run
    try:
        retried = call(one_hot, run.layer_names, convention, layer_object)
    except StudentCodeFailure:
        return run
    if retried.ndim == 3 and len(retried) == len(one_hot) and _median(retried, target) > _median(run.maps, target):
        return GradcamRun(retried, "one-hot", run.notes, run.layer_names)
    return run


def _median(maps: np.ndarray, target: np.ndarray) -> float:
    if maps.ndim != 3 or len(maps) != len(target) or not np.all(np.isfinite(maps)):
        return -1.0
    return agreement(maps, target).median


def _weights() -> list[np.ndarray]:
    with np.load(ref.ARTIFACTS / "model_weights.npz") as data:
        return [data[f"arr_{i}"] for i in range(len(data.files))]

"""Q7: the student's network against the sheet's, layer by layer (from the probe's description)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from grader.results import Bilingual

_COMPARED = {
    "Conv2D": ("filters", "kernel_size", "padding", "activation"),
    "MaxPooling2D": ("pool_size", "strides"),
    "Dense": ("units", "activation"),
    "Flatten": (),
}


def _pair(value: Any) -> Any:
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


def normalised_layers(layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Layer descriptions with a separate Activation folded into the layer before it."""
    result: list[dict[str, Any]] = []
    for layer in layers:
        settings = dict(layer.get("settings", {}))
        if layer["type"] == "Activation" and result and result[-1]["settings"].get("activation") in (None, "linear"):
            result[-1]["settings"]["activation"] = settings.get("activation")
            continue
        if layer["type"] == "ReLU" and result and result[-1]["settings"].get("activation") in (None, "linear"):
            result[-1]["settings"]["activation"] = "relu"
            continue
        for key in ("kernel_size", "pool_size", "strides"):
            if key in settings:
                settings[key] = _pair(settings[key])
        if layer["type"] == "MaxPooling2D" and settings.get("strides") in (None, settings.get("pool_size")):
            settings["strides"] = settings.get("pool_size")  # Keras' default: strides = pool_size
        result.append({"type": layer["type"], "name": layer.get("name"), "settings": settings})
    return result


def expected_layers(spec: tuple[tuple[str, dict[str, Any]], ...]) -> list[dict[str, Any]]:
    layers = []
    for kind, settings in spec:
        wanted = {k: _pair(v) if k in ("kernel_size", "pool_size") else v for k, v in settings.items()}
        if kind == "MaxPooling2D":
            wanted["strides"] = wanted["pool_size"]
        layers.append({"type": kind, "settings": wanted})
    return layers


@dataclass(frozen=True)
class LayerComparison:
    correct: int  # spec layers present with every compared setting right
    expected: int
    problems: tuple[Bilingual, ...]
    extra: int  # layers the sheet does not have

    @property
    def fraction(self) -> float:
        return max(0.0, (self.correct - self.extra) / self.expected)


def _setting_text(value: Any) -> str:
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)


def compare_layers(student: list[dict[str, Any]], expected: list[dict[str, Any]]) -> LayerComparison:
    """Align the two layer lists by type (difflib), then compare each aligned layer's settings."""
    problems: list[Bilingual] = []
    correct = extra = 0
    matcher = difflib.SequenceMatcher(a=[s["type"] for s in student], b=[e["type"] for e in expected], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for s, e, position in zip(student[i1:i2], expected[j1:j2], range(j1, j2), strict=True):
                wrong = [
                    (key, s["settings"].get(key), value)
                    for key, value in e["settings"].items()
                    if key in _COMPARED[e["type"]] and s["settings"].get(key) != value
                ]
                if not wrong:
                    correct += 1
                    continue
                en = ", ".join(f"{k} {_setting_text(got)} instead of {_setting_text(want)}" for k, got, want in wrong)
                fa = "، ".join(f"{k} برابر {_setting_text(got)} به جای {_setting_text(want)}" for k, got, want in wrong)
                problems.append(Bilingual(f"layer {position + 1} ({e['type']}): {en}",
                                          f"لایهٔ {position + 1} ({e['type']}): {fa}"))  # fmt: skip
            continue
        for s in student[i1:i2]:
            extra += 1
            problems.append(Bilingual(f"a {s['type']} layer the sheet's network does not have",
                                      f"یک لایهٔ {s['type']} که شبکهٔ خواسته‌شده ندارد"))  # fmt: skip
        for position in range(j1, j2):
            kind = expected[position]["type"]
            problems.append(Bilingual(f"layer {position + 1} ({kind}) is missing",
                                      f"لایهٔ {position + 1} ({kind}) وجود ندارد"))  # fmt: skip
    return LayerComparison(correct, len(expected), tuple(problems), extra)


def loss_is_categorical(loss: str | None) -> bool | None:
    """True for categorical cross-entropy, False for the sparse one, None for anything else."""
    if not loss:
        return None
    canon = loss.lower().replace("_", "").replace(" ", "")
    if "sparsecategoricalcrossentropy" in canon:
        return False
    if "categoricalcrossentropy" in canon and "fromlogits" not in canon:
        return True
    return None


def restore_compiled_activation(described: dict[str, Any]) -> Bilingual | None:
    """A last layer made linear after compiling (keras.io's Grad-CAM step) is judged as it was built; says so."""
    layers = described.get("layers") or []
    compiled = described.get("compiled_activations") or []
    if not layers or not compiled or len(compiled) < 1:
        return None
    last = layers[-1].get("settings", {})
    before = compiled[-1]
    if last.get("activation") in (None, "linear") and before not in (None, "linear"):
        last["activation"] = before
        return Bilingual(f"(the last layer was built with {before}; the notebook set it to linear afterwards for "
                         "Grad-CAM, as keras.io does)", f"(آخرین لایه با {before} ساخته شده بود؛ نوت‌بوک بعداً برای "
                         "Grad-CAM آن را خطی کرد، همان‌طور که keras.io می‌کند)")  # fmt: skip
    return None

"""Q1: finding the student's KerasTuner builder and building it at the corners of its own space (_q01_smoke trains it).

The builder is found by behaviour, not by name alone: every candidate (a
function whose one required parameter is named like hp, or a HyperModel
subclass) is built with a fresh KerasTuner HyperParameters object, and the
first that returns a Keras model while declaring hyperparameters is the
builder. A `build_model(input_shape)` from elsewhere in the notebook fails
that test and is skipped, with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from grader.checks._q07_calls import probe
from grader.context import QuestionContext
from grader.results import Bilingual
from grader.sandbox.client import Definition, student
from grader.sandbox.failures import StudentCodeFailure

BUILDER_NAMES = ("build_model", "build_cnn_model", "model_builder", "build_cnn", "build_hypermodel", "create_model",
                 "build", "make_model", "build_tuned_model")  # fmt: skip
HP_NAMES = ("hp", "hps", "hparams", "hyperparameters", "hyper_parameters", "hp_space", "hyperparams")


@dataclass(frozen=True)
class Builder:
    definition: Definition
    default: dict[str, Any]  # build_at(..., "default"): model, error, values, space
    skipped: tuple[Bilingual, ...]


def _candidates(ctx: QuestionContext) -> list[Definition]:
    functions = [d for d in ctx.definitions if d.kind == "function" and d.required is not None
                 and len(d.required) == 1]  # fmt: skip
    named = sorted((d for d in functions if d.required and d.required[0].lower() in HP_NAMES),
                   key=lambda d: (BUILDER_NAMES.index(d.name) if d.name in BUILDER_NAMES else len(BUILDER_NAMES)))  # fmt: skip
    others = [d for d in functions if d.name in BUILDER_NAMES and d not in named]
    hypermodels = [d for d in ctx.definitions if d.kind == "class" and "HyperModel" in d.bases]
    # The last definition of a name wins, as in Python.
    chosen: dict[str, Definition] = {}
    for d in named:
        chosen.setdefault(d.name, next(x for x in reversed(ctx.definitions) if x.name == d.name and x.kind == d.kind))
    for d in _made_in_notebook(ctx):  # before the classes: the notebook knew their constructors' arguments
        chosen.setdefault(d.name, d)
    for d in [*hypermodels, *others]:
        chosen.setdefault(d.name, next(x for x in reversed(ctx.definitions) if x.name == d.name and x.kind == d.kind))
    return list(chosen.values())


def _made_in_notebook(ctx: QuestionContext) -> list[Definition]:
    """HyperModel instances and tuners a notebook that ran left in its globals, as builders.

    `hypermodel = SearchModel(input_shape=(28, 28, 1), num_classes=10)` is made only in a cell, with
    arguments the grader cannot guess; the instance (or the tuner's hypermodel) builds as the search did."""
    files = {u.module: u.file for u in (ctx.sandbox.units if ctx.sandbox is not None else [])}
    made = [o for o in ctx.objects if o.get("kind") == "hypermodel"]
    made += [o for o in ctx.objects if o.get("kind") == "tuner" and o.get("hypermodel")]
    return [Definition(module=str(o["module"]), name=str(o["name"]), kind=str(o["kind"]), params=None, required=None,
                       file=files.get(str(o["module"]), ""), line=None, generator=False, bases=())
            for o in made]  # fmt: skip


def find_builder(ctx: QuestionContext) -> Builder | None:
    return ctx.remember("builder", lambda: _find(ctx))


def _find(ctx: QuestionContext) -> Builder | None:
    skipped: list[Bilingual] = []
    for definition in _candidates(ctx):
        try:
            built = probe(ctx, "build_at", student(definition), "default")
        except StudentCodeFailure as failure:
            if failure.kind in ("timeout", "not_implemented"):
                raise
            skipped.append(Bilingual(f"{definition.name} is not a KerasTuner builder ({failure.message.en})",
                                     f"{definition.name} سازندهٔ KerasTuner نیست ({failure.message.fa})"))  # fmt: skip
            continue
        made = definition.kind in ("hypermodel", "tuner")
        if built["space"] or (built["model"] is None and (made or "hp" in (definition.required or ("",))[0].lower())):
            return Builder(definition, built, tuple(skipped))
        reason = built["error"] or "it declares no hyperparameters"
        skipped.append(Bilingual(f"{definition.name} is not a KerasTuner builder ({reason})",
                                 f"{definition.name} سازندهٔ KerasTuner نیست ({reason})"))  # fmt: skip
    ctx.memo["builder:skipped"] = tuple(skipped)
    return None


def skipped_candidates(ctx: QuestionContext) -> tuple[Bilingual, ...]:
    """Why each candidate was not taken as the builder, when none was (after find_builder)."""
    return tuple(ctx.memo.get("builder:skipped", ()))


def corner(ctx: QuestionContext, builder: Builder, which: str) -> dict[str, Any]:
    if which == "default":
        return builder.default
    return ctx.remember(f"corner:{which}", lambda: probe(ctx, "build_at", student(builder.definition), which))


# -- reading a built model ----------------------------------------------------------------
def is_conv(layer: dict[str, Any]) -> bool:
    return "Conv" in str(layer["type"])


def hidden_dense(layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    dense = [layer for layer in layers if layer["type"] == "Dense"]
    return dense[:-1]  # the last Dense is the output layer


def architecture(model: dict[str, Any]) -> dict[str, Any]:
    layers = list(model["layers"])
    convs = [layer for layer in layers if is_conv(layer)]
    dense = hidden_dense(layers)
    return {
        "conv_layers": len(convs),
        "dense_layers": len(dense),
        "filters": max((int(layer["settings"].get("filters") or 0) for layer in convs), default=0),
        "units": max((int(layer["settings"].get("units") or 0) for layer in dense), default=0),
        "learning_rate": model.get("learning_rate"),
        "parameters": model.get("parameters"),
    }


_DECLARED = {
    "conv_layers": re.compile(r"(conv|cnn).*(num|layers?|blocks?|count|depth)|(num|n)_?(conv|cnn)", re.I),
    "dense_layers": re.compile(r"(dense|fc|hidden).*(num|layers?|count|depth)|(num|n)_?(dense|fc|hidden)", re.I),
    "filters": re.compile(r"filter", re.I),
    "units": re.compile(r"unit|neuron", re.I),
}


def declared_limits(values: dict[str, Any]) -> dict[str, int]:
    """The largest value of each limited quantity among hyperparameters named for it (when a model cannot be built)."""
    found: dict[str, int] = {}
    for name, value in values.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        for key, pattern in _DECLARED.items():
            if pattern.search(name):
                found[key] = max(found.get(key, 0), int(value))
                break
    return found


def failure_text(result: dict[str, Any]) -> Bilingual:
    """A failed build, with the layer that broke when the traceback showed it."""
    layer = result.get("layer")
    where_en = where_fa = ""
    if layer:
        where_en = f" in layer {layer['name']} ({layer['type']})"
        where_fa = f" در لایهٔ {layer['name']} ({layer['type']})"
    values = ", ".join(f"{k}={v}" for k, v in sorted(result.get("values", {}).items()))
    return Bilingual(f"building with {values} failed{where_en}: {result['error']}",
                     f"ساختن مدل با {values} شکست خورد{where_fa}: {result['error']}")  # fmt: skip

"""Q2: finding the student's define_model, running it through the transfer probe, reading its description.

The probe (grader/sandbox/probe_transfer.py) builds the grader's backbones with
`weights=None` at 32x32 (fast; the sheet's 224x224 only for the parameter count
the student reports) and describes what define_model returns. Everything below
that judges a description is plain Python on plain data.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from grader.checks._q07_model import loss_is_categorical
from grader.context import NOT_ANSWERED, Found, QuestionContext
from grader.results import Bilingual
from grader.sandbox import probe_keras, probe_transfer
from grader.sandbox.client import student

PROBE = "transfer"
PROBE_SOURCE = (inspect.getsource(probe_keras), inspect.getsource(probe_transfer))  # the second uses the first
TIMEOUT = 120.0  # the first call imports TensorFlow in the child (~5 s); ResNet50 takes ~1 s to build
SIZE = 32  # the smallest input VGG16 and ResNet50 accept: cheap, and Flatten == global pooling there
SHEET_SIZE = 224
BACKBONES = ("vgg16", "resnet50")
NAMES = {"vgg16": "VGG16", "resnet50": "ResNet50"}
FACTORY_NAMES = ("define_model", "build_transfer_model", "create_transfer_model", "transfer_model")
BACKBONE_PARAMS = {"conv_model", "base_model", "backbone", "pretrained_model", "base", "conv_base", "model"}
REDUCERS = {"Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D"}
NO_FUNCTION = NOT_ANSWERED + Bilingual("No define_model(conv_model) was found.",
                                       "تابع define_model(conv_model) پیدا نشد.")  # fmt: skip


def join(parts: list[Bilingual] | tuple[Bilingual, ...]) -> Bilingual:
    """Clauses joined by a semicolon: ";" in English, "؛" in Persian."""
    return Bilingual("; ".join(p.en for p in parts), "؛ ".join(p.fa for p in parts))


def find_define_model(ctx: QuestionContext) -> Found | None:
    """define_model(conv_model), or a function with a similar name taking the backbone; the last in file order."""
    for name in FACTORY_NAMES:
        matches = [d for d in ctx.definitions if d.name == name and d.kind == "function" and d.params]
        if matches:
            return Found(matches[-1], tuple(matches[:-1]))
    taking = [d for d in ctx.definitions if d.kind == "function" and d.required and len(d.required) == 1
              and d.required[0] in BACKBONE_PARAMS and "model" in d.name.lower()]  # fmt: skip
    return Found(taking[-1], ()) if taking else None


def describe(ctx: QuestionContext, found: Found, backbone: str, size: int = SIZE) -> dict[str, Any]:
    """What define_model builds on the grader's backbone (remembered: each build is shared by the checks)."""

    def run() -> dict[str, Any]:
        assert ctx.sandbox is not None
        call = ctx.sandbox.probe(PROBE, PROBE_SOURCE, "describe_transfer", student(found.definition), backbone, size,
                                 timeout=TIMEOUT)  # fmt: skip
        return dict(call.value)

    return ctx.remember(f"q02:{backbone}:{size}", run)


def not_a_model(described: dict[str, Any]) -> Bilingual | None:
    if described.get("model"):
        return None
    returned = described.get("returned")
    return Bilingual(f"define_model returned {returned}, not a Keras model: end it with `return model`",
                     f"define_model مقدار {returned} برگرداند، نه یک مدل Keras: تابع را با `return model` تمام کنید")  # fmt: skip


# -- freezing --------------------------------------------------------------------------------
def freeze_problem(described: dict[str, Any]) -> Bilingual | None:
    """None when exactly the backbone's last two layers are trainable; else what is wrong."""
    names, flags = list(described["backbone_names"]), list(described["backbone_trainable"])
    name = NAMES[described["backbone"]]
    if flags == [False] * (len(flags) - 2) + [True, True]:
        return None
    trainable = [n for n, f in zip(names, flags, strict=True) if f]
    last_two = f"{names[-2]}, {names[-1]}"
    if len(trainable) == len(names):
        return Bilingual(f"{name}: all {len(names)} layers of the backbone are trainable: nothing is frozen, so "
                         "training overwrites the ImageNet features (and is far slower); freeze all but the last two",
                         f"{name}: هر {len(names)} لایهٔ مدل پایه قابل آموزش‌اند: هیچ لایه‌ای منجمد نشده است و آموزش، "
                         "ویژگی‌های ImageNet را از بین می‌برد (و بسیار کندتر است)؛ همه به جز دو لایهٔ آخر را منجمد کنید")  # fmt: skip
    if not trainable:
        return Bilingual(f"{name}: every backbone layer is frozen; the sheet unfreezes the last two ({last_two})",
                         f"{name}: همهٔ لایه‌های مدل پایه منجمدند؛ خواستهٔ سوال باز کردن دو لایهٔ آخر ({last_two}) است")  # fmt: skip
    if trainable == names[-1:]:
        return Bilingual(f"{name}: only the last layer ({names[-1]}) is trainable; the sheet unfreezes the last "
                         f"two ({last_two}): layers[-2:], not layers[-1:]",
                         f"{name}: فقط لایهٔ آخر ({names[-1]}) قابل آموزش است؛ خواستهٔ سوال باز کردن دو لایهٔ آخر "
                         f"({last_two}) است: layers[-2:]، نه layers[-1:]")  # fmt: skip
    shown = ", ".join(trainable[:4]) + (", ..." if len(trainable) > 4 else "")
    return Bilingual(f"{name}: {len(trainable)} backbone layers are trainable ({shown}); the sheet unfreezes "
                     f"exactly the last two ({last_two})",
                     f"{name}: {len(trainable)} لایهٔ مدل پایه قابل آموزش‌اند ({shown})؛ خواستهٔ سوال باز کردن "
                     f"دقیقاً دو لایهٔ آخر ({last_two}) است")  # fmt: skip


# -- the head ----------------------------------------------------------------------------------
def head_layers(described: dict[str, Any]) -> list[dict[str, Any]]:
    """The added layers, with an Activation/Softmax layer folded into the Dense layer before it."""
    layers: list[dict[str, Any]] = []
    for layer in described.get("head", []):
        kind, settings = layer["type"], dict(layer.get("settings", {}))
        if kind in ("Activation", "Softmax", "ReLU") and layers and layers[-1]["type"] == "Dense" \
                and layers[-1]["activation"] in (None, "linear"):  # fmt: skip
            layers[-1]["activation"] = {"Softmax": "softmax", "ReLU": "relu"}.get(kind, settings.get("activation"))
            continue
        layers.append({"type": kind, "units": settings.get("units"), "activation": settings.get("activation")})
    return layers


def head_summary(layers: list[dict[str, Any]]) -> str:
    def one(layer: dict[str, Any]) -> str:
        if layer["type"] == "Dense":
            return f"Dense({layer['units']}, {layer['activation']})"
        return str(layer["type"])

    return " -> ".join(one(layer) for layer in layers) or "(nothing)"


@dataclass(frozen=True)
class HeadGrade:
    fraction: Fraction
    problems: tuple[Bilingual, ...]


def grade_head(layers: list[dict[str, Any]]) -> HeadGrade:
    dense = [layer for layer in layers if layer["type"] == "Dense"]
    fraction, problems = Fraction(0), []
    hidden, output = dense[:-1], dense[-1:]
    if len(hidden) == 1 and hidden[0]["units"] == 128 and hidden[0]["activation"] == "relu":
        fraction += Fraction(1, 2)
    else:
        shown = ", ".join(head_summary([h]) for h in hidden) or "none"
        problems.append(Bilingual(f"hidden layers {shown}: the sheet asks for one Dense(128, relu)",
                                  f"لایه‌های پنهان {shown}: خواستهٔ سوال یک لایهٔ Dense(128, relu) است"))  # fmt: skip
    if output and output[0]["units"] == 2 and output[0]["activation"] == "softmax":
        fraction += Fraction(1, 2)
    elif output:
        shown = head_summary(output)
        hint_en = hint_fa = ""
        if output[0]["activation"] == "sigmoid":
            hint_en = " (sigmoid outputs are not a probability distribution over the two classes)"
            hint_fa = " (خروجی‌های sigmoid توزیع احتمال روی دو کلاس نیستند)"
        problems.append(Bilingual(f"output layer {shown}: the sheet asks for Dense(2, softmax){hint_en}",
                                  f"لایهٔ خروجی {shown}: خواستهٔ سوال Dense(2, softmax) است{hint_fa}"))  # fmt: skip
    else:
        problems.append(Bilingual("no Dense layer after the backbone", "پس از مدل پایه هیچ لایهٔ Dense نیست"))
    first_dense = next((i for i, layer in enumerate(layers) if layer["type"] == "Dense"), len(layers))
    if dense and not any(layer["type"] in REDUCERS for layer in layers[:first_dense]):
        fraction = max(Fraction(0), fraction - Fraction(1, 4))
        problems.append(Bilingual("no Flatten (or global pooling) before the Dense layers, which then act on a "
                                  "4-D feature map", "پیش از لایه‌های Dense هیچ Flatten (یا global pooling) نیست و "
                                  "این لایه‌ها روی نقشهٔ ویژگی چهاربعدی عمل می‌کنند"))  # fmt: skip
    return HeadGrade(fraction, tuple(problems))


# -- compiling -----------------------------------------------------------------------------------
def grade_compile(described: dict[str, Any]) -> tuple[Fraction, Bilingual]:
    if not described.get("compiled"):
        return Fraction(0), Bilingual("the model is returned uncompiled: compile it with "
                                      "loss='categorical_crossentropy', optimizer=Adam() and metrics=['accuracy']",
                                      "مدل کامپایل‌نشده برگردانده می‌شود: آن را با loss='categorical_crossentropy'، "
                                      "optimizer=Adam() و metrics=['accuracy'] کامپایل کنید")  # fmt: skip
    loss, optimizer = described.get("loss"), described.get("optimizer")
    categorical = loss_is_categorical(str(loss) if loss else None)
    fraction = Fraction(1, 2) * (optimizer == "Adam") + Fraction(1, 2) * (categorical is True)
    if categorical is False:
        fraction += Fraction(1, 4)  # sparse labels: works with integer labels, but not what the sheet asks
    problems = []
    if categorical is None and "from_logits" in str(loss):
        problems.append(Bilingual(f"loss {loss}: from_logits=True on a softmax output applies softmax twice; the "
                                  "sheet asks for plain categorical_crossentropy", f"تابع هزینهٔ {loss}: "
                                  "from_logits=True روی خروجی softmax، softmax را دو بار اعمال می‌کند؛ خواستهٔ سوال "
                                  "categorical_crossentropy ساده است"))  # fmt: skip
    elif categorical is not True:
        problems.append(Bilingual(f"loss {loss}: the sheet asks for categorical_crossentropy (one-hot labels, "
                                  "two softmax outputs)", f"تابع هزینهٔ {loss}: خواستهٔ سوال categorical_crossentropy "
                                  "است (برچسب one-hot و دو خروجی softmax)"))  # fmt: skip
    if optimizer != "Adam":
        problems.append(Bilingual(f"optimizer {optimizer}: the sheet asks for Adam",
                                  f"بهینه‌ساز {optimizer}: خواستهٔ سوال Adam است"))  # fmt: skip
    if problems:
        return fraction, join(problems)
    metrics = [str(m).lower() for m in described.get("metrics", [])]
    text = Bilingual(f"loss {loss}, optimizer Adam", f"تابع هزینهٔ {loss} و بهینه‌ساز Adam")
    if not {"accuracy", "acc", "categorical_accuracy"} & set(metrics):
        text += Bilingual("(no accuracy metric: the sheet also passes metrics=['accuracy'])",
                          "(معیار accuracy نیست: در صورت سوال metrics=['accuracy'] هم داده شده است)")  # fmt: skip
    return fraction, text

"""Q1 checks: the student's KerasTuner builder (c), the tuner set-up, and the written parts (a, b, c).

The builder runs in the sandbox: built at its defaults, at the minimum and at
the maximum corner of its own search space (see _q01_builder), and trained
for three epochs on 4,000 digits beside a baseline CNN (see _q01_smoke). The sheet's limits (at most 5 conv and 5 dense
layers, 256 filters and units, learning rate 0.001) are checked on the
largest model the space can build.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from grader.checks._q01_builder import (
    Builder,
    architecture,
    corner,
    declared_limits,
    failure_text,
    find_builder,
    skipped_candidates,
)
from grader.checks._q01_smoke import smoke_verdict
from grader.context import NOT_ANSWERED, QuestionContext, rubric_verdict, sheet_verdict
from grader.registry import Verdict, check
from grader.results import Bilingual
from grader.values import parse_number
from reference.q01_keras_tuner import LIMITS, key_values

NO_BUILDER = Bilingual("Not answered yet: no KerasTuner builder (build_model(hp) or a HyperModel subclass).",
                       "هنوز پاسخ داده نشده است: سازندهٔ KerasTuner (build_model(hp) یا زیرکلاسی از HyperModel) پیدا نشد.")  # fmt: skip
_LIMIT_TEXT = {
    "conv_layers": ("conv layers", "لایهٔ کانولوشنی"),
    "dense_layers": ("hidden dense layers", "لایهٔ تمام‌متصل پنهان"),
    "filters": ("filters in a conv layer", "فیلتر در یک لایهٔ کانولوشنی"),
    "units": ("units in a dense layer", "نورون در یک لایهٔ تمام‌متصل"),
}
_TUNER = re.compile(r"\b(Hyperband|RandomSearch|BayesianOptimization|GridSearch|SklearnTuner)\s*\(")


def _builder(ctx: QuestionContext) -> Builder | Verdict:
    found = find_builder(ctx)
    if found is None:
        skipped = skipped_candidates(ctx)
        if not skipped:
            return Verdict(Fraction(0), NO_BUILDER)
        # Something builder-like exists but could not be built: not "not answered", and a TA should look
        # (a HyperModel whose constructor needs arguments is built from the instance a run notebook makes).
        return Verdict(Fraction(0), Bilingual.join([Bilingual(
            "No KerasTuner builder could be built:", "هیچ سازندهٔ KerasTuner ساخته نشد:"), *skipped, Bilingual(
            "A HyperModel whose constructor needs arguments is built from the instance your notebook makes "
            "(the notebook must run to that cell).",
            "HyperModel‌ای که سازنده‌اش آرگومان می‌خواهد از نمونه‌ای ساخته می‌شود که نوت‌بوک شما می‌سازد "
            "(نوت‌بوک باید تا آن سلول اجرا شود).")]), manual_review=True)  # fmt: skip
    return found


def _cat(*parts: Bilingual) -> Bilingual:
    return Bilingual.join(list(parts), sep="")


@check("q01.c_search_space", points=1.5, en="(c) search space within the sheet's limits",
       fa="(ج) فضای جستجو در محدودهٔ جدول سوال")  # fmt: skip
def search_space(ctx: QuestionContext) -> Verdict:
    builder = _builder(ctx)
    if isinstance(builder, Verdict):
        return builder
    largest = corner(ctx, builder, "max")
    values = ", ".join(f"{k}={v}" for k, v in sorted(largest["values"].items()))
    if largest["model"] is not None:
        shape = architecture(largest["model"])
        source = Bilingual(f"the largest model of your space ({values})", f"بزرگ‌ترین مدل فضای شما ({values})")
    else:  # the model cannot be built there: read the limits from the hyperparameters' names
        default = architecture(builder.default["model"]) if builder.default["model"] else {}
        shape = {**{k: default.get(k, 0) for k in _LIMIT_TEXT}, **declared_limits(largest["values"])}
        source = Bilingual(f"your space's largest values ({values}; that model does not build, so these are read "
                           "from the hyperparameters' names)", f"بزرگ‌ترین مقادیر فضای شما ({values}؛ آن مدل ساخته "
                           "نمی‌شود و این مقادیر از نام ابرپارامترها خوانده شد)")  # fmt: skip
    conv_less = _conv_less(ctx, builder, shape)
    fraction, lines_en, lines_fa = Fraction(0), [], []
    for key, (en, fa) in _LIMIT_TEXT.items():
        if key in ("conv_layers", "filters") and shape["conv_layers"] == 0:
            continue  # said below: not a CNN
        if key == "units" and shape["dense_layers"] == 0:
            within = True  # no hidden dense layer: no width to exceed
        else:
            within = 0 < shape[key] <= LIMITS[key] if key != "dense_layers" else shape[key] <= LIMITS[key]
        # The largest model may be within the limit while part of the space is not a CNN: no credit, said below.
        credited = within and not (key == "conv_layers" and conv_less)
        fraction += Fraction(1, 4) * credited
        mark = "within" if within else "OVER"
        lines_en.append(f"{shape[key]} {en} ({mark} the limit {LIMITS[key]})")
        lines_fa.append(f"{shape[key]} {fa} ({'در محدودهٔ' if mark == 'within' else 'بیش از'} سقف {LIMITS[key]})")
    text = _cat(Bilingual(f"{source.en}: ", f"{source.fa}: "),
                Bilingual("; ".join(lines_en) + ".", "؛ ".join(lines_fa) + "."))  # fmt: skip
    if shape["conv_layers"] == 0 and (conv_less is None or len(conv_less) == 3):
        fraction = Fraction(0)
        text = _cat(Bilingual("No conv layer anywhere in your space: not a CNN, and the question asks for one "
                              "(Conv2D layers, optionally with pooling and dropout, then dense layers). For "
                              "reference, ", "در هیچ جای فضای جستجوی شما لایهٔ کانولوشنی نیست: این مدل CNN نیست، در "
                              "حالی که سوال CNN خواسته است (لایه‌های Conv2D، در صورت نیاز با pooling و dropout، و "
                              "بعد لایه‌های تمام‌متصل). برای اطلاع: "), text)  # fmt: skip
    elif conv_less:
        en = " and ".join(_CORNER_NAMES[w][0] for w in conv_less)
        fa = " و ".join(_CORNER_NAMES[w][1] for w in conv_less)
        several = len(conv_less) > 1
        text = _cat(text, Bilingual(
            f" But the {en} model{'s' if several else ''} of your space {'have' if several else 'has'} no conv layer: "
            "not a CNN there. Start the number of conv layers at 1 (a quarter of this check's points).",
            f" اما {'مدل‌های' if several else 'مدل'} {fa} فضای جستجوی شما هیچ لایهٔ کانولوشنی "
            f"{'ندارند' if several else 'ندارد'}: بدون لایهٔ کانولوشنی، CNN نیست. تعداد لایه‌های کانولوشنی را از ۱ "
            "شروع کنید (یک‌چهارم نمرهٔ این بخش کم شد)."))  # fmt: skip
    return Verdict(fraction, text, details=(("largest", shape), ("values", largest["values"]),
                                            ("conv_less", conv_less)))  # fmt: skip


_CORNER_NAMES = {"default": ("default", "پیش‌فرض"), "min": ("smallest", "کوچک‌ترین"), "max": ("largest", "بزرگ‌ترین")}


def _conv_less(ctx: QuestionContext, builder: Builder, largest: dict[str, Any]) -> tuple[str, ...] | None:
    """The corners (default, smallest, largest) whose model builds without any conv layer; None if none built."""
    built = {which: corner(ctx, builder, which)["model"] for which in ("default", "min", "max")}
    if all(model is None for model in built.values()):
        return None
    found = tuple(w for w, model in built.items() if model is not None and architecture(model)["conv_layers"] == 0)
    if "max" not in found and largest["conv_layers"] == 0 and built["max"] is None:
        found += ("max",)  # the largest does not build, and its names promise no conv layer
    return found


@check("q01.c_learning_rate", points=0.5, en="(c) learning rate at most 0.001 everywhere in the space",
       fa="(ج) نرخ یادگیری در همهٔ فضا حداکثر ۰٫۰۰۱")  # fmt: skip
def learning_rate(ctx: QuestionContext) -> Verdict:
    builder = _builder(ctx)
    if isinstance(builder, Verdict):
        return builder
    rates: dict[str, Any] = {}
    for which in ("default", "min", "max"):
        built = corner(ctx, builder, which)
        if built["model"] is not None:
            rates[which] = built["model"].get("learning_rate")
    declared = [v for v in _declared_rates(builder.default["space"]) if v is not None]
    seen = [float(r) for r in rates.values() if r is not None] + declared
    if not seen:
        return Verdict(Fraction(0), Bilingual("no compiled model with an optimizer was built, so the learning rate "
                                              "is unknown; compile the model inside the builder",
                                              "هیچ مدل کامپایل‌شده‌ای با بهینه‌ساز ساخته نشد و نرخ یادگیری معلوم نیست؛ "
                                              "مدل را درون سازنده کامپایل کنید"))  # fmt: skip
    highest = float(f"{max(seen):.6g}")
    optimizer = next((c["model"].get("optimizer") for c in [builder.default] if c["model"]), None)
    if highest <= LIMITS["learning_rate"] * (1 + 1e-6):  # Keras keeps the rate as float32
        return Verdict(Fraction(1), Bilingual(f"{optimizer}, learning rate at most {highest:g} (limit 0.001).",
                                              f"{optimizer}، نرخ یادگیری حداکثر {highest:g} (سقف ۰٫۰۰۱)."))  # fmt: skip
    return Verdict(Fraction(0), Bilingual(f"the space reaches a learning rate of {highest:g}; the sheet's limit is "
                                          "0.001", f"فضای جستجو به نرخ یادگیری {highest:g} می‌رسد؛ سقف جدول ۰٫۰۰۱ است"))  # fmt: skip


def _declared_rates(space: list[dict[str, Any]]) -> list[float]:
    rates: list[float] = []
    for hp in space:
        config = hp.get("config", {})
        if not re.search(r"lr|learning|rate", str(config.get("name", "")), re.I) or "drop" in str(config.get("name")):
            continue
        for key in ("max_value", "values", "value"):
            value = config.get(key)
            items = value if isinstance(value, list) else [value]
            rates += [float(v) for v in items if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return rates


@check("q01.c_builds_everywhere", points=1, en="(c) the model builds at the defaults and both corners of its space",
       fa="(ج) مدل در مقادیر پیش‌فرض و هر دو گوشهٔ فضای جستجو ساخته می‌شود")  # fmt: skip
def builds_everywhere(ctx: QuestionContext) -> Verdict:
    builder = _builder(ctx)
    if isinstance(builder, Verdict):
        return builder
    results = {which: corner(ctx, builder, which) for which in ("default", "min", "max")}
    failed = {which: r for which, r in results.items() if r["model"] is None}
    sizes = Bilingual("; ".join(f"{w}: {r['model']['parameters']:,} parameters" for w, r in results.items()
                                if r["model"] is not None),
                      "؛ ".join(f"{w}: {r['model']['parameters']:,} پارامتر" for w, r in results.items()
                                if r["model"] is not None))  # fmt: skip
    if not failed:
        parts = [Bilingual("Builds everywhere (", "همه‌جا ساخته می‌شود ("), sizes, Bilingual(").", ").")]
        if any(architecture(r["model"])["conv_layers"] == 0 for r in results.values()):
            parts.append(Bilingual(" Note: part of the space has no conv layer (see the search-space check).",
                                   " توجه: بخشی از فضای جستجو لایهٔ کانولوشنی ندارد (بخش فضای جستجو را ببینید)."))  # fmt: skip
        return Verdict(Fraction(1), _cat(*parts))
    problems = Bilingual.join(
        [_cat(Bilingual(f"{w}: ", f"{w}: "), failure_text(r)) for w, r in failed.items()], sep="; "
    )
    return Verdict(Fraction(3 - len(failed), 3), problems)


@check("q01.c_output_and_loss", points=0.5, en="(c) 10-unit softmax output and a loss that fits the labels",
       fa="(ج) خروجی softmax با ۱۰ نورون و تابع هزینهٔ سازگار با برچسب‌ها")  # fmt: skip
def output_and_loss(ctx: QuestionContext) -> Verdict:
    builder = _builder(ctx)
    if isinstance(builder, Verdict):
        return builder
    model = builder.default["model"]
    if model is None:
        return Verdict(Fraction(0), failure_text(builder.default))
    last: dict[str, Any] = model["layers"][-1] if model["layers"] else {"type": "?", "settings": {}}
    loss = str(model.get("loss") or "")
    units, activation = last["settings"].get("units"), last["settings"].get("activation")
    logits = "from_logits" in loss
    output_ok = (
        last["type"] == "Dense" and units == 10 and (activation == "softmax" or (activation == "linear" and logits))
    )
    encoding = _label_encoding(ctx, builder)
    sparse = "sparse" in loss.lower()
    loss_ok = "crossentropy" in loss.lower().replace("_", "") and (
        encoding is None or (encoding == "integers") == sparse
    )
    fraction = Fraction(1, 2) * output_ok + Fraction(1, 2) * loss_ok
    en = [f"output {last['type']}({units}, {activation})", f"loss {loss or 'none (not compiled)'}"]
    fa = [f"خروجی {last['type']}({units}, {activation})", f"تابع هزینهٔ {loss or 'ندارد (کامپایل نشده)'}"]
    if encoding is not None and not loss_ok and "crossentropy" in loss.lower().replace("_", ""):
        en.append(
            f"but your code makes {encoding} labels, which needs "
            f"{'sparse_' if encoding == 'integers' else ''}categorical_crossentropy"
        )
        fa.append(
            f"اما کد شما برچسب‌ها را {'عدد صحیح' if encoding == 'integers' else 'one-hot'} می‌سازد که "
            f"{'sparse_' if encoding == 'integers' else ''}categorical_crossentropy لازم دارد"
        )
    return Verdict(fraction, Bilingual(", ".join(en) + ".", "، ".join(fa) + "."))


def _source(ctx: QuestionContext, builder: Builder | None = None) -> str:
    """The student's code as text (notebook cells that were not run included): the builder's file, or all."""
    units = ctx.sandbox.units if ctx.sandbox is not None else []
    if builder is not None:
        units = [u for u in units if builder.definition.file.split(" (cell ")[0] == u.file] or units
    return "\n".join(cell.source for unit in units for cell in unit.cells)


def _label_encoding(ctx: QuestionContext, builder: Builder) -> str | None:
    """'one-hot' if the builder's file one-hot encodes labels, else None (unknown: integers are Keras' default)."""
    source = _source(ctx, builder)
    if re.search(r"to_categorical\s*\(|one_hot\s*\(|OneHotEncoder", source):
        return "one-hot"
    return None


@check("q01.c_smoke_training", points=1, en="(c) the default model learns (a short training on 4,000 digits)",
       fa="(ج) مدل پیش‌فرض یاد می‌گیرد (آموزشی کوتاه روی ۴٬۰۰۰ رقم)")  # fmt: skip
def smoke_training(ctx: QuestionContext) -> Verdict:
    builder = _builder(ctx)
    if isinstance(builder, Verdict):
        return builder
    return smoke_verdict(ctx, builder)


@check(
    "q01.c_tuner",
    points=0.5,
    en="(c) a KerasTuner tuner with an objective",
    fa="(ج) یک tuner از KerasTuner با معیار هدف",
)
def tuner(ctx: QuestionContext) -> Verdict:
    source = _source(ctx)
    names = sorted(set(_TUNER.findall(source)))
    sheet = ctx.sheet.text("q01.tuner_choice").strip()
    objective = re.search(r"objective\s*=\s*['\"]?(?:kt\.Objective\(\s*)?['\"]?([\w]+)", source)
    if not names and not sheet:
        return Verdict(Fraction(0), NOT_ANSWERED)
    used = ", ".join(names) or sheet
    if objective:
        return Verdict(
            Fraction(1),
            Bilingual(f"{used}, objective {objective.group(1)}.", f"{used}، معیار هدف {objective.group(1)}."),
        )
    return Verdict(Fraction(1, 2), Bilingual(f"{used}, but no objective= in your code (e.g. objective='val_accuracy')",
                                             f"{used}، اما در کد شما objective= نیست (مثلاً objective='val_accuracy')"))  # fmt: skip


@check("q01.c_filter_size", points=0.5, en="(c) how the filter size was chosen", fa="(ج) انتخاب اندازهٔ فیلتر")
def filter_size(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "filter_size", "filter_size")


@check("q01.c_reported_accuracy", points=0.25, en="(c) reported accuracies", fa="(ج) دقت‌های گزارش‌شده")
def reported_accuracy(ctx: QuestionContext) -> Verdict:
    reached = f"{key_values().get('test_accuracy', 0.99):.4f}"  # the committed reference model's test accuracy

    def grade(value: float) -> Verdict:
        value = value / 100 if value > 1 else value
        if 0.97 <= value <= 1.0:
            return Verdict(Fraction(1), Bilingual(f"{value:.4f}: plausible (the reference reached {reached} on the test set).",
                                                  f"{value:.4f}: پذیرفتنی است (مرجع روی دادهٔ آزمون به {reached} رسید)."))  # fmt: skip
        return Verdict(Fraction(0), Bilingual(f"{value:.4f} is low for a tuned CNN on MNIST (the reference reached {reached})",
                                              f"{value:.4f} برای یک CNN تنظیم‌شده روی MNIST کم است (مرجع به {reached} رسید)"))  # fmt: skip

    test = sheet_verdict(ctx, "q01.test_accuracy", parse_number, grade)
    if test.feedback == NOT_ANSWERED:
        return sheet_verdict(ctx, "q01.best_val_accuracy", parse_number, grade)
    return test


@check("q01.c_results_analysis", points=0.25, en="(c) analysis of the results", fa="(ج) تحلیل نتایج")
def results_analysis(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "results_analysis", "results_analysis")


@check(
    "q01.a_keras_tuner", points=2, en="(a) what KerasTuner is and how it tunes a CNN", fa="(الف) KerasTuner و تنظیم CNN"
)
def keras_tuner_text(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "keras_tuner", "keras_tuner")


@check("q01.a_tuners", points=2, en="(a) the tuners KerasTuner offers", fa="(الف) tunerهای KerasTuner")
def tuners_text(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "tuners", "tuners")


@check("q01.a_tuner_reason", points=1, en="(a) why that tuner", fa="(الف) چرا این tuner")
def tuner_reason(ctx: QuestionContext) -> Verdict:
    # The tuner chosen on the answer sheet names the choice the reason is for (a report names it in the text).
    choice = ctx.sheet.text("q01.tuner_choice").strip()
    preface = f"I used {choice}." if choice and ctx.sheet.source("q01.tuner_choice") is None else ""
    return rubric_verdict(ctx, "tuner_reason", "tuner_reason", preface)


@check("q01.b_mnist", points=4, en="(b) MNIST and how the tuned CNN classifies it", fa="(ب) MNIST و دسته‌بندی آن")
def mnist_text(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "mnist", "mnist")


@check("q01.b_dropout_pooling", points=5, bonus=True, en="(b, bonus) dropout and pooling",
       fa="(ب، امتیازی) dropout و pooling")  # fmt: skip
def dropout_pooling(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "dropout_pooling_effect", "dropout_pooling_effect")


@check("q01.c_overfitting", points=5, bonus=True, en="(c, bonus) how pooling and dropout prevent overfitting",
       fa="(ج، امتیازی) نقش pooling و dropout در جلوگیری از بیش‌برازش")  # fmt: skip
def overfitting(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "overfitting", "overfitting")

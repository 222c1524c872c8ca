"""Q6 helpers: finding the student's batch-norm interface, calling it, naming its bug.

Two interfaces are recognised: the course's `forward_batchnorm(Z, gamma, beta,
eps, cache_dict, beta_avg, mode)` and CS231n's `batchnorm_forward(x, gamma,
beta, bn_param)` (+ `batchnorm_backward`, `batchnorm_backward_alt`). Both are
driven through `run_forward`, which returns plain arrays for the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from grader import answers
from grader.context import Found, QuestionContext
from grader.results import Bilingual
from grader.sandbox.failures import StudentCodeFailure
from grader.sandbox.wire import Unsupported

COURSE_PARAMS = ("Z", "gamma", "beta", "eps", "cache_dict", "beta_avg", "mode")
EPS = 1e-5
BETA_AVG = 0.9
RTOL, ATOL = 1e-4, 1e-4  # outputs are O(1); see q06_batchnorm's docstring
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def seeded_inputs(seed: int, n: int = 8, d: int = 5, dtype: Any = np.float64) -> dict[str, Any]:
    """Fresh inputs of one call: Z (n x d), gamma, beta, and non-zero starting moving statistics."""
    rng = np.random.default_rng(seed)
    return {
        "Z": rng.normal(3.0, 2.0, (n, d)).astype(dtype),
        "gamma": rng.uniform(0.5, 2.0, d).astype(dtype),
        "beta": rng.normal(0.0, 1.0, d).astype(dtype),
        "mu": rng.normal(0.0, 1.0, d).astype(dtype),  # non-zero starting statistics
        "var": rng.uniform(0.5, 2.0, d).astype(dtype),
    }


def credit(name: str) -> Fraction:
    """One of the partial credits of the Q6 code checks, from answers/q06.yaml (code_credit)."""
    return Fraction(str(answers.load("q06")["code_credit"][name]))


def percent(fraction: Fraction) -> Bilingual:
    """0.75 -> '75%' / '۷۵٪'."""
    text = f"{float(fraction * 100):g}"
    return Bilingual(f"{text}%", f"{text.translate(_FA_DIGITS)}٪")


def fa_digits(text: str) -> str:
    return text.translate(_FA_DIGITS)


@dataclass(frozen=True)
class Interface:
    kind: str  # "course" or "cs231n"
    forward: Found
    backward: Found | None = None
    backward_alt: Found | None = None

    def describe(self) -> Bilingual:
        found = self._describe()
        notes = [f.note() for f in (self.forward, self.backward, self.backward_alt) if f is not None]
        return Bilingual.join([found, *(n for n in notes if n is not None)])

    def _describe(self) -> Bilingual:
        if self.kind == "course":
            return Bilingual("Found the course interface forward_batchnorm(Z, gamma, beta, eps, cache_dict, "
                             "beta_avg, mode).",
                             "رابط درس پیدا شد: forward_batchnorm(Z, gamma, beta, eps, cache_dict, beta_avg, mode).")  # fmt: skip
        parts = ["batchnorm_forward"] + [f.definition.name for f in (self.backward, self.backward_alt) if f]
        return Bilingual(f"Found the CS231n interface ({', '.join(parts)}).",
                         f"رابط CS231n پیدا شد ({', '.join(parts)}).")  # fmt: skip


NOT_FOUND = Bilingual(
    "No batch-norm function was found: define forward_batchnorm(Z, gamma, beta, eps, cache_dict, beta_avg, mode) "
    "(or CS231n's batchnorm_forward(x, gamma, beta, bn_param)) in a .py file or notebook.",
    "تابع نرمال‌سازی دسته‌ای پیدا نشد: forward_batchnorm(Z, gamma, beta, eps, cache_dict, beta_avg, mode) "
    "(یا batchnorm_forward(x, gamma, beta, bn_param) از CS231n) را در یک فایل .py یا نوت‌بوک تعریف کنید.",
)


class NotFound(Exception):
    def __init__(self, message: Bilingual) -> None:
        super().__init__(message.en)
        self.message = message


NOT_FOUND_AGAIN = Bilingual(
    "No batch-norm function was found (see q06.b_train_output).",
    "تابع نرمال‌سازی دسته‌ای پیدا نشد (q06.b_train_output را ببینید).",
)


def locate(ctx: QuestionContext) -> Interface:
    """The student's interface; raises NotFound (in full the first time, briefly after that)."""
    try:
        return _locate(ctx)
    except NotFound as missing:
        if ctx.memo.setdefault("not_found_shown", False):
            raise NotFound(NOT_FOUND_AGAIN) from None
        ctx.memo["not_found_shown"] = True
        raise missing


def _locate(ctx: QuestionContext) -> Interface:
    def find() -> Interface:
        course = ctx.find("forward_batchnorm")
        if course is not None:
            params = course.definition.params
            if params is not None and len(params) != len(COURSE_PARAMS):
                raise NotFound(Bilingual(
                    f"forward_batchnorm takes ({', '.join(params)}); the sheet's signature is "
                    f"({', '.join(COURSE_PARAMS)}).",
                    f"forward_batchnorm ورودی‌های ({', '.join(params)}) را می‌گیرد؛ امضای خواسته‌شده "
                    f"({', '.join(COURSE_PARAMS)}) است."))  # fmt: skip
            return Interface("course", course)
        cs231n = ctx.find("batchnorm_forward")
        if cs231n is not None:
            return Interface("cs231n", cs231n, ctx.find("batchnorm_backward"), ctx.find("batchnorm_backward_alt"))
        raise NotFound(NOT_FOUND)

    return ctx.remember("interface", find)


@dataclass(frozen=True)
class ForwardRun:
    out: Any
    mu_after: Any
    var_after: Any
    inputs_after: tuple[Any, Any, Any]  # Z, gamma, beta as they were after the call
    note: Bilingual | None = None


def run_forward(ctx: QuestionContext, iface: Interface, Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                eps: float, mu: np.ndarray, var: np.ndarray, beta_avg: float, mode: str) -> ForwardRun:  # fmt: skip
    """One call of the student's forward pass; a StudentCodeFailure it raises carries what it left behind."""
    assert ctx.sandbox is not None
    definition = iface.forward.definition
    if iface.kind == "course":
        cache = {"mu": mu.copy(), "var": var.copy()}
        result = ctx.sandbox.call(definition, Z, gamma, beta, eps, cache, beta_avg, mode, return_args=True)
    else:
        bn_param = {"mode": mode, "eps": eps, "momentum": beta_avg, "running_mean": mu.copy(),
                    "running_var": var.copy()}  # fmt: skip
        result = ctx.sandbox.call(definition, Z, gamma, beta, bn_param, return_args=True)
    return _unpack(iface, result.value, result.args_after)


def left_behind(iface: Interface, failure: StudentCodeFailure) -> ForwardRun | None:
    """What a call that raised left in its arguments (out is None); None when nothing came back."""
    if failure.args_after is None:
        return None
    return _unpack(iface, None, failure.args_after)


def _unpack(iface: Interface, value: Any, after: tuple[Any, ...]) -> ForwardRun:
    inputs = (after[0], after[1], after[2]) if len(after) >= 3 else (None, None, None)
    if iface.kind == "course":
        out, note = value, None
        if isinstance(out, tuple) and out:
            out, note = out[0], Bilingual("forward_batchnorm returned a tuple; its first item was graded as out.",
                                          "forward_batchnorm یک tuple برگرداند؛ عضو اول آن به عنوان خروجی تصحیح شد.")  # fmt: skip
        cache_after = after[4] if len(after) > 4 and isinstance(after[4], dict) else {}
        return ForwardRun(out, cache_after.get("mu"), cache_after.get("var"), inputs, note)
    out = value[0] if isinstance(value, tuple) and value else value
    param_after = after[3] if len(after) > 3 and isinstance(after[3], dict) else {}
    return ForwardRun(out, param_after.get("running_mean"), param_after.get("running_var"), inputs)


@dataclass(frozen=True)
class Comparison:
    ok: bool
    message: Bilingual | None = None
    shape_differs: bool = False


def as_array(value: Any) -> np.ndarray | None:
    if isinstance(value, Unsupported) or value is None:
        return None
    try:
        array: np.ndarray = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def compare(value: Any, expected: np.ndarray, rtol: float = 1e-6, atol: float = 1e-8) -> Comparison:
    """Values compared after a reshape when only the shape differs; the shape is flagged apart."""
    array = as_array(value)
    if array is None:
        kind = value.type_name if isinstance(value, Unsupported) else type(value).__name__
        return Comparison(False, Bilingual(f"returned a {kind}, not a numeric array",
                                           f"به جای آرایهٔ عددی یک {kind} برگرداند"))  # fmt: skip
    shape_differs = array.shape != expected.shape
    if shape_differs:
        if array.size != expected.size:
            return Comparison(False, Bilingual(f"has shape {array.shape}; expected {expected.shape}",
                                               f"ابعاد {array.shape} دارد؛ ابعاد درست {expected.shape} است"), True)  # fmt: skip
        array = array.reshape(expected.shape)
    if np.isnan(array).any():
        return Comparison(False, Bilingual("contains NaN", "مقدار NaN دارد"), shape_differs)
    if np.allclose(array, expected, rtol=rtol, atol=atol):
        return Comparison(True, None, shape_differs)
    worst = float(np.max(np.abs(array - expected)))
    return Comparison(False, Bilingual(f"differs from the expected values (largest difference {worst:.3g})",
                                       f"با مقادیر درست فرق دارد (بیشترین اختلاف {worst:.3g})"), shape_differs)  # fmt: skip


# -- known bugs: alternative computations whose match names the mistake -------------------
Variant = tuple[str, Bilingual, Callable[..., np.ndarray]]


def _norm(Z: np.ndarray, mu: np.ndarray, var: np.ndarray, eps: float) -> np.ndarray:
    normalised: np.ndarray = (Z - mu) / np.sqrt(var + eps)
    return normalised


TRAIN_VARIANTS: tuple[Variant, ...] = (
    ("unbiased", Bilingual("it uses the unbiased variance (divides by N - 1); batch normalization divides by N",
                           "از واریانس نااریب (تقسیم بر N - 1) استفاده شده؛ نرمال‌سازی دسته‌ای بر N تقسیم می‌کند"),
     lambda Z, g, b, e, m, v, a: g * (Z - Z.mean(0)) / np.sqrt(Z.var(0, ddof=1) + e) + b),
    ("eps_outside", Bilingual("eps is added outside the square root; use sqrt(var + eps)",
                              "اپسیلون بیرون از جذر اضافه شده؛ باید sqrt(var + eps) باشد"),
     lambda Z, g, b, e, m, v, a: g * (Z - Z.mean(0)) / (np.sqrt(Z.var(0)) + e) + b),
    ("no_eps", Bilingual("eps is missing; use sqrt(var + eps)", "اپسیلون جا افتاده؛ باید sqrt(var + eps) باشد"),
     lambda Z, g, b, e, m, v, a: g * (Z - Z.mean(0)) / np.sqrt(Z.var(0)) + b),
    ("no_sqrt", Bilingual("it divides by var + eps instead of its square root",
                          "به جای جذر (var + eps) بر خود آن تقسیم شده"),
     lambda Z, g, b, e, m, v, a: g * (Z - Z.mean(0)) / (Z.var(0) + e) + b),
    ("no_affine", Bilingual("it returns the normalised Z without gamma and beta",
                            "Z نرمال‌شده بدون gamma و beta برگردانده شده"),
     lambda Z, g, b, e, m, v, a: _norm(Z, Z.mean(0), Z.var(0), e)),
    ("swapped_affine", Bilingual("gamma and beta are swapped; it is out = gamma * Z_norm + beta",
                                 "جای gamma و beta عوض شده؛ درست آن out = gamma * Z_norm + beta است"),
     lambda Z, g, b, e, m, v, a: b * _norm(Z, Z.mean(0), Z.var(0), e) + g),
    ("axis1", Bilingual("the mean and variance are taken over axis 1 (per example) instead of axis 0 (per feature)",
                        "میانگین و واریانس روی محور ۱ (هر نمونه) گرفته شده به جای محور ۰ (هر ویژگی)"),
     lambda Z, g, b, e, m, v, a: g * _norm(Z, Z.mean(1, keepdims=True), Z.var(1, keepdims=True), e) + b),
    ("moving_in_train", Bilingual("train mode normalises with the moving averages instead of the batch statistics",
                                  "در حالت train با میانگین‌های متحرک نرمال شده به جای آماره‌های همین دسته"),
     lambda Z, g, b, e, m, v, a: g * _norm(Z, a * m + (1 - a) * Z.mean(0), a * v + (1 - a) * Z.var(0), e) + b),
    ("old_moving_in_train", Bilingual("train mode normalises with the old moving averages (test-mode behaviour)",
                                      "در حالت train با میانگین‌های متحرک قبلی نرمال شده (رفتار حالت test)"),
     lambda Z, g, b, e, m, v, a: g * _norm(Z, m, v, e) + b),
)  # fmt: skip

MOVING_VARIANTS: tuple[tuple[str, Bilingual, Callable[..., tuple[np.ndarray, np.ndarray]]], ...] = (  # (m, v, mean, var, a, n)
    ("swapped", Bilingual("the weights of the moving average are swapped; it is beta_avg * old + (1 - beta_avg) * new",
                          "وزن‌های میانگین متحرک جابه‌جا شده‌اند؛ درست آن beta_avg * old + (1 - beta_avg) * new است"),
     lambda m, v, mean, var, a, n: ((1 - a) * m + a * mean, (1 - a) * v + a * var)),
    ("replaced", Bilingual("the cache is overwritten with the batch statistics instead of a moving average",
                           "cache با آماره‌های همین دسته بازنویسی شده به جای میانگین متحرک"),
     lambda m, v, mean, var, a, n: (mean, var)),
    ("not_updated", Bilingual("cache_dict['mu'] and cache_dict['var'] were not updated in place",
                              "cache_dict['mu'] و cache_dict['var'] درجا به‌روزرسانی نشدند"),
     lambda m, v, mean, var, a, n: (m, v)),
    ("unbiased", Bilingual("the moving variance averages the unbiased variance (N - 1)",
                           "در میانگین متحرک واریانس نااریب (N - 1) به کار رفته"),
     lambda m, v, mean, var, a, n: (a * m + (1 - a) * mean, a * v + (1 - a) * var * n / (n - 1))),
    ("std", Bilingual("the moving 'var' averages the standard deviation, not the variance",
                      "در var میانگین متحرک انحراف معیار نگه داشته شده، نه واریانس"),
     lambda m, v, mean, var, a, n: (a * m + (1 - a) * mean, a * v + (1 - a) * np.sqrt(var))),
)  # fmt: skip

TEST_VARIANTS: tuple[Variant, ...] = (
    ("batch_stats", Bilingual("test mode uses the batch's own statistics instead of cache_dict['mu'] and ['var']",
                              "حالت test از آماره‌های همین دسته استفاده کرده به جای cache_dict['mu'] و ['var']"),
     lambda Z, g, b, e, m, v, a: g * _norm(Z, Z.mean(0), Z.var(0), e) + b),
    ("no_affine", Bilingual("test mode forgets gamma and beta", "حالت test گاما و بتا را فراموش کرده"),
     lambda Z, g, b, e, m, v, a: _norm(Z, m, v, e)),
    ("eps_outside", Bilingual("test mode adds eps outside the square root", "حالت test اپسیلون را بیرون از جذر اضافه کرده"),
     lambda Z, g, b, e, m, v, a: g * (Z - m) / (np.sqrt(v) + e) + b),
)  # fmt: skip


def name_the_bug(value: Any, variants: tuple[Variant, ...], *inputs: Any) -> tuple[str, Bilingual] | None:
    """The first known mistake whose computation reproduces `value` (None if none does)."""
    for name, message, _ in variants:
        if matches_variant(value, variants, name, *inputs):
            return name, message
    return None


def matches_variant(value: Any, variants: tuple[Variant, ...], name: str, *inputs: Any) -> bool:
    array = as_array(value)
    if array is None:
        return False
    for variant, _, compute in variants:
        if variant != name:
            continue
        with np.errstate(all="ignore"):
            candidate = compute(*inputs)
        if candidate.size == array.size and np.allclose(
            array.reshape(candidate.shape), candidate, rtol=1e-6, atol=1e-8, equal_nan=True
        ):
            return True
    return False

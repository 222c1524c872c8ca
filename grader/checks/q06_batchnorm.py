"""Q6 checks: (a) the true statements, (b) the student's batch norm in numpy, (c)-(e) the written parts.

Every call to student code gets fresh, seeded inputs; every expected value is
computed here from reference/q06_batchnorm.py and never sent to the child.

Tolerance: values must match to rtol 1e-4 and atol 1e-4 (outputs are O(1)). A correct float64
implementation is exact to ~1e-12 and a float32 one to ~1e-6; every real bug
is off by 1e-3 or far more, except the place of eps, which at eps = 1e-5
moves values by ~1e-6: that is the job of q06.b_epsilon, which uses eps = 0.01
and a zero-variance feature. A mistake is charged once: when the train-mode
output matches a named bug, the checks that only repeat the train computation
(other shapes, float32, the moving variance) accept the same bug and say so.
A call that raises on the grader's batch but runs on a square one is judged
there (_q06_square: "works only when N == D", charged once); the moving
statistics are read from cache_dict even after an error (_q06_moving).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from grader.checks import _q06_moving
from grader.checks._q06_square import Attempt, attempt, on_square
from grader.checks._q06_support import (
    ATOL,
    BETA_AVG,
    EPS,
    RTOL,
    TEST_VARIANTS,
    TRAIN_VARIANTS,
    Interface,
    NotFound,
    as_array,
    compare,
    fa_digits,
    locate,
    matches_variant,
    name_the_bug,
    seeded_inputs,
)
from grader.checks._q06_written import grade_statements, grade_trainable_params
from grader.context import QuestionContext, rubric_verdict, sheet_verdict
from grader.registry import Verdict, check
from grader.results import Bilingual
from grader.sandbox.failures import StudentCodeFailure
from grader.values import parse_int, parse_int_set
from reference import q06_batchnorm as ref

TRAIN_CHECK = "q06.b_train_output"


def _expected(x: dict[str, Any], eps: float, mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cache = {"mu": x["mu"].astype(np.float64), "var": x["var"].astype(np.float64)}
    z, gamma, beta = (x[k].astype(np.float64) for k in ("Z", "gamma", "beta"))
    out = ref.forward_batchnorm(z, gamma, beta, eps, cache, BETA_AVG, mode)
    return out, cache["mu"], cache["var"]


def _with_interface(ctx: QuestionContext, body: Callable[[Interface], Verdict]) -> Verdict:
    try:
        iface = locate(ctx)
    except NotFound as missing:
        return Verdict(Fraction(0), missing.message)
    return body(iface)


def _train_attempt(ctx: QuestionContext, iface: Interface) -> Attempt:
    """The 8x5 train call shared by several checks (on its square version if the 8x5 one raised)."""
    return ctx.remember("train", lambda: attempt(ctx, iface, seeded_inputs(seed=6001), EPS, BETA_AVG, "train"))


def _carrier(ctx: QuestionContext, iface: Interface) -> str | None:
    """The check that carries an "only when N == D" mistake: the train-mode output when it shows one."""
    try:
        return TRAIN_CHECK if _train_attempt(ctx, iface).crash is not None else None
    except StudentCodeFailure:
        return None


def _squared(ctx: QuestionContext, iface: Interface, att: Attempt, verdict: Verdict, check_id: str) -> Verdict:
    """A verdict as it stands when the call ran; on the square batch, adjusted by _q06_square's rule."""
    if att.crash is None:
        return verdict
    carrier = _carrier(ctx, iface) if check_id != TRAIN_CHECK else None
    return on_square(verdict, att.crash, check_id=check_id, carried_by=carrier)


def _diagnosed(message: Bilingual, bug: tuple[str, Bilingual] | Bilingual | None) -> Bilingual:
    if bug is None:
        return message
    text = bug[1] if isinstance(bug, tuple) else bug
    return message + Bilingual(f"— {text.en}.", f"— {text.fa}.")


@check("q06.a_statements", points=3, en="(a) which statements about batch normalization are true",
       fa="(الف) کدام عبارت‌ها دربارهٔ نرمال‌سازی دسته‌ای درست‌اند")  # fmt: skip
def statements(ctx: QuestionContext) -> Verdict:
    """Per statement, by the rules of answers/q06.yaml (statements_policy; grader/checks/_q06_written.py)."""
    return sheet_verdict(ctx, "q06.true_statements", parse_int_set, lambda chosen: grade_statements(ctx, chosen))


SQUARE_ONLY = ("square_only", Bilingual("it works only when N == D (the example and feature axes are mixed up)",
                                        "فقط وقتی N == D باشد کار می‌کند (محور نمونه‌ها و ویژگی‌ها با هم اشتباه گرفته شده‌اند)"))  # fmt: skip


def _train_bug(ctx: QuestionContext, iface: Interface) -> tuple[str, Bilingual] | None:
    """The named mistake behind a wrong train-mode output (None when right or unknown)."""
    att = _train_attempt(ctx, iface)
    x = att.x
    expected, _, _ = _expected(x, EPS, "train")
    if compare(att.run.out, expected, RTOL, ATOL).ok:
        return SQUARE_ONLY if att.crash is not None else None
    return name_the_bug(att.run.out, TRAIN_VARIANTS, x["Z"], x["gamma"], x["beta"], EPS, x["mu"], x["var"], BETA_AVG)


def _charged_already(
    ctx: QuestionContext, iface: Interface, value: Any, x: dict[str, Any], eps: float
) -> Verdict | None:
    """Full marks when `value` shows the same bug as the train-mode output (charged there)."""
    try:
        bug = _train_bug(ctx, iface)
    except Exception:
        return None
    inputs = (x["Z"], x["gamma"], x["beta"], eps, x["mu"], x["var"], BETA_AVG)
    if bug is None or not matches_variant(value, TRAIN_VARIANTS, bug[0], *inputs):
        return None
    return Verdict(Fraction(1), Bilingual(
        f"Consistent with your train-mode output; its mistake ({bug[1].en}) is counted once, in q06.b_train_output.",
        f"با خروجی حالت train شما سازگار است؛ اشتباه آن ({bug[1].fa}) فقط یک بار، در q06.b_train_output، کسر شده است."))  # fmt: skip


def _judge(ctx: QuestionContext, iface: Interface, att: Attempt, *, eps: float, mode: str, check_id: str,
           right: Bilingual, context: Bilingual, charge_once: bool) -> Verdict:  # fmt: skip
    """Compare an output with the reference; name a known bug; with `charge_once`, accept the train bug."""
    value, x = att.run.out, att.x
    expected, _, _ = _expected(x, eps, mode)
    result = compare(value, expected, RTOL, ATOL)
    if result.ok:
        return _squared(ctx, iface, att, Verdict(Fraction(1), right), check_id)
    if charge_once and (charged := _charged_already(ctx, iface, value, x, eps)) is not None:
        return _squared(ctx, iface, att, charged, check_id)
    variants = TRAIN_VARIANTS if mode == "train" else TEST_VARIANTS
    bug = name_the_bug(value, variants, x["Z"], x["gamma"], x["beta"], eps, x["mu"], x["var"], BETA_AVG)
    assert result.message is not None
    return _squared(ctx, iface, att, Verdict(Fraction(0), _diagnosed(context + result.message, bug)), check_id)


@check("q06.b_train_output", points=2, en="(b) train mode: output for an 8x5 batch",
       fa="(ب) حالت train: خروجی برای یک دستهٔ ۸×۵")  # fmt: skip
def train_output(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        att = _train_attempt(ctx, iface)
        expected, _, _ = _expected(att.x, EPS, "train")
        result = compare(att.run.out, expected, RTOL, ATOL)
        found = iface.describe()
        if att.run.note is not None:
            found += att.run.note
        if result.ok:
            verdict = Verdict(Fraction(1), Bilingual("Train-mode output is right.", "خروجی حالت train درست است."))
        else:
            bug = _train_bug(ctx, iface)
            assert result.message is not None
            verdict = Verdict(Fraction(0), _diagnosed(Bilingual(f"The output {result.message.en}",
                                                                f"خروجی {result.message.fa}"), bug))  # fmt: skip
        verdict = _squared(ctx, iface, att, verdict, TRAIN_CHECK)
        return Verdict(verdict.fraction, found + verdict.feedback)

    return _with_interface(ctx, body)


@check("q06.b_moving_stats", points=1, en="(b) moving mean and variance after two train calls",
       fa="(ب) میانگین و واریانس متحرک پس از دو فراخوانی در حالت train")  # fmt: skip
def moving_stats(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        return _q06_moving.judge(ctx, iface, lambda: _train_bug(ctx, iface), _carrier(ctx, iface))

    return _with_interface(ctx, body)


@check("q06.b_test_mode", points=1, en="(b) test mode: moving statistics with gamma and beta",
       fa="(ب) حالت test: آماره‌های متحرک همراه با gamma و beta")  # fmt: skip
def test_mode(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        att = attempt(ctx, iface, seeded_inputs(seed=6004), EPS, BETA_AVG, "test")
        return _judge(ctx, iface, att, eps=EPS, mode="test", check_id="q06.b_test_mode", charge_once=False,
                      right=Bilingual("Test-mode output is right.", "خروجی حالت test درست است."),
                      context=Bilingual("The test-mode output", "خروجی حالت test"))  # fmt: skip

    return _with_interface(ctx, body)


@check("q06.b_shapes", points=0.5, en="(b) a non-square batch (64 x 7): output shape and values",
       fa="(ب) دستهٔ غیرمربعی (۶۴×۷): ابعاد و مقادیر خروجی")  # fmt: skip
def shapes(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        att = attempt(ctx, iface, seeded_inputs(seed=6005, n=64, d=7), EPS, BETA_AVG, "train")
        return _squared(ctx, iface, att, _judge_shape(ctx, iface, att), "q06.b_shapes")

    return _with_interface(ctx, body)


def _judge_shape(ctx: QuestionContext, iface: Interface, att: Attempt) -> Verdict:
    x, out = att.x, att.run.out
    expected, _, _ = _expected(x, EPS, "train")
    result = compare(out, expected, RTOL, ATOL)
    actual = as_array(out)
    if not result.ok and actual is not None and actual.size == expected.size:
        charged = _charged_already(ctx, iface, out, x, EPS)
        if charged is not None and actual.shape == expected.shape:
            return charged
    n, d = expected.shape
    if result.ok and not result.shape_differs:
        return Verdict(Fraction(1), Bilingual(f"Shape ({n}, {d}) and values are right.",
                                              f"ابعاد ({fa_digits(f'{n}، {d}')}) و مقادیر درست‌اند."))  # fmt: skip
    if result.ok:
        shape = actual.shape if actual is not None else "?"
        return Verdict(Fraction(1, 2), Bilingual(
            f"The values are right but the output has shape {shape}, not ({n}, {d}).",
            f"مقادیر درست‌اند ولی خروجی ابعاد {shape} دارد، نه ({fa_digits(f'{n}، {d}')})."))  # fmt: skip
    assert result.message is not None
    return Verdict(Fraction(0), Bilingual(f"On a {n}x{d} batch the output {result.message.en}",
                                          f"روی دستهٔ {fa_digits(f'{n}×{d}')} خروجی {result.message.fa}"))  # fmt: skip


@check("q06.b_epsilon", points=0.5, en="(b) a zero-variance feature, and eps inside the square root",
       fa="(ب) ویژگی با واریانس صفر، و اپسیلون داخل جذر")  # fmt: skip
def epsilon(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        rng = np.random.default_rng(6006)
        x = seeded_inputs(seed=6006, n=16, d=3)
        x["Z"][:, 0] = 4.0  # constant: variance exactly 0
        x["Z"][:, 1] = 1.0 + 0.01 * rng.normal(size=16)  # variance ~1e-4, far below eps
        eps = 1e-2  # large enough that its place in the formula shows
        att = attempt(ctx, iface, x, eps, BETA_AVG, "train")
        return _judge(ctx, iface, att, eps=eps, mode="train", check_id="q06.b_epsilon", charge_once=True,
                      right=Bilingual("A constant feature gives beta, and eps sits inside the square root.",
                                      "ویژگی ثابت خروجی beta می‌دهد و اپسیلون داخل جذر است."),
                      context=Bilingual("With a zero-variance feature and eps = 0.01 the output",
                                        "با یک ویژگی با واریانس صفر و eps = 0.01 خروجی"))  # fmt: skip

    return _with_interface(ctx, body)


@check("q06.b_no_mutation", points=0.5, en="(b) Z, gamma and beta are not modified",
       fa="(ب) Z، gamma و beta تغییر داده نمی‌شوند")  # fmt: skip
def no_mutation(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        att = _train_attempt(ctx, iface)
        return _squared(ctx, iface, att, _judge_mutation(ctx, iface, att), "q06.b_no_mutation")

    return _with_interface(ctx, body)


def _judge_mutation(ctx: QuestionContext, iface: Interface, att: Attempt) -> Verdict:
    changed = []
    for name, after in zip(("Z", "gamma", "beta"), att.run.inputs_after, strict=True):
        array = as_array(after)
        if array is None or not np.array_equal(array, att.x[name]):
            changed.append(name)
    if changed:
        return Verdict(Fraction(0), Bilingual(
            f"the function modified its input(s) {', '.join(changed)} in place (e.g. Z -= mu); work on a copy",
            f"تابع ورودی‌های {', '.join(changed)} را درجا تغییر داد (مثلاً Z -= mu)؛ روی یک کپی کار کنید"))  # fmt: skip
    expected, _, _ = _expected(att.x, EPS, "train")
    # Leaving the inputs alone is only worth something in a function that computes the output.
    if not compare(att.run.out, expected, RTOL, ATOL).ok and _train_bug(ctx, iface) is None:
        return Verdict(Fraction(0), Bilingual(
            "not credited: the inputs are unchanged, but the function does not compute batch normalization "
            "(see q06.b_train_output)",
            "امتیازی ندارد: ورودی‌ها تغییر نکردند ولی تابع نرمال‌سازی دسته‌ای را محاسبه نمی‌کند "
            "(q06.b_train_output را ببینید)"))  # fmt: skip
    return Verdict(Fraction(1), Bilingual("The inputs are left unchanged.", "ورودی‌ها دست‌نخورده ماندند."))


@check("q06.b_float32", points=0.5, en="(b) float32 input", fa="(ب) ورودی float32")
def float32(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        x = seeded_inputs(seed=6007, dtype=np.float32)  # float32 keeps ~7 significant digits: well inside RTOL
        att = attempt(ctx, iface, x, EPS, BETA_AVG, "train")
        return _judge(ctx, iface, att, eps=EPS, mode="train", check_id="q06.b_float32", charge_once=True,
                      right=Bilingual("float32 input gives the right values.", "ورودی float32 مقادیر درست می‌دهد."),
                      context=Bilingual("With float32 input the output", "با ورودی float32 خروجی"))  # fmt: skip

    return _with_interface(ctx, body)


@check("q06.b_backward", points=0, en="(b, not scored) CS231n backward pass against numeric gradients",
       fa="(ب، بدون نمره) گذر رو به عقب CS231n در برابر گرادیان عددی")  # fmt: skip
def backward(ctx: QuestionContext) -> Verdict:
    """Informational: the sheet asks for the forward pass only, so this earns no points."""
    if ctx.find("batchnorm_forward") is None:
        return Verdict(Fraction(1), Bilingual("No CS231n backward pass submitted (not required).",
                                              "گذر رو به عقب CS231n ارسال نشده است (لازم نیست)."))  # fmt: skip

    def body(iface: Interface) -> Verdict:
        functions = [f for f in (iface.backward, iface.backward_alt) if f is not None]
        if iface.kind != "cs231n" or not functions:
            return Verdict(Fraction(1), Bilingual("No backward pass submitted (not required).",
                                                  "گذر رو به عقب ارسال نشده است (لازم نیست)."))  # fmt: skip
        assert ctx.sandbox is not None
        x = seeded_inputs(seed=6008, n=6, d=4)
        dout = np.random.default_rng(6009).normal(size=(6, 4))
        numeric = ref.numeric_batchnorm_gradients(x["Z"], x["gamma"], x["beta"], dout, EPS)
        bn_param = {"mode": "train", "eps": EPS, "momentum": BETA_AVG}
        ctx.sandbox.call(iface.forward.definition, x["Z"], x["gamma"], x["beta"], bn_param, keep="forward")
        problems = []
        for found in functions:
            result = ctx.sandbox.call(found.definition, dout, {"__ref__": "forward", "index": 1})
            grads = result.value if isinstance(result.value, tuple) else ()
            for name, got, want in zip(("dx", "dgamma", "dbeta"), grads, numeric, strict=False):
                if not compare(got, want, rtol=1e-5, atol=1e-7).ok:
                    problems.append(f"{found.definition.name}: {name}")
            if len(grads) != 3:
                problems.append(f"{found.definition.name}: returned {len(grads)} values, not (dx, dgamma, dbeta)")
        if not problems:
            return Verdict(Fraction(1), Bilingual("dx, dgamma and dbeta match the numeric gradients (your own cache).",
                                                  "dx، dgamma و dbeta با گرادیان عددی (با cache خودتان) یکی‌اند."))  # fmt: skip
        return Verdict(Fraction(0), Bilingual("Gradients differ from finite differences: " + ", ".join(problems),
                                              "گرادیان‌ها با تفاضل محدود فرق دارند: " + "، ".join(problems)))  # fmt: skip

    return _with_interface(ctx, body)


@check("q06.c_epsilon", points=5, bonus=True, en="(c, bonus) the role of epsilon", fa="(ج، امتیازی) نقش اپسیلون")
def epsilon_role(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "epsilon", "epsilon")


@check("q06.d_batch_size_one", points=3, en="(d) batch normalization with batch size 1",
       fa="(د) نرمال‌سازی دسته‌ای با اندازهٔ دستهٔ ۱")  # fmt: skip
def batch_size_one(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "batch_size_one", "batch_size_one")


@check("q06.e_trainable_params", points=3, en="(e) trainable parameters of Dense(10 -> 20) + batch normalization",
       fa="(ه) پارامترهای قابل آموزش Dense(10 -> 20) و نرمال‌سازی دسته‌ای")  # fmt: skip
def trainable_params(ctx: QuestionContext) -> Verdict:
    """The count and its working, by the policy of answers/q06.yaml (grader/checks/_q06_written.py)."""
    return sheet_verdict(ctx, "q06.trainable_params", parse_int, lambda value: grade_trainable_params(ctx, value))

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
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from grader.checks._q06_support import (
    MOVING_VARIANTS,
    TEST_VARIANTS,
    TRAIN_VARIANTS,
    ForwardRun,
    Interface,
    NotFound,
    as_array,
    compare,
    locate,
    matches_variant,
    name_the_bug,
    run_forward,
)
from grader.checks._q06_written import grade_statements, grade_trainable_params
from grader.context import QuestionContext, rubric_verdict, sheet_verdict
from grader.registry import Verdict, check
from grader.results import Bilingual
from grader.values import parse_int, parse_int_set
from reference import q06_batchnorm as ref

EPS = 1e-5
BETA_AVG = 0.9
RTOL, ATOL = 1e-4, 1e-4  # outputs are O(1)


def _inputs(seed: int, n: int = 8, d: int = 5, dtype: Any = np.float64) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return {
        "Z": rng.normal(3.0, 2.0, (n, d)).astype(dtype),
        "gamma": rng.uniform(0.5, 2.0, d).astype(dtype),
        "beta": rng.normal(0.0, 1.0, d).astype(dtype),
        "mu": rng.normal(0.0, 1.0, d).astype(dtype),  # non-zero starting statistics
        "var": rng.uniform(0.5, 2.0, d).astype(dtype),
    }


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


def _train_run(ctx: QuestionContext, iface: Interface) -> tuple[dict[str, Any], ForwardRun]:
    x = _inputs(seed=6001)
    run = ctx.remember("train", lambda: run_forward(ctx, iface, x["Z"], x["gamma"], x["beta"], EPS, x["mu"],
                                                    x["var"], BETA_AVG, "train"))  # fmt: skip
    return x, run


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


def _train_bug(ctx: QuestionContext, iface: Interface) -> tuple[str, Bilingual] | None:
    """The named mistake behind a wrong train-mode output (None when right or unknown)."""
    x, run = _train_run(ctx, iface)
    expected, _, _ = _expected(x, EPS, "train")
    if compare(run.out, expected, RTOL, ATOL).ok:
        return None
    return name_the_bug(run.out, TRAIN_VARIANTS, x["Z"], x["gamma"], x["beta"], EPS, x["mu"], x["var"], BETA_AVG)


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


def _judge(ctx: QuestionContext, iface: Interface, value: Any, x: dict[str, Any], *, eps: float, mode: str,
           right: Bilingual, context: Bilingual, charge_once: bool) -> Verdict:  # fmt: skip
    """Compare an output with the reference; name a known bug; with `charge_once`, accept the train bug."""
    expected, _, _ = _expected(x, eps, mode)
    result = compare(value, expected, RTOL, ATOL)
    if result.ok:
        return Verdict(Fraction(1), right)
    if charge_once and (charged := _charged_already(ctx, iface, value, x, eps)) is not None:
        return charged
    variants = TRAIN_VARIANTS if mode == "train" else TEST_VARIANTS
    bug = name_the_bug(value, variants, x["Z"], x["gamma"], x["beta"], eps, x["mu"], x["var"], BETA_AVG)
    assert result.message is not None
    return Verdict(Fraction(0), _diagnosed(context + result.message, bug))


@check("q06.b_train_output", points=2, en="(b) train mode: output for an 8x5 batch",
       fa="(ب) حالت train: خروجی برای یک دستهٔ ۸×۵")  # fmt: skip
def train_output(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        x, run = _train_run(ctx, iface)
        expected, _, _ = _expected(x, EPS, "train")
        result = compare(run.out, expected, RTOL, ATOL)
        found = iface.describe()
        if run.note is not None:
            found += run.note
        if result.ok:
            return Verdict(Fraction(1), found + Bilingual("Train-mode output is right.", "خروجی حالت train درست است."))
        bug = _train_bug(ctx, iface)
        assert result.message is not None
        return Verdict(Fraction(0), found + _diagnosed(Bilingual(f"The output {result.message.en}",
                                                                 f"خروجی {result.message.fa}"), bug))  # fmt: skip

    return _with_interface(ctx, body)


@check("q06.b_moving_stats", points=1, en="(b) moving mean and variance after two train calls",
       fa="(ب) میانگین و واریانس متحرک پس از دو فراخوانی در حالت train")  # fmt: skip
def moving_stats(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        x = _inputs(seed=6002)
        second = _inputs(seed=6003)
        first = run_forward(ctx, iface, x["Z"], x["gamma"], x["beta"], EPS, x["mu"], x["var"], BETA_AVG, "train")
        mu1, var1 = as_array(first.mu_after), as_array(first.var_after)
        if mu1 is None or var1 is None or mu1.shape != x["mu"].shape or var1.shape != x["var"].shape:
            return Verdict(Fraction(0), Bilingual(
                "after a train call the moving statistics were missing or of the wrong shape "
                "(update cache_dict['mu'] and cache_dict['var'] in place)",
                "پس از فراخوانی در حالت train آماره‌های متحرک وجود نداشتند یا ابعادشان نادرست بود "
                "(cache_dict['mu'] و cache_dict['var'] را درجا به‌روز کنید)"))  # fmt: skip
        run = run_forward(ctx, iface, second["Z"], x["gamma"], x["beta"], EPS, mu1, var1, BETA_AVG, "train")
        cache = {"mu": x["mu"].copy(), "var": x["var"].copy()}
        for batch in (x["Z"], second["Z"]):
            ref.forward_batchnorm(batch, x["gamma"], x["beta"], EPS, cache, BETA_AVG, "train")
        mu_ok = compare(run.mu_after, cache["mu"], RTOL, ATOL)
        var_ok = compare(run.var_after, cache["var"], RTOL, ATOL)
        if mu_ok.ok and var_ok.ok:
            return Verdict(Fraction(1), Bilingual("Both moving averages are right after two calls.",
                                                  "هر دو میانگین متحرک پس از دو فراخوانی درست‌اند."))  # fmt: skip
        bug = None
        mean, var, n = x["Z"].mean(0), x["Z"].var(0), x["Z"].shape[0]
        for name, message, compute in MOVING_VARIANTS:
            want_mu, want_var = compute(x["mu"], x["var"], mean, var, BETA_AVG, n)
            if compare(first.mu_after, want_mu).ok and compare(first.var_after, want_var).ok:
                bug = message
                train_bug = _train_bug(ctx, iface)
                if name == "unbiased" and train_bug is not None and train_bug[0] == "unbiased":
                    return Verdict(Fraction(1), Bilingual(
                        "The moving averages use the same unbiased variance as your train-mode output; "
                        "that mistake is counted once, in q06.b_train_output.",
                        "میانگین‌های متحرک همان واریانس نااریبِ خروجی حالت train را به کار می‌برند؛ "
                        "این اشتباه فقط یک بار، در q06.b_train_output، کسر شده است."))  # fmt: skip
                break
        wrong = [f"cache_dict[{name!r}]" for name, c in (("mu", mu_ok), ("var", var_ok)) if not c.ok]
        return Verdict(Fraction(1, 2) if len(wrong) == 1 else Fraction(0), _diagnosed(Bilingual(
            f"{' and '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong after two calls",
            f"{' و '.join(wrong)} پس از دو فراخوانی نادرست {'است' if len(wrong) == 1 else 'هستند'}"), bug))  # fmt: skip

    return _with_interface(ctx, body)


@check("q06.b_test_mode", points=1, en="(b) test mode: moving statistics with gamma and beta",
       fa="(ب) حالت test: آماره‌های متحرک همراه با gamma و beta")  # fmt: skip
def test_mode(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        x = _inputs(seed=6004)
        run = run_forward(ctx, iface, x["Z"], x["gamma"], x["beta"], EPS, x["mu"], x["var"], BETA_AVG, "test")
        return _judge(ctx, iface, run.out, x, eps=EPS, mode="test", charge_once=False,
                      right=Bilingual("Test-mode output is right.", "خروجی حالت test درست است."),
                      context=Bilingual("The test-mode output", "خروجی حالت test"))  # fmt: skip

    return _with_interface(ctx, body)


@check("q06.b_shapes", points=0.5, en="(b) a non-square batch (64 x 7): output shape and values",
       fa="(ب) دستهٔ غیرمربعی (۶۴×۷): ابعاد و مقادیر خروجی")  # fmt: skip
def shapes(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        x = _inputs(seed=6005, n=64, d=7)
        run = run_forward(ctx, iface, x["Z"], x["gamma"], x["beta"], EPS, x["mu"], x["var"], BETA_AVG, "train")
        expected, _, _ = _expected(x, EPS, "train")
        result = compare(run.out, expected, RTOL, ATOL)
        actual = as_array(run.out)
        if not result.ok and actual is not None and actual.size == expected.size:
            charged = _charged_already(ctx, iface, run.out, x, EPS)
            if charged is not None and actual.shape == expected.shape:
                return charged
        if result.ok and not result.shape_differs:
            return Verdict(
                Fraction(1), Bilingual("Shape (64, 7) and values are right.", "ابعاد (۶۴، ۷) و مقادیر درست‌اند.")
            )
        if result.ok:
            shape = actual.shape if actual is not None else "?"
            return Verdict(Fraction(1, 2), Bilingual(
                f"The values are right but the output has shape {shape}, not (64, 7).",
                f"مقادیر درست‌اند ولی خروجی ابعاد {shape} دارد، نه (۶۴، ۷)."))  # fmt: skip
        assert result.message is not None
        return Verdict(Fraction(0), Bilingual(f"On a 64x7 batch the output {result.message.en}",
                                              f"روی دستهٔ ۶۴×۷ خروجی {result.message.fa}"))  # fmt: skip

    return _with_interface(ctx, body)


@check("q06.b_epsilon", points=0.5, en="(b) a zero-variance feature, and eps inside the square root",
       fa="(ب) ویژگی با واریانس صفر، و اپسیلون داخل جذر")  # fmt: skip
def epsilon(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        rng = np.random.default_rng(6006)
        x = _inputs(seed=6006, n=16, d=3)
        x["Z"][:, 0] = 4.0  # constant: variance exactly 0
        x["Z"][:, 1] = 1.0 + 0.01 * rng.normal(size=16)  # variance ~1e-4, far below eps
        eps = 1e-2  # large enough that its place in the formula shows
        run = run_forward(ctx, iface, x["Z"], x["gamma"], x["beta"], eps, x["mu"], x["var"], BETA_AVG, "train")
        return _judge(ctx, iface, run.out, x, eps=eps, mode="train", charge_once=True,
                      right=Bilingual("A constant feature gives beta, and eps sits inside the square root.",
                                      "ویژگی ثابت خروجی beta می‌دهد و اپسیلون داخل جذر است."),
                      context=Bilingual("With a zero-variance feature and eps = 0.01 the output",
                                        "با یک ویژگی با واریانس صفر و eps = 0.01 خروجی"))  # fmt: skip

    return _with_interface(ctx, body)


@check("q06.b_no_mutation", points=0.5, en="(b) Z, gamma and beta are not modified",
       fa="(ب) Z، gamma و beta تغییر داده نمی‌شوند")  # fmt: skip
def no_mutation(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        x, run = _train_run(ctx, iface)
        changed = []
        for name, after in zip(("Z", "gamma", "beta"), run.inputs_after, strict=True):
            array = as_array(after)
            if array is None or not np.array_equal(array, x[name]):
                changed.append(name)
        if changed:
            return Verdict(Fraction(0), Bilingual(
                f"the function modified its input(s) {', '.join(changed)} in place (e.g. Z -= mu); work on a copy",
                f"تابع ورودی‌های {', '.join(changed)} را درجا تغییر داد (مثلاً Z -= mu)؛ روی یک کپی کار کنید"))  # fmt: skip
        expected, _, _ = _expected(x, EPS, "train")
        # Leaving the inputs alone is only worth something in a function that computes the output.
        if not compare(run.out, expected, RTOL, ATOL).ok and _train_bug(ctx, iface) is None:
            return Verdict(Fraction(0), Bilingual(
                "not credited: the inputs are unchanged, but the function does not compute batch normalization "
                "(see q06.b_train_output)",
                "امتیازی ندارد: ورودی‌ها تغییر نکردند ولی تابع نرمال‌سازی دسته‌ای را محاسبه نمی‌کند "
                "(q06.b_train_output را ببینید)"))  # fmt: skip
        return Verdict(Fraction(1), Bilingual("The inputs are left unchanged.", "ورودی‌ها دست‌نخورده ماندند."))

    return _with_interface(ctx, body)


@check("q06.b_float32", points=0.5, en="(b) float32 input", fa="(ب) ورودی float32")
def float32(ctx: QuestionContext) -> Verdict:
    def body(iface: Interface) -> Verdict:
        x = _inputs(seed=6007, dtype=np.float32)  # float32 keeps ~7 significant digits: well inside RTOL
        run = run_forward(ctx, iface, x["Z"], x["gamma"], x["beta"], EPS, x["mu"], x["var"], BETA_AVG, "train")
        return _judge(ctx, iface, run.out, x, eps=EPS, mode="train", charge_once=True,
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
        x = _inputs(seed=6008, n=6, d=4)
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

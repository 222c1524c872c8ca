"""Q6(b): the moving mean and variance after two train calls; values and shape judged apart.

Two train calls chained the way a training loop chains them: the second gets the
student's own cache_dict['mu'] and ['var'] from the first, whatever their shape.
Right values in a shape other than the (D,) the cache came with cost part of the
point (answers/q06.yaml, code_credit): a shape that broadcasts like a (D,)
vector, e.g. (1, D) from keepdims=True, loses little; any other loses half.

A call that raises after it updated cache_dict is judged on what it left there
(the error itself is judged by the output checks). One that raises before that
is tried on a square batch (see _q06_square).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from grader.checks._q06_square import Crash, on_square, retried, square_version
from grader.checks._q06_support import (
    ATOL,
    BETA_AVG,
    EPS,
    MOVING_VARIANTS,
    RTOL,
    ForwardRun,
    Interface,
    as_array,
    compare,
    credit,
    fa_digits,
    left_behind,
    percent,
    run_forward,
    seeded_inputs,
)
from grader.context import QuestionContext
from grader.registry import Verdict
from grader.results import Bilingual
from grader.sandbox.failures import StudentCodeFailure
from grader.sandbox.wire import Unsupported
from reference import q06_batchnorm as ref

TrainBug = Callable[[], "tuple[str, Bilingual] | None"]


def judge(ctx: QuestionContext, iface: Interface, train_bug: TrainBug, carried_by: str | None) -> Verdict:
    """The check q06.b_moving_stats. `carried_by`: the check carrying an "only when N == D" mistake, if any."""
    x, second = seeded_inputs(seed=6002), seeded_inputs(seed=6003)["Z"]
    try:
        first, notes = _call_keeping(ctx, iface, x["Z"], x, x["mu"], x["var"])
    except StudentCodeFailure as failure:
        if not retried(failure, x):
            raise
        square = square_version(x)
        d = x["Z"].shape[1]
        try:
            first, notes = _call_keeping(ctx, iface, square["Z"], x, x["mu"], x["var"])
            verdict = _judge_from_first(ctx, iface, square, second[:d], first, notes, train_bug)
        except StudentCodeFailure:
            raise failure from None
        return on_square(verdict, Crash(failure, x["Z"].shape), check_id="q06.b_moving_stats", carried_by=carried_by)
    return _judge_from_first(ctx, iface, x, second, first, notes, train_bug)


def _call_keeping(ctx: QuestionContext, iface: Interface, z: np.ndarray, x: dict[str, Any], mu: Any,
                  var: Any) -> tuple[ForwardRun, list[Bilingual]]:  # fmt: skip
    """One train call; after an error, what it left in the cache (re-raising when it left the cache untouched)."""
    try:
        return run_forward(ctx, iface, z, x["gamma"], x["beta"], EPS, mu, var, BETA_AVG, "train"), []
    except StudentCodeFailure as failure:
        left = left_behind(iface, failure) if failure.kind == "exception" else None
        if left is None or (_same(left.mu_after, mu) and _same(left.var_after, var)):
            raise
        said = failure.message.en
        return left, [Bilingual(
            f"{said[:1].upper()}{said[1:]}, but only after it had updated cache_dict: the moving averages were "
            "read from what it left there (the error itself is judged by the output checks).",
            f"{failure.message.fa}، اما فقط پس از آنکه cache_dict را به‌روز کرده بود: میانگین‌های متحرک از همان "
            "چیزی که در cache_dict ماند خوانده شدند (خود خطا در بررسی‌های خروجی سنجیده می‌شود).")]  # fmt: skip


def _same(value: Any, original: np.ndarray) -> bool:
    return isinstance(value, np.ndarray) and value.shape == original.shape and np.array_equal(value, original)


def _judge_from_first(ctx: QuestionContext, iface: Interface, x: dict[str, Any], second: np.ndarray,
                      first: ForwardRun, notes: list[Bilingual], train_bug: TrainBug) -> Verdict:  # fmt: skip
    d = x["Z"].shape[1]
    mu1, var1 = as_array(first.mu_after), as_array(first.var_after)
    if mu1 is None or var1 is None or mu1.size != d or var1.size != d:
        verdict = _missing(first, d)
    else:
        run, more = _call_keeping(ctx, iface, second, x, mu1, var1)  # the student's own statistics, as they are
        notes = notes + [n for n in more if n not in notes]
        cache = {"mu": x["mu"].copy(), "var": x["var"].copy()}
        for batch in (x["Z"], second):
            ref.forward_batchnorm(batch, x["gamma"], x["beta"], EPS, cache, BETA_AVG, "train")
        mu_ok = compare(run.mu_after, cache["mu"], RTOL, ATOL)
        var_ok = compare(run.var_after, cache["var"], RTOL, ATOL)
        both_right = mu_ok.ok and var_ok.ok
        verdict = _judge_shapes(run, d) if both_right else _judge_values(x, first, mu_ok.ok, var_ok.ok, train_bug)
    return Verdict(verdict.fraction, Bilingual.join([*notes, verdict.feedback])) if notes else verdict


def _missing(first: ForwardRun, d: int) -> Verdict:
    mu_found, var_found = _shape_text(first.mu_after), _shape_text(first.var_after)
    found = (Bilingual(f"{mu_found.en} for both", f"برای هر دو {mu_found.fa}") if mu_found == var_found
             else Bilingual(f"{mu_found.en} and {var_found.en}", f"{mu_found.fa} و {var_found.fa}"))  # fmt: skip
    return Verdict(Fraction(0), Bilingual(
        f"After a train call cache_dict['mu'] and cache_dict['var'] should each hold {d} numbers (one per "
        f"feature); found {found.en}. Update cache_dict['mu'] and cache_dict['var'] in place.",
        f"پس از فراخوانی در حالت train باید cache_dict['mu'] و cache_dict['var'] هر کدام {fa_digits(str(d))} عدد "
        f"(یکی برای هر ویژگی) داشته باشند؛ این پیدا شد: {found.fa}. cache_dict['mu'] و cache_dict['var'] را درجا "
        "به‌روز کنید."))  # fmt: skip


def _judge_shapes(run: ForwardRun, d: int) -> Verdict:
    """Both values right: full marks in the (D,) shape, part of the point in another one."""
    shapes = {name: np.shape(value) for name, value in (("mu", run.mu_after), ("var", run.var_after))}
    odd = {name: shape for name, shape in shapes.items() if shape != (d,)}
    if not odd:
        return Verdict(Fraction(1), Bilingual("Both moving averages are right after two calls.",
                                              "هر دو میانگین متحرک پس از دو فراخوانی درست‌اند."))  # fmt: skip
    has = _has_shapes(odd)
    right = Bilingual("Both moving averages have the right values after two calls, but",
                      "مقدار هر دو میانگین متحرک پس از دو فراخوانی درست است، اما")  # fmt: skip
    if all(_broadcasts_like_a_vector(shape, d) for shape in odd.values()):
        share = credit("moving_stats_broadcast_shape")
        lost = percent(1 - share)
        return Verdict(share, right + Bilingual(
            f"{has.en} instead of ({d},), the shape the cache came with: the statistics were kept 2-D, as "
            f"np.mean(Z, axis=0, keepdims=True) keeps them. That broadcasts the same way, so only {lost.en} of the "
            "point is taken off; without keepdims=True (or with .reshape(-1)) the cache keeps its shape.",
            f"{has.fa}، نه ({d},) که ابعاد اولیهٔ cache بود: آماره‌ها دوبعدی نگه داشته شده‌اند، همان کاری که "
            f"np.mean(Z, axis=0, keepdims=True) می‌کند. نتیجهٔ broadcast فرقی نمی‌کند، پس فقط {lost.fa} نمره کم شد؛ "
            "بدون keepdims=True (یا با ‎.reshape(-1)) ابعاد cache عوض نمی‌شود."))  # fmt: skip
    share = credit("moving_stats_other_shape")
    return Verdict(share, right + Bilingual(
        f"{has.en} instead of ({d},): in that shape a statistic does not broadcast against Z of shape (N, {d}) the "
        f"way a per-feature vector does, so {percent(share).en} of the point; keep cache_dict['mu'] and "
        "cache_dict['var'] as vectors of length D.",
        f"{has.fa}، نه ({d},): آماره با این ابعاد روی Z با ابعاد (N, {d}) مثل یک بردارِ ویژگی‌ها broadcast "
        f"نمی‌شود، پس {percent(share).fa} نمره؛ cache_dict['mu'] و cache_dict['var'] را بردارهایی به طول D نگه "
        "دارید."))  # fmt: skip


def _has_shapes(odd: dict[str, tuple[int, ...]]) -> Bilingual:
    """ "cache_dict['mu'] and cache_dict['var'] have shape (1, 5)", or one clause per array when they differ."""
    if len(set(odd.values())) == 1:
        shape = next(iter(odd.values()))
        names = [f"cache_dict[{n!r}]" for n in odd]
        many = len(names) > 1
        return Bilingual(f"{' and '.join(names)} {'have' if many else 'has'} shape {shape}",
                         f"{' و '.join(names)} ابعاد {shape} {'دارند' if many else 'دارد'}")  # fmt: skip
    return Bilingual(" and ".join(f"cache_dict[{n!r}] has shape {s}" for n, s in odd.items()),
                     " و ".join(f"cache_dict[{n!r}] ابعاد {s} دارد" for n, s in odd.items()))  # fmt: skip


def _broadcasts_like_a_vector(shape: tuple[int, ...], d: int) -> bool:
    """(1, D), (1, 1, D), ...: against an (N, D) batch it broadcasts exactly like a (D,) vector."""
    return len(shape) >= 1 and shape[-1] == d and all(n == 1 for n in shape[:-1])


def _judge_values(x: dict[str, Any], first: ForwardRun, mu_right: bool, var_right: bool,
                  train_bug: TrainBug) -> Verdict:  # fmt: skip
    """At least one value wrong: name the mistake from the first call; half the point when one of two is right."""
    bug = None
    mean, var, n = x["Z"].mean(0), x["Z"].var(0), x["Z"].shape[0]
    for name, message, compute in MOVING_VARIANTS:
        want_mu, want_var = compute(x["mu"], x["var"], mean, var, BETA_AVG, n)
        if compare(first.mu_after, want_mu).ok and compare(first.var_after, want_var).ok:
            bug = message
            try:
                same_in_output = name == "unbiased" and (train_bug() or ("", None))[0] == "unbiased"
            except StudentCodeFailure:
                same_in_output = False
            if same_in_output:
                return Verdict(Fraction(1), Bilingual(
                    "The moving averages use the same unbiased variance as your train-mode output; "
                    "that mistake is counted once, in q06.b_train_output.",
                    "میانگین‌های متحرک همان واریانس نااریبِ خروجی حالت train را به کار می‌برند؛ "
                    "این اشتباه فقط یک بار، در q06.b_train_output، کسر شده است."))  # fmt: skip
            break
    wrong = [f"cache_dict[{name!r}]" for name, right in (("mu", mu_right), ("var", var_right)) if not right]
    message = Bilingual(
        f"{' and '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong after two calls",
        f"{' و '.join(wrong)} پس از دو فراخوانی نادرست {'است' if len(wrong) == 1 else 'هستند'}")  # fmt: skip
    if bug is not None:
        message += Bilingual(f"— {bug.en}.", f"— {bug.fa}.")
    return Verdict(Fraction(1, 2) if len(wrong) == 1 else Fraction(0), message)


def _shape_text(value: Any) -> Bilingual:
    array = as_array(value)
    if value is None:
        return Bilingual("nothing", "هیچ مقداری")
    if array is None:
        kind = value.type_name if isinstance(value, Unsupported) else type(value).__name__
        return Bilingual(f"a {kind}", f"یک {kind}")
    return Bilingual(f"shape {array.shape}", f"ابعاد {array.shape}")

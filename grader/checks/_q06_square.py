"""Q6: a call that raises on the grader's batch, tried again on a square batch (N == D).

Code that mixes up the example and feature axes (normalising Z.T, or taking
Z.shape[0] as the number of features) raises on every batch with N != D and
runs when N == D. When a call raises, the check tries once more on the square
version of its inputs (the first D rows of Z); if that runs, the feedback says
"works only when N == D" and the check is judged on the square batch.

The mistake is charged once (answers/q06.yaml, code_credit_policy): the
train-mode output carries it when it shows it (test mode when only test mode
does) and earns `code_credit.square_only` of what it earns on the square batch;
every other check that fails the same way is judged on its square batch and is
not charged again.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from grader.checks._q06_support import ForwardRun, Interface, credit, fa_digits, percent, run_forward
from grader.context import QuestionContext
from grader.registry import Verdict
from grader.results import Bilingual
from grader.sandbox.failures import StudentCodeFailure


@dataclass(frozen=True)
class Crash:
    """The grader's own batch raised `failure`; the square version of it ran."""

    failure: StudentCodeFailure
    shape: tuple[int, int]  # the grader's batch (N, D), N != D


@dataclass(frozen=True)
class Attempt:
    """One check's call: on the grader's batch, or on its square version after that raised."""

    x: dict[str, Any]  # the inputs `run` was made with
    run: ForwardRun
    crash: Crash | None = None


def square_version(x: dict[str, Any]) -> dict[str, Any]:
    """The same inputs with Z cut to its first D rows, so that N == D."""
    n, d = x["Z"].shape
    if n < d:
        raise ValueError(f"the grader's batch {n}x{d} has fewer rows than features")
    return {**x, "Z": x["Z"][:d].copy()}


def retried(failure: StudentCodeFailure, x: dict[str, Any]) -> bool:
    """Whether a failure on `x` is worth a square retry: an exception (not a hang or a crash), N != D."""
    n, d = x["Z"].shape
    return failure.kind == "exception" and n > d


def attempt(ctx: QuestionContext, iface: Interface, x: dict[str, Any], eps: float, beta_avg: float,
            mode: str) -> Attempt:  # fmt: skip
    """Call on `x`; if that raises, call on its square version (re-raising the first error when that fails too)."""
    try:
        return Attempt(x, _call(ctx, iface, x, eps, beta_avg, mode))
    except StudentCodeFailure as failure:
        if not retried(failure, x):
            raise
        square = square_version(x)
        try:
            run = _call(ctx, iface, square, eps, beta_avg, mode)
        except StudentCodeFailure:
            raise failure from None
        return Attempt(square, run, Crash(failure, x["Z"].shape))


def _call(ctx: QuestionContext, iface: Interface, x: dict[str, Any], eps: float, beta_avg: float,
          mode: str) -> ForwardRun:  # fmt: skip
    return run_forward(ctx, iface, x["Z"], x["gamma"], x["beta"], eps, x["mu"], x["var"], beta_avg, mode)


def on_square(verdict: Verdict, crash: Crash, *, check_id: str, carried_by: str | None) -> Verdict:
    """A verdict reached on the square batch, with what it means.

    `carried_by`: the check that already carries the "only when N == D" mistake;
    None when this check carries it.
    """
    batch, square = _sizes(crash.shape)
    if carried_by is not None:
        charged = Bilingual(f"the N == D problem explained in {carried_by}, charged there once",
                            f"همان مشکل N == D که در {carried_by} توضیح داده شد و فقط همان‌جا کسر شد")  # fmt: skip
        if verdict.fraction == 0:
            charged = Bilingual(f"the N == D problem explained in {carried_by}",
                                f"همان مشکل N == D که در {carried_by} توضیح داده شد")  # fmt: skip
        return Verdict(verdict.fraction, Bilingual(
            f"On {batch.en} the code raised; it runs on {square.en}: {charged.en}. This check was judged on the "
            "square batch:",
            f"روی {batch.fa} کد خطا داد؛ روی {square.fa} اجرا می‌شود: {charged.fa}. این بررسی روی دستهٔ مربعی "
            "سنجیده شد:") + verdict.feedback)  # fmt: skip
    story = Bilingual(
        f"On {batch.en} {crash.failure.message.en}. On {square.en} it runs: the code works only when N == D, so "
        "the example and feature axes are mixed up somewhere (a transpose such as Z.T, or Z.shape[0] taken as "
        "the number of features). Z is (N, D); mu, var, gamma and beta have length D.",
        f"روی {batch.fa} {crash.failure.message.fa}. روی {square.fa} اجرا می‌شود: کد فقط وقتی N == D باشد کار "
        "می‌کند، پس جایی محور نمونه‌ها و محور ویژگی‌ها با هم اشتباه گرفته شده‌اند (ترانهاده‌ای مثل Z.T، یا Z.shape[0] "
        "به جای تعداد ویژگی‌ها). Z ابعاد (N, D) دارد و mu، var، gamma و beta طول D دارند.")  # fmt: skip
    if verdict.fraction == 0:
        return Verdict(Fraction(0), story + Bilingual("On the square batch:", "روی دستهٔ مربعی:") + verdict.feedback)
    share = percent(credit("square_only"))
    return Verdict(verdict.fraction * credit("square_only"), story + Bilingual(
        f"Judged on the square batch, for {share.en} of the points (the mistake is counted once, here, in "
        f"{check_id}):",
        f"روی دستهٔ مربعی سنجیده شد، با {share.fa} نمره (این اشتباه فقط یک بار، همین‌جا در {check_id}، کسر "
        "می‌شود):") + verdict.feedback)  # fmt: skip


def _sizes(shape: tuple[int, int]) -> tuple[Bilingual, Bilingual]:
    """'the 8x5 batch' and 'a square 5x5 batch (N == D)', in both languages."""
    n, d = shape
    return (Bilingual(f"the {n}x{d} batch", fa_digits(f"دستهٔ {n}×{d}")),
            Bilingual(f"a square {d}x{d} batch (N == D)", fa_digits(f"یک دستهٔ مربعی {d}×{d}") + " (N == D)"))  # fmt: skip

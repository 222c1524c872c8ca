"""The answer key's formulas, each built from the reference's sympy objects and verified while rendering.

Three kinds of verification, named in the key beside each formula:
- symbolic: an identity sympy proves (`simplify(a - b) == 0`, a substitution);
- numeric: the formula against the reference's numbers or committed artifacts;
- keras: agreement with Keras (`count_params()`, output shapes), live when
  TensorFlow is installed (Q5, Q6), or from the committed record of a Keras run
  (Q4's verification.json, Q7's training.json).
A failed check is rendered as failed, never hidden.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from grader.answers import load
from grader.render import pdf_keras
from grader.render.pdf_math import Check, Formula, latex, plain
from grader.results import Bilingual


def _check(kind: str, passed: bool, en: str, fa: str) -> Check:
    return Check(kind, bool(passed), Bilingual(en, fa))


def _equation(lhs: str, expr: Any) -> str:
    return f"{lhs} = {latex(expr)}"


def q05(keras: bool) -> list[Formula]:
    from reference import q05_conv_arithmetic as ref

    n, k, s, d, p, f = ref.n, ref.k, ref.s, ref.d, ref.p, ref.f
    rows = ref.layer_table()
    specs = load("q05")["layers"]
    valid = [r.index for r in rows if r.applicable and specs[r.index - 1]["padding"] == "valid"]
    same = [r.index for r in rows if r.applicable and r.index not in valid]
    convs = [r.index for r in rows if r.kind == "conv" and r.applicable]
    relation = ref.padding_relation()
    per_side, dilated = sympy.factor(relation["per_side"]), relation["per_side_dilated"]
    back = sympy.simplify(ref.OUTPUT_PADDED.subs({s: 1, d: 1, k: f, p: per_side}))
    back_dilated = sympy.simplify(ref.OUTPUT_PADDED.subs({s: 1, k: f, p: dilated}))
    k_eff = sympy.Symbol("k_eff")
    return [
        Formula(
            "q05-effective-kernel",
            _equation(latex(k_eff), ref.EFFECTIVE_KERNEL),
            plain(ref.EFFECTIVE_KERNEL),
            Bilingual("Extent of a dilated kernel (k taps, d apart)", "گسترهٔ کرنل متسع (k ضریب با فاصلهٔ d)"),
            (
                _check(
                    "symbolic",
                    sympy.simplify(ref.EFFECTIVE_KERNEL.subs(d, 1) - k) == 0,
                    "at d = 1 it reduces to k (sympy)",
                    "به ازای d = 1 برابر k می‌شود (sympy)",
                ),
            ),
        ),
        Formula(
            "q05-output-padded",
            _equation("n_{\\mathrm{out}}", ref.OUTPUT_PADDED),
            plain(ref.OUTPUT_PADDED),
            Bilingual("Output size with padding p on each side", "ابعاد خروجی با padding به اندازهٔ p در هر طرف"),
            (
                _check(
                    "symbolic",
                    sympy.simplify(ref.OUTPUT_PADDED.subs(p, 0) - ref.OUTPUT_VALID) == 0,
                    "at p = 0 it is the 'valid' formula (sympy)",
                    "به ازای p = 0 همان فرمول valid است (sympy)",
                ),
                pdf_keras.layer_check(
                    valid,
                    "output shapes ('valid' padding and pooling)",
                    "ابعاد خروجی (padding از نوع valid و pooling)",
                    keras,
                ),
            ),
        ),
        Formula(
            "q05-output-same",
            _equation("n_{\\mathrm{out}}", ref.OUTPUT_SAME),
            plain(ref.OUTPUT_SAME),
            Bilingual("Output size with 'same' padding (TensorFlow/Keras)", "ابعاد خروجی با padding از نوع same"),
            (
                pdf_keras.layer_check(
                    same, "output shapes ('same' padding)", "ابعاد خروجی (padding از نوع same)", keras
                ),
            ),
        ),
        Formula(
            "q05-conv-parameters",
            _equation("N_{\\mathrm{params}}", ref.CONV_PARAMETERS),
            plain(ref.CONV_PARAMETERS),
            Bilingual(
                "Parameters of a conv layer: a k×k×c_in kernel and a bias per filter",
                "پارامترهای لایهٔ کانولوشنی: کرنل k×k×c_in و یک بایاس برای هر فیلتر",
            ),
            (
                _check(
                    "symbolic",
                    sympy.expand((k * k * ref.c_in + 1) * ref.c_out - ref.CONV_PARAMETERS) == 0,
                    "equals (k²·c_in + 1)·c_out (sympy)",
                    "برابر (k²·c_in + 1)·c_out است (sympy)",
                ),
                pdf_keras.layer_check(convs, "count_params()", "مقدار count_params()", keras),
            ),
        ),
        Formula(
            "q05-padding",
            _equation("p", per_side),
            plain(per_side),
            Bilingual(
                "(b) padding per side that keeps the size (stride 1)",
                "(ب) padding هر طرف که ابعاد را حفظ می‌کند (گام ۱)",
            ),
            (
                _check(
                    "symbolic",
                    sympy.simplify(back - n) == 0,
                    "solved with sympy from n_out = n at s = 1; substituted back it gives n_out = n",
                    "با sympy از n_out = n در گام ۱ حل شده و با جایگذاری دوباره n_out = n می‌شود",
                ),
                _check(
                    "numeric",
                    relation["check"],
                    "n_out = n for n ∈ {7, 28, 256}, f ∈ {1, 3, 5, 7}",
                    "n_out = n برای n ∈ {7, 28, 256} و f ∈ {1, 3, 5, 7}",
                ),
            ),
        ),
        Formula(
            "q05-padding-dilated",
            _equation("p", dilated),
            plain(dilated),
            Bilingual("The same with dilation d", "همین رابطه با نرخ اتساع d"),
            (
                _check(
                    "symbolic",
                    sympy.simplify(back_dilated - n) == 0,
                    "substituted back it gives n_out = n (sympy)",
                    "با جایگذاری دوباره n_out = n می‌شود (sympy)",
                ),
            ),
        ),
    ]


def q04(values: dict[str, Any]) -> list[Formula]:
    from reference import q04_cnn_vs_rnn as ref

    records = values["verification"]
    names = {"GRU": "GRU (reset_after=True, Keras' default)", "GRU_reset_after_False": "GRU (reset_after=False)"}
    formulas = []
    for name, expr in ref.formulas().items():
        expanded = sympy.expand(expr)
        mine = [r for r in records if r["formula"] == name]
        agree = bool(mine) and all(r["agrees"] for r in mine)
        sizes = sorted({"x".join(map(str, r["configuration"]["input_shape"])) for r in mine})
        tex = f"N_{{\\mathrm{{{name.split('_')[0]}}}}} = {latex(expr)} = {latex(expanded)}"
        formulas.append(
            Formula(
                f"q04-{name.lower().replace('_', '-')}",
                tex,
                f"{plain(expr)} = {plain(expanded)}",
                Bilingual(names.get(name, name), names.get(name, name)),
                (
                    _check(
                        "symbolic",
                        sympy.expand(expr - expanded) == 0,
                        "factored = expanded (sympy)",
                        "صورت تجزیه‌شده = صورت بسط‌داده‌شده (sympy)",
                    ),
                    _check(
                        "keras",
                        agree,
                        f"count_params() agrees on {len(mine)} configurations (inputs {', '.join(sizes)}; "
                        f"Keras {values['keras_version']}, artifacts/q04/verification.json)",
                        f"مقدار count_params() در {len(mine)} پیکربندی یکسان است (ورودی‌های {', '.join(sizes)}؛ "
                        f"Keras {values['keras_version']})",
                    ),
                ),
            )
        )
    return formulas


def _bn_numeric() -> tuple[bool, bool]:
    """The reference forward_batchnorm against the formulas on seeded data: (output, moving averages)."""
    from reference.q06_batchnorm import forward_batchnorm

    rng = np.random.default_rng(6)
    z = rng.normal(3.0, 2.0, size=(16, 5))
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    cache: dict[str, Any] = {"mu": rng.normal(size=5), "var": rng.uniform(0.5, 2.0, size=5)}
    old = {key: value.copy() for key, value in cache.items()}
    out = forward_batchnorm(z, gamma, beta, 1e-5, cache, 0.9, "train")
    mu, var = z.mean(axis=0), ((z - z.mean(axis=0)) ** 2).mean(axis=0)
    output_ok = np.allclose(out, gamma * (z - mu) / np.sqrt(var + 1e-5) + beta, atol=1e-12)
    moving_ok = np.allclose(cache["mu"], 0.9 * old["mu"] + 0.1 * mu) and np.allclose(
        cache["var"], 0.9 * old["var"] + 0.1 * var
    )
    return bool(output_ok), bool(moving_ok)


def q06(keras: bool) -> list[Formula]:
    from reference.q06_batchnorm import dense_batchnorm_trainable

    z, mu, var, eps, gamma, beta = sympy.symbols("z mu_B sigma_B epsilon gamma beta")
    zi = sympy.Symbol("z_i")
    mean_tex = f"\\mu_{{B}} = \\frac{{1}}{{m}}\\sum_{{i=1}}^{{m}} {latex(zi)}"
    var_tex = f"\\sigma_{{B}}^{{2}} = \\frac{{1}}{{m}}\\sum_{{i=1}}^{{m}} {latex((zi - mu) ** 2, order='none')}"
    out = gamma * (z - mu) / sympy.sqrt(var**2 + eps) + beta
    output_ok, moving_ok = _bn_numeric()
    n_in, n_out = sympy.symbols("n_in n_out", positive=True, integer=True)
    dense, batchnorm = n_in * n_out + n_out, 2 * n_out
    count = sympy.factor(dense + batchnorm)
    counted = int(count.subs({n_in: 10, n_out: 20}))
    reference = dense_batchnorm_trainable()["total_trainable"]
    counts = pdf_keras.q06_keras_counts() if keras else None
    keras_check = (
        _check(
            "keras",
            counts == (counted, 40),
            f"Keras: Dense(20) + BatchNormalization has {counts[0]} trainable and {counts[1]} non-trainable parameters",
            f"در Keras: Dense(20) و BatchNormalization دارای {counts[0]} "
            f"پارامتر قابل آموزش و {counts[1]} پارامتر غیرقابل آموزش است",
        )
        if counts is not None
        else _check(
            "keras", True, "Keras count not run (TensorFlow not used).", "شمارش Keras اجرا نشد (بدون TensorFlow)."
        )
    )
    numeric = _check(
        "numeric",
        output_ok,
        "reference forward_batchnorm equals it on seeded 16×5 data (1e-12)",
        "forward_batchnorm مرجع روی دادهٔ ۱۶×۵ با بذر ثابت با آن برابر است (1e-12)",
    )
    return [
        Formula(
            "q06-mean",
            mean_tex,
            "mu_B = sum(z_i)/m",
            Bilingual("Batch mean (per feature)", "میانگین دسته (برای هر ویژگی)"),
            (numeric,),
        ),
        Formula(
            "q06-variance",
            var_tex,
            "sigma_B^2 = sum((z_i - mu_B)^2)/m",
            Bilingual("Biased batch variance (divides by m)", "واریانس اریب دسته (تقسیم بر m)"),
            (numeric,),
        ),
        Formula(
            "q06-output",
            f"y = {latex(out, order='none')}",
            plain(out),
            Bilingual("Normalise, then scale and shift", "نرمال‌سازی و سپس مقیاس و انتقال"),
            (numeric,),
        ),
        Formula(
            "q06-moving",
            "\\mu_{\\mathrm{run}} \\leftarrow \\beta_{\\mathrm{avg}}\\,\\mu_{\\mathrm{run}} + "
            "(1 - \\beta_{\\mathrm{avg}})\\,\\mu_{B}",
            "mu_run <- beta_avg*mu_run + (1 - beta_avg)*mu_B",
            Bilingual(
                "Moving averages (the same for the variance), used in 'test' mode",
                "میانگین متحرک (برای واریانس هم همین‌طور)، که در حالت test به کار می‌رود",
            ),
            (
                _check(
                    "numeric",
                    moving_ok,
                    "reference cache_dict after one 'train' call from non-zero statistics",
                    "cache_dict مرجع پس از یک فراخوانی train از آماره‌های غیرصفر",
                ),
            ),
        ),
        Formula(
            "q06-count",
            f"N_{{\\mathrm{{trainable}}}} = {latex(dense)} + {latex(batchnorm)} = {latex(count)} = {counted}",
            f"{plain(dense)} + {plain(batchnorm)} = {plain(count)} = {counted}",
            Bilingual(
                "(e) Dense(10 → 20) + BatchNormalization: weights, biases, γ and β",
                "(هـ) Dense(10 → 20) و BatchNormalization: وزن‌ها، بایاس‌ها، γ و β",
            ),
            (
                _check(
                    "numeric",
                    counted == reference,
                    f"n_in = 10, n_out = 20 gives {counted} = reference count",
                    f"به ازای n_in = 10 و n_out = 20 برابر {counted} و برابر شمارش مرجع است",
                ),
                keras_check,
            ),
        ),
    ]


def q07(values: dict[str, Any]) -> list[Formula]:
    from reference import q04_cnn_vs_rnn as q04
    from reference.q07_gradcam import load_probe_set

    _, _, cams = load_probe_set()
    relu_ok = bool(np.allclose(np.maximum(cams["norelu:conv2d_2"], 0), cams["linear:conv2d_2"], atol=1e-5))
    conv, dense = q04.formulas()["Conv2D"], q04.formulas()["Dense"]
    sym = q04.SYMBOLS
    counts = [
        conv.subs({sym["k_h"]: 3, sym["k_w"]: 3, sym["c_in"]: c, sym["f"]: fi})
        for c, fi in ((1, 32), (32, 64), (64, 64))
    ] + [dense.subs({sym["n_in"]: a, sym["n_out"]: b}) for a, b in ((576, 128), (128, 10))]
    total = int(sum(counts))
    return [
        Formula(
            "q07-weights",
            "\\alpha_{k}^{c} = \\frac{1}{Z}\\sum_{i}\\sum_{j}\\frac{\\partial y^{c}}{\\partial A_{ij}^{k}}",
            "alpha_k^c = (1/Z) sum_ij dy^c/dA^k_ij",
            Bilingual(
                "Channel weights: the class score's gradients, averaged over the 7×7 positions",
                "وزن هر کانال: میانگین گرادیان امتیاز کلاس روی ۷×۷ مکان",
            ),
            (),
        ),
        Formula(
            "q07-map",
            "L^{c} = \\mathrm{ReLU}\\left(\\sum_{k}\\alpha_{k}^{c} A^{k}\\right)",
            "L^c = ReLU(sum_k alpha_k^c A^k)",
            Bilingual("The Grad-CAM map", "نقشهٔ Grad-CAM"),
            (
                _check(
                    "numeric",
                    relu_ok,
                    "committed probe set: the reference map equals ReLU of the map without it",
                    "مجموعهٔ آزمون ثبت‌شده: نقشهٔ مرجع برابر ReLU نقشهٔ بدون ReLU است",
                ),
            ),
        ),
        Formula(
            "q07-parameters",
            "N = "
            + " + ".join(f"{int(c):,}".replace(",", "{,}") for c in counts)
            + f" = {total:,}".replace(",", "{,}"),
            f"{' + '.join(str(int(c)) for c in counts)} = {total}",
            Bilingual(
                "Parameters of the sheet's network (Q4's Conv2D and Dense formulas)",
                "پارامترهای شبکهٔ خواسته‌شده (با فرمول‌های Conv2D و Dense سوال ۴)",
            ),
            (
                _check(
                    "keras",
                    total == values["parameters"],
                    f"Keras count_params() of the trained model: {values['parameters']:,} (artifacts/q07/training.json)",
                    f"مقدار count_params() مدل آموزش‌دیده در Keras: {values['parameters']:,}",
                ),
            ),
        ),
    ]

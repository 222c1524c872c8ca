"""The answer key's tables as plain data (cells are text or {en, fa} pairs): helpers, and Q4-Q7's tables.

Everything comes from the reference's numbers and committed artifacts; a table whose
source is missing is left out (a question still being written renders without it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import reference
from grader.render import pdf_keras
from grader.render.pdf_engine import number

ARTIFACTS = Path(reference.__file__).parent / "artifacts"


def bi(en: str, fa: str) -> dict[str, str]:
    return {"en": en, "fa": fa}


def cell(value: Any, cls: str = "") -> dict[str, Any]:
    """A table cell: language-neutral text (numbers, code) or an {en, fa} pair."""
    content = dict(value) if isinstance(value, dict) else {"text": number(value)}
    return {**content, "cls": cls}


def table(
    caption: dict[str, str],
    columns: list[tuple[str, str]],
    rows: list[list[Any]],
    note: dict[str, str] | None = None,
    cls: str = "",
) -> dict[str, Any]:
    return {
        "caption": caption,
        "columns": [bi(en, fa) for en, fa in columns],
        "note": note,
        "cls": cls,
        "rows": [[c if isinstance(c, dict) and "cls" in c else cell(c) for c in row] for row in rows],
    }


def _shape(values: Any) -> str:
    return "n/a" if not values else "×".join(str(v) for v in values)


def q04(values: dict[str, Any]) -> dict[str, Any]:
    demo = values["parallelism"]
    rows = [
        [name, *[f"{1000 * t:.2f}" for t in times], f"×{demo['growth'][name]}"]
        for name, times in sorted(demo["seconds"].items())
    ]
    columns = [("layer", "لایه")] + [(f"T = {n}", f"T = {n}") for n in demo["lengths"]] + [("growth", "رشد")]
    return {
        "tables": [
            table(
                bi(
                    "Forward pass time (ms) over sequence length T: a convolution runs in parallel, a "
                    "recurrent layer step by step",
                    "زمان یک گذر رو به جلو (میلی‌ثانیه) بر حسب طول دنبالهٔ T: "
                    "کانولوشن موازی و لایهٔ بازگشتی گام به گام اجرا می‌شود",
                ),
                columns,
                rows,
                note=bi(demo["machine"], demo["machine"]),
            )
        ]
    }


def q05(keras: bool) -> dict[str, Any]:
    from reference.q05_conv_arithmetic import layer_table

    records = {r["index"]: r for r in (pdf_keras.q05_keras() or [])} if keras else {}
    rows = []
    for row in layer_table():
        record = records.get(row.index)
        agrees = "—" if record is None else ("✓" if record["agrees"] else "✗")
        bad = row.output_shape is None
        rows.append(
            [
                row.index,
                {"text": row.name, "cls": "code"},
                _shape(row.input_shape),
                cell("n/a" if bad else _shape(row.output_shape), "na" if bad else ""),
                row.params,
                bi(row.reason_en, row.reason_fa),
                agrees,
            ]
        )
    note = bi(
        "Parameters of a layer that cannot be applied: the size of its weights (n/a is accepted too). "
        "Keras: ✓ = output shape and count_params() agree; — = not run.",
        "پارامترهای لایه‌ای که قابل اعمال نیست: اندازهٔ وزن‌های آن (غیرقابل اعمال هم پذیرفته می‌شود). "
        "ستون Keras: ✓ یعنی ابعاد و count_params() یکسان‌اند؛ — یعنی اجرا نشد.",
    )
    return {
        "tables": [
            table(
                bi("(a) The nine layers, from a 256×256×3 input", "(الف) نُه لایه، از ورودی ۲۵۶×۲۵۶×۳"),
                [
                    ("#", "#"),
                    ("layer", "لایه"),
                    ("input", "ورودی"),
                    ("output", "خروجی"),
                    ("parameters", "پارامترها"),
                    ("how", "محاسبه"),
                    ("Keras", "Keras"),
                ],
                rows,
                note=note,
            )
        ]
    }


def q06(values: dict[str, Any], statements: list[dict[str, str]]) -> dict[str, Any]:
    true = set(values["true_statements"])
    rows = [
        [
            i,
            bi(s["en"], s["fa"]),
            cell(bi("true", "درست") if i in true else bi("false", "نادرست"), "ok" if i in true else "na"),
            bi(s["why_en"], s["why_fa"]),
        ]
        for i, s in enumerate(statements, start=1)
    ]
    counts = values["trainable_params_breakdown"]
    params = [
        [bi("Dense kernel 10×20", "کرنل Dense با ابعاد ۱۰×۲۰"), 200, bi("yes", "بله")],
        [bi("Dense bias", "بایاس Dense"), counts["dense"] - 200, bi("yes", "بله")],
        [
            bi("BatchNormalization γ (scale)", "γ (مقیاس) در BatchNormalization"),
            counts["bn_trainable"] // 2,
            bi("yes", "بله"),
        ],
        [
            bi("BatchNormalization β (shift)", "β (انتقال) در BatchNormalization"),
            counts["bn_trainable"] // 2,
            bi("yes", "بله"),
        ],
        [bi("moving mean", "میانگین متحرک"), counts["bn_non_trainable"] // 2, bi("no", "خیر")],
        [bi("moving variance", "واریانس متحرک"), counts["bn_non_trainable"] // 2, bi("no", "خیر")],
        [cell(bi("trainable in total", "جمع قابل آموزش"), "total"), cell(counts["total_trainable"], "total"), ""],
        [
            bi("without the redundant dense bias (also full marks)", "بدون بایاس زائد Dense (نمرهٔ کامل)"),
            values["trainable_params_without_dense_bias"],
            "",
        ],
    ]
    return {
        "tables": [
            table(
                bi("(a) The statements", "(الف) عبارت‌ها"),
                [("#", "#"), ("statement", "عبارت"), ("", ""), ("why", "چرا")],
                rows,
            ),
            table(
                bi(
                    "(e) Parameters of Dense(10 → 20) + BatchNormalization",
                    "(هـ) پارامترهای Dense(10 → 20) و BatchNormalization",
                ),
                [("weights", "وزن‌ها"), ("count", "تعداد"), ("trainable", "قابل آموزش")],
                params,
                cls="narrow",
            ),
        ]
    }


def q07(values: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for layer in values["layers"]:
        settings = ", ".join(f"{k}={v}" for k, v in layer.items() if k != "type")
        rows.append([{"text": layer["type"], "cls": "code"}, {"text": settings, "cls": "code"}])
    facts = [
        [bi(en, fa), values[key]]
        for key, en, fa in (
            ("parameters", "parameters", "پارامترها"),
            ("epochs", "epochs", "epoch"),
            ("batch_size", "batch size", "اندازهٔ دسته"),
            ("test_accuracy", "test accuracy", "دقت آزمون"),
            ("train_seconds", "training time (s, CPU)", "زمان آموزش (ثانیه)"),
            ("last_conv_layer", "Grad-CAM layer", "لایهٔ Grad-CAM"),
        )
    ]
    return {
        "tables": [
            table(
                bi("The sheet's network, as trained", "شبکهٔ خواسته‌شده، همان‌طور که آموزش دید"),
                [("layer", "لایه"), ("settings", "تنظیمات")],
                rows,
            ),
            table(
                bi("Training record (reference/artifacts/q07/training.json)", "گزارش آموزش"),
                [("", ""), ("value", "مقدار")],
                facts,
                cls="narrow",
            ),
        ]
    }

"""The answer key's tables from committed runs: Q1's search (trials.csv), Q2's comparison, Q3's before/after.

Each reads its artifact defensively: a missing file or key leaves the table out, so a
question still being written renders without it.
"""

from __future__ import annotations

import ast
import csv
import json
from typing import Any

from grader.render.pdf_tables import ARTIFACTS, bi, table


def _hp_name(node: ast.expr) -> str:
    """The hyperparameter's name: a constant, or an f-string shown with its placeholders (filters_{index})."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"  # type: ignore[attr-defined]
            for part in node.values
        )
    return ast.unparse(node)


def q01(values: dict[str, Any]) -> dict[str, Any]:
    source = (ARTIFACTS.parent / "q01_keras_tuner.py").read_text(encoding="utf-8")
    space: list[list[Any]] = []
    builder = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "build_model")
    for node in ast.walk(builder):  # build_model's hp calls only (build_from_values fixes recorded ones)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "hp"
            and node.args
        ):
            name = _hp_name(node.args[0])
            args = [ast.unparse(a) for a in node.args[1:]] + [f"{k.arg}={ast.unparse(k.value)}" for k in node.keywords]
            space.append([{"text": str(name), "cls": "code"}, node.func.attr, {"text": ", ".join(args), "cls": "code"}])
    space.sort(key=lambda row: str(row[0]["text"]))
    limits = [[{"text": k, "cls": "code"}, v] for k, v in sorted(values["limits"].items())]
    best = values["best_hyperparameters"]
    tuner = values["tuner"]
    split = values["split"]
    facts = [
        [
            bi("tuner", "tuner"),
            f"{tuner['kind']} (objective {tuner['objective']}, max_epochs {tuner['max_epochs']}, "
            f"factor {tuner['factor']}, {tuner['trials']} trials"
            f"{', complete' if values.get('search_complete') else ', stopped early'})",
        ],
        [
            bi("split train / validation / test", "تقسیم آموزش / اعتبارسنجی / آزمون"),
            " / ".join(f"{split[k]:,}" for k in ("train", "validation", "test")),
        ],
    ]
    if "search_subset" in split:
        facts.append([bi("images the search trained on (seeded subset of the training part)",
                         "تصاویری که جستجو روی آن‌ها آموزش داد (زیرمجموعهٔ ثابت از بخش آموزش)"),
                      f"{split['search_subset']:,}"])  # fmt: skip
    facts += [
        [
            bi("best validation accuracy in the search", "بهترین دقت اعتبارسنجی در جستجو"),
            values["best_val_accuracy_in_search"],
        ],
        [
            bi(
                "test accuracy of the retrained best model (committed weights)",
                "دقت آزمون بهترین مدل پس از آموزش دوباره (وزن‌های ثبت‌شده)",
            ),
            values["test_accuracy"],
        ],
        [bi("parameters of the best model", "تعداد پارامترهای بهترین مدل"), values["parameters"]],
    ]
    final = values.get("final_training")
    if final:
        facts.append([bi("final training", "آموزش نهایی"),
                      f"{final['epochs_run']} of at most {final['max_epochs']} epochs, batch {final['batch_size']}, "
                      f"learning rate x{final['learning_rate_decay_per_epoch']} per epoch, early stopping "
                      f"({final['early_stopping']}), random shifts of up to "
                      f"{final['random_shift_pixels']} pixels in the input pipeline"])  # fmt: skip
    if values.get("search_seconds") is not None and values.get("final_training_seconds") is not None:
        facts.append([bi("time (search / final training), on a 2-core CPU", "زمان (جستجو / آموزش نهایی)، روی CPU دوهسته‌ای"),
                      f"{values['search_seconds'] / 60:.0f} min / {values['final_training_seconds'] / 60:.0f} min"])  # fmt: skip
    weights = values.get("weights")
    if weights:
        facts.append([bi("committed weights", "وزن‌های ثبت‌شده"),
                      {"text": f"{weights['file']} ({weights['dtype']}, {weights['bytes'] / 1e6:.2f} MB)", "cls": "code"}])  # fmt: skip
    facts += [[{"text": k, "cls": "code"}, best[k]] for k in sorted(best)]
    trials = []
    path = ARTIFACTS / "q01" / "trials.csv"
    if path.is_file():
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                trials.append(_trial_row(row, values["best_val_accuracy_in_search"]))
    tables = [
        table(
            bi("The sheet's limits", "محدودیت‌های جدول سوال"),
            [("hyperparameter", "ابرپارامتر"), ("max", "حداکثر")],
            limits,
            cls="narrow",
        ),
        table(
            bi(
                "The reference's search space (hp calls in build_model)",
                "فضای جستجوی مرجع (فراخوانی‌های hp در build_model)",
            ),
            [("name", "نام"), ("kind", "نوع"), ("range or choices", "بازه یا گزینه‌ها")],
            space,
        ),
        table(bi("Best trial and final result", "بهترین آزمایش و نتیجهٔ نهایی"), [("", ""), ("value", "مقدار")], facts),
    ]
    if trials:
        tables.append(
            table(
                bi("All trials (reference/artifacts/q01/trials.csv)", "همهٔ آزمایش‌ها"),
                [
                    ("trial", "آزمایش"),
                    ("status", "وضعیت"),
                    ("val acc", "دقت اعتبارسنجی"),
                    ("epochs", "epoch"),
                    ("filters per conv layer", "فیلترهای هر لایهٔ کانولوشنی"),
                    ("conv dropout", "dropout"),
                    ("units", "نورون‌ها"),
                    ("dense dropout", "dropout"),
                    ("lr", "نرخ یادگیری"),
                    ("parameters", "پارامترها"),
                ],
                trials,
                note=bi(
                    "Highlighted: the best trial. Hyperband continues a trial from an earlier round, so its "
                    "configuration appears once per round it reached (1, 3, then 9 epochs).",
                    "ردیف پررنگ: بهترین آزمایش. Hyperband آزمایش‌های دور قبل را ادامه می‌دهد، پس هر پیکربندی در "
                    "هر دوری که به آن رسیده یک بار آمده است (۱، ۳ و سپس ۹ epoch).",
                ),
                cls="small",
            )
        )
    return {"tables": tables}


def _trial_row(row: dict[str, str], best_val_accuracy: float) -> list[Any]:
    """One row of trials.csv: 3x3 conv layers per block (1, then block2_convs, block3_convs), then the dense part."""
    filters = [row["block1_filters"]]
    filters += [row["block2_filters"]] * int(row["block2_convs"]) + [row["block3_filters"]] * int(row["block3_convs"])
    units = "-".join(row[f"units_{i}"] for i in range(int(row["dense_layers"])) if row.get(f"units_{i}"))
    score = f"{float(row['val_accuracy']):.4f}" if row["val_accuracy"] else "—"
    best = bool(row["val_accuracy"]) and abs(float(row["val_accuracy"]) - best_val_accuracy) < 1e-9
    return [{"text": row["trial"], "cls": "best" if best else ""}, row["status"].lower(), score, row["epochs"],
            "-".join(filters), row["conv_dropout"], units, row["dense_dropout"], row["learning_rate"],
            int(row["parameters"])]  # fmt: skip


def q02() -> dict[str, Any]:
    """The comparison table of the committed run, and define_model's parameters at the sheet's 224x224."""
    tables = []
    path = ARTIFACTS / "q02" / "summary.json"
    if path.is_file():
        summary = json.loads(path.read_text(encoding="utf-8"))
        keys = (
            "model",
            "train_count",
            "test_count",
            "train_accuracy",
            "test_accuracy",
            "time_seconds",
            "parameters",
            "trainable_parameters",
        )
        rows = [[row.get(k, "—") for k in keys] for row in summary.get("table", [])]
        note = summary.get("weights_note", "")
        tables.append(
            table(
                bi("The comparison table of the committed run", "جدول مقایسهٔ اجرای ثبت‌شده"),
                [
                    ("model", "مدل"),
                    ("train", "آموزش"),
                    ("test", "آزمون"),
                    ("train acc", "دقت آموزش"),
                    ("test acc", "دقت آزمون"),
                    ("time (s)", "زمان (ثانیه)"),
                    ("parameters", "پارامترها"),
                    ("trainable", "قابل آموزش"),
                ],
                rows,
                note=bi(
                    f"{summary.get('dataset', '')}; {summary.get('image_size', '?')}×{summary.get('image_size', '?')} "
                    f"images, {summary.get('epochs', '?')} epochs. {note}",
                    f"{summary.get('dataset', '')}؛ تصاویر {summary.get('image_size', '?')}×{summary.get('image_size', '?')}، "
                    f"{summary.get('epochs', '?')} epoch. {note}",
                ),
            )
        )
    try:
        from reference.q02_transfer_learning import PARAMETERS_224, TRAINABLE_224
    except ImportError:
        return {"tables": tables}
    rows = [
        [name, counts.get("flatten"), counts.get("global_average_pooling"), TRAINABLE_224.get(name)]
        for name, counts in sorted(PARAMETERS_224.items())
    ]
    tables.append(
        table(
            bi("define_model at 224×224: count_params()", "define_model در اندازهٔ ۲۲۴×۲۲۴: count_params()"),
            [
                ("backbone", "شبکهٔ پایه"),
                ("Flatten head", "سر با Flatten"),
                ("global average pooling head", "سر با GAP"),
                ("trainable (Flatten head)", "قابل آموزش (Flatten)"),
            ],
            rows,
            cls="narrow",
        )
    )
    return {"tables": tables}


def q03() -> dict[str, Any]:
    path = ARTIFACTS / "q03" / "summary.json"
    if not path.is_file():
        return {}
    summary = json.loads(path.read_text(encoding="utf-8"))
    before, after = summary.get("handed_out", {}), summary.get("fixed", {})
    r2 = [
        [bi(en, fa), summary[key]]
        for key, en, fa in (
            ("r2_before", "handed-out model", "مدل داده‌شده"),
            ("r2_after", "fixed model", "مدل اصلاح‌شده"),
            ("persistence_r2", "persistence baseline (last hour)", "مبنای تکرار ساعت قبل"),
        )
        if key in summary
    ]
    rows = []
    for key, en, fa in (
        ("inputs", "inputs", "ورودی‌ها"),
        ("input_shape", "input shape", "شکل ورودی"),
        ("scaling", "scaling", "مقیاس‌بندی"),
        ("layers", "layers", "لایه‌ها"),
        ("parameters", "parameters", "پارامترها"),
        ("epochs", "epochs", "epoch"),
        ("epochs_run", "epochs run", "epochهای اجراشده"),
        ("test_r2", "test R²", "R² آزمون"),
    ):
        if key in before or key in after:
            shown = [", ".join(map(str, v)) if isinstance(v, list) else v for v in (before.get(key), after.get(key))]
            rows.append([bi(en, fa), *shown])
    tables = [
        table(
            bi("R² on the test period, before and after the fix", "R² روی دورهٔ آزمون، پیش و پس از اصلاح"),
            [("model", "مدل"), ("R²", "R²")],
            r2,
            cls="narrow",
        )
    ]
    if rows:
        tables.append(
            table(
                bi("The two pipelines", "دو مدل"),
                [("", ""), ("handed out", "داده‌شده"), ("fixed", "اصلاح‌شده")],
                rows,
                note=bi(
                    f"Data: {summary.get('data', {}).get('source', 'see summary.json')}",
                    f"داده: {summary.get('data', {}).get('source', 'summary.json')}",
                ),
            )
        )
    return {"tables": tables}

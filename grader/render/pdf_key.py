"""`grader key --pdf`: the bilingual answer key, from answers/, the reference modules and their committed artifacts.

`build_context` gathers everything into plain data (JSON-able, sorted, no
dates) plus the files it names; `render_html` turns that into HTML with
templates/key/key.html.j2. Rendering never trains: Q1, Q3 and Q7 come from the
committed artifacts, and a question whose content has not landed yet gets a
"not yet available" note instead of a section that crashes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import yaml

import grader
from grader import answers
from grader.render import pdf_code, pdf_formulas, pdf_math, pdf_tables, pdf_tables_runs
from grader.render.pdf_engine import Document, font_assets, render_template, templates_root
from grader.render.pdf_tables import ARTIFACTS, bi
from grader.results import QUESTION_IDS

FA_PARTS = {"a": "الف", "b": "ب", "c": "ج", "d": "د", "e": "هـ"}
NAMED_PARTS = {
    "pipeline": ("Data and model", "داده و مدل"),
    "gradcam": ("Grad-CAM", "Grad-CAM"),
    "analysis": ("Analysis", "تحلیل"),
    "diagnosis": ("Diagnosis", "تشخیص علت"),
    "fix": ("The fix", "اصلاح"),
}
FIGURES = {
    "q01/learning_curves.png": (
        "Learning curves of the best configuration, retrained on 54,000 digits with random shifts (loss and accuracy)",
        "منحنی‌های یادگیری بهترین پیکربندی پس از آموزش دوباره روی ۵۴٬۰۰۰ رقم با جابه‌جایی تصادفی (خطا و دقت)",
    ),
    "q07/gradcam_overlays.png": (
        "Grad-CAM on the last conv layer: the first test image of each digit",
        "Grad-CAM روی آخرین لایهٔ کانولوشنی: اولین تصویر آزمون از هر رقم",
    ),
    "q02/curves.png": (
        "Training and validation curves of VGG16 and ResNet50 (committed run)",
        "منحنی‌های آموزش و اعتبارسنجی VGG16 و ResNet50 (اجرای ثبت‌شده)",
    ),
    "q02/confusion.png": ("Confusion matrices on the test split", "ماتریس‌های درهم‌ریختگی روی داده‌های آزمون"),
    "q03/test_week.png": (
        "A test week: measured consumption, the handed-out model and the fixed one",
        "یک هفته از داده‌های آزمون: مصرف واقعی، مدل داده‌شده و مدل اصلاح‌شده",
    ),
}
NOT_YET = {
    "en": "Not yet available: this question's reference and model answer have not landed yet.",
    "fa": "هنوز آماده نیست: مرجع و پاسخ نمونهٔ این سوال هنوز اضافه نشده است.",
}


def part_label(label: str) -> dict[str, str]:
    if label in NAMED_PARTS:
        return bi(*NAMED_PARTS[label])
    letter, _, extra = label.partition("_")
    if len(letter) > 1:  # a named part without a translation: its name, as the data writes it
        return bi(label.replace("_", " "), label.replace("_", " "))
    en, fa = f"({letter})", f"({FA_PARTS.get(letter, letter)})"
    return bi(f"{en} bonus", f"{fa} امتیازی") if extra == "bonus" else bi(en, fa)


def opaque_png(path: Path) -> bytes:
    """The PNG flattened onto white: WeasyPrint embeds an RGBA image ~8x slower (a separate alpha mask)."""
    data = path.read_bytes()
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib and WeasyPrint
        return data
    with Image.open(io.BytesIO(data)) as image:
        if image.mode not in ("RGBA", "LA", "P"):
            return data
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        flat.save(out, format="PNG")
        return out.getvalue()


def _rubrics(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each rubric's ideas (docs/rubrics.md) and its wrong claims (negative points), as table rows."""
    rubrics = []
    for name, rubric in data.get("rubrics", {}).items():
        groups = [{"points": i.get("points", 0), "en": i["en"], "fa": i["fa"]} for i in rubric.get("ideas", [])]
        groups += [{"points": -w.get("points", 0), "en": f"Wrong: {w['en']}", "fa": f"نادرست: {w['fa']}"}
                   for w in rubric.get("wrong", [])]  # fmt: skip
        rubrics.append({"name": name.replace("_", " "), "points": rubric.get("points", 0), "groups": groups})
    return rubrics


def _figures(qid: str) -> list[dict[str, Any]]:
    folder = ARTIFACTS / qid
    names = sorted(p.name for p in folder.glob("*.png")) if folder.is_dir() else []
    return [
        {
            "asset": f"figures/{qid}-{name}",
            "caption": bi(*FIGURES.get(f"{qid}/{name}", (name.removesuffix(".png").replace("_", " "),) * 2)),
        }
        for name in names
    ]


def build_context(keras: bool = False) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The key as plain data, and the files it names. `keras`: run the live Keras cross-checks (TensorFlow)."""
    from grader.key import key_values

    key = key_values()["questions"]
    extra = yaml.safe_load((templates_root() / "key" / "statements.yaml").read_text(encoding="utf-8"))
    assets: dict[str, bytes] = {}
    questions = []
    for number, qid in enumerate(QUESTION_IDS, start=1):
        data, values = answers.load(qid), key[qid].get("reference", {})
        statement = data.get("statement") or extra.get(qid)
        model = data.get("model_answers", {})
        parts = [
            {"label": part_label(label), "points": pts, "answer": model.get(label)}
            for label, pts in data.get("parts", {}).items()
        ]
        parts += [
            {"label": part_label(label), "points": None, "answer": text}
            for label, text in model.items()
            if label not in data.get("parts", {})
        ]
        content: dict[str, Any] = {"tables": [], "formulas": []}
        formulas: list[pdf_math.Formula] = []
        if qid == "q01" and values:
            content.update(pdf_tables_runs.q01(values))
        elif qid == "q02":
            content.update(pdf_tables_runs.q02())
        elif qid == "q03":
            content.update(pdf_tables_runs.q03())
        elif qid == "q04" and values:
            content.update(pdf_tables.q04(values))
            formulas = pdf_formulas.q04(values)
        elif qid == "q05":
            content.update(pdf_tables.q05(keras))
            formulas = pdf_formulas.q05(keras)
        elif qid == "q06":
            content.update(pdf_tables.q06(values, extra["q06_statements"]))
            formulas = pdf_formulas.q06(keras)
        elif qid == "q07" and values:
            content.update(pdf_tables.q07(values))
            formulas = pdf_formulas.q07(values)
        assets.update(pdf_math.assets(formulas))
        figures = _figures(qid)
        for figure in figures:
            assets[figure["asset"]] = opaque_png(ARTIFACTS / qid / figure["asset"].split("-", 1)[1])
        policies = [
            data[k]
            for k in sorted(data)
            if k.endswith("policy")
            and isinstance(data[k], dict)
            and isinstance(data[k].get("en"), str)
            and isinstance(data[k].get("fa"), str)
        ]
        code = pdf_code.highlighted(qid)
        section = {
            "id": qid,
            "number": number,
            "title": data["title"],
            "points": data["points"],
            "bonus": data.get("bonus", 0),
            "statement": statement,
            "parts": parts,
            "formulas": [f.as_context() for f in formulas],
            "tables": content["tables"],
            "figures": figures,
            "code": code,
            "rubrics": _rubrics(data),
            "policies": policies,
        }
        section["available"] = bool(any(p["answer"] for p in parts) or formulas or content["tables"] or figures)
        questions.append(section)
    context = {
        "version": grader.__version__,
        "questions": questions,
        "code_css": pdf_code.stylesheet(),
        "total": {"points": sum(q["points"] for q in questions), "bonus": sum(q["bonus"] for q in questions)},
    }
    return context, assets


def render_html(context: dict[str, Any], lang: str) -> str:
    return render_template("key/key.html.j2", lang=lang, key=context, not_yet=NOT_YET)


def build(lang: str = "both", keras: bool = False) -> Document:
    context, assets = build_context(keras)
    return Document(render_html(context, lang), {**font_assets(), **assets})

"""Every field of the HW4 answer sheet, for all seven questions.

The schema is the single source for three things: the parser's knowledge of
which fields exist and what type they hold, the template `grader init`
writes (`render_template`), and the documentation in docs/answer_sheet.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from grader.results import Bilingual

SHEET_NAMES = ("answer_sheet.yaml", "answer_sheet.yml")


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]
    kind: str  # text | number | int | int_or_na | shape | int_set | choice | relation
    prompt: Bilingual
    choices: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _f(path: str, kind: str, en: str, fa: str, choices: tuple[str, ...] = ()) -> Field:
    return Field(tuple(path.split(".")), kind, Bilingual(en, fa), choices)


TUNERS = ("random_search", "hyperband", "bayesian_optimization", "grid_search", "sklearn")
Q2_MODELS = ("vgg16", "resnet50")
Q2_COLUMNS = (
    ("train_count", "int", "number of training images", "تعداد داده‌های آموزش"),
    ("test_count", "int", "number of test (validation) images", "تعداد داده‌های آزمون (اعتبارسنجی)"),
    ("train_accuracy", "number", "train accuracy (0..1)", "دقت آموزش (بین ۰ و ۱)"),
    ("test_accuracy", "number", "test accuracy (0..1)", "دقت آزمون (بین ۰ و ۱)"),
    ("time_seconds", "number", "training time in seconds", "زمان آموزش به ثانیه"),
    ("parameters", "int", "number of parameters (model.count_params())", "تعداد پارامترها (model.count_params())"),
)
Q5_LAYERS = 9

FIELDS: tuple[Field, ...] = (
    _f("student.id", "text", "student number", "شمارهٔ دانشجویی"),
    _f("student.name", "text", "full name", "نام و نام خانوادگی"),
    # Q1
    _f("q01.keras_tuner", "text", "(a) What is KerasTuner, and how does it optimise a CNN classifier?",
       "(الف) KerasTuner چیست و چگونه یک CNN دسته‌بند را بهینه می‌کند؟"),
    _f("q01.tuners", "text", "(a) The tuners KerasTuner offers, each in a sentence or two",
       "(الف) تنظیم‌کننده‌هایی که KerasTuner دارد، هر کدام در یکی دو جمله"),
    _f("q01.tuner_choice", "choice", "(a) The tuner you used", "(الف) تنظیم‌کننده‌ای که استفاده کردید", TUNERS),
    _f("q01.tuner_reason", "text", "(a) Why that tuner", "(الف) چرا این تنظیم‌کننده"),
    _f("q01.mnist", "text", "(b) MNIST, and how the tuned CNN classifies it",
       "(ب) دیتاست MNIST و اینکه CNN تنظیم‌شده چگونه آن را دسته‌بندی می‌کند"),
    _f("q01.dropout_pooling_effect", "text", "(b, bonus) The importance and effect of dropout and pooling",
       "(ب، امتیازی) اهمیت و اثر dropout و pooling"),
    _f("q01.filter_size", "text", "(c) How you chose the filter size of the conv layers",
       "(ج) اندازهٔ فیلتر لایه‌های کانولوشنی را چگونه انتخاب کردید"),
    _f("q01.overfitting", "text", "(c, bonus) How pooling and dropout prevent overfitting and raise accuracy",
       "(ج، امتیازی) pooling و dropout چگونه جلوی بیش‌برازش را می‌گیرند و دقت را بالا می‌برند"),
    _f("q01.best_val_accuracy", "number", "(c) Best validation accuracy of the search (0..1)",
       "(ج) بهترین دقت اعتبارسنجی جستجو (بین ۰ و ۱)"),
    _f("q01.test_accuracy", "number", "(c) Test accuracy of the best model on the 10,000 test images (0..1)",
       "(ج) دقت بهترین مدل روی ۱۰٬۰۰۰ تصویر آزمون (بین ۰ و ۱)"),
    _f("q01.results_analysis", "text", "(c) Your analysis of the results", "(ج) تحلیل شما از نتایج"),
    # Q2
    *(
        _f(f"q02.comparison.{model}.{column}", kind, f"{model}: {en}", f"{model}: {fa}")
        for model in Q2_MODELS
        for column, kind, en, fa in Q2_COLUMNS
    ),
    _f("q02.better_model", "choice", "Which backbone did better on your run", "کدام مدل پایه در اجرای شما بهتر بود",
       Q2_MODELS),
    _f("q02.analysis", "text", "Your comparison and its reasons (preprocessing included)",
       "مقایسهٔ شما و دلایل آن (از جمله پیش‌پردازش)"),
    # Q3
    _f("q03.diagnosis", "text", "Why does the given LSTM get a negative R²? Every cause you find",
       "چرا LSTM داده‌شده R² منفی می‌گیرد؟ همهٔ علت‌هایی که پیدا می‌کنید"),
    _f("q03.fix", "text", "Your fix, step by step", "راه‌حل شما، گام به گام"),
    # Q4
    _f("q04.definitions_and_uses", "text", "(a) CNNs and RNNs: definitions, and where each works better and why",
       "(الف) تعریف CNN و RNN و اینکه هر کدام کجا بهتر است و چرا"),
    _f("q04.parameters_and_parallelism", "text", "(b) Compare them in number of parameters and parallelism",
       "(ب) مقایسه از نظر تعداد پارامتر و موازی‌سازی"),
    # Q5
    *(
        field
        for layer in range(1, Q5_LAYERS + 1)
        for field in (
            _f(f"q05.layers.{layer}.output", "shape", f"(a) layer {layer}: output size (h, w, channels) or n/a",
               f"(الف) لایهٔ {layer}: ابعاد خروجی (ارتفاع، عرض، کانال) یا «غیرقابل اعمال»"),
            _f(f"q05.layers.{layer}.params", "int_or_na", f"(a) layer {layer}: number of parameters",
               f"(الف) لایهٔ {layer}: تعداد پارامترها"),
        )
    ),
    _f("q05.padding", "relation", "(b) Padding p that keeps the size unchanged, as a relation of the filter size f",
       "(ب) مقدار padding (p) که اندازه را ثابت نگه می‌دارد، به صورت رابطه‌ای از اندازهٔ فیلتر f"),
    # Q6
    _f("q06.true_statements", "int_set", "(a) Numbers of the TRUE statements, e.g. [2] or [1, 3]; [] if none",
       "(الف) شمارهٔ عبارت‌های درست، مثلاً [2] یا [1, 3]؛ اگر هیچ‌کدام، []"),
    _f("q06.statements_reason", "text", "(a, optional) Your reasons, above all for a statement you find ambiguous",
       "(الف، اختیاری) دلیل‌های شما، به‌ویژه برای عبارتی که به نظرتان دوپهلو است"),
    _f("q06.epsilon", "text", "(c, bonus) The role of epsilon", "(ج، امتیازی) نقش اپسیلون"),
    _f("q06.batch_size_one", "text", "(d) The problems of batch normalization with batch size 1",
       "(د) مشکلات نرمال‌سازی دسته‌ای با اندازهٔ دستهٔ ۱"),
    _f("q06.trainable_params", "int", "(e) Trainable parameters of Dense(10 -> 20) followed by batch normalization",
       "(ه) تعداد پارامترهای قابل آموزش یک لایهٔ تمام‌متصل ۱۰ به ۲۰ و پس از آن نرمال‌سازی دسته‌ای"),
    _f("q06.trainable_params_reason", "text", "(e) How you counted", "(ه) چگونه شمردید"),
    # Q7
    _f("q07.target_layer", "text", "Name of the layer you ran Grad-CAM on", "نام لایه‌ای که Grad-CAM را روی آن اجرا کردید"),
    _f("q07.test_accuracy", "number", "Test accuracy of your trained model (0..1)", "دقت آزمون مدل آموزش‌دیدهٔ شما (بین ۰ و ۱)"),
    _f("q07.analysis", "text", "What Grad-CAM shows about the features the model uses",
       "Grad-CAM دربارهٔ ویژگی‌هایی که مدل استفاده می‌کند چه نشان می‌دهد"),
)  # fmt: skip

FIELDS_BY_PATH: dict[tuple[str, ...], Field] = {f.path: f for f in FIELDS}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(f.path[0] for f in FIELDS))

_QUESTION_TITLES = {
    "student": ("Student", "دانشجو"),
    "q01": ("Q1 — CNN for MNIST tuned with KerasTuner", "سوال ۱ — CNN برای MNIST با KerasTuner"),
    "q02": ("Q2 — transfer learning: VGG16 vs ResNet50", "سوال ۲ — یادگیری انتقالی: VGG16 در برابر ResNet50"),
    "q03": ("Q3 — why the LSTM gets a negative R²", "سوال ۳ — چرا LSTM مقدار R² منفی می‌گیرد"),
    "q04": ("Q4 — CNN vs RNN", "سوال ۴ — مقایسهٔ CNN و RNN"),
    "q05": ("Q5 — conv layer arithmetic", "سوال ۵ — محاسبات لایه‌های کانولوشنی"),
    "q06": ("Q6 — batch normalization", "سوال ۶ — نرمال‌سازی دسته‌ای"),
    "q07": ("Q7 — Grad-CAM on MNIST", "سوال ۷ — Grad-CAM روی MNIST"),
}

_HEADER = """\
# HW4 answer sheet — پاسخ‌نامهٔ تمرین چهارم
#
# How to fill it in (English):
# - Write each answer after its colon. Long answers go on the indented lines
#   under "|", in Persian or English; keep the two-space indentation.
# - Numbers may use Persian (۰-۹) or Arabic-Indic (٠-٩) digits.
# - Shapes: (124, 124, 32), 124x124x32 or 124×124×32. A layer that cannot be
#   applied: n/a (or "not applicable", "غیرقابل اعمال").
# - Leave a field empty if you do not answer it. Do not rename or remove keys.
#
# راهنما (فارسی):
# - هر پاسخ را بعد از دونقطه بنویسید. پاسخ‌های بلند را در خط‌های تورفته زیر «|»
#   بنویسید (فارسی یا انگلیسی) و تورفتگی دو فاصله‌ای را حفظ کنید.
# - اعداد را می‌توانید با رقم‌های فارسی یا عربی هم بنویسید.
# - ابعاد: (124, 124, 32) یا 124x124x32 یا 124×124×32. لایه‌ای که قابل اعمال نیست:
#   «غیرقابل اعمال» (یا n/a).
# - اگر به پرسشی پاسخ نمی‌دهید، جای آن را خالی بگذارید. نام کلیدها را تغییر ندهید.
"""


def render_template(answers: dict[str, tuple[str, tuple[str, ...]]] | None = None) -> str:
    """The answer sheet with every field and its prompt in both languages.

    answers: dotted field -> (the answer's text, comment lines put above it); `grader extract`
    fills the sheet this way, with where each answer was read.
    """
    answers = answers or {}
    lines = [_HEADER]
    written: set[tuple[str, ...]] = set()
    for field in FIELDS:
        for depth in range(1, len(field.path)):
            prefix = field.path[:depth]
            if prefix in written:
                continue
            written.add(prefix)
            indent = "  " * (depth - 1)
            if depth == 1:
                en, fa = _QUESTION_TITLES[prefix[0]]
                lines.append(f"\n# {en}\n# {fa}")
            lines.append(f"{indent}{prefix[-1]}:")
        indent = "  " * (len(field.path) - 1)
        lines.append(f"{indent}# {field.prompt.en}")
        lines.append(f"{indent}# {field.prompt.fa}")
        if field.choices:
            lines.append(f"{indent}# one of / یکی از: {', '.join(field.choices)}")
        text, comments = answers.get(field.dotted, ("", ()))
        lines.extend(f"{indent}# {comment}" for comment in comments)
        if field.kind == "text" and field.path[0] != "student":
            lines.append(f"{indent}{field.path[-1]}: |")
            body = [line.rstrip() for line in text.splitlines()] or [""]
            lines.extend(f"{indent}  {line}".rstrip() if line else f"{indent}  " for line in body)
        else:
            value = f" {json.dumps(text, ensure_ascii=False)}" if text.strip() else ""
            lines.append(f"{indent}{field.path[-1]}:{value}")
    return "\n".join(lines) + "\n"

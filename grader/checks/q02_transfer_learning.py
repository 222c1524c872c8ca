"""Q2 checks: the student's define_model on the grader's backbones, the comparison table, the written analysis.

define_model(conv_model) is called in the sandbox on VGG16 and on ResNet50
(`weights=None`, include_top=False, 32x32: see _q02_model) and judged from the
probe's description: exactly the last two backbone layers trainable, the head
Dense(128, relu) -> Dense(2, softmax), categorical cross-entropy and Adam, an
output of shape (None, 2). The sheet's comparison table is checked for
completeness and sense (policy in answers/q02.yaml), its parameter counts
against what the student's own define_model builds at the sheet's 224x224
(or, without one, against the reference's counts). Which model did better must
agree with the student's own table; the analysis, preprocessing included, is
scored with the rubric in answers/q02.yaml.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from grader import answers
from grader.answer_sheet import Given, Invalid, Missing
from grader.checks import _q02_pipeline as pipeline
from grader.checks._q02_model import (
    BACKBONES,
    NAMES,
    NO_FUNCTION,
    SHEET_SIZE,
    SIZE,
    describe,
    find_define_model,
    freeze_problem,
    grade_compile,
    grade_head,
    head_layers,
    head_summary,
    join,
    not_a_model,
)
from grader.context import NOT_ANSWERED, Found, QuestionContext, rubric_verdict, sheet_verdict
from grader.persian import normalize_text
from grader.registry import Verdict, check
from grader.results import Bilingual
from grader.sandbox.failures import StudentCodeFailure
from grader.sheet_schema import Q2_COLUMNS
from grader.values import ValueProblem, parse_int, parse_number
from reference.q02_transfer_learning import PARAMETERS_224, TRAINABLE_224


def _function(ctx: QuestionContext) -> Found | Verdict:
    found = find_define_model(ctx)
    return Verdict(Fraction(0), NO_FUNCTION) if found is None else found


def _finish(fraction: Fraction, parts: list[Bilingual], found: Found) -> Verdict:
    """Join per-backbone messages (once when both say the same) and the note on duplicate definitions."""
    feedback = _sentence(join(list(dict.fromkeys(parts))))
    note = found.note()
    return Verdict(fraction, feedback if note is None else feedback + note)


def _sentence(text: Bilingual) -> Bilingual:
    return Bilingual(text.en.rstrip(".") + ".", text.fa.rstrip(".") + ".")


def _both_say(name_en: str, text: Bilingual) -> Bilingual:
    return Bilingual(f"{name_en}: {text.en}", f"{name_en}: {text.fa}")


@check("q02.freeze", points=4, en="only the last two backbone layers trainable (VGG16 and ResNet50)",
       fa="فقط دو لایهٔ آخر مدل پایه قابل آموزش (VGG16 و ResNet50)")  # fmt: skip
def freeze(ctx: QuestionContext) -> Verdict:
    found = _function(ctx)
    if isinstance(found, Verdict):
        return found
    fraction, parts = Fraction(0), []
    for backbone in BACKBONES:
        described = describe(ctx, found, backbone)
        problem = freeze_problem(described)
        if problem is not None:
            parts.append(problem)
            continue
        fraction += Fraction(1, 2)
        names, name = described["backbone_names"], NAMES[backbone]
        text = Bilingual(f"{name}: all layers frozen except the last two ({names[-2]}, {names[-1]})",
                         f"{name}: همهٔ لایه‌ها به جز دو لایهٔ آخر ({names[-2]}، {names[-1]}) منجمدند")  # fmt: skip
        if not any(described["backbone_weighted"][-2:]):
            text += Bilingual("— they have no weights, so this backbone trains 0 parameters and only the head learns",
                              "— این دو لایه وزنی ندارند، پس از این مدل پایه هیچ پارامتری آموزش نمی‌بیند و فقط "
                              "لایه‌های افزوده یاد می‌گیرند")  # fmt: skip
        parts.append(text)
    return _finish(fraction, parts, found)


def _per_backbone(ctx: QuestionContext, judge: Callable[[dict[str, Any], str], tuple[Fraction, Bilingual]]) -> Verdict:
    """Half the points per backbone: `judge(description, name)` gives a fraction of that half and why."""
    found = _function(ctx)
    if isinstance(found, Verdict):
        return found
    fraction, parts = Fraction(0), []
    for backbone in BACKBONES:
        described, name = describe(ctx, found, backbone), NAMES[backbone]
        problem = not_a_model(described)
        if problem is not None:
            parts.append(_both_say(name, problem))
            continue
        part, text = judge(described, name)
        fraction += part / 2
        parts.append(text)
    return _finish(fraction, parts, found)


def _judge_head(described: dict[str, Any], name: str) -> tuple[Fraction, Bilingual]:
    layers = head_layers(described)
    graded = grade_head(layers)
    summary = head_summary(layers)
    if not graded.problems:
        return graded.fraction, Bilingual(f"{summary}, as the sheet asks", f"{summary}، همان‌طور که خواسته شده است")
    issues = join(graded.problems)
    return graded.fraction, Bilingual(f"{name}: {summary}: {issues.en}", f"{name}: {summary}: {issues.fa}")


def _judge_output(described: dict[str, Any], name: str) -> tuple[Fraction, Bilingual]:
    out, given = described.get("output_shape"), described.get("input_shape")
    if out == [None, 2] and given == [None, SIZE, SIZE, 3]:
        return Fraction(1), Bilingual("output shape (None, 2) on the backbone's input",
                                      "شکل خروجی (None, 2) روی ورودی مدل پایه")  # fmt: skip
    if out != [None, 2]:
        return Fraction(0), Bilingual(f"{name}: output shape {out}; two class probabilities per image, (None, 2), "
                                      "are expected", f"{name}: شکل خروجی {out}؛ برای هر تصویر دو احتمال کلاس، یعنی "
                                      "(None, 2)، انتظار می‌رود")  # fmt: skip
    return Fraction(0), Bilingual(f"{name}: the model's input {given} is not conv_model.input ({SIZE}x{SIZE}x3 "
                                  "here)", f"{name}: ورودی مدل {given} همان conv_model.input (اینجا "
                                  f"{SIZE}×{SIZE}×3) نیست")  # fmt: skip


@check("q02.head", points=3, en="head: Dense(128, relu) -> Dense(2, softmax)",
       fa="لایه‌های افزوده: Dense(128, relu) و سپس Dense(2, softmax)")  # fmt: skip
def head(ctx: QuestionContext) -> Verdict:
    return _per_backbone(ctx, _judge_head)


@check("q02.compile", points=2, en="compiled with categorical cross-entropy and Adam",
       fa="کامپایل با آنتروپی متقاطع دسته‌ای و Adam")  # fmt: skip
def compile_settings(ctx: QuestionContext) -> Verdict:
    return _per_backbone(ctx, lambda described, _name: grade_compile(described))


@check("q02.output_shape", points=1, en="the model maps the backbone's input to an output of shape (None, 2)",
       fa="مدل، ورودی مدل پایه را به خروجی با شکل (None, 2) می‌برد")  # fmt: skip
def output_shape(ctx: QuestionContext) -> Verdict:
    return _per_backbone(ctx, _judge_output)


# -- the comparison table -------------------------------------------------------------------------
def _percent_aware(text: str) -> float:
    value = parse_number(text)
    return value / 100 if 1 < value <= 100 else value


def _table(ctx: QuestionContext) -> dict[str, dict[str, Any]]:
    parsers = {"int": parse_int, "number": parse_number}
    table: dict[str, dict[str, Any]] = {}
    for model in BACKBONES:
        for column, kind, _, _ in Q2_COLUMNS:
            parse = _percent_aware if column.endswith("accuracy") else parsers[kind]
            table.setdefault(model, {})[column] = ctx.sheet.get(f"q02.comparison.{model}.{column}", parse)
    return table


def _given(table: dict[str, dict[str, Any]], model: str, column: str) -> Any:
    answer = table[model][column]
    return answer.value if isinstance(answer, Given) else None


@check("q02.table_complete", points=2, en="the comparison table is filled in", fa="جدول مقایسه کامل است")
def table_complete(ctx: QuestionContext) -> Verdict:
    table = _table(ctx)
    cells = [(m, c, table[m][c]) for m in BACKBONES for c, _, _, _ in Q2_COLUMNS]
    given = sum(isinstance(a, Given) for _, _, a in cells)
    if given == 0 and not any(isinstance(a, Invalid) for _, _, a in cells):
        return Verdict(Fraction(0), NOT_ANSWERED)
    if given == len(cells):
        return Verdict(Fraction(1), Bilingual(f"All {len(cells)} cells of the table are filled in.",
                                              f"هر {len(cells)} خانهٔ جدول پر شده است."))  # fmt: skip
    missing = [f"{m}.{c}" for m, c, a in cells if isinstance(a, Missing)]
    invalid = [a.problem.describe() for _, _, a in cells if isinstance(a, Invalid)]
    parts = [Bilingual(f"{given} of {len(cells)} cells filled in", f"{given} خانه از {len(cells)} خانه پر شده است")]
    if missing:
        parts.append(Bilingual("missing: " + ", ".join(missing), "خالی: " + "، ".join(missing)))
    parts += invalid
    return Verdict(Fraction(given, len(cells)), join(parts))


def _criteria(table: dict[str, dict[str, Any]], policy: dict[str, Any]) -> list[tuple[bool, Bilingual]]:
    def values(column: str) -> list[Any]:
        return [_given(table, m, column) for m in BACKBONES]

    accuracies = [v for column in ("train_accuracy", "test_accuracy") for v in values(column)]
    train, test, seconds = values("train_count"), values("test_count"), values("time_seconds")
    low, high = policy["test_share"]
    size = int(policy["dataset_images"])
    criteria: list[tuple[bool, Bilingual]] = []
    known = [a for a in accuracies if a is not None]
    criteria.append((bool(known) and all(0 <= a <= 1 for a in known),
                     Bilingual("accuracies between 0 and 1", "دقت‌ها بین ۰ و ۱")))  # fmt: skip
    pairs = [(a, b) for a, b in zip(train, test, strict=True) if a is not None and b is not None]
    criteria.append((len(pairs) == 2 and all(0 < b < a for a, b in pairs),
                     Bilingual("fewer test than training images, for both models",
                               "تعداد داده‌های آزمون کمتر از آموزش، برای هر دو مدل")))  # fmt: skip
    criteria.append((len(pairs) == 2 and pairs[0] == pairs[1],
                     Bilingual("the same split for both models", "تقسیم یکسان داده برای هر دو مدل")))  # fmt: skip
    criteria.append((len(pairs) == 2 and all(low <= b / (a + b) <= high and a + b <= size for a, b in pairs),
                     Bilingual(f"a test share near 20% ({low:.0%}-{high:.0%}) of at most {size:,} images",
                               f"سهم آزمون نزدیک ۲۰٪ ({low:.0%} تا {high:.0%}) از حداکثر {size:,} تصویر")))  # fmt: skip
    criteria.append((all(s is not None and s > 0 for s in seconds),
                     Bilingual("a positive training time for both models", "زمان آموزش مثبت برای هر دو مدل")))  # fmt: skip
    return criteria


@check("q02.table_sensible", points=2, en="the table's numbers make sense", fa="اعداد جدول معقول‌اند")
def table_sensible(ctx: QuestionContext) -> Verdict:
    table = _table(ctx)
    if not any(isinstance(a, Given) for row in table.values() for a in row.values()):
        return Verdict(Fraction(0), NOT_ANSWERED)
    criteria = _criteria(table, answers.load("q02")["table_policy"])
    met = [text for ok, text in criteria if ok]
    unmet = [text for ok, text in criteria if not ok]
    if not unmet:
        return Verdict(Fraction(1), Bilingual("Sensible: " + "; ".join(t.en for t in met) + ".",
                                              "معقول: " + "؛ ".join(t.fa for t in met) + "."))  # fmt: skip
    return Verdict(Fraction(len(met), len(criteria)),
                   Bilingual(f"{len(met)} of {len(criteria)} checks hold; not shown by the table: "
                             + "; ".join(t.en for t in unmet) + ".",
                             f"{len(met)} مورد از {len(criteria)} مورد برقرار است؛ جدول این‌ها را نشان نمی‌دهد: "
                             + "؛ ".join(t.fa for t in unmet) + "."))  # fmt: skip


_HEADS = {
    "flatten": ("with Flatten", "با Flatten"),
    "global_average_pooling": ("with global pooling", "با global pooling"),
}


def _own_counts(ctx: QuestionContext) -> tuple[dict[str, tuple[int, int]], Bilingual | None]:
    """count_params() and the trainable count of the student's define_model at 224x224; the reason if unavailable."""
    found = find_define_model(ctx)
    if found is None:
        return {}, Bilingual("no define_model, so compared with the reference's counts",
                             "define_model وجود ندارد و با تعداد پارامترهای مرجع مقایسه شد")  # fmt: skip
    counts = {}
    try:
        for backbone in BACKBONES:
            described = describe(ctx, found, backbone, SHEET_SIZE)
            if described.get("model"):
                counts[backbone] = (int(described["parameters"]), int(described["trainable_parameters"]))
    except StudentCodeFailure:
        return {}, Bilingual("your define_model did not run, so compared with the reference's counts",
                             "define_model شما اجرا نشد و با تعداد پارامترهای مرجع مقایسه شد")  # fmt: skip
    return counts, None


@check("q02.table_parameters", points=2, en="reported parameters equal count_params() of the models",
       fa="تعداد پارامترهای گزارش‌شده برابر count_params() مدل‌ها است")  # fmt: skip
def table_parameters(ctx: QuestionContext) -> Verdict:
    reported = {m: ctx.sheet.get(f"q02.comparison.{m}.parameters", parse_int) for m in BACKBONES}
    if all(isinstance(a, Missing) for a in reported.values()):
        return Verdict(Fraction(0), NOT_ANSWERED)
    own, why = _own_counts(ctx)
    fraction, parts = Fraction(0), [] if why is None else [why]
    for model, answer in reported.items():
        name = NAMES[model]
        if not isinstance(answer, Given):
            parts.append(answer.problem.describe() if isinstance(answer, Invalid)
                         else Bilingual(f"{name}: not given", f"{name}: داده نشده است"))  # fmt: skip
            continue
        value, references = answer.value, PARAMETERS_224[model]
        total, trainable = own.get(model, (None, TRAINABLE_224[model]))
        shown = Bilingual(f"{total:,}", f"{total:,}") if total else Bilingual(
            " or ".join(f"{v:,} ({_HEADS[k][0]})" for k, v in references.items()),
            " یا ".join(f"{v:,} ({_HEADS[k][1]})" for k, v in references.items()))  # fmt: skip
        if value == total or (total is None and value in references.values()):
            fraction += Fraction(1, 2)
            parts.append(Bilingual(f"{name}: {value:,} = count_params()", f"{name}: {value:,} = count_params()"))
        elif value == trainable or value in references.values():
            fraction += Fraction(1, 4)
            what = (Bilingual("the trainable count; the column asks for count_params(), frozen weights included",
                              "تعداد پارامترهای قابل آموزش است؛ ستون جدول count_params() را می‌خواهد که وزن‌های "
                              "منجمد را هم می‌شمارد") if value == trainable else
                    Bilingual("the reference model's count, not your define_model's",
                              "تعداد پارامترهای مدل مرجع است، نه مدلی که define_model شما می‌سازد"))  # fmt: skip
            parts.append(
                Bilingual(f"{name}: {value:,} is {what.en} ({shown.en})", f"{name}: {value:,} {what.fa} ({shown.fa})")
            )
        else:
            parts.append(Bilingual(f"{name}: {value:,}, but the model has {shown.en} parameters at {SHEET_SIZE}x{SHEET_SIZE}",
                                   f"{name}: {value:,}، اما مدل در اندازهٔ {SHEET_SIZE}×{SHEET_SIZE} {shown.fa} پارامتر دارد"))  # fmt: skip
    return Verdict(fraction, _sentence(join(parts)))


def _parse_model(text: str) -> str:
    canon = normalize_text(text).replace(" ", "").replace("-", "")
    vgg, resnet = "vgg" in canon, "resnet" in canon or "رزنت" in canon
    if vgg != resnet:
        return "vgg16" if vgg else "resnet50"
    raise ValueProblem(Bilingual(f"expected vgg16 or resnet50, got {text.strip()!r}",
                                 f"یکی از vgg16 یا resnet50 انتظار می‌رفت، نه «{text.strip()}»"))  # fmt: skip


@check("q02.better_model", points=1, en="the better model agrees with the table", fa="مدل بهتر با جدول سازگار است")
def better_model(ctx: QuestionContext) -> Verdict:
    table = _table(ctx)

    def grade(choice: str) -> Verdict:
        scores = {m: _given(table, m, "test_accuracy") for m in BACKBONES}
        if any(s is None for s in scores.values()):
            return Verdict(Fraction(1, 2), Bilingual(f"{NAMES[choice]}: cannot be checked, the table lacks test "
                                                     "accuracies.", f"{NAMES[choice]}: بررسی‌پذیر نیست، دقت آزمون در "
                                                     "جدول نیامده است."))  # fmt: skip
        other = next(m for m in BACKBONES if m != choice)
        if scores[choice] >= scores[other]:
            return Verdict(Fraction(1), Bilingual(
                f"{NAMES[choice]}, in line with your table (test accuracy {scores[choice]:.4g} vs {scores[other]:.4g}).",
                f"{NAMES[choice]}، سازگار با جدول شما (دقت آزمون {scores[choice]:.4g} در برابر {scores[other]:.4g})."))  # fmt: skip
        return Verdict(Fraction(0), Bilingual(
            f"{NAMES[choice]}, but your table gives {NAMES[other]} the higher test accuracy ({scores[other]:.4g} vs "
            f"{scores[choice]:.4g}); a TA will read your reasons.",
            f"{NAMES[choice]}، اما در جدول شما دقت آزمون {NAMES[other]} بیشتر است ({scores[other]:.4g} در برابر "
            f"{scores[choice]:.4g})؛ دستیار آموزشی دلایل شما را می‌خواند."), manual_review=True)  # fmt: skip

    return sheet_verdict(ctx, "q02.better_model", _parse_model, grade)


@check("q02.analysis", points=3, en="the comparison explained, preprocessing included (written)",
       fa="توضیح مقایسه، از جمله پیش‌پردازش (تشریحی)")  # fmt: skip
def analysis(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "analysis", "analysis")


@check("q02.pipeline", points=0, en="your own data pipeline, if any, on the grader's images (not scored)",
       fa="pipeline داده‌های خودتان، اگر هست، روی تصاویر تصحیح‌گر (بدون امتیاز)")  # fmt: skip
def data_pipeline(ctx: QuestionContext) -> Verdict:
    """The notebook hands its pipeline out, so this earns nothing; a wrong one goes to a TA (the table comes from it)."""
    try:
        ran = pipeline.describe(ctx)
    except StudentCodeFailure as failure:
        if failure.kind == "not_implemented":
            ran = None
        else:
            return Verdict(Fraction(0), Bilingual(f"make_generators failed: {failure.message.en}",
                                                  f"make_generators با خطا متوقف شد: {failure.message.fa}"),
                           manual_review=True)  # fmt: skip
    if ran is None:
        return Verdict(Fraction(1), Bilingual(
            "No make_generators(data_dir) of your own: nothing to check (optional; the notebook's pipeline is given).",
            "تابع make_generators(data_dir) از خودتان نیست: چیزی برای بررسی نیست (اختیاری؛ pipeline نوت‌بوک داده شده است)."))  # fmt: skip
    try:
        judged = pipeline.judge(*ran)
    except (KeyError, TypeError, ValueError, IndexError):  # a description the child garbled: not the student's score
        return Verdict(Fraction(0), Bilingual(
            "make_generators ran, but what its batches looked like could not be read back: a TA will look.",
            "make_generators اجرا شد، اما توصیف دسته‌های آن خوانده نشد: دستیار آموزشی بررسی می‌کند."),
            manual_review=True)  # fmt: skip
    if judged.findings:
        return Verdict(Fraction(0), _sentence(join(judged.findings)), manual_review=True)
    return Verdict(Fraction(1), _sentence(join(judged.verified)))

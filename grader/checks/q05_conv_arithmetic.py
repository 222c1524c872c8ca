"""Q5 checks: the nine-layer table (a) and the padding relation (b), from the answer sheet."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy

from grader import answers
from grader.answer_sheet import Given, Invalid, Missing
from grader.context import MAX_WRITTEN, NOT_ANSWERED, QuestionContext, sheet_verdict
from grader.expressions import SYMBOLS, Relation, find_relation, solve_for
from grader.registry import Verdict, check
from grader.results import Bilingual
from grader.values import NotApplicable, parse_int_or_na, parse_shape
from grader.written import load_rubric, mark
from reference.q05_conv_arithmetic import LayerRow, layer_output, layer_table


def _shape_text(shape: tuple[int, ...] | None) -> str:
    return "n/a" if shape is None else "(" + ", ".join(map(str, shape)) + ")"


def _grade_output(row: LayerRow, value: object) -> tuple[bool, Bilingual | None]:
    if row.output_shape is None:
        if isinstance(value, NotApplicable):
            return True, None
        return False, Bilingual(f"this layer cannot be applied ({row.reason_en}); you wrote {_shape_text(value)}",  # type: ignore[arg-type]
                                f"این لایه قابل اعمال نیست ({row.reason_fa})؛ شما نوشتید {_shape_text(value)}")  # type: ignore[arg-type]  # fmt: skip
    if isinstance(value, NotApplicable):
        return False, Bilingual(
            f"this layer can be applied: {row.reason_en}", f"این لایه قابل اعمال است: {row.reason_fa}"
        )
    if value == row.output_shape:
        return True, None
    assert isinstance(value, tuple)
    if len(value) == 3 and value[:2] == row.output_shape[:2]:
        hint = Bilingual("the height and width are right but the channel count is not",
                         "ارتفاع و عرض درست است ولی تعداد کانال نه")  # fmt: skip
    elif len(value) == 3 and value[2] == row.output_shape[2]:
        hint = Bilingual(f"the channels are right but not the size ({row.reason_en})",
                         f"تعداد کانال درست است ولی اندازه نه ({row.reason_fa})")  # fmt: skip
    else:
        hint = Bilingual(row.reason_en, row.reason_fa)
    return False, hint


def _grade_params(row: LayerRow, value: object) -> tuple[bool, Bilingual | None]:
    if isinstance(value, NotApplicable):
        if row.output_shape is None or (row.kind == "pool" and value.says_none):
            return True, None  # «ندارد» for a pooling layer's parameters: it has none
        return False, Bilingual("this layer can be applied, so it has a parameter count",
                                "این لایه قابل اعمال است و تعداد پارامتر دارد")  # fmt: skip
    if value == row.params:
        return True, None
    if row.kind == "conv" and value == row.params - row.filters:
        return False, Bilingual("the biases are missing: one per filter", "بایاس‌ها جا افتاده‌اند: یکی برای هر فیلتر")
    if row.kind == "pool":
        return False, Bilingual("a pooling layer has no weights: 0 parameters", "لایهٔ pooling وزنی ندارد: ۰ پارامتر")
    return False, Bilingual("parameters = (k·k·c_in + 1)·filters (one bias per filter)",
                            "تعداد پارامترها = (k·k·c_in + 1)·filters (یک بایاس برای هر فیلتر)")  # fmt: skip


def _carried_forward(row: LayerRow, spec: dict[str, Any], value: object, previous: object) -> bool:
    """A size that is right for the student's own wrong output of the layer before (error carried forward)."""
    if not isinstance(value, tuple) or not isinstance(previous, tuple) or len(previous) != 3:
        return False
    if previous == row.input_shape:
        return False  # the input was right: the mistake is this layer's own
    return value == layer_output(spec, previous)


@check("q05.layer_table", points=5, en="(a) output size and parameters of the nine layers",
       fa="(الف) ابعاد خروجی و تعداد پارامترهای نُه لایه")  # fmt: skip
def layer_table_check(ctx: QuestionContext) -> Verdict:
    """Each cell is worth two units (a layer's size and its parameters, 5/9 point per layer); a size
    that is right for the student's own earlier wrong size earns one (answers/q05.yaml, policy)."""
    rows = layer_table()
    specs = answers.load("q05")["layers"]
    units = answered = 0
    lines_en: list[str] = []
    lines_fa: list[str] = []
    cells: list[dict[str, object]] = []
    previous: object = None  # the student's own output of the layer before
    for row, spec in zip(rows, specs, strict=True):
        cell: dict[str, object] = {"layer": row.index, "expected_output": _shape_text(row.output_shape),
                                   "expected_params": row.params}  # fmt: skip
        output_value: object = None
        for part, parse, grade in (("output", parse_shape, _grade_output), ("params", parse_int_or_na, _grade_params)):
            answer = ctx.sheet.get(f"q05.layers.{row.index}.{part}", parse)
            label_en = f"layer {row.index} {'output' if part == 'output' else 'parameters'}"
            label_fa = f"لایهٔ {row.index}، {'ابعاد خروجی' if part == 'output' else 'تعداد پارامترها'}"
            if isinstance(answer, Missing):
                cell[part] = None
                if part == "params" and not row.applicable and isinstance(output_value, NotApplicable):
                    units += 2  # "cannot be applied" said for the layer covers its parameters too
                    continue
                lines_en.append(f"{label_en}: not answered")
                lines_fa.append(f"{label_fa}: پاسخ داده نشده")
                continue
            answered += 1
            if isinstance(answer, Invalid):
                cell[part] = None
                lines_en.append(f"{label_en}: {answer.problem.describe().en}")
                lines_fa.append(f"{label_fa}: {answer.problem.describe().fa}")
                continue
            assert isinstance(answer, Given)
            if part == "output":
                output_value = answer.value
            ok, why = grade(row, answer.value)
            cell[part] = answer.raw.strip()
            cell[f"{part}_ok"] = ok
            if ok:
                units += 2
            elif part == "output" and _carried_forward(row, spec, answer.value, previous):
                units += 1
                cell["output_carried_forward"] = True
                own, right = _shape_text(previous), _shape_text(row.output_shape)  # type: ignore[arg-type]
                lines_en.append(f"{label_en}: {answer.raw.strip()} is right for your own layer {row.index - 1} "
                                f"output {own} (half credit; from the right input it is {right})")  # fmt: skip
                lines_fa.append(f"{label_fa}: «{answer.raw.strip()}» برای خروجی خودتان در لایهٔ {row.index - 1} "
                                f"یعنی {own} درست است (نیمی از نمره؛ با ورودی درست {right} است)")  # fmt: skip
            else:
                assert why is not None
                lines_en.append(f"{label_en}: {answer.raw.strip()} is wrong — {why.en}")
                lines_fa.append(f"{label_fa}: «{answer.raw.strip()}» نادرست است — {why.fa}")
        previous = output_value
        cells.append(cell)
    if answered == 0:
        return Verdict(Fraction(0), NOT_ANSWERED, details=(("cells", tuple(cells)),))
    cells_right = units / 2
    summary = Bilingual(f"{cells_right:g} of 18 cells right.", f"{cells_right:g} خانه از 18 خانه درست است.")
    feedback = summary if not lines_en else summary + Bilingual("; ".join(lines_en) + ".", "؛ ".join(lines_fa) + ".")
    return Verdict(Fraction(units, 36), feedback, details=(("cells", tuple(cells)),))


def _grade_relation(relation: Relation) -> Verdict:
    p, f = SYMBOLS["p"], SYMBOLS["f"]
    solutions = solve_for(relation, p)
    if len(solutions) != 1:
        return Verdict(Fraction(0), Bilingual(
            "the relation must give the padding p in terms of the filter size f (e.g. p = (f - 1) / 2)",
            "رابطه باید padding یعنی p را بر حسب اندازهٔ فیلتر f بدهد (مثلاً p = (f - 1) / 2)"))  # fmt: skip
    answer = solutions[0].subs(SYMBOLS["d"], 1)
    if answer.free_symbols - {f}:
        extra = ", ".join(sorted(str(s) for s in answer.free_symbols - {f}))
        return Verdict(Fraction(0), Bilingual(f"the padding should depend on f only (it also uses {extra})",
                                              f"padding باید فقط به f وابسته باشد (از {extra} هم استفاده شده)"))  # fmt: skip
    per_side = (f - 1) / 2
    if sympy.simplify(answer - per_side) == 0:
        return Verdict(Fraction(1), Bilingual("Right: p = (f - 1) / 2 per side (symbolically equivalent).",
                                              "درست است: p = (f - 1) / 2 در هر طرف (هم‌ارز نمادین)."))  # fmt: skip
    odd = range(1, 16, 2)
    if all(sympy.simplify(answer.subs(f, v) - per_side.subs(f, v)) == 0 for v in odd):
        return Verdict(Fraction(1), Bilingual(
            "Right: equal to p = (f - 1) / 2 for every odd f, the only sizes where 'same' padding is symmetric.",
            "درست است: برای هر f فرد برابر p = (f - 1) / 2 است؛ فقط برای f فرد padding متقارن ممکن است."))  # fmt: skip
    near = answers.load("q05")["padding_near"]
    if all(sympy.simplify(answer.subs(f, v) - (v - 1)) == 0 for v in odd):
        return Verdict(Fraction(str(near["total"])), Bilingual(
            "f - 1 is the total padding over both sides; per side it is p = (f - 1) / 2.",
            "f - 1 مجموع padding دو طرف است؛ برای هر طرف p = (f - 1) / 2 است."))  # fmt: skip
    if sympy.simplify(answer - f / 2) == 0:
        return Verdict(Fraction(str(near["half_filter"])), Bilingual(
            "half the filter is the right idea, but for the odd filters used in practice f/2 is no whole number "
            "(1.5 for f = 3): per side it is p = (f - 1) / 2.",
            "ایدهٔ «نصف فیلتر» درست است، ولی برای فیلترهای فرد که در عمل به کار می‌روند f/2 عدد صحیح نیست "
            "(برای f = 3 می‌شود 1.5): برای هر طرف p = (f - 1) / 2 است."), manual_review=True)  # fmt: skip
    return Verdict(Fraction(0), Bilingual(
        f"p = {answer} does not keep the size: from n + 2p - f + 1 = n, p = (f - 1) / 2.",
        f"p = {answer} اندازه را ثابت نگه نمی‌دارد: از n + 2p - f + 1 = n نتیجه می‌شود p = (f - 1) / 2."))  # fmt: skip


@check("q05.padding_relation", points=5, en="(b) the padding that keeps the size: p = (f - 1) / 2",
       fa="(ب) padding‌ای که اندازه را ثابت نگه می‌دارد: p = (f - 1) / 2")  # fmt: skip
def padding_relation_check(ctx: QuestionContext) -> Verdict:
    """The relation, symbolically; an answer with no relation of f is read as words (rubric padding_words)."""
    answer = ctx.sheet.get("q05.padding", find_relation)
    if isinstance(answer, Invalid):
        text = ctx.sheet.text("q05.padding")[:MAX_WRITTEN]
        marking = mark(text, load_rubric("q05", "padding_words")) if text.strip() else None
        if marking is not None and marking.points > 0:
            note = Bilingual("No relation of f was found, so the answer was read as words: ",
                             "رابطه‌ای از f پیدا نشد، پس پاسخ به صورت متن خوانده شد: ")  # fmt: skip
            return Verdict(marking.fraction, note + marking.feedback(), manual_review=True)
    return sheet_verdict(ctx, "q05.padding", find_relation, _grade_relation)

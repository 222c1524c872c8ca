"""Q6's written parts graded by the rules of answers/q06.yaml: (a) the statements, (e) the count.

(a) Each statement is worth a point for the right verdict. Statement 3 is ambiguous as
the sheet words it, so either verdict earns its point; a wrong verdict argued from a
true observation earns a quarter (rubrics argued_statement_N). (e) The count earns
the credit the policy gives it; a count without any working keeps a share of it, and
240 is fully right only with its reason (the dense bias is redundant next to beta).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from grader import answers
from grader.context import MAX_WRITTEN, QuestionContext, part_text
from grader.registry import Verdict
from grader.results import Bilingual
from grader.statements import read_statements, statement_texts
from grader.written import load_rubric, mark


def grade_statements(ctx: QuestionContext, chosen: frozenset[int]) -> Verdict:
    data = answers.load("q06")
    key = frozenset(int(v) for v in data["true_statements"])
    ambiguous = frozenset(int(v) for v in data.get("ambiguous_statements", []))
    unknown = sorted(chosen - {1, 2, 3})
    if unknown:
        return Verdict(Fraction(0), Bilingual(f"there are only statements 1, 2 and 3 (not {unknown})",
                                              f"فقط عبارت‌های ۱، ۲ و ۳ وجود دارند (نه {unknown})"))  # fmt: skip
    reasons_text = part_text(ctx, "q06.statements_reason") or ctx.sheet.text("q06.true_statements")
    reasons = statement_texts(reasons_text[:MAX_WRITTEN])
    earned = Fraction(0)
    notes_en: list[str] = []
    notes_fa: list[str] = []
    for number in (1, 2, 3):
        said_true = number in chosen
        if number in ambiguous:
            earned += 1
            notes_en.append(f"statement {number} called {'true' if said_true else 'false'}: accepted, the statement is "
                            "ambiguous as worded (BN makes training insensitive to the initial scale of the weights, "
                            "but does not set them)")  # fmt: skip
            notes_fa.append(f"عبارت {number} {'درست' if said_true else 'نادرست'} دانسته شد: پذیرفته است، چون عبارت "
                            "آن‌طور که نوشته شده دوپهلوست (BN آموزش را به مقیاس اولیهٔ وزن‌ها حساس نمی‌کند، ولی وزن‌ها را "
                            "تعیین نمی‌کند)")  # fmt: skip
        elif said_true == (number in key):
            earned += 1
        else:
            truth_en, truth_fa = ("true", "درست") if number in key else ("false", "نادرست")
            argued = _argued(number, reasons.get(number, ""))
            earned += argued
            extra_en = " (a quarter of its point for a reason that rests on a true observation)" if argued else ""
            extra_fa = " (یک‌چهارم نمرهٔ آن برای دلیلی که بر مشاهده‌ای درست تکیه دارد)" if argued else ""
            notes_en.append(f"statement {number} is {truth_en}{extra_en}")
            notes_fa.append(f"عبارت {number} {truth_fa} است{extra_fa}")
    feedback = Bilingual(f"{float(earned):g} of 3 statements classified acceptably: " + "; ".join(notes_en) + ".",
                         f"{float(earned):g} عبارت از ۳ عبارت قابل‌قبول تشخیص داده شد: " + "؛ ".join(notes_fa) + ".")  # fmt: skip
    reading = read_statements(ctx.sheet.text("q06.true_statements")[:MAX_WRITTEN])
    unread = reading.missing if reading is not None else ()
    if unread:  # graded as "not called true"; the answer may say more than the reader understood
        listed = ", ".join(str(n) for n in unread)
        feedback = Bilingual.join([feedback, Bilingual(
            f"No verdict was read for statement(s) {listed}: counted as not called true; a TA should check.",
            f"برای عبارت {listed} حکمی خوانده نشد: «درست» شمرده نشد؛ دستیار آموزشی باید بررسی کند.")], sep=" ")  # fmt: skip
    return Verdict(earned / 3, feedback, manual_review=earned < 3 or bool(unread))


def _argued(number: int, reason: str) -> Fraction:
    rubric_name = f"argued_statement_{number}"
    if not reason or rubric_name not in answers.load("q06").get("rubrics", {}):
        return Fraction(0)
    return mark(reason, load_rubric("q06", rubric_name)).fraction / 4


def grade_trainable_params(ctx: QuestionContext, value: int) -> Verdict:
    policy: dict[str, Any] = answers.load("q06")["trainable_params"]
    working_text = part_text(ctx, "q06.trainable_params_reason")[:MAX_WRITTEN]
    working = mark(working_text, load_rubric("q06", "trainable_params_working")) if working_text.strip() else None
    found = {e.idea.id for e in working.found} if working else set()
    entry = next((e for e in policy["values"] if int(e["value"]) == value), None)
    if entry is None:
        return Verdict(Fraction(0), Bilingual(
            f"{value} is not the count: Dense 10·20 + 20 = 220, batch normalization gamma + beta = 40; total 260.",
            f"{value} درست نیست: Dense برابر ۱۰·۲۰ + ۲۰ = ۲۲۰ و gamma و beta برابر ۴۰؛ جمعاً ۲۶۰."))  # fmt: skip
    credit = Fraction(str(entry["credit"]))
    notes = [Bilingual(f"{value}: {entry['en']}", f"{value}: {entry['fa']}")]
    if entry.get("needs") and entry["needs"] not in found:
        credit = Fraction(str(entry["otherwise"]))
        notes.append(Bilingual(entry["without_en"], entry["without_fa"]))
    elif entry.get("unless") and entry["unless"] in found:
        credit = Fraction(str(entry["then"]))
        notes.append(Bilingual(entry["then_en"], entry["then_fa"]))
    if "breakdown" not in found and credit == Fraction(str(entry["credit"])):
        # Not after a reduction above: a missing reason for 240 is that missing working, charged once.
        credit *= Fraction(str(policy["without_working"]))
        notes.append(Bilingual("no working shown (how the count was reached), as the question asks",
                               "روند شمارش (چگونه به این عدد رسیدید) نوشته نشده است، در حالی که سؤال آن را خواسته"))  # fmt: skip
    feedback = Bilingual.join(notes, sep="; ")
    return Verdict(credit, Bilingual(feedback.en + ".", feedback.fa + "."), manual_review=credit < 1)

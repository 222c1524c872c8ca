"""The terminal summary: one table per graded question, notes, and the total."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from grader.results import GradeReport, Status

_STYLE = {Status.PASSED: "green", Status.PARTIAL: "yellow", Status.FAILED: "red", Status.ERROR: "bold red"}
_LABEL = {
    Status.PASSED: ("passed", "قبول"),
    Status.PARTIAL: ("partial", "ناقص"),
    Status.FAILED: ("failed", "رد"),
    Status.ERROR: ("error", "خطا"),
}


def _text(en: str, fa: str, lang: str) -> str:
    return en if lang == "en" else fa if lang == "fa" else f"{en}\n{fa}"


def render(report: GradeReport, console: Console, lang: str = "en") -> None:
    if report.notes:
        console.print(_text("[bold]About the submission[/bold]", "[bold]دربارهٔ این ارسال[/bold]", lang))
        for note in report.notes:
            console.print(f"  • {note.message.pick(lang)}", highlight=False, markup=False)
        console.print()
    for question in report.questions:
        if not question.graded:
            continue
        bonus = f" (+{question.bonus_points:g} bonus)" if question.bonus_points else ""
        table = Table(
            title=f"{question.title.pick(lang)} — {question.score:g}/{question.max_score:g}{bonus}",
            box=box.SIMPLE_HEAVY, title_justify="left", expand=True, show_lines=lang == "both",
        )  # fmt: skip
        table.add_column("check", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("score", justify="right", no_wrap=True)
        table.add_column("feedback", ratio=1)
        for check in question.checks:
            override = question.override_for(check)
            score = f"{question.check_score(check):g}/{check.max_score:g}"
            if override is not None:
                score += " (TA)"
            flag = " ⚑" if check.manual_review and override is None else ""
            label = _text(*_LABEL[check.status], lang)
            feedback = check.feedback.pick(lang)
            if override is not None:
                feedback = _text(f"TA: {override.reason} (automatic score {check.score:g})",
                                 f"دستیار آموزشی: {override.reason} (نمرهٔ خودکار {check.score:g})", lang) + "\n" + feedback  # fmt: skip
            table.add_row(check.check_id, f"[{_STYLE[check.status]}]{label}[/]{flag}", score,
                          feedback.replace("[", "\\["))  # fmt: skip
        console.print(table)
    review = [q.question_id for q in report.questions if q.manual_review]
    if review:
        console.print(_text(f"⚑ flagged for manual review: {', '.join(review)}",
                            f"⚑ نیازمند بررسی دستی: {', '.join(review)}", lang))  # fmt: skip
    bonus_en = f" (includes {report.bonus_total:g} bonus)" if report.bonus_total else ""
    bonus_fa = f" (شامل {report.bonus_total:g} نمرهٔ امتیازی)" if report.bonus_total else ""
    console.print(
        _text(f"[bold]Total: {report.total:g} / {report.max_total:g}[/bold]{bonus_en}",
              f"[bold]مجموع: {report.total:g} از {report.max_total:g}[/bold]{bonus_fa}", lang)
        + f"  ({report.execution_time:.1f} s)"
    )  # fmt: skip

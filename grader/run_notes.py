"""What happened to the student's code in the sandbox, told in both languages: how each file loaded, how each notebook ran."""

from __future__ import annotations

from typing import Any

from grader.results import Bilingual, SubmissionNote
from grader.sandbox.client import UnitReport


def _event(event: dict[str, Any]) -> Bilingual | None:
    kind = event.get("kind")
    asked, ran = event.get("asked"), event.get("ran")
    asked_text = f"{asked:,}" if isinstance(asked, int) else "all"
    asked_fa = f"{asked:,}" if isinstance(asked, int) else "همهٔ"
    if kind == "epochs":
        return Bilingual(f"fit: {asked_text} epochs cut to {ran}", f"fit: {asked_fa} دوره به {ran} کاهش یافت")
    if kind == "samples":
        return Bilingual(f"fit: {asked_text} training examples cut to {ran:,}",
                         f"fit: {asked_fa} نمونهٔ آموزش به {ran:,} کاهش یافت")  # fmt: skip
    if kind == "steps" and not isinstance(asked, int):  # a dataset of unknown length: perhaps shorter anyway
        return Bilingual(f"fit: at most {ran} steps per epoch", f"fit: حداکثر {ran} گام در هر دوره")
    if kind == "steps":
        return Bilingual(
            f"fit: {asked_text} steps per epoch cut to {ran}", f"fit: {asked_fa} گام در هر دوره به {ran} کاهش یافت"
        )
    if kind == "evaluate":
        return Bilingual(f"evaluate: {asked_text} examples cut to {ran:,} (its numbers are the budget run's)",
                         f"evaluate: {asked_fa} نمونه به {ran:,} کاهش یافت (اعدادش مال اجرای محدود است)")  # fmt: skip
    if kind == "fit_seconds":
        return Bilingual(
            f"training stopped after {event.get('seconds'):g} s", f"آموزش پس از {event.get('seconds'):g} ثانیه متوقف شد"
        )
    if kind == "trials":
        return Bilingual(
            f"tuner search: {asked_text} trials cut to {ran}", f"جستجوی tuner: {asked_fa} آزمایش به {ran} کاهش یافت"
        )
    if kind == "executions":
        return Bilingual(
            f"tuner search: {asked} executions per trial cut to 1",
            f"جستجوی tuner: {asked} اجرا در هر آزمایش به ۱ کاهش یافت",
        )
    if kind == "served":
        return Bilingual(f"{event.get('name')} served offline", f"{event.get('name')} بدون اینترنت داده شد")
    if kind == "no_weights":
        return Bilingual(f"ImageNet weights ({event.get('name')}) cannot be downloaded: random weights kept",
                         f"وزن‌های ImageNet ({event.get('name')}) دانلود نمی‌شوند: وزن‌های تصادفی ماند")  # fmt: skip
    if kind == "standin":
        package = event.get("package")
        return Bilingual(f"{package} is not installed here: a display-only stand-in took its calls",
                         f"{package} اینجا نصب نیست: جایگزینی فقط‌نمایشی فراخوانی‌هایش را پذیرفت")  # fmt: skip
    return None


_MALFORMED = (TypeError, ValueError, KeyError, AttributeError, IndexError)


def _garbled(file: str) -> SubmissionNote:
    """The child's account of a file came back in a shape it never writes: its own code was tampered with."""
    return SubmissionNote("load", Bilingual(
        f"{file}: the account of how it ran came back malformed (something in it changed the grader's records); "
        "a TA should look at this file",
        f"{file}: گزارش اجرای آن خراب برگشت (چیزی در آن سوابق تصحیح‌گر را تغییر داده است)؛ دستیار آموزشی باید این "
        "فایل را ببیند"))  # fmt: skip


def run_notes(reports: list[UnitReport]) -> list[SubmissionNote]:
    """One note per notebook that ran: its cells, the failures, what the budget cut, and what was not run."""
    notes = []
    for report in reports:
        try:
            notes += _run_note(report)
        except _MALFORMED:
            notes.append(_garbled(report.unit.file))
    return notes


def _run_note(report: UnitReport) -> list[SubmissionNote]:
    unit = report.unit
    if unit.mode != "execute" or report.hung or report.skipped:
        return []
    failed = sum(1 for c in report.cells if c.get("errors") or c.get("syntax_error"))
    stopped = [c["index"] + 1 for c in report.cells if c.get("timed_out")]
    events: list[Bilingual] = []
    for cell in report.cells:
        for event in cell.get("events", []):
            text = _event(event) if isinstance(event, dict) else None
            if text is not None and text not in events:
                events.append(text)
    shell = [line for cell in unit.cells for line in cell.shell]
    parts = [Bilingual(f"{unit.file} was run top to bottom: {len(report.cells)} cells, {failed} with an error",
                       f"{unit.file} از ابتدا تا انتها اجرا شد: {len(report.cells)} سلول، {failed} سلول با خطا")]  # fmt: skip
    if stopped:
        listed = ", ".join(str(n) for n in stopped)
        parts.append(Bilingual(f"cell(s) {listed} stopped at the time limit", f"سلول {listed} در سقف زمان متوقف شد"))
    parts += events
    if shell:
        shown = "; ".join(shell[:3]) + (f" (+{len(shell) - 3})" if len(shell) > 3 else "")
        parts.append(Bilingual(f"shell commands not run: {shown}", f"دستورهای shell اجرا نشدند: {shown}"))
    return [SubmissionNote("run", Bilingual.join(parts, sep="; "))]


def load_notes(reports: list[UnitReport], load_timeout: float) -> list[SubmissionNote]:
    """What went wrong while the code was loaded: a file left out or loaded definitions-only, syntax and import errors, output."""
    notes: list[SubmissionNote] = []
    for report in reports:
        try:
            notes += _load_notes(report, load_timeout)
        except _MALFORMED:
            notes.append(_garbled(report.unit.file))
    return notes


def _load_notes(report: UnitReport, load_timeout: float) -> list[SubmissionNote]:
    notes = []
    unit = report.unit
    if report.skipped:
        notes.append(SubmissionNote("load", Bilingual(
            f"{unit.file}: could not be loaded even definitions-only (it hangs or crashes); it was left out",
            f"{unit.file}: حتی فقط با تعریف‌ها هم بارگذاری نشد (گیر می‌کند یا از کار می‌افتد)؛ کنار گذاشته شد")))  # fmt: skip
    elif report.hung and unit.mode == "execute":
        notes.append(SubmissionNote("load", Bilingual(
            f"{unit.file}: running it top to bottom did not finish within the notebook's time limit, or it "
            "crashed (e.g. out of memory); only its imports, functions, classes and constants were loaded",
            f"{unit.file}: اجرای آن از ابتدا تا انتها در سقف زمان نوت‌بوک تمام نشد یا از کار افتاد (مثلاً "
            "کمبود حافظه)؛ فقط importها، تابع‌ها، کلاس‌ها و ثابت‌های آن بارگذاری شد")))  # fmt: skip
    elif report.hung:
        notes.append(SubmissionNote("load", Bilingual(
            f"{unit.file}: did not finish loading within {load_timeout:g} s (or crashed); "
            "only its imports, functions, classes and constants were loaded",
            f"{unit.file}: بارگذاری آن در {load_timeout:g} ثانیه تمام نشد (یا از کار افتاد)؛ "
            "فقط importها، تابع‌ها، کلاس‌ها و ثابت‌های آن بارگذاری شد")))  # fmt: skip
    for cell in report.cells:
        where = unit.file if cell.get("index") is None else f"{unit.file} (cell {cell['index'] + 1})"
        syntax = cell.get("syntax_error")
        if syntax:
            hint_en = hint_fa = ""
            if str(syntax.get("text", "")).rstrip().endswith("="):
                hint_en = " It looks like a line with a blank right-hand side, as in the handed-out file: complete it."
                hint_fa = " به نظر می‌رسد سمت راست یک خط خالی مانده است، مانند فایل داده‌شده: آن را کامل کنید."
            notes.append(SubmissionNote("syntax", Bilingual(
                f"{where}, line {syntax.get('line')}: SyntaxError ({syntax.get('message')}); "
                f"this {'cell' if cell.get('index') is not None else 'file'} was skipped.{hint_en}",
                f"{where}، خط {syntax.get('line')}: خطای نحوی ({syntax.get('message')})؛ "
                f"این {'سلول' if cell.get('index') is not None else 'فایل'} کنار گذاشته شد.{hint_fa}")))  # fmt: skip
        for error in cell.get("errors", []):
            notes.append(SubmissionNote("import", Bilingual(
                f"{where}, line {error.get('line')}: {error.get('message')} — the rest was still loaded",
                f"{where}، خط {error.get('line')}: {error.get('message')} — بقیهٔ کد همچنان بارگذاری شد")))  # fmt: skip
        if cell.get("output"):
            size = len(str(cell["output"]))
            notes.append(SubmissionNote("output", Bilingual(
                f"{where}: printed {size} characters while loading (ignored)",
                f"{where}: هنگام بارگذاری {size} نویسه چاپ کرد (نادیده گرفته شد)")))  # fmt: skip
    return notes

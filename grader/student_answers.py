"""A submission's written answers: its answer sheet, what its reports say, a TA's corrections.

Also what a check records about the answers it read: where each was read (and whether a TA
should confirm the reading), which fields, and a digest of what they held (grader review
groups identical answers by it). Runs no student code: grader/regrade.py relies on that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from grader.answer_sheet import AnswerSheet, find_sheet, read_sheet
from grader.corrections import Correction
from grader.corrections import apply as apply_corrections
from grader.persian import normalize_text
from grader.registry import Verdict
from grader.reports.extract import extract, fill_sheet
from grader.reports.fields import REVIEW_BELOW
from grader.results import Bilingual, SubmissionNote


def _read_reports(root: Path, sheet: AnswerSheet, sheet_path: Path | None) -> list[SubmissionNote]:
    """Fill the sheet's empty fields from the student's reports; notes on what was read and from where."""
    extraction = extract(root)
    filled = fill_sheet(sheet, extraction)
    notes = [SubmissionNote("report", note) for note in extraction.notes]
    if filled:
        files = ", ".join(extraction.read)
        waiting = sum(1 for d in filled if (s := sheet.source(d)) is not None
                      and (s.needs_reading or s.confidence < REVIEW_BELOW))  # fmt: skip
        notes.append(SubmissionNote("report", Bilingual(
            f"{len(filled)} answers were read from {files}" + (f" ({waiting} of them for a TA to confirm)"
            if waiting else "") + f"; `grader extract {root.name}` writes them as an answer sheet to check",
            f"{len(filled)} پاسخ از {files} خوانده شد" + (f" ({waiting} مورد را دستیار آموزشی باید تأیید کند)"
            if waiting else "") + f"؛ دستور `grader extract {root.name}` آن‌ها را به صورت پاسخ‌نامه می‌نویسد")))  # fmt: skip
    elif sheet_path is None:
        notes.append(SubmissionNote("sheet", Bilingual(
            "No written answers were found: no report (.docx, .pdf, .md) and no answer sheet (answer_sheet.yaml; "
            "`grader init` writes an empty one).",
            "هیچ پاسخ نوشتاری پیدا نشد: نه گزارشی (‎.docx‎، ‎.pdf‎، ‎.md‎) و نه پاسخ‌نامه‌ای (answer_sheet.yaml؛ "
            "دستور `grader init` یک پاسخ‌نامهٔ خالی می‌سازد).")))  # fmt: skip
    return notes


def with_sources(verdict: Verdict, sheet: AnswerSheet) -> Verdict:
    """Say where the answers a check read came from, and ask a TA when a reading is unsure or impossible."""
    sources = [(d, s) for d in sorted(sheet.reads) if (s := sheet.source(d)) is not None]
    if not sources:
        return verdict
    places = list(dict.fromkeys(s.describe() for _, s in sources if not s.needs_reading))
    parts = []
    if places:
        shown = places[:3]
        more = f" (+{len(places) - 3})" if len(places) > 3 else ""
        parts.append(Bilingual("Read from " + "; ".join(p.en for p in shown) + more + ".",
                               "خوانده‌شده از " + "؛ ".join(p.fa for p in shown) + more + "."))  # fmt: skip
    parts += list(dict.fromkeys(s.note for _, s in sources if s.note is not None))
    unsure = any(s.needs_reading or s.confidence < REVIEW_BELOW or s.note is not None for _, s in sources)
    if unsure and not any(s.needs_reading for _, s in sources):
        parts.append(Bilingual("A TA should confirm this reading.", "دستیار آموزشی باید این برداشت را تأیید کند."))
    details = (*verdict.details, ("sources", tuple({"field": d, **s.to_json()} for d, s in sources)))
    return replace(verdict, feedback=Bilingual.join([verdict.feedback, *parts]),
                   manual_review=verdict.manual_review or unsure, details=details)  # fmt: skip


def answer_digest(sheet: AnswerSheet, fields: Iterable[str]) -> str:
    """A fingerprint of the answers in these fields, normalised as the rubrics read text ("" when all are empty).

    Two students whose digests for one check are equal gave the same answer to it (grader review offers
    one decision for both)."""
    texts = [(d, normalize_text(sheet.text(d)), normalize_text(sheet.context(d))) for d in sorted(fields)]
    if not any(text for _, text, _ in texts):
        return ""
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()[:20]


def with_answer(verdict: Verdict, sheet: AnswerSheet) -> Verdict:
    """Record which answer-sheet fields a check read, and a digest of what they held."""
    read = sorted(sheet.reads)
    if not read:
        return verdict
    reads = set(sheet.reads)
    digest = answer_digest(sheet, read)
    sheet.reads = reads  # the digest reads the fields again; keep the check's own reads
    return replace(verdict, details=(*verdict.details, ("read", tuple(read)), ("answer_digest", digest)))


def read_answers(
    root: Path, corrections: dict[str, Correction] | None = None
) -> tuple[AnswerSheet, list[SubmissionNote]]:
    """The submission's answers: its answer sheet, the rest read from its reports, then a TA's corrections.

    Runs no student code (the checks in grader/regrade.py rely on that)."""
    sheet_path, extra = find_sheet(root)
    sheet = read_sheet(sheet_path) if sheet_path else AnswerSheet(None)
    notes = _read_reports(root, sheet, sheet_path)
    if corrections:
        apply_corrections(sheet, corrections)
    for path in extra:
        notes.append(SubmissionNote("sheet", Bilingual(
            f"{path.relative_to(root)} ignored: the answer sheet used is {sheet_path.relative_to(root)}",  # type: ignore[union-attr]
            f"{path.relative_to(root)} نادیده گرفته شد: پاسخ‌نامهٔ استفاده‌شده {sheet_path.relative_to(root)} است")))  # type: ignore[union-attr]  # fmt: skip
    for problem in sheet.problems:
        notes.append(SubmissionNote("sheet", problem.describe()))
    return sheet, notes

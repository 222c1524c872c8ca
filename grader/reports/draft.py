"""`grader extract`: the answers read from a submission's reports, written as an answer sheet to confirm.

Every answer carries, as YAML comments above it, where it was read and how
sure the reading is; a part handed in as a picture is left empty with a note
that a TA must read it. The student (or TA) corrects what is wrong and grades
again with the sheet, which then wins over the report.
"""

from __future__ import annotations

from grader.reports.extract import Extraction
from grader.reports.fields import REVIEW_BELOW
from grader.results import Bilingual
from grader.sheet_schema import FIELDS_BY_PATH, render_template


def draft_sheet(extraction: Extraction) -> str:
    """The sheet, each answer with comments in both languages (the template's own are bilingual too)."""
    answers: dict[str, tuple[str, tuple[str, ...]]] = {}
    for dotted, found in sorted(extraction.fields.items()):
        if tuple(dotted.split(".")) not in FIELDS_BY_PATH:
            continue
        place = found.where[0].describe()
        more = f" (+{len(found.where) - 1})" if len(found.where) > 1 else ""
        comments: list[str] = []
        if found.needs_reading:
            note = found.note or Bilingual("a TA must read it", "دستیار آموزشی باید آن را بخواند")
            comments += [f"⚑ not read: {note.en}", f"⚑ خوانده نشد: {note.fa}"]
            answers[dotted] = ("", tuple(comments))
            continue
        if found.confidence < REVIEW_BELOW or found.note is not None:
            comments += [f"⚑ check this: {place.en}{more} (confidence {found.confidence:.1f})",
                         f"⚑ بررسی کنید: {place.fa}{more} (اطمینان {found.confidence:.1f})"]  # fmt: skip
        else:
            comments += [f"read: {place.en}{more} (confidence {found.confidence:.1f})",
                         f"خوانده‌شده: {place.fa}{more} (اطمینان {found.confidence:.1f})"]  # fmt: skip
        if found.note is not None:
            comments += [f"⚑ {found.note.en}", f"⚑ {found.note.fa}"]
        answers[dotted] = (found.text, tuple(comments))
    return render_template(answers)

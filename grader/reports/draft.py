"""`grader extract`: the answers read from a submission's reports, written as an answer sheet to confirm.

Every answer carries, as YAML comments above it, where it was read and how
sure the reading is; a part handed in as a picture is left empty with a note
that a TA must read it. The student (or TA) corrects what is wrong and grades
again with the sheet, which then wins over the report.
"""

from __future__ import annotations

from grader.reports.extract import Extraction
from grader.reports.fields import REVIEW_BELOW
from grader.sheet_schema import FIELDS_BY_PATH, render_template


def draft_sheet(extraction: Extraction) -> str:
    answers: dict[str, tuple[str, tuple[str, ...]]] = {}
    for dotted, found in sorted(extraction.fields.items()):
        if tuple(dotted.split(".")) not in FIELDS_BY_PATH:
            continue
        where = found.where[0].describe().en
        if len(found.where) > 1:
            where += f" (+{len(found.where) - 1} more)"
        comments: list[str] = []
        if found.needs_reading:
            note = found.note.en if found.note is not None else "a TA must read it"
            comments.append(f"⚑ not read: {note}")
            answers[dotted] = ("", tuple(comments))
            continue
        sure = "check this" if found.confidence < REVIEW_BELOW or found.note is not None else "read"
        comments.append(f"{'⚑ ' if sure == 'check this' else ''}{sure}: {where} (confidence {found.confidence:.1f})")
        if found.note is not None:
            comments.append(f"⚑ {found.note.en}")
        answers[dotted] = (found.text, tuple(comments))
    return render_template(answers)

"""--csv: one row per submission (the same columns as the class gradebook)."""

from __future__ import annotations

import csv
import io

from grader.results import QUESTION_IDS, GradeReport

COLUMNS = ("submission", *QUESTION_IDS, "total", "max_total", "manual_review", "notes")


def row(report: GradeReport) -> dict[str, str]:
    values = {"submission": report.submission}
    for question in report.questions:
        values[question.question_id] = f"{question.score:g}" if question.graded else ""
    values["total"] = f"{report.total:g}"
    values["max_total"] = f"{report.max_total:g}"
    values["manual_review"] = ";".join(q.question_id for q in report.questions if q.manual_review)
    values["notes"] = str(len(report.notes))
    return values


def render(reports: list[GradeReport]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for report in reports:
        writer.writerow(row(report))
    return buffer.getvalue()

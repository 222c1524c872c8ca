"""The --json result file. Its schema is documented in docs/results.md (schema id below)."""

from __future__ import annotations

import json
from typing import Any

from grader.results import (
    Bilingual,
    CheckResult,
    GradeReport,
    Override,
    QuestionResult,
    Status,
    SubmissionNote,
    Visibility,
)

SCHEMA = "hw4-grader/result/v1"


def _bi(message: Bilingual) -> dict[str, str]:
    return {"en": message.en, "fa": message.fa}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def check_dict(question: QuestionResult, check: CheckResult) -> dict[str, Any]:
    override = question.override_for(check)
    return {
        "id": check.check_id,
        "title": _bi(check.title),
        "status": check.status.value,
        "score": question.check_score(check),
        "auto_score": check.score,
        "max_score": check.max_score,
        "bonus": check.bonus,
        "visibility": check.visibility.value,
        "manual_review": check.manual_review,
        "feedback": _bi(check.feedback),
        "override": None if override is None else {"score": override.score, "reason": override.reason},
        "details": {k: _plain(v) for k, v in check.details},
    }


def report_dict(report: GradeReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "submission": report.submission,
        "grader_version": report.grader_version,
        "total": report.total,
        "max_total": report.max_total,
        "bonus_total": report.bonus_total,
        "execution_time": report.execution_time,
        "sandbox": list(report.sandbox),
        "notes": [{"kind": n.kind, "message": _bi(n.message)} for n in report.notes],
        "questions": {
            q.question_id: {
                "title": _bi(q.title),
                "graded": q.graded,
                "score": q.score,
                "max_score": q.max_score,
                "points": q.points,
                "bonus_points": q.bonus_points,
                "manual_review": q.manual_review,
                "checks": [check_dict(q, c) for c in q.checks],
            }
            for q in report.questions
        },
    }


def render(report: GradeReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"


def _message(data: dict[str, str]) -> Bilingual:
    return Bilingual(data["en"], data["fa"])


def report_from_dict(data: dict[str, Any]) -> GradeReport:
    """The report a result file holds (the inverse of report_dict), to apply overrides to it again.

    Checks keep their automatic scores; the overrides recorded in the file come back attached."""
    if data.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} result (schema {data.get('schema')!r})")
    questions = []
    for qid, question in data["questions"].items():
        checks, overrides = [], []
        for entry in question["checks"]:
            checks.append(CheckResult(
                check_id=entry["id"], title=_message(entry["title"]), status=Status(entry["status"]),
                score=float(entry["auto_score"]), max_score=float(entry["max_score"]),
                feedback=_message(entry["feedback"]), visibility=Visibility(entry["visibility"]),
                manual_review=bool(entry["manual_review"]), bonus=bool(entry["bonus"]),
                details=tuple(entry["details"].items())))  # fmt: skip
            if entry["override"] is not None:
                overrides.append(Override(entry["id"], float(entry["override"]["score"]), entry["override"]["reason"]))
        questions.append(QuestionResult(qid, _message(question["title"]), float(question["points"]),
                                        float(question["bonus_points"]), tuple(checks), bool(question["graded"]),
                                        tuple(overrides)))  # fmt: skip
    notes = tuple(SubmissionNote(n["kind"], _message(n["message"])) for n in data["notes"])
    return GradeReport(data["submission"], data["grader_version"], tuple(questions), notes,
                       float(data["execution_time"]), tuple(data["sandbox"]))  # fmt: skip

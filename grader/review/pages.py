"""What the review's pages show, built from a class's results as plain data for the templates.

Student text is only ever data here: the templates escape it (autoescape), and
nothing built in this module is marked safe. The full answers come from the
submission itself, read as the grader reads it (no student code runs) and
cached; when the submission is not reachable, the excerpts kept in the
results are shown instead.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import batch
from grader.answer_sheet import AnswerSheet
from grader.corrections import load as load_corrections
from grader.render import pdf_report
from grader.render.json_out import report_from_dict
from grader.reports.document import Location
from grader.results import QuestionResult
from grader.review.ledger import TaFiles, read_audit, student_entries, version
from grader.review.store import QueueItem, ResultStore
from grader.review.update import fields_read
from grader.sheet_schema import FIELDS_BY_PATH
from grader.student_answers import read_answers

GRADCAM_CHECKS = pdf_report.GRADCAM_CHECKS


def _stamp(path: Path | None) -> tuple[int, int]:
    try:
        stat = os.stat(path) if path is not None else None
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size) if stat is not None else (0, 0)


class AnswerCache:
    """Each student's answers as the grader reads them (sheet, reports, corrections), cached by file stamps."""

    def __init__(self, store: ResultStore, files: TaFiles) -> None:
        self.store, self.files = store, files
        self._cache: dict[str, tuple[tuple[Any, ...], AnswerSheet]] = {}
        self._lock = threading.Lock()

    def sheet(self, student: str) -> AnswerSheet | None:
        source = self.store.manifest.sources.get(student)
        if source is None or not source.exists():
            return None
        stamp = (_stamp(source), _stamp(self.files.corrections))
        with self._lock:
            cached = self._cache.get(student)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        fixed = load_corrections(self.files.corrections, student) if self.files.corrections.is_file() else {}
        with tempfile.TemporaryDirectory(prefix="hw4-review-") as scratch:
            folder = batch.extract_zip(source, Path(scratch)) if source.is_file() else source
            sheet, _ = read_answers(folder, fixed)
        with self._lock:
            self._cache[student] = (stamp, sheet)
        return sheet


def _where(entry: dict[str, Any], lang: str) -> list[str]:
    return [Location(**w).describe().pick(lang) for w in entry.get("where") or ()]


def _marked(text: str, context: str) -> dict[str, str] | None:
    """The part's text split around the answer, for the page to mark it (None when it is not found there)."""
    text = text.strip()
    start = context.find(text) if text else -1
    if start < 0 or context.strip() == text:
        return None
    return {"before": context[:start], "mark": text, "after": context[start + len(text) :]}


def answers(check: dict[str, Any], sheet: AnswerSheet | None, lang: str) -> list[dict[str, Any]]:
    """Each field the check read: its prompt, the full answer (or the kept excerpt), where it came from."""
    sources = {str(s["field"]): s for s in check["details"].get("sources") or ()}
    found = []
    for dotted in fields_read(check):
        path = tuple(dotted.split("."))
        saved = sources.get(dotted)
        raw = sheet.raw.get(path) if sheet is not None else None
        text = raw.text if raw is not None else (str(saved["excerpt"]) if saved else "")
        context = sheet.context(dotted) if sheet is not None else ""
        live = raw.source if raw is not None else None
        entry: dict[str, Any] = {
            "field": dotted,
            "prompt": FIELDS_BY_PATH[path].prompt.pick(lang) if path in FIELDS_BY_PATH else dotted,
            "text": text,
            "marked": _marked(text, context) if context else None,
            "where": _where(saved, lang) if saved else [],
            "confidence": saved.get("confidence") if saved else None,
            "needs_reading": bool(saved and saved.get("needs_reading")),
            "note": (saved.get("note") or {}).get(lang) if saved else None,
            "corrected_by": live.corrected_by if live is not None else (saved or {}).get("corrected_by", ""),
            "extracted": saved is not None,
            "typed": raw is not None and raw.source is None,
        }
        found.append(entry)
    return found


@dataclass(frozen=True)
class Located:
    """A student's check in the results: the check's JSON, its question's JSON, and the question rebuilt."""

    student: str
    result: dict[str, Any]
    question_id: str
    check: dict[str, Any]

    @property
    def question(self) -> dict[str, Any]:
        return self.result["questions"][self.question_id]  # type: ignore[no-any-return]

    def rebuilt(self) -> QuestionResult:
        return report_from_dict(self.result).question(self.question_id)


def locate(store: ResultStore, student: str, check_id: str) -> Located:
    """KeyError when the student or the check is not in this class's results."""
    result = store.result(student)
    question_id = check_id.split(".", 1)[0]
    question = result["questions"][question_id]
    check = next((c for c in question["checks"] if c["id"] == check_id), None)
    if check is None:
        raise KeyError(check_id)
    return Located(student, result, question_id, check)


def identical(store: ResultStore, located: Located) -> tuple[list[str], list[str]]:
    """Other students whose answer to this check is the same text: (still waiting, already decided)."""
    digest = located.check["details"].get("answer_digest")
    if not digest:
        return [], []
    waiting: list[str] = []
    decided: list[str] = []
    for student, result in store.results().items():
        if student == located.student:
            continue
        question = result["questions"].get(located.question_id) or {}
        for check in question.get("checks", ()):
            if check["id"] == located.check["id"] and check["details"].get("answer_digest") == digest:
                (decided if check["override"] is not None else waiting).append(student)
    return waiting, decided


def check_page(store: ResultStore, files: TaFiles, cache: AnswerCache, located: Located,
               queue: list[QueueItem], lang: str) -> dict[str, Any]:  # fmt: skip
    """Everything the check page shows, except the forms' own state."""
    check = located.check
    keys = [(i.student, i.check_id) for i in queue]
    here = (located.student, check["id"])
    position = keys.index(here) if here in keys else None
    if position is not None:
        previous = keys[position - 1] if position > 0 else None
        following = keys[position + 1] if position + 1 < len(keys) else None
    else:  # decided just now, or never flagged: offer the queue's first item as the next one
        previous, following = None, (keys[0] if keys else None)
    sheet = cache.sheet(located.student)
    override_entry = student_entries(files.overrides, located.student).get(check["id"])
    corrections = student_entries(files.corrections, located.student)
    waiting, decided = identical(store, located)
    figure: dict[str, Any] | None = None
    if check["id"] == "q05.layer_table":
        figure = {"q05": pdf_report.q05_table(located.rebuilt())}
    elif check["id"] in GRADCAM_CHECKS:
        figure = {"q07": pdf_report.q07_data(located.rebuilt())}
    found = answers(check, sheet, lang)
    return {
        "student": located.student,
        "question": located.question,
        "question_id": located.question_id,
        "check": check,
        "total": located.result["total"],
        "max_total": located.result["max_total"],
        "position": None if position is None else position + 1,
        "queue_length": len(keys),
        "previous": previous,
        "next": following,
        "answers": found,
        "submission_read": sheet is not None,
        "correctable": [a for a in found if a["extracted"]],
        "correction_versions": {a["field"]: version(corrections.get(a["field"])) for a in found},
        "override_version": version(override_entry),
        "override_by": (override_entry or {}).get("by", ""),
        "identical_waiting": waiting,
        "identical_decided": decided,
        "figure": figure,
        "history": sorted(
            (h for key in (check["id"], *fields_read(check)) for h in read_audit(files, located.student, key)),
            key=lambda h: str(h.get("at")),
        ),
    }

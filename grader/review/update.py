"""Bringing a class's results in line with the TAs' files, without running any student code.

A student's JSON is rebuilt from itself: its checks (with the automatic
scores), the overrides file's entries for that student applied again with
grader.overrides.apply (so the file is the one truth, and a removed override
is gone), and, after a correction, the checks that read the corrected field
re-run in-process when they need no code (grader/regrade.py). The gradebook
CSV is then rewritten whole with the class run's own writer.

The class run's cache key is kept in step: a student whose results are now
exactly what `grader check --gradebook ... --overrides O --corrections C`
would give keeps a valid key (that run skips them); one with a corrected
field that a check running the student's code reads gets an empty key, so
that run grades them again.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import batch
from grader.corrections import Correction
from grader.corrections import load as load_corrections
from grader.corrections import note as corrections_note
from grader.overrides import apply as apply_overrides
from grader.overrides import load as load_overrides
from grader.regrade import regrade
from grader.render.json_out import report_dict, report_from_dict
from grader.results import CheckResult, GradeReport
from grader.review.ledger import TaFiles
from grader.review.store import ResultStore


@dataclass
class Regrading:
    rerun: list[str] = field(default_factory=list)  # checks re-run here
    needs_code: list[str] = field(default_factory=list)  # checks that read the field but run student code
    missing: str = ""  # why nothing could be re-run (no submission), else ""


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class ClassUpdater:
    """Writes a class's results after the TA files changed; the caller holds the TA files' lock."""

    def __init__(self, store: ResultStore, files: TaFiles) -> None:
        self.store, self.files = store, files

    def _with_overrides(self, report: GradeReport, student: str) -> GradeReport:
        bare = dataclasses.replace(report, questions=tuple(dataclasses.replace(q, overrides=())
                                                           for q in report.questions))  # fmt: skip
        if not self.files.overrides.is_file():
            return bare
        applied, _ = apply_overrides(bare, load_overrides(self.files.overrides, student), self.files.overrides)
        return applied

    def _cache_key(self, student: str, stale: bool) -> str | None:
        """The class run's key for this student as the next run would compute it (None: keep the old one)."""
        source, options = self.store.manifest.sources.get(student), self.store.manifest.options
        if stale:
            return ""
        if source is None or not source.exists() or not options:
            return None
        overrides = self.files.overrides if self.files.overrides.is_file() else None
        corrections = self.files.corrections if self.files.corrections.is_file() else None
        return batch.cache_key(
            batch.Student(student, source), batch.options_from_record(options), overrides, corrections
        )

    def rewrite(self, student: str, replaced: dict[str, CheckResult] | None = None, stale: bool = False,
                corrections: dict[str, Correction] | None = None) -> None:  # fmt: skip
        """The student's JSON again: checks replaced where given, overrides from the file, key in step.

        corrections: the student's corrections now (after one changed): the note saying so is renewed."""
        data = self.store.result(student)
        report = report_from_dict(data)
        if corrections is not None:
            notes = tuple(n for n in report.notes if n.kind != "correction")
            report = dataclasses.replace(
                report, notes=(*notes, corrections_note(corrections)) if corrections else notes
            )
        if replaced:
            questions = tuple(dataclasses.replace(q, checks=tuple(replaced.get(c.check_id, c) for c in q.checks))
                              for q in report.questions)  # fmt: skip
            report = dataclasses.replace(report, questions=questions)
        result = report_dict(self._with_overrides(report, student))
        record = dict(data.get("batch") or {})
        if record:
            key = self._cache_key(student, stale or record.get("cache_key") == "")
            if key is not None:
                record["cache_key"] = key
            result["batch"] = record
        _write_atomic(self.store.path(student), json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        self.store.forget(student)

    def regrade_field(self, student: str, dotted: str) -> Regrading:
        """Re-run the checks of one student that read `dotted`, with the corrections now in the file."""
        outcome = Regrading()
        report = report_from_dict(self.store.result(student))
        readers = [c.check_id for q in report.questions for c in q.checks if dotted in _fields_read(c)]
        source = self.store.manifest.sources.get(student)
        if source is None or not source.exists():
            outcome.missing = str(source) if source else "(not recorded: results from an older class run)"
            outcome.needs_code = readers
            self.rewrite(student, stale=True)
            return outcome
        corrections = load_corrections(self.files.corrections, student) if self.files.corrections.is_file() else {}
        with tempfile.TemporaryDirectory(prefix="hw4-review-") as scratch:
            folder = batch.extract_zip(source, Path(scratch)) if source.is_file() else source
            regraded = regrade(folder, readers, corrections)
        outcome.rerun, outcome.needs_code = sorted(regraded.results), regraded.needs_code
        self.rewrite(student, regraded.results, stale=bool(regraded.needs_code), corrections=corrections)
        return outcome

    def write_gradebook(self) -> Path | None:
        """Rewrite the class's gradebook from the results now on disk (None when the run did not record one)."""
        path = self.store.manifest.gradebook
        if path is None:
            return None
        failed = {}
        if path.is_file():
            for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
                if row.get("status", "").startswith("failed: "):
                    failed[row["id"]] = row["status"][len("failed: ") :]
        sources = self.store.manifest.sources
        students = [
            batch.Student(sid, sources.get(sid, self.store.root / sid)) for sid in (list(sources) or self.store.ids())
        ]
        results = self.store.results()
        outcome = batch.BatchResult(results=results, failed={k: v for k, v in failed.items() if k not in results})
        batch.write_gradebook(path, students, outcome)
        return path


def _fields_read(check: CheckResult) -> set[str]:
    read = check.detail("read") or ()
    sources = check.detail("sources") or ()
    fields: set[str] = {str(f) for f in read}  # type: ignore[attr-defined]
    fields.update(str(s["field"]) for s in sources if isinstance(s, dict))  # type: ignore[attr-defined]
    return fields


def fields_read(check: dict[str, Any]) -> list[str]:
    """The answer-sheet fields a check (as in the JSON) read, in order."""
    details = check["details"]
    found = [str(f) for f in details.get("read") or ()]
    found += [str(s["field"]) for s in details.get("sources") or () if str(s["field"]) not in found]
    return found

"""TA corrections of answers read from reports: the value a TA read where the extraction got it wrong.

A YAML file kept by the TAs beside the overrides (`grader review` writes it as
`<overrides stem>.corrections.yaml`), one entry per answer-sheet field:

    # overrides.corrections.yaml — corrected readings of students' reports
    students:
      "400123456":
        q05.layers.3.output: {value: "(62, 62, 32)", reason: "the PDF lost the 3", by: "Sara"}
        q06.trainable_params: {value: "260", reason: "handwritten, read from page 4", by: "Sara"}

For one submission (`grader check SUB --corrections FILE`) the entries may sit
at the top level instead of under `students:`. A corrected value replaces what
was read from the report (or typed on the sheet) before any check runs, keeps
where the answer was, and is marked as a TA's reading in every output; `value`
is text exactly as it would be typed on the answer sheet. `reason` and `by`
are optional here (the score itself is not changed, only what was read).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.answer_sheet import AnswerSheet, RawAnswer, Source
from grader.reports.document import Location
from grader.results import Bilingual, SubmissionNote
from grader.sheet_schema import FIELDS_BY_PATH


class CorrectionError(ValueError):
    """The corrections file is wrong: says where and what to do."""


@dataclass(frozen=True)
class Correction:
    field: str  # dotted answer-sheet path, e.g. q05.layers.3.output
    value: str
    by: str = ""
    reason: str = ""


def load(path: Path, student: str | None = None) -> dict[str, Correction]:
    """The corrections for one submission (`student` picks an entry under `students:`); field -> correction."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CorrectionError(f"{path}: cannot read the corrections file ({error})") from None
    except yaml.YAMLError as error:
        raise CorrectionError(f"{path}: not valid YAML ({error}); fix the file and run again") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CorrectionError(f"{path}: expected a mapping of answer-sheet fields (e.g. q06.trainable_params: "
                              "{value: \"260\"})")  # fmt: skip
    if "students" in data:
        students = data["students"] or {}
        if not isinstance(students, dict):
            raise CorrectionError(f"{path}: students: expected one entry per student id")
        students = {str(k): v for k, v in students.items()}  # an unquoted id is read by YAML as a number
        data = (students.get(student) or {}) if student is not None else {}
        if not isinstance(data, dict):
            raise CorrectionError(f"{path}: students: {student}: expected a mapping of answer-sheet fields")
    elif student is not None and data:
        raise CorrectionError(f"{path}: in a class run corrections go under students: <id> (top-level entries would "
                              "apply to every student)")  # fmt: skip
    found = {}
    for dotted, entry in data.items():
        where = f"{path}: {student + ': ' if student else ''}{dotted}"
        if tuple(str(dotted).split(".")) not in FIELDS_BY_PATH:
            raise CorrectionError(f"{where}: not an answer-sheet field (see docs/answer_sheet.md)")
        if not isinstance(entry, dict) or "value" not in entry:
            raise CorrectionError(f'{where}: expected {{value: "...", reason: "...", by: "..."}}')
        value = "" if entry["value"] is None else str(entry["value"])
        found[str(dotted)] = Correction(str(dotted), value, str(entry.get("by") or "").strip(),
                                        str(entry.get("reason") or "").strip())  # fmt: skip
    return found


def apply(sheet: AnswerSheet, corrections: dict[str, Correction], name: str = "corrections") -> list[str]:
    """Put the corrected values into the sheet, keeping where each answer was read; the fields corrected."""
    applied = []
    for dotted, correction in sorted(corrections.items()):
        path = tuple(dotted.split("."))
        old = sheet.raw.get(path)
        where = old.source.where if old is not None and old.source is not None else (Location(name),)
        source = Source(where, correction.value, 1.0, corrected_by=correction.by or "TA")
        sheet.raw[path] = RawAnswer(correction.value, old.line if old is not None else 0, source)
        # A correction answers the field: a problem found in what was read before no longer applies.
        sheet.problems = [p for p in sheet.problems if p.field != dotted]
        applied.append(dotted)
    return applied


def note(corrections: dict[str, Correction]) -> SubmissionNote:
    """The submission's note saying which answers a TA corrected (kind "correction")."""
    fixed = sorted(corrections)
    return SubmissionNote("correction", Bilingual(
        f"{len(fixed)} answers as corrected by a TA: {', '.join(fixed)}",
        f"{len(fixed)} پاسخ با اصلاح دستیار آموزشی: {'، '.join(fixed)}"))  # fmt: skip

"""The TAs' own files, written by the review: overrides, corrections and the audit log beside them.

    overrides.yaml               the scores (grader/overrides.py's format, under students:)
    overrides.corrections.yaml   corrected readings of reports (grader/corrections.py's format)
    overrides.audit.jsonl        one JSON line per decision: when, who, what, old and new, why
    .overrides.yaml.lock         held (flock) while any of them is read-modified-written

Every write takes the lock, reads the file again, and compares each entry it
changes with the version the TA's page was built from (a hash of the entry, ""
for none): an entry changed by someone else in the meantime is not
overwritten, it is returned as a conflict for the page to show. The YAML is
edited round-trip (ruamel.yaml), so the TAs' comments and order survive; the
result is written to a temporary file, read back with the grader's own reader,
and only then moved over the old one (an atomic rename). The audit log is only
ever appended to.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap


class LedgerError(ValueError):
    """A TA file cannot be written as asked; the message says why and what to do."""


@dataclass(frozen=True)
class TaFiles:
    overrides: Path

    @property
    def corrections(self) -> Path:
        return self.overrides.with_name(f"{self.overrides.stem}.corrections.yaml")

    @property
    def audit(self) -> Path:
        return self.overrides.with_name(f"{self.overrides.stem}.audit.jsonl")

    @property
    def lock(self) -> Path:
        return self.overrides.with_name(f".{self.overrides.name}.lock")


@dataclass(frozen=True)
class Change:
    student: str
    key: str  # a check id in the overrides, a field in the corrections
    entry: dict[str, Any] | None  # the new entry; None removes it
    expected: str  # version() of the entry the TA's page showed ("" for none)


@dataclass
class Written:
    applied: list[tuple[Change, dict[str, Any] | None]] = field(default_factory=list)  # with the entry replaced
    conflicts: list[tuple[Change, dict[str, Any] | None]] = field(default_factory=list)  # with the entry found


def version(entry: Any) -> str:
    """A short hash of an entry as plain text ("" for no entry), the same whichever YAML reader read it."""
    if not isinstance(entry, dict):
        return "" if entry is None else hashlib.sha256(str(entry).encode()).hexdigest()[:16]
    plain = json.dumps({str(k): str(v) for k, v in entry.items()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(plain.encode()).hexdigest()[:16]


@contextlib.contextmanager
def locked(files: TaFiles) -> Iterator[None]:
    """Hold the TA files' lock (across processes and threads: each holder opens the lock file itself)."""
    files.lock.parent.mkdir(parents=True, exist_ok=True)
    with open(files.lock, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def student_entries(path: Path, student: str) -> dict[str, dict[str, Any]]:
    """One student's entries as plain data (for pages and versions); {} when the file does not exist yet."""
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise LedgerError(f"{path}: cannot be read ({error}); fix it by hand, then reload the page") from None
    students = data.get("students") if isinstance(data, dict) else None
    entries = (students or {}).get(student) if isinstance(students, dict) else None
    return {str(k): v for k, v in entries.items() if isinstance(v, dict)} if isinstance(entries, dict) else {}


def _yaml() -> YAML:
    handler = YAML()  # round-trip: comments, order and quoting are kept
    handler.preserve_quotes = True
    handler.width = 4096  # one entry per line, however long the reason
    return handler


def write_changes(path: Path, changes: list[Change], check: Callable[[Path, str], None]) -> Written:
    """Apply the changes whose expected version still holds; `check(file, student)` must accept the result.

    The caller holds the lock. Nothing is written when no change applies or when `check` raises."""
    handler = _yaml()
    data = handler.load(path.read_text(encoding="utf-8")) if path.is_file() else None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        raise LedgerError(f"{path}: expected a mapping with students: under it; fix it by hand")
    loose = [k for k in data if k != "students"]
    if loose:
        raise LedgerError(f"{path}: holds entries for one submission ({', '.join(map(str, loose[:3]))}) outside "
                          "students:; a class needs them under students: <id>: — move them, or give another file")  # fmt: skip
    if data.get("students") is None:
        data["students"] = CommentedMap()
    students = data["students"]
    outcome = Written()
    for change in changes:
        entries = students.get(change.student)
        current = entries.get(change.key) if isinstance(entries, dict) else None
        plain = dict(current) if isinstance(current, dict) else current
        if version(plain) != change.expected:
            outcome.conflicts.append((change, plain))
            continue
        if change.entry is None:
            if isinstance(entries, dict) and change.key in entries:
                del entries[change.key]
        else:
            if not isinstance(entries, dict):
                entries = students[change.student] = CommentedMap()
            entry = CommentedMap(change.entry)
            entry.fa.set_flow_style()
            entries[change.key] = entry
        outcome.applied.append((change, plain))
    if not outcome.applied:
        return outcome
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as stream:
        handler.dump(data, stream)
        stream.flush()
        os.fsync(stream.fileno())
    try:
        for student in {c.student for c, _ in outcome.applied}:
            check(temporary, student)
    except Exception:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, path)
    return outcome


def append_audit(files: TaFiles, records: list[dict[str, Any]]) -> None:
    """Append one line per record, stamped with the time (UTC); the caller holds the lock."""
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    with open(files.audit, "a", encoding="utf-8") as stream:
        for record in records:
            stream.write(json.dumps({"at": now, **record}, ensure_ascii=False) + "\n")
        stream.flush()
        os.fsync(stream.fileno())


def read_audit(files: TaFiles, student: str, key: str) -> list[dict[str, Any]]:
    """The audit lines about one student's check or field, oldest first (unreadable lines are skipped)."""
    if not files.audit.is_file():
        return []
    found = []
    for line in files.audit.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("student") == student and key in (record.get("check"),
                                                                                      record.get("field")):  # fmt: skip
            found.append(record)
    return found

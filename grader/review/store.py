"""A class run's results as the review reads them: the per-student JSON files, the manifest, the queue.

Only files directly in RESULTS_DIR named `<id>.json` are students (not `_*`, not
hidden, not symbolic links); a student is looked up by id in that listing, so
no path is ever built from a URL. Parsed files are cached by their stamp
(modification time and size): a page reloads only what changed on disk, which
is what keeps the queue of a large class fast.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.batch import MANIFEST


class StoreError(ValueError):
    """The results folder cannot be reviewed; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    """What the class run recorded (batch.write_manifest); empty for results written before it existed."""

    gradebook: Path | None = None
    overrides: Path | None = None
    corrections: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)  # student id -> folder or .zip, in class order


@dataclass(frozen=True)
class QueueItem:
    student: str
    question: str
    check_id: str
    title: dict[str, str]
    status: str
    auto_score: float
    max_score: float
    why: tuple[str, ...]  # "read" (a TA must read a picture), "unsure" (a reading to confirm), "partial"
    digest: str  # what the answer held (student_answers.answer_digest); "" when unknown or empty


def read_manifest(results_dir: Path) -> Manifest:
    path = results_dir / MANIFEST
    if not path.is_file():
        return Manifest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(f"{path}: unreadable ({error}); run the class again with grader check --gradebook") from None

    def optional(key: str) -> Path | None:
        return Path(data[key]) if data.get(key) else None

    return Manifest(optional("gradebook"), optional("overrides"), optional("corrections"), dict(data["options"]),
                    {s["id"]: Path(s["source"]) for s in data["students"]})  # fmt: skip


def _why(check: dict[str, Any]) -> tuple[str, ...]:
    sources = check["details"].get("sources") or []
    reasons = []
    if any(s.get("needs_reading") for s in sources):
        reasons.append("read")
    if any(not s.get("needs_reading") and (s.get("confidence", 1) < 0.75 or s.get("note")) for s in sources):
        reasons.append("unsure")
    if check["status"] == "partial":
        reasons.append("partial")
    return tuple(reasons)


class ResultStore:
    """The per-student results of one class run, read on demand and cached by file stamp (thread-safe)."""

    def __init__(self, results_dir: Path) -> None:
        if not results_dir.is_dir():
            raise StoreError(f"{results_dir}: no such folder (give the results folder of a class run, "
                             "e.g. grades_results/)")  # fmt: skip
        self.root = results_dir.resolve()
        self.manifest = read_manifest(self.root)
        self._cache: dict[str, tuple[tuple[int, int], dict[str, Any], list[tuple[tuple[str, int], QueueItem]]]] = {}
        self._lock = threading.Lock()
        if not self.ids():
            raise StoreError(f"{results_dir}: no student results (<id>.json) here; run grader check CLASS "
                             "--gradebook grades.csv first and give its results folder")  # fmt: skip

    def _listing(self) -> dict[str, Path]:
        found = {}
        with os.scandir(self.root) as entries:
            for entry in entries:
                name = entry.name
                if not name.endswith(".json") or name.startswith((".", "_")) or entry.is_symlink():
                    continue
                if entry.is_file(follow_symlinks=False):
                    found[name[: -len(".json")]] = self.root / name
        return found

    def ids(self) -> list[str]:
        """Students in class order (the manifest's), then any others by id."""
        listed = self._listing()
        ordered = [s for s in self.manifest.sources if s in listed]
        return ordered + sorted(set(listed) - set(ordered))

    def path(self, student: str) -> Path:
        """The result file of a student in the listing; KeyError for anything else (no path from input)."""
        path = self._listing()[student]
        if path.resolve().parent != self.root:
            raise KeyError(student)
        return path

    def _load(self, student: str, path: Path) -> tuple[dict[str, Any], list[tuple[tuple[str, int], QueueItem]]]:
        """The student's result and its waiting checks, read again only when the file's stamp changed."""
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(student)
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        data = json.loads(path.read_text(encoding="utf-8"))
        items = list(_waiting(student, data))
        with self._lock:
            self._cache[student] = (stamp, data, items)
        return data, items

    def result(self, student: str) -> dict[str, Any]:
        return self._load(student, self.path(student))[0]

    def forget(self, student: str) -> None:
        """Drop a cached result (after this process rewrote it: a stamp may not change within a clock tick)."""
        with self._lock:
            self._cache.pop(student, None)

    def _entries(self) -> list[tuple[str, dict[str, Any], list[tuple[tuple[str, int], QueueItem]]]]:
        listing = self._listing()
        ordered = [s for s in self.manifest.sources if s in listing]
        found = []
        for student in ordered + sorted(set(listing) - set(ordered)):
            try:
                found.append((student, *self._load(student, listing[student])))
            except (OSError, ValueError, KeyError):
                continue  # being replaced right now, or not a result file: it shows on the next load
        return found

    def results(self) -> dict[str, dict[str, Any]]:
        return {student: data for student, data, _ in self._entries()}

    def queue(self) -> list[QueueItem]:
        """Every check waiting for a TA (flagged, no override), by question, check, then student."""
        keyed = [((key[0], key[1], order), item) for order, (_, _, items) in enumerate(self._entries())
                 for key, item in items]  # fmt: skip
        return [item for _, item in sorted(keyed, key=lambda pair: pair[0])]


def _waiting(student: str, result: dict[str, Any]) -> list[tuple[tuple[str, int], QueueItem]]:
    """A student's checks waiting for a TA, each keyed by (question, position in the question)."""
    found = []
    for qid, question in result["questions"].items():
        for position, check in enumerate(question["checks"]):
            if check["manual_review"] and check["override"] is None:
                found.append(((qid, position), QueueItem(
                    student, qid, check["id"], check["title"], check["status"], float(check["auto_score"]),
                    float(check["max_score"]), _why(check), str(check["details"].get("answer_digest") or ""))))  # fmt: skip
    return found


def filtered(queue: list[QueueItem], question: str = "", check: str = "", student: str = "") -> list[QueueItem]:
    return [i for i in queue if (not question or i.question == question) and (not check or i.check_id == check)
            and (not student or i.student == student)]  # fmt: skip


def counts(queue: list[QueueItem]) -> dict[str, Counter[str]]:
    """How many waiting checks per question, per check and per student (for the filters)."""
    return {"question": Counter(i.question for i in queue), "check": Counter(i.check_id for i in queue),
            "student": Counter(i.student for i in queue)}  # fmt: skip

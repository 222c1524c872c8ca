"""Grading a class: one folder (or .zip) per student, in parallel, resumable, into a gradebook.

Layout: `grader check CLASS_DIR --gradebook grades.csv` treats every
subfolder and every .zip directly inside CLASS_DIR as one student (the id is
the folder name or the zip's stem, or comes from an --ids CSV). A folder with
student files (.py, .ipynb, answer_sheet.yaml) at its top level is one
student's submission, never a class: that is refused, so one student's
folder is never misread as a class of its subfolders.

Each student's result is written, atomically, as `<results>/<id>.json` the
moment it is graded, with the content hash of the submission and the
grader's version; a re-run skips students whose hash and version are
unchanged (`--force` regrades). The gradebook CSV is rewritten after every
student, so an interrupted run (Ctrl-C, a killed process) loses nothing
already graded and the next run continues where it stopped.
"""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import hashlib
import io
import json
import multiprocessing
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grader
from grader.corrections import load as load_corrections
from grader.engine import Budget, Options, grade
from grader.overrides import apply as apply_overrides
from grader.overrides import load as load_overrides
from grader.render import json_out
from grader.results import QUESTION_IDS

STUDENT_FILES = (".py", ".ipynb")
IGNORED = ("__MACOSX", ".DS_Store", "__pycache__")
ZIP_LIMIT = 200 * 1024**2  # uncompressed bytes per submission


class BatchError(ValueError):
    """The class folder or an option is wrong; the message says what to do."""


@dataclass(frozen=True)
class Student:
    id: str
    source: Path  # a folder or a .zip


@dataclass
class BatchResult:
    graded: list[str] = field(default_factory=list)  # graded in this run
    reused: list[str] = field(default_factory=list)  # unchanged since the last run
    failed: dict[str, str] = field(default_factory=dict)  # id -> what went wrong
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> result JSON


def find_students(root: Path, ids_file: Path | None = None) -> list[Student]:
    if not root.is_dir():
        raise BatchError(f"{root}: not a folder (give the folder that holds one subfolder or .zip per student)")
    loose = sorted(p.name for p in root.iterdir() if p.is_file() and (p.suffix in STUDENT_FILES or
                                                                       p.name == "answer_sheet.yaml"))  # fmt: skip
    if loose:
        raise BatchError(f"{root} holds a student's files ({', '.join(loose[:3])}): it looks like ONE submission, "
                         "not a class folder; grade it without --gradebook")  # fmt: skip
    names = _read_ids(ids_file) if ids_file else {}
    students = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.name in IGNORED:
            continue
        if entry.is_dir() or (entry.is_file() and entry.suffix.lower() == ".zip"):
            key = entry.name if entry.is_dir() else entry.stem
            students.append(Student(names.get(key, key), entry))
    seen: dict[str, Path] = {}
    for student in students:
        if not student.id or student.id.startswith((".", "_")) or any(c in student.id for c in "/\\\0"):
            raise BatchError(f"{student.source.name}: {student.id!r} cannot be a student id (a file name is made "
                             "from it); fix the --ids file or rename the folder")  # fmt: skip
        if student.id in seen:
            raise BatchError(f"two submissions for id {student.id!r}: {seen[student.id].name} and "
                             f"{student.source.name}; rename one or fix the --ids file")  # fmt: skip
        seen[student.id] = student.source
    if not students:
        raise BatchError(f"{root}: no student subfolders or .zip files found")
    return students


def _read_ids(path: Path) -> dict[str, str]:
    """A CSV with columns `folder` and `id` (e.g. an LMS export renamed)."""
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise BatchError(f"{path}: cannot read the ids file ({error})") from None
    if not rows or not {"folder", "id"} <= set(rows[0]):
        raise BatchError(f"{path}: expected a CSV with the columns folder,id")
    return {row["folder"].strip(): row["id"].strip() for row in rows}


def content_hash(source: Path) -> str:
    digest = hashlib.sha256()
    if source.is_file():
        digest.update(source.read_bytes())
        return digest.hexdigest()
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(student: Student, options: Options, overrides: Path | None, corrections: Path | None = None) -> str:
    fixed = load_corrections(corrections, student.id) if corrections else {}
    settings = json.dumps({"only": sorted(options.only), "timeout": options.call_timeout,
                           "load_timeout": options.load_timeout, "memory": options.memory_bytes,
                           "notebooks": options.run_notebooks, "budget": dataclasses.asdict(options.budget),
                           "mnist": str(options.mnist) if options.mnist else None,
                           "grader": grader.__version__,
                           "overrides": [o.__dict__ for o in load_overrides(overrides, student.id)] if overrides else [],
                           **({"corrections": [c.__dict__ for c in fixed.values()]} if fixed else {})},
                          sort_keys=True)  # fmt: skip
    return hashlib.sha256((content_hash(student.source) + settings).encode()).hexdigest()


def extract_zip(archive: Path, into: Path) -> Path:
    """A student's zip, unpacked with no path outside `into` and a size limit."""
    with zipfile.ZipFile(archive) as bundle:
        total = 0
        for member in bundle.infolist():
            target = (into / member.filename).resolve()
            if not str(target).startswith(str(into.resolve()) + os.sep) and target != into.resolve():
                raise BatchError(f"{archive.name}: refuses to unpack {member.filename!r} (outside the folder)")
            total += member.file_size
            if total > ZIP_LIMIT:
                raise BatchError(f"{archive.name}: more than {ZIP_LIMIT // 1024**2} MB once unpacked")
        bundle.extractall(into)
    entries = [p for p in into.iterdir() if p.name not in IGNORED]
    # A zip of a folder: grade the folder inside it.
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else into


def grade_student(
    student: Student,
    options: Options,
    overrides: Path | None,
    key: str,
    pdf: tuple[Path, str] | None = None,
    corrections: Path | None = None,
) -> dict[str, Any]:
    """Grade one student (in a worker process); returns the result JSON, with a `batch` record.

    pdf: (file, language) to also write the student's PDF report there (atomically).
    corrections: a TA's corrections file (grader/corrections.py); the student's entries apply.
    """
    fixed = load_corrections(corrections, student.id) if corrections else None
    with tempfile.TemporaryDirectory(prefix="hw4-batch-") as scratch:
        folder = extract_zip(student.source, Path(scratch)) if student.source.is_file() else student.source
        report, internal = grade(folder, options, corrections=fixed)
    if overrides is not None:
        report, _ = apply_overrides(report, load_overrides(overrides, student.id), overrides)
    if pdf is not None:
        from grader.render import pdf_engine, pdf_report

        pdf_engine.write_pdf(pdf_report.build(report, pdf[1]), pdf[0])
    result = json_out.report_dict(report)
    result["batch"] = {"student": student.id, "source": student.source.name, "cache_key": key,
                       "internal_errors": internal}  # fmt: skip
    return result


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _cached(path: Path, key: str) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("batch", {}).get("cache_key") == key else None


def run(
    students: list[Student],
    options: Options,
    results_dir: Path,
    gradebook: Path,
    *,
    jobs: int = 1,
    force: bool = False,
    overrides: Path | None = None,
    pdf_lang: str | None = None,
    progress: Callable[[str, str], None] | None = None,
    corrections: Path | None = None,
) -> BatchResult:
    """Grade every student not already graded with the same content and grader; write as they finish.

    pdf_lang: also write each student's PDF report, `<results>/<id>.pdf`, in that language.
    """
    results_dir.mkdir(parents=True, exist_ok=True)
    write_manifest(results_dir, students, options, gradebook, overrides, corrections)
    outcome = BatchResult()
    todo: list[tuple[Student, str]] = []
    for student in students:
        key = cache_key(student, options, overrides, corrections)
        previous = None if force else _cached(results_dir / f"{student.id}.json", key)
        if previous is not None and pdf_lang and not (results_dir / f"{student.id}.pdf").is_file():
            previous = None  # asked for reports this time: grade again to write one
        if previous is not None:
            outcome.reused.append(student.id)
            outcome.results[student.id] = previous
            if progress:
                progress(student.id, "unchanged")
        else:
            todo.append((student, key))
    write_gradebook(gradebook, students, outcome)

    def finished(student: Student, result: dict[str, Any] | None, error: str | None) -> None:
        if result is not None:
            _write_atomic(results_dir / f"{student.id}.json", json.dumps(result, ensure_ascii=False, indent=2) + "\n")
            outcome.results[student.id] = result
            outcome.graded.append(student.id)
            outcome.failed.pop(student.id, None)
        else:
            outcome.failed[student.id] = error or "unknown error"
        write_gradebook(gradebook, students, outcome)
        if progress:
            progress(student.id, "graded" if result is not None else "failed")

    def pdf_for(student: Student) -> tuple[Path, str] | None:
        return (results_dir / f"{student.id}.pdf", pdf_lang) if pdf_lang else None

    if jobs <= 1:
        for student, key in todo:
            try:
                finished(student, grade_student(student, options, overrides, key, pdf_for(student), corrections), None)
            except Exception as error:  # one student's failure never stops the class
                finished(student, None, f"{type(error).__name__}: {error}")
        return outcome
    context = multiprocessing.get_context("spawn")  # no fork of a process that has threads
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(grade_student, student, options, overrides, key, pdf_for(student), corrections): student
                   for student, key in todo}  # fmt: skip
        try:
            for future in concurrent.futures.as_completed(futures):
                student = futures[future]
                try:
                    finished(student, future.result(), None)
                except Exception as error:
                    finished(student, None, f"{type(error).__name__}: {error}")
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return outcome


GRADEBOOK_COLUMNS = ("id", *QUESTION_IDS, "total", "max_total", "bonus_total", "manual_review", "errors", "status")


def gradebook_row(student: Student, result: dict[str, Any] | None, failure: str | None) -> dict[str, str]:
    row = {"id": student.id}
    if result is None:
        row["status"] = f"failed: {failure}" if failure else "not graded yet"
        return row
    questions = result["questions"]
    for qid in QUESTION_IDS:
        row[qid] = f"{questions[qid]['score']:g}" if questions[qid]["graded"] else ""
    row["total"], row["max_total"] = f"{result['total']:g}", f"{result['max_total']:g}"
    row["bonus_total"] = f"{result['bonus_total']:g}"
    row["manual_review"] = ";".join(q for q in QUESTION_IDS if questions[q]["manual_review"])
    row["errors"] = str(sum(c["status"] == "error" for q in questions.values() for c in q["checks"]))
    internal = result.get("batch", {}).get("internal_errors")
    row["status"] = "graded" if not internal else "graded, grader errors: " + "; ".join(internal)
    return row


def write_gradebook(path: Path, students: list[Student], outcome: BatchResult) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=GRADEBOOK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for student in students:
        writer.writerow(gradebook_row(student, outcome.results.get(student.id), outcome.failed.get(student.id)))
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, buffer.getvalue())


MANIFEST = "_class.json"


def write_manifest(results_dir: Path, students: list[Student], options: Options, gradebook: Path,
                   overrides: Path | None, corrections: Path | None) -> None:  # fmt: skip
    """What `grader review` needs to update this class's results: the students' sources, the gradebook, options."""
    manifest = {"schema": "hw4-grader/class/v1", "gradebook": str(gradebook.resolve()),
                "overrides": str(overrides.resolve()) if overrides else None,
                "corrections": str(corrections.resolve()) if corrections else None,
                "options": options_record(options),
                "students": [{"id": s.id, "source": str(s.source.resolve())} for s in students]}  # fmt: skip
    _write_atomic(results_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def options_record(options: Options) -> dict[str, Any]:
    """Every option that decides a student's results (and so the cache key), as the manifest keeps them."""
    return {"only": sorted(options.only), "call_timeout": options.call_timeout, "load_timeout": options.load_timeout,
            "memory_bytes": options.memory_bytes, "run_notebooks": options.run_notebooks,
            "budget": dataclasses.asdict(options.budget), "mnist": str(options.mnist) if options.mnist else None}  # fmt: skip


def options_from_record(record: dict[str, Any]) -> Options:
    """The options a class was graded with, from its manifest (one written before notebooks ran: the defaults)."""
    budget = record.get("budget")
    return Options(frozenset(record["only"]), float(record["call_timeout"]), float(record["load_timeout"]),
                   int(record["memory_bytes"]), run_notebooks=str(record.get("run_notebooks", "auto")),
                   budget=Budget(**budget) if isinstance(budget, dict) else Budget(),
                   mnist=Path(record["mnist"]) if record.get("mnist") else None)  # fmt: skip


def default_results_dir(gradebook: Path) -> Path:
    return gradebook.with_name(f"{gradebook.stem}_results")


def stale_results(results_dir: Path, students: list[Student]) -> list[str]:
    """Result files of students no longer in the class folder (kept, but listed in the summary)."""
    current = {f"{s.id}.json" for s in students}
    return sorted(p.name for p in results_dir.glob("*.json") if p.name not in current and not p.name.startswith("_"))

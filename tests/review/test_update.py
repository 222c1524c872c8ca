"""What the review writes is what grading again would give, and the next class run knows what to redo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader import batch
from grader.review.ledger import Change, TaFiles, locked, write_changes
from grader.review.store import ResultStore
from grader.review.update import ClassUpdater
from tests.review.classroom import ONLY


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in ("execution_time", "batch", "submission")}


def _decide_and_correct(results: Path) -> tuple[ResultStore, TaFiles]:
    store, files = ResultStore(results), TaFiles(results.parent / "overrides.yaml")
    updater = ClassUpdater(store, files)
    with locked(files):
        write_changes(files.overrides, [Change("400117", "q06.d_batch_size_one",
                                               {"score": 2.5, "reason": "تقریباً کامل", "by": "Sara"}, "")],
                      lambda path, student: None)  # fmt: skip
        write_changes(files.corrections, [Change("400106", "q05.layers.1.output",
                                                 {"value": "(256, 256, 64)", "by": "Sara"}, "")],
                      lambda path, student: None)  # fmt: skip
        updater.rewrite("400117")
        outcome = updater.regrade_field("400106", "q05.layers.1.output")
        updater.write_gradebook()
    assert outcome.rerun == ["q05.layer_table"] and outcome.needs_code == [] and not outcome.missing
    return store, files


def test_the_results_written_equal_a_fresh_grading_with_the_same_files(results: Path, tmp_path: Path) -> None:
    store, files = _decide_and_correct(results)
    students = [batch.Student(s, store.manifest.sources[s]) for s in ("400106", "400117")]
    fresh = batch.run(students, ONLY, tmp_path / "fresh", tmp_path / "fresh.csv", overrides=files.overrides,
                      corrections=files.corrections)  # fmt: skip
    for student in ("400106", "400117"):
        assert _comparable(store.result(student)) == _comparable(fresh.results[student]), student
    book = {line.split(",")[0]: line for line in (results.parent / "grades.csv").read_text().splitlines()}
    for line in (tmp_path / "fresh.csv").read_text().splitlines()[1:]:
        assert book[line.split(",")[0]] == line


def test_the_next_class_run_with_the_same_files_skips_them_and_redoes_a_stale_one(results: Path) -> None:
    store, files = _decide_and_correct(results)
    ClassUpdater(store, files).rewrite("400112", stale=True)  # as after a correction a code-running check reads
    students = [batch.Student(s, p) for s, p in store.manifest.sources.items()]
    before = {s: json.loads((results / f"{s}.json").read_text()) for s in ("400106", "400117")}
    again = batch.run(students, ONLY, results, results.parent / "grades.csv", overrides=files.overrides,
                      corrections=files.corrections)  # fmt: skip
    assert again.graded == ["400112"] and len(again.reused) == 19
    for student in ("400106", "400117"):
        assert json.loads((results / f"{student}.json").read_text()) == before[student]


def test_the_gradebook_keeps_students_that_could_not_be_graded(results: Path) -> None:
    book = results.parent / "grades.csv"
    lines = book.read_text().splitlines()
    header = lines[0].split(",")
    failed = dict.fromkeys(header, "")
    failed.update(id="400199", status="failed: BadZipFile: File is not a zip file")
    book.write_text("\n".join([*lines, ",".join(failed[c] for c in header)]) + "\n")
    store = ResultStore(results)
    manifest = json.loads((results / batch.MANIFEST).read_text())
    manifest["students"].append({"id": "400199", "source": str(results.parent / "400199.zip")})
    (results / batch.MANIFEST).write_text(json.dumps(manifest))
    store = ResultStore(results)
    ClassUpdater(store, TaFiles(results.parent / "overrides.yaml")).write_gradebook()
    assert book.read_text().splitlines()[-1].endswith("failed: BadZipFile: File is not a zip file")
    assert len(book.read_text().splitlines()) == 22

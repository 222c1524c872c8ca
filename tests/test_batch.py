"""Class grading: discovery, the resumable gradebook, failures, zips, parallel runs, the summary."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import batch, class_summary
from grader.cli import main
from grader.engine import Options
from tests.helpers import SUBMISSIONS

ONLY_Q5 = Options(only=frozenset({"q05"}))  # the answer sheet only: fast, no student code runs


def _class(tmp_path: Path, **students: str) -> Path:
    root = tmp_path / "class"
    root.mkdir()
    for student, fixture in students.items():
        shutil.copytree(SUBMISSIONS / fixture, root / student)
    return root


def _rows(path: Path) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines())}


def test_one_students_folder_is_never_taken_for_a_class(tmp_path: Path) -> None:
    with pytest.raises(batch.BatchError, match="looks like ONE submission"):
        batch.find_students(SUBMISSIONS / "perfect")
    result = CliRunner().invoke(main, ["check", str(SUBMISSIONS / "perfect"), "--gradebook", str(tmp_path / "g.csv")])
    assert result.exit_code == 2 and "grade it without --gradebook" in result.output


def test_ids_from_folders_zips_or_a_mapping_file(tmp_path: Path) -> None:
    root = _class(tmp_path, alice="perfect", bob="seed_student")
    with zipfile.ZipFile(root / "carol.zip", "w") as bundle:
        bundle.write(SUBMISSIONS / "perfect" / "answer_sheet.yaml", "carol/answer_sheet.yaml")
    (root / "__MACOSX").mkdir()
    assert [s.id for s in batch.find_students(root)] == ["alice", "bob", "carol"]
    ids = tmp_path / "ids.csv"
    ids.write_text("folder,id\nalice,400111\nbob,400222\n", encoding="utf-8")
    assert [s.id for s in batch.find_students(root, ids)] == ["400111", "400222", "carol"]
    ids.write_text("folder,id\nalice,400111\nbob,400111\n", encoding="utf-8")
    with pytest.raises(batch.BatchError, match="two submissions for id '400111'"):
        batch.find_students(root, ids)
    ids.write_text("folder,id\nalice,../evil\n", encoding="utf-8")
    with pytest.raises(batch.BatchError, match="cannot be a student id"):
        batch.find_students(root, ids)


def test_gradebook_is_resumable_and_regrades_only_what_changed(tmp_path: Path) -> None:
    root = _class(tmp_path, alice="perfect", bob="seed_student")
    students = batch.find_students(root)
    book, results = tmp_path / "grades.csv", tmp_path / "results"
    first = batch.run(students, ONLY_Q5, results, book)
    assert sorted(first.graded) == ["alice", "bob"] and not first.reused
    rows = _rows(book)
    assert rows["alice"]["q05"] == "10" and rows["alice"]["q06"] == "" and rows["bob"]["status"] == "graded"
    again = batch.run(students, ONLY_Q5, results, book)
    assert again.graded == [] and sorted(again.reused) == ["alice", "bob"]
    (root / "bob" / "answer_sheet.yaml").write_text("q05:\n  padding: p = (f - 1) / 2\n", encoding="utf-8")
    changed = batch.run(students, ONLY_Q5, results, book)
    assert changed.graded == ["bob"] and changed.reused == ["alice"]
    assert batch.run(students, ONLY_Q5, results, book, force=True).graded == ["alice", "bob"]
    assert _rows(book) == _rows(book)  # rewritten whole, never appended


def test_an_interrupted_run_loses_nothing(tmp_path: Path) -> None:
    root = _class(tmp_path, alice="perfect", bob="seed_student", carol="blank_handout")
    students = batch.find_students(root)
    book, results = tmp_path / "grades.csv", tmp_path / "results"

    def stop_after_first(student: str, what: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run(students, ONLY_Q5, results, book, progress=stop_after_first)
    rows = _rows(book)
    assert rows["alice"]["status"] == "graded" and rows["bob"]["status"] == "not graded yet"
    resumed = batch.run(students, ONLY_Q5, results, book)
    assert resumed.reused == ["alice"] and resumed.graded == ["bob", "carol"]


def test_a_broken_submission_is_reported_and_the_class_goes_on(tmp_path: Path) -> None:
    root = _class(tmp_path, alice="perfect")
    with zipfile.ZipFile(root / "mallory.zip", "w") as bundle:
        bundle.writestr("../../outside.py", "print('escape')\n")
    (root / "oscar.zip").write_bytes(b"not a zip at all")
    outcome = batch.run(batch.find_students(root), ONLY_Q5, tmp_path / "results", tmp_path / "grades.csv")
    assert outcome.graded == ["alice"]
    assert "outside the folder" in outcome.failed["mallory"] and "BadZipFile" in outcome.failed["oscar"]
    assert not (tmp_path / "outside.py").exists()
    assert _rows(tmp_path / "grades.csv")["mallory"]["status"].startswith("failed: ")


def test_parallel_run_gives_the_same_gradebook(tmp_path: Path) -> None:
    root = _class(tmp_path, alice="perfect", bob="seed_student", carol="cs231n_style")
    students = batch.find_students(root)
    options = Options(only=frozenset({"q05", "q06"}))
    batch.run(students, options, tmp_path / "r1", tmp_path / "one.csv", jobs=1)
    batch.run(students, options, tmp_path / "r2", tmp_path / "two.csv", jobs=2)
    assert (tmp_path / "one.csv").read_text() == (tmp_path / "two.csv").read_text()


def test_summary_lists_failed_checks_and_similar_pairs(tmp_path: Path) -> None:
    root = _class(tmp_path, alice="perfect", bob="seed_student", carol="blank_handout", dave="cs231n_style")
    source = (SUBMISSIONS / "perfect" / "forward_batchnorm.py").read_text(encoding="utf-8")
    renamed = source.replace("gamma", "g").replace("beta", "b").replace("    ", "  ")
    (root / "erin").mkdir()
    (root / "erin" / "bn.py").write_text(renamed, encoding="utf-8")
    students = batch.find_students(root)
    outcome = batch.run(students, ONLY_Q5, tmp_path / "results", tmp_path / "grades.csv")
    text = class_summary.write(tmp_path / "results", students, outcome).read_text(encoding="utf-8")
    assert "| q05 | 5 |" in text and "| q05.layer_table |" in text
    pairs = class_summary.similar_pairs(students)
    assert (pairs[0].first, pairs[0].second) == ("alice", "erin") and pairs[0].similarity > 0.9
    assert all(p.similarity < 0.5 for p in pairs[1:])


def test_template_code_alone_is_not_similarity(tmp_path: Path) -> None:
    from grader.similarity import compare

    template = Path(__file__).resolve().parent.parent / "templates" / "student"
    folders = {}
    for name in ("a", "b"):
        shutil.copytree(template, tmp_path / name)
        folders[name] = tmp_path / name
    assert all(p.similarity == 0 for p in compare(folders))


def test_cli_class_run_writes_gradebook_results_and_summary(tmp_path: Path) -> None:
    root = _class(tmp_path, alice="perfect", bob="seed_student")
    book = tmp_path / "grades.csv"
    result = CliRunner().invoke(main, ["check", str(root), "--gradebook", str(book), "--only", "q05"])
    assert result.exit_code == 0, result.output
    assert "2 graded, 0 unchanged" in result.output
    assert sorted(p.name for p in (tmp_path / "grades_results").iterdir() if p.suffix == ".json") == [
        "_class.json", "alice.json", "bob.json"]  # fmt: skip
    assert (tmp_path / "grades_results" / "_summary.md").is_file()
    manifest = json.loads((tmp_path / "grades_results" / "_class.json").read_text(encoding="utf-8"))
    assert manifest["gradebook"] == str(book.resolve()) and manifest["options"]["only"] == ["q05"]
    assert [(s["id"], s["source"]) for s in manifest["students"]] == [
        ("alice", str((root / "alice").resolve())), ("bob", str((root / "bob").resolve()))]  # fmt: skip
    refused = CliRunner().invoke(main, ["check", str(root), "--gradebook", str(book), "--json", "x.json"])
    assert refused.exit_code == 2 and "drop --json" in refused.output


def test_class_run_can_write_every_students_pdf_report(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    root = _class(tmp_path, alice="seed_student")
    results = tmp_path / "results"
    outcome = batch.run(batch.find_students(root), ONLY_Q5, results, tmp_path / "grades.csv", pdf_lang="en")
    assert outcome.graded == ["alice"]
    assert (results / "alice.pdf").read_bytes().startswith(b"%PDF")


def test_the_manifest_keeps_every_option_that_decides_the_cache_key(tmp_path: Path) -> None:
    # The review recomputes a student's key from the manifest: an option left out would make the next class
    # run grade every reviewed student again (or, worse, reuse results graded under other settings).
    from grader.engine import Budget, Options

    options = Options(frozenset({"q07"}), 12.0, 40.0, 3 * 1024**3, run_notebooks="never",
                      budget=Budget(epochs=2, trials=1, cell_seconds=60.0), mnist=tmp_path / "mnist.npz")  # fmt: skip
    record = json.loads(json.dumps(batch.options_record(options)))
    assert batch.options_from_record(record) == options
    old_manifest = {k: record[k] for k in ("only", "call_timeout", "load_timeout", "memory_bytes")}
    assert batch.options_from_record(old_manifest) == Options(frozenset({"q07"}), 12.0, 40.0, 3 * 1024**3)

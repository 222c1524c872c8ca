"""The TAs' files: round-trip edits, versions, refusals, and no lost update between concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from grader.overrides import OverrideError
from grader.overrides import load as load_overrides
from grader.review.ledger import (
    Change,
    LedgerError,
    TaFiles,
    append_audit,
    locked,
    read_audit,
    student_entries,
    version,
    write_changes,
)


def _readable(path: Path, student: str) -> None:
    load_overrides(path, student)


def _entry(score: float, by: str) -> dict[str, object]:
    return {"score": score, "reason": f"decided by {by}: ok, see p. 3", "by": by}


def test_comments_and_order_survive_and_the_grader_reads_the_result(tmp_path: Path) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text('# kept by the TAs\nstudents:\n  "400101":  # Ali\n    q05.padding_relation: {score: 5, reason: '
                    '"ok"}\n', encoding="utf-8")  # fmt: skip
    written = write_changes(path, [Change("400101", "q06.c_epsilon", _entry(2.5, "سارا"), "")], _readable)
    assert len(written.applied) == 1 and not written.conflicts
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# kept by the TAs\n") and "# Ali" in text
    assert [o.check_id for o in load_overrides(path, "400101")] == ["q05.padding_relation", "q06.c_epsilon"]
    assert load_overrides(path, "400101")[1].reason == "decided by سارا: ok, see p. 3 — سارا"


def test_a_change_made_since_the_page_was_loaded_is_a_conflict_not_an_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "overrides.yaml"
    seen = version(None)
    write_changes(path, [Change("400101", "q06.c_epsilon", _entry(4, "Ali"), seen)], _readable)
    late = write_changes(path, [Change("400101", "q06.c_epsilon", _entry(1, "Sara"), seen)], _readable)
    assert not late.applied and late.conflicts[0][1] == _entry(4, "Ali")
    assert student_entries(path, "400101")["q06.c_epsilon"]["by"] == "Ali"
    current = version(student_entries(path, "400101")["q06.c_epsilon"])
    again = write_changes(path, [Change("400101", "q06.c_epsilon", _entry(1, "Sara"), current)], _readable)
    assert again.applied and student_entries(path, "400101")["q06.c_epsilon"]["by"] == "Sara"
    removed = write_changes(path, [Change("400101", "q06.c_epsilon", None, version(_entry(1, "Sara")))], _readable)
    assert removed.applied and student_entries(path, "400101") == {}


def test_a_file_the_grader_would_refuse_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text("students:\n", encoding="utf-8")

    def refuse(file: Path, student: str) -> None:
        raise OverrideError("no")

    with pytest.raises(OverrideError):
        write_changes(path, [Change("400101", "q06.c_epsilon", _entry(2, "Ali"), "")], refuse)
    assert path.read_text(encoding="utf-8") == "students:\n" and list(tmp_path.iterdir()) == [path]


def test_a_one_submission_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text("q06.c_epsilon: {score: 2, reason: ok}\n", encoding="utf-8")
    with pytest.raises(LedgerError, match="outside students:"):
        write_changes(path, [Change("400101", "q06.c_epsilon", _entry(2, "Ali"), "")], _readable)


def _writer(overrides: str, name: str, count: int) -> None:
    """One TA deciding `count` checks of their own students, each under the lock, as the review does."""
    files = TaFiles(Path(overrides))
    for index in range(count):
        student = f"{name}{index:03d}"
        with locked(files):
            written = write_changes(files.overrides, [Change(student, "q06.c_epsilon", _entry(index % 6, name), "")],
                                    _readable)  # fmt: skip
            assert written.applied, written
            append_audit(files, [{"by": name, "student": student, "check": "q06.c_epsilon", "new": index % 6}])


@pytest.mark.parametrize("how", ["processes", "threads"])
def test_two_tas_writing_at_once_lose_nothing(tmp_path: Path, how: str) -> None:
    files = TaFiles(tmp_path / "overrides.yaml")
    count = 25
    context = multiprocessing.get_context("spawn")
    workers = [(context.Process if how == "processes" else threading.Thread)(  # type: ignore[attr-defined]
        target=_writer, args=(str(files.overrides), name, count)) for name in ("ali", "sara")]  # fmt: skip
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert getattr(worker, "exitcode", 0) == 0
    for name in ("ali", "sara"):
        for index in range(count):
            assert load_overrides(files.overrides, f"{name}{index:03d}")[0].score == index % 6
    lines = files.audit.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * count and all(json.loads(line)["at"] for line in lines)
    assert len(read_audit(files, "ali007", "q06.c_epsilon")) == 1


def _racer(overrides: str, name: str, start: object) -> None:
    files = TaFiles(Path(overrides))
    start.wait()  # type: ignore[attr-defined]
    with locked(files):
        written = write_changes(files.overrides, [Change("400101", "q06.c_epsilon", _entry(3, name), "")], _readable)
    Path(overrides).with_name(f"{name}.out").write_text("applied" if written.applied else "conflict")


def test_two_tas_deciding_the_same_check_at_once_one_wins_the_other_is_told(tmp_path: Path) -> None:
    files = TaFiles(tmp_path / "overrides.yaml")
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    racers = [context.Process(target=_racer, args=(str(files.overrides), n, start)) for n in ("ali", "sara")]
    for racer in racers:
        racer.start()
    start.set()
    for racer in racers:
        racer.join(timeout=120)
    outcomes = sorted((tmp_path / f"{n}.out").read_text() for n in ("ali", "sara"))
    assert outcomes == ["applied", "conflict"]
    winner = student_entries(files.overrides, "400101")["q06.c_epsilon"]["by"]
    assert (tmp_path / f"{winner}.out").read_text() == "applied"

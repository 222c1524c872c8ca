"""The results a review reads: only <id>.json files of the folder, cached by stamp, the queue in order."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from grader.review.store import ResultStore, StoreError, counts, filtered


def test_only_the_students_result_files_are_listed(results: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.json").write_text((results / "400101.json").read_text())
    (results / "linked.json").symlink_to(tmp_path / "outside.json")
    (results / ".hidden.json").write_text("{}")
    store = ResultStore(results)
    ids = store.ids()
    assert ids[:3] == ["400101", "400102", "400103"] and len(ids) == 20  # class order, from the manifest
    for name in ("linked", ".hidden", "_class", "../outside", str(tmp_path / "outside"), "400101.json"):
        with pytest.raises(KeyError):
            store.path(name)


def test_a_changed_file_is_read_again_and_only_then(results: Path) -> None:
    store = ResultStore(results)
    first = store.result("400117")
    assert store.result("400117") is first
    data = json.loads((results / "400117.json").read_text())
    data["total"] = 99.0
    (results / "400117.json").write_text(json.dumps(data))
    os.utime(results / "400117.json", ns=(1, 1))
    assert store.result("400117")["total"] == 99.0


def test_the_queue_is_by_question_then_check_then_student_with_counts(results: Path) -> None:
    queue = ResultStore(results).queue()
    keys = [(i.question, i.student) for i in queue]
    assert [q for q, _ in keys] == sorted(q for q, _ in keys)
    d = filtered(queue, check="q06.d_batch_size_one")
    assert [i.student for i in d] == sorted(i.student for i in d) and {"400117", "400120"} <= {i.student for i in d}
    assert counts(queue)["check"]["q06.d_batch_size_one"] == len(d)
    assert {i.digest for i in d if i.student in ("400117", "400118", "400119")} != {""}
    assert len({i.digest for i in d if i.student in ("400117", "400118", "400119")}) == 1


def test_a_folder_without_results_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no student results"):
        ResultStore(tmp_path)

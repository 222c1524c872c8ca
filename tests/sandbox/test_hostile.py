"""The adversarial suite: every fixture is one attack or breakage (tests/fixtures/hostile/).

For each one: grading finishes within its budget; the attacked question scores
no more than honest work of that quality (0 for the broken part); the other
questions and the answer-sheet parts of Q6 are graded normally; the feedback
says what happened, in both languages; nothing outside the scratch folder
changed; and no result was forged.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.engine import Budget, Options, grade
from grader.render import json_out
from grader.results import GradeReport
from tests.helpers import FIXTURES, SUBMISSIONS

HOSTILE = FIXTURES / "hostile"
REPO = Path(__file__).resolve().parents[2]
BUDGET_S = 60.0
OPTIONS = Options(only=frozenset({"q05", "q06"}), call_timeout=2.0, load_timeout=4.0)
SHEET_CHECKS = ("q06.a_statements", "q06.c_epsilon", "q06.d_batch_size_one", "q06.e_trainable_params")
B_CHECKS = ("q06.b_train_output", "q06.b_moving_stats", "q06.b_test_mode", "q06.b_shapes", "q06.b_epsilon",
            "q06.b_no_mutation", "q06.b_float32")  # fmt: skip


@dataclass(frozen=True)
class Expect:
    b_max: float  # the most the seven code checks of Q6(b) may earn: 6 = honest full marks
    says: tuple[str, ...]  # one of these must appear in the feedback or the notes (English)


ATTACKS: dict[str, Expect] = {
    # time and resources
    "loop_in_function": Expect(0, ("did not finish within",)),
    "loop_at_import": Expect(6, ("did not finish loading",)),
    "sleep_forever": Expect(0, ("did not finish within",)),
    "memory_bomb": Expect(0, ("memory",)),
    "fork_bomb": Expect(6, ("did not finish loading",)),
    "fork_bomb_os": Expect(6, ("os.fork is not allowed",)),
    "thread_bomb": Expect(0, ("can't start new thread", "did not finish within")),
    "print_gigabytes": Expect(6, ("printed", "did not finish loading")),
    "huge_file": Expect(6, ("File too large",)),
    "deep_recursion": Expect(0, ("RecursionError",)),
    "stack_overflow": Expect(0, ("RecursionError", "ended abruptly", "did not finish within")),
    "segfault": Expect(0, ("ended abruptly",)),
    # escape and snooping
    "network_socket": Expect(0, ("network access is disabled",)),
    "network_urllib": Expect(6, ("network access is disabled",)),
    "import_grader": Expect(0, ("may not import the grader",)),
    "import_reference": Expect(0, ("may not import the grader's module 'reference",)),
    "open_answers_by_path": Expect(0, ("found []",)),
    "walk_for_checks": Expect(0, ("readable []",)),
    "read_parent_proc": Expect(0, ("stolen []",)),
    "env_secrets": Expect(0, ("secrets []",)),
    # forgery
    "fake_results_print": Expect(0, ("has shape ()",)),
    "write_results_file": Expect(6, ("Train-mode output is right",)),
    "sys_exit_import": Expect(6, ("SystemExit",)),
    "os_exit_import": Expect(6, ("did not finish loading",)),
    "os_exit_in_call": Expect(0, ("ended abruptly",)),
    "raise_keyboard_interrupt": Expect(0, ("KeyboardInterrupt",)),
    "raise_base_exception": Expect(0, ("GradingOver",)),
    "kill_parent": Expect(0, ("differs",)),
    "close_channels": Expect(0, ("ended abruptly",)),
    "signal_handlers": Expect(0, ("did not finish within",)),
    "traceback_disabled": Expect(0, ("ValueError: shapes (8,5) and (1,7) not aligned",)),
    # lying values
    "eq_always_true": Expect(0, ("not a numeric array",)),
    "ndarray_subclass_lies": Expect(0, ("differs",)),
    "array_protocol_trick": Expect(0, ("not a numeric array",)),
    "monkeypatch_numpy": Expect(0, ("differs",)),
    "nan_inf_values": Expect(0, ("NaN",)),
    "object_array": Expect(0, ("not a numeric array",)),
    "wrong_dtype": Expect(0, ("dtype <U",)),
    "raises_when_touched": Expect(0, ("differs", "not a numeric array")),
    "pickle_payload": Expect(0, ("not a numeric array",)),
    # broken inputs
    "syntax_error": Expect(0, ("SyntaxError",)),
    "missing_import": Expect(6, ("tensorflow_addons",)),
    "non_utf8_source": Expect(0, ("is not UTF-8",)),
}
CANARIES = (Path("/tmp/hw4_pwned_pickle"), Path("/tmp/hw4_pwned_results.json"), REPO / "results.json",
            REPO / "pwned.txt", Path("/dev/shm/hw4_pwned"))  # fmt: skip


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
        if not p.is_symlink()
    }


def top_level(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def grade_attack(folder: Path, tmp_path: Path) -> tuple[GradeReport, float, dict[str, object]]:
    before = fingerprint(folder), top_level(REPO), top_level(Path("/tmp"))
    started = time.monotonic()
    report, internal = grade(folder, OPTIONS)
    elapsed = time.monotonic() - started
    assert internal == []
    assert fingerprint(folder) == before[0], "the submission folder changed"
    assert top_level(REPO) == before[1], "something was written into the project"
    assert not {n for n in top_level(Path("/tmp")) - before[2] if "pwned" in n or n == "results.json"}
    for canary in CANARIES:
        assert not canary.exists(), canary
    written = tmp_path / "result.json"
    written.write_text(json_out.render(report), encoding="utf-8")
    return report, elapsed, json.loads(written.read_text(encoding="utf-8"))


def assert_graded_normally_apart_from_b(report: GradeReport, result: dict[str, object], b_max: float) -> None:
    assert report.question("q05").score == 10
    checks = {c.check_id: c for c in report.question("q06").checks}
    for check_id in SHEET_CHECKS:
        assert checks[check_id].score == checks[check_id].max_score, check_id
    b_score = sum(checks[c].score for c in B_CHECKS)
    assert b_score <= b_max
    if b_max == 6:
        assert b_score == 6, "honest work hidden behind the attack must still be graded"
    # No forged result: the written total is the one computed from the checks.
    assert result["total"] == report.total == 10 + 9 + 5 + b_score  # type: ignore[comparison-overlap]


def said(report: GradeReport) -> tuple[str, str]:
    en = " ".join([c.feedback.en for c in report.question("q06").checks] + [n.message.en for n in report.notes])
    fa = " ".join([c.feedback.fa for c in report.question("q06").checks] + [n.message.fa for n in report.notes])
    return en, fa


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack(attack: str, submission, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HW4_TEST_SECRET", "the grader's environment must not reach student code")
    expect = ATTACKS[attack]
    folder = submission({"forward_batchnorm.py": HOSTILE / f"{attack}.py"})
    report, elapsed, result = grade_attack(folder, tmp_path)
    assert elapsed < BUDGET_S
    assert_graded_normally_apart_from_b(report, result, expect.b_max)
    en, fa = said(report)
    assert any(phrase in en for phrase in expect.says), en
    assert fa.strip()


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_in_a_notebook_that_is_run(
    attack: str, submission, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The same attacks as a notebook cell run top to bottom (execution mode, as real notebooks are graded)."""
    monkeypatch.setenv("HW4_TEST_SECRET", "the grader's environment must not reach student code")
    source = (HOSTILE / f"{attack}.py").read_bytes().decode("utf-8", "replace")
    cells = [{"cell_type": "code", "source": source, "outputs": [], "metadata": {}, "execution_count": None}]
    folder = submission({})
    (folder / "HW4_Q6.ipynb").write_text(json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 0}))
    options = Options(only=frozenset({"q05", "q06"}), call_timeout=2.0, load_timeout=4.0, run_notebooks="always",
                      budget=Budget(cell_seconds=4.0, notebook_seconds=10.0))  # fmt: skip
    before = fingerprint(folder), top_level(REPO)
    started = time.monotonic()
    report, internal = grade(folder, options)
    assert internal == [] and time.monotonic() - started < BUDGET_S
    assert fingerprint(folder) == before[0] and top_level(REPO) == before[1]
    for canary in CANARIES:
        assert not canary.exists(), canary
    checks = {c.check_id: c for c in report.question("q06").checks}
    assert report.question("q05").score == 10 and all(checks[c].score == checks[c].max_score for c in SHEET_CHECKS)
    assert sum(checks[c].score for c in B_CHECKS) <= ATTACKS[attack].b_max
    written = json.loads(json_out.render(report))
    assert written["total"] == report.total  # nothing the notebook printed or wrote became a result


def test_corrupt_notebook_and_empty_files(submission, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = submission({"broken.ipynb": '{"cells": [ {"cell_type": "code", "source": ', "empty.py": "",
                         "empty.ipynb": "", "fine.py": HOSTILE.parent / "submissions" / "perfect" / "forward_batchnorm.py"})  # fmt: skip
    report, elapsed, result = grade_attack(folder, tmp_path)
    assert elapsed < BUDGET_S
    assert_graded_normally_apart_from_b(report, result, 6)
    en, _ = said(report)
    assert "broken.ipynb: not a readable notebook" in en and "empty.py: empty file" in en


def test_fifty_megabyte_notebook_of_outputs(submission, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = (SUBMISSIONS / "perfect" / "forward_batchnorm.py").read_text(encoding="utf-8")
    output = {"output_type": "stream", "name": "stdout", "text": ["epoch 1/60 - loss: 0.1234\n" * 40_000]}
    cells = [{"cell_type": "code", "source": ["import numpy as np\n"], "outputs": [output] * 25, "metadata": {}}]
    cells.append({"cell_type": "code", "source": [source], "outputs": [], "metadata": {}})
    folder = submission({})
    (folder / "HW4.ipynb").write_text(json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5}))
    assert (folder / "HW4.ipynb").stat().st_size > 25_000_000
    report, elapsed, result = grade_attack(folder, tmp_path)
    assert elapsed < BUDGET_S
    assert_graded_normally_apart_from_b(report, result, 6)


def test_file_names_with_spaces_and_persian(submission, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = submission({"تمرین ۶/batch norm (final).py": SUBMISSIONS / "perfect" / "forward_batchnorm.py"})
    report, _, result = grade_attack(folder, tmp_path)
    assert_graded_normally_apart_from_b(report, result, 6)


def test_duplicate_definitions_across_files_say_which_was_graded(submission, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = submission({"a.py": SUBMISSIONS / "perfect" / "forward_batchnorm.py",
                         "b.py": FIXTURES / "q06_bugs" / "unbiased_variance.py"})  # fmt: skip
    report, _, result = grade_attack(folder, tmp_path)
    assert_graded_normally_apart_from_b(report, result, 5)
    en, fa = said(report)
    assert "graded the one in b.py" in en and "b.py" in fa


def test_symlinks_pointing_outside_are_not_followed(submission, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = submission({})
    (folder / "copied_reference.py").symlink_to(REPO / "reference" / "q06_batchnorm.py")
    (folder / "grader_dir").symlink_to(REPO / "grader", target_is_directory=True)
    report, _, result = grade_attack(folder, tmp_path)
    assert_graded_normally_apart_from_b(report, result, 0)
    en, _ = said(report)
    assert "copied_reference.py: a symbolic link" in en


def test_the_grader_survives_and_leaves_no_process_behind(submission, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # This run's sandboxes work under a folder of their own, named on every child's command line (its plan):
    # children of another grader running on the machine at the same time are not this run's leftovers.
    own = tmp_path / "own-sandboxes"
    own.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own))
    folder = submission({"forward_batchnorm.py": HOSTILE / "fork_bomb.py"})
    grade_attack(folder, tmp_path)
    time.sleep(0.5)
    leftovers = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"__hw4_child__" in cmdline and str(own).encode() in cmdline and int(entry.name) != os.getpid():
                leftovers.append(entry.name)
    assert leftovers == []


def test_every_attack_has_a_fixture_and_every_fixture_a_test() -> None:
    assert {p.stem for p in HOSTILE.glob("*.py")} == set(ATTACKS)
    assert len(ATTACKS) + 5 >= 30

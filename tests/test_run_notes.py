"""Notes on how a submission's files loaded and ran, built from the child's account of each cell."""

from __future__ import annotations

from typing import Any

from grader.run_notes import load_notes, run_notes
from grader.sandbox.client import UnitReport
from grader.submission import Cell, Unit


def _report(cells: list[Any], mode: str = "execute") -> UnitReport:
    unit = Unit(file="HW4_Q7.ipynb", module="hw4_q7", cells=(Cell(index=0, source="x = 1"),), mode=mode)
    return UnitReport(unit=unit, cells=cells)


def test_a_run_is_summed_up_with_its_failures_and_stopped_cells() -> None:
    cells = [
        {"index": 0},
        {"index": 1, "errors": [{"line": 1, "message": "NameError: x"}]},
        {"index": 2, "timed_out": 5},
    ]
    [note] = run_notes([_report(cells)])
    assert note.message.en == (
        "HW4_Q7.ipynb was run top to bottom: 3 cells, 1 with an error; cell(s) 3 stopped at the time limit"
    )
    assert "۳" not in note.message.fa and "سلول 3 در سقف زمان متوقف شد" in note.message.fa


def test_a_malformed_account_from_the_child_is_a_note_for_the_ta_not_a_crash() -> None:
    # The child runs student code: what it sends back is data to check, never trusted to have the right shape.
    bad = _report([{"index": "one", "timed_out": True}, "not a cell", {"index": 3, "errors": [{"line": 2}]}])
    good = _report([{"index": 0}])
    notes = run_notes([bad, good]) + load_notes([bad, good], load_timeout=30)
    texts = [n.message.en for n in notes]
    assert texts.count("HW4_Q7.ipynb: the account of how it ran came back malformed (something in it changed the "
                       "grader's records); a TA should look at this file") == 2  # fmt: skip
    assert any(t.startswith("HW4_Q7.ipynb was run top to bottom: 1 cells") for t in texts)

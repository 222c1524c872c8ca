from pathlib import Path

import pytest

from grader.results import Status
from tests.helpers import SUBMISSIONS, grade_folder, statuses


def sheet_with(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "answer_sheet.yaml").write_text(body, encoding="utf-8")
    return folder


def test_perfect_submission_gets_full_marks(perfect_report) -> None:  # type: ignore[no-untyped-def]
    q05 = perfect_report.question("q05")
    assert q05.score == q05.max_score == 10
    assert set(statuses(perfect_report, "q05").values()) == {"passed"}


def test_each_wrong_cell_costs_one_eighteenth_and_is_explained(tmp_path: Path) -> None:
    text = (SUBMISSIONS / "perfect" / "answer_sheet.yaml").read_text(encoding="utf-8")
    text = text.replace('1: {output: "(256, 256, 64)", params: 1792}', '1: {output: "(254, 254, 64)", params: 1728}')
    text = text.replace('8: {output: "غیرقابل اعمال", params: 819328}', '8: {output: "(4, 4, 128)", params: 819328}')
    report = grade_folder(sheet_with(tmp_path, text), only=("q05",))
    table = report.question("q05").checks[0]
    assert table.status is Status.PARTIAL and table.score == pytest.approx(5 * 15 / 18, abs=1e-3)
    assert "15 of 18" in table.feedback.en and "15 خانه از 18" in table.feedback.fa
    assert "the biases are missing" in table.feedback.en
    assert "layer 8 output" in table.feedback.en and "cannot be applied" in table.feedback.en
    cells = dict(table.details)["cells"]
    assert cells[0]["output_ok"] is False and cells[1]["output_ok"] is True  # type: ignore[index]


@pytest.mark.parametrize(
    ("answer", "fraction"),
    [("p = (f - 1) / 2", 1), ("2p = f - 1", 1), ("f = 2p+1", 1), ("p = floor(f/2)", 1), ("(f-1)/2", 1),
     ("p = f - 1", 0.5), ("p = f/2", 0), ("p = (n - 1)/2", 0), ("p = 1", 0)],
)  # fmt: skip
def test_padding_relation_accepts_any_equivalent_form(tmp_path: Path, answer: str, fraction: float) -> None:
    report = grade_folder(sheet_with(tmp_path, f'q05:\n  padding: "{answer}"\n'), only=("q05",))
    check = next(c for c in report.question("q05").checks if c.check_id == "q05.padding_relation")
    assert check.score == pytest.approx(5 * fraction)


def test_unreadable_padding_names_line_and_field(tmp_path: Path) -> None:
    report = grade_folder(sheet_with(tmp_path, "q05:\n  padding: p = import os\n"), only=("q05",))
    check = next(c for c in report.question("q05").checks if c.check_id == "q05.padding_relation")
    assert check.score == 0 and "line 2" in check.feedback.en and "q05.padding" in check.feedback.en


def test_seed_student_transcription(tmp_path: Path) -> None:
    report = grade_folder(SUBMISSIONS / "seed_student", only=("q05",))
    table = report.question("q05").checks[0]
    # Layers 1-7 right (14 cells); layers 8 and 9 were not legibly answered.
    assert table.score == pytest.approx(5 * 14 / 18, abs=1e-3)
    assert "layer 8 output: not answered" in table.feedback.en

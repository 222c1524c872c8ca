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
     ("p=⌊f/2⌋", 1), ("p = ⌈(f-1)/2⌉", 1), ("پدینگ باید (F-1)/2 باشد تا خروجی هم‌اندازه بماند", 1),
     ("n + 2p - f + 1 = n ⟹ 2p = f − 1 ⟹ p = (f − 1)/2", 1),
     ("p = f - 1", 0.5), ("p = f/2", 0.3), ("p = (n - 1)/2", 0), ("p = 1", 0)],
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


def test_a_size_right_for_the_students_own_wrong_input_earns_half(tmp_path: Path) -> None:
    """Layer 5 floored the wrong way (24 instead of 23): layers 6 and 7, right for 24, earn half their size."""
    text = (SUBMISSIONS / "perfect" / "answer_sheet.yaml").read_text(encoding="utf-8")
    text = text.replace('5: {output: "(23, 23, 64)"', '5: {output: "(24, 24, 64)"')
    text = text.replace('6: {output: "(11, 11, 64)"', '6: {output: "(12, 12, 64)"')
    text = text.replace('7: {output: "(11, 11, 256)"', '7: {output: "(12, 12, 256)"')
    assert text.count("(12, 12,") == 2
    table = grade_folder(sheet_with(tmp_path, text), only=("q05",)).question("q05").checks[0]
    assert table.score == pytest.approx(5 * 16 / 18, abs=1e-3)  # 17 cells, two of them half: 16 of 18
    assert "right for your own layer 5 output (24, 24, 64)" in table.feedback.en
    assert "برای خروجی خودتان در لایهٔ 5" in table.feedback.fa


def test_the_table_as_students_write_it(tmp_path: Path) -> None:
    """Unworked arithmetic, words for zero, «معنا ندارد» and «پارامتر ندارد», thousands separators."""
    body = """q05:
  layers:
    1: {output: "۲۵۶×۲۵۶×۶۴", params: "(3×3×3+1)×64"}
    2: {output: "(124, 124, 32)", params: "۵۱٬۲۳۲"}
    3: {output: "62x62x32", params: "صفر"}
    4: {output: "62x62x128", params: "3*3*32*128+128"}
    5: {output: "23x23x64", params: "204,864"}
    6: {output: "11x11x64", params: "پارامتر ندارد"}
    7: {output: "11x11x256", params: "«۳×۳×۶۴+۱)×۲۵۶»"}
    8: {output: "معنا ندارد (ورودی ۱۱×۱۱ از فیلتر ۳۳×۳۳ کوچک‌تر است)", params: "undefined"}
    9: {output: "تعریف نشده", params: "ندارد"}
"""
    table = grade_folder(sheet_with(tmp_path, body), only=("q05",)).question("q05").checks[0]
    assert table.score == 5, table.feedback.en

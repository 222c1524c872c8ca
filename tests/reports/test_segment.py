"""Questions and parts as students head them, in Persian and English."""

from __future__ import annotations

import pytest

from grader.reports.document import Block, Location
from grader.reports.fields import start_markers
from grader.reports.segment import part_label, question_heading, segment, trailing_heading


def blocks(*lines: str) -> list[Block]:
    return [Block("text", line, Location("Report.docx", paragraph=i)) for i, line in enumerate(lines, start=1)]


@pytest.mark.parametrize(("line", "number", "rest"), [
    ("سوال 1- KerasTuner یک کتابخانه است", 1, "KerasTuner یک کتابخانه است"),
    ("سوال اول", 1, ""),
    ("سؤال ۵)", 5, ""),
    ("# سوال دوم", 2, ""),
    ("سوال اول(", 1, ""),
    ("پرسش ۳: پاسخ", 3, "پاسخ"),
    ("Q1) What KerasTuner is", 1, "What KerasTuner is"),
    ("Question 5", 5, ""),
    ("**سوال هفتم**", 7, ""),
])  # fmt: skip
def test_question_headings(line: str, number: int, rest: str) -> None:
    assert question_heading(line) == (number, rest)


@pytest.mark.parametrize("line", ["تمرین چهارم", "سوال ۹", "در سوال ۵ گفتیم که", "Quick note"])
def test_lines_that_are_no_question_heading(line: str) -> None:
    assert question_heading(line) is None


def test_a_heading_at_the_end_of_a_line() -> None:
    assert trailing_heading("پس ۴۰ پارامتر داریم. سوال هفتم") == (7, "پس ۴۰ پارامتر داریم.")
    assert trailing_heading("سوال هفتم") is None  # at the start it is a normal heading


@pytest.mark.parametrize(("line", "part", "rest"), [
    ("الف)", "a", ""), ("(ب", "b", ""), (")الف(", "a", ""), ("ج- متن", "c", "متن"), ("د) اندازه", "d", "اندازه"),
    ("ه) ۲۶۰ پارامتر", "e", "۲۶۰ پارامتر"), ("### الف)", "a", ""), ("بخش اول) متن", "a", "متن"),
    ("قسمت دوم", "b", ""), ("(a) text", "a", "text"), ("b. text here", "b", "text here"), ("Part c", "c", ""),
])  # fmt: skip
def test_part_labels(line: str, part: str, rest: str) -> None:
    assert part_label(line) == (part, rest)


@pytest.mark.parametrize("line", ["ب یک حرف است", "درست است", "a good model"])
def test_lines_that_are_no_part_label(line: str) -> None:
    assert part_label(line) is None


def test_parts_restarting_inside_a_part_stay_in_that_part() -> None:
    seg = segment(blocks("سوال اول", "الف)", "KerasTuner", "ب)", "MNIST", "ج)", "کد", "الف)", "فیلتر ۳ در ۳",
                         "ب)", "overfitting"), start_markers())  # fmt: skip
    parts = seg.questions["q01"].parts
    assert [p.label for p in parts] == ["a", "b", "c"]
    assert [b.text for b in parts[2].blocks] == ["کد", "فیلتر ۳ در ۳", "overfitting"]


def test_out_of_order_parts_keep_their_labels() -> None:
    seg = segment(blocks("سوال ششم", "د)", "batch 1", "ج)", "اپسیلون"), start_markers())
    assert [(p.label, p.blocks[0].text) for p in seg.questions["q06"].parts] == [("d", "batch 1"), ("c", "اپسیلون")]


def test_a_lost_label_is_the_next_part_and_a_numbered_item_is_not() -> None:
    seg = segment(blocks("سوال ششم", "ب)", "کد", "ج)", "اپسیلون", "۱) یک", "(۲", "دو", "(১", "اندازه یک", "(0",
                         "۲۶۰"), start_markers())  # fmt: skip
    parts = {p.label: [b.text for b in p.blocks] for p in seg.questions["q06"].parts}
    assert parts["c"] == ["اپسیلون", "۱) یک", "دو"]
    assert parts["d"] == ["اندازه یک"] and parts["e"] == ["۲۶۰"]


def test_a_question_without_heading_is_found_by_its_start_marker() -> None:
    seg = segment(blocks("سوال پنجم", "جدول", "عبارت اول: نادرست", "عبارت دوم: درست", "ب)", "کد"), start_markers())
    assert [b.text for b in seg.questions["q05"].blocks] == ["جدول"]
    q6 = seg.questions["q06"]
    assert q6.how == "marker" and [p.label for p in q6.parts] == ["a", "b"]


def test_text_before_the_first_heading_is_the_preamble_or_the_files_question() -> None:
    lines = blocks("نام: علی رضایی", "تحلیل: مدل به لبه‌ها توجه می‌کند")
    assert segment(lines, start_markers()).preamble == lines
    assert segment(lines, start_markers(), default="q07").questions["q07"].blocks == lines


def test_a_table_of_contents_is_not_read_as_headings_and_labels() -> None:
    seg = segment(blocks("فهرست", "سوال ۱ ........ ۳", "الف) KerasTuner ........ ۳", "ب) MNIST …… ۴", "Q5 (a) . . . . . 7",
                         "سوال ۱", "الف)", "KerasTuner یک کتابخانه است", "ب)", "MNIST شامل ۷۰٬۰۰۰ تصویر است"),
                  start_markers())  # fmt: skip
    parts = seg.questions["q01"].parts
    assert [(p.label, [b.text for b in p.blocks]) for p in parts if p.blocks] == [
        ("a", ["KerasTuner یک کتابخانه است"]), ("b", ["MNIST شامل ۷۰٬۰۰۰ تصویر است"])]  # fmt: skip
    assert "q05" not in seg.questions

"""Which statements a student calls true, read from prose (grader/statements.py, Q6(a))."""

from __future__ import annotations

import pytest

from grader.statements import read_statements, statement_texts


@pytest.mark.parametrize(
    ("text", "verdicts", "implicit"),
    [("عبارت اول: نادرست\nعبارت دوم: درست\nعبارت سوم: نادرست", {1: False, 2: True, 3: False}, ()),
     ("عبارت‌های ۲ و ۳ درست هستند.", {1: False, 2: True, 3: True}, (1,)),
     ("فقط عبارت ۲ درست است.", {1: False, 2: True, 3: False}, (1, 3)),
     ("Only statement 1 is true: it makes each step faster.", {1: True, 2: False, 3: False}, (2, 3)),
     ("هیچ‌کدام از عبارت‌ها درست نیست.", {1: False, 2: False, 3: False}, ()),
     ("statement 2 is not correct, statement 3 is wrong", {2: False, 3: False}, ()),
     # the statement word once, then ordinals or list numbers alone before each verdict
     ("عبارت اول نادرست، دوم درست، سوم نادرست", {1: False, 2: True, 3: False}, ()),
     ("اولی غلط، دومی درست، سومی غلط", {1: False, 2: True, 3: False}, ()),
     ("1) false 2) true 3) false", {1: False, 2: True, 3: False}, ()),
     # two called false in one breath: the third is called true
     ("عبارت‌های ۱ و ۳ نادرست هستند.", {1: False, 2: True, 3: False}, (2,)),
     ("Statements 1 and 3 are false.", {1: False, 2: True, 3: False}, (2,))],
)  # fmt: skip
def test_verdicts_as_students_write_them(text: str, verdicts: dict[int, bool], implicit: tuple[int, ...]) -> None:
    reading = read_statements(text)
    assert reading is not None and reading.verdicts == verdicts and reading.implicit == implicit


def test_no_verdict_is_no_reading() -> None:
    assert read_statements("batch normalization is useful") is None
    reading = read_statements("عبارت سوم هم ربطی به BN ندارد.")
    assert reading is None  # a statement named without a verdict
    assert read_statements("اول درست بود که بعد …") is None  # one ordinal before a verdict word is not a statement


def test_an_ordinal_inside_a_reason_is_no_statement_mark() -> None:
    reading = read_statements("عبارت دوم درست است. اول اینکه نرمال‌سازی درست انجام می‌شود.")
    assert reading is not None and reading.verdicts == {1: False, 2: True, 3: False} and reading.implicit == (1, 3)


def test_each_statements_own_reasons() -> None:
    texts = statement_texts(
        "عبارت اول نادرست است چون زمان می‌برد. عبارت دوم نادرست است، چون گاما و بتا دوباره مقیاس می‌کنند."
    )
    assert "زمان" in texts[1] and "گاما" in texts[2] and "گاما" not in texts[1]

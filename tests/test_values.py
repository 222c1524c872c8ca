import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.values import (
    NotApplicable,
    ValueProblem,
    parse_int,
    parse_int_or_na,
    parse_int_set,
    parse_number,
    parse_shape,
)


@pytest.mark.parametrize(
    "text",
    ["(124, 124, 32)", "124x124x32", "124×124×32", "124 X 124 X 32", "[124,124,32]", "(None, 124, 124, 32)",
     "۱۲۴×۱۲۴×۳۲", "(١٢٤، ١٢٤، ٣٢)", "124 * 124 * 32"],
)  # fmt: skip
def test_shape_spellings(text: str) -> None:
    assert parse_shape(text) == (124, 124, 32)


@pytest.mark.parametrize("text", ["n/a", "N/A", "not applicable", "غیرقابل اعمال", "قابل اعمال نیست", "-", "invalid"])
def test_not_applicable_spellings(text: str) -> None:
    assert isinstance(parse_shape(text), NotApplicable)


@pytest.mark.parametrize("text", ["124x", "big", "(12.5, 3)", "124x124x-2"])
def test_bad_shapes_explain_the_format(text: str) -> None:
    with pytest.raises(ValueProblem) as error:
        parse_shape(text)
    assert "124x124x32" in error.value.message.en
    assert "124x124x32" in error.value.message.fa


@pytest.mark.parametrize(
    ("text", "value"),
    [("260", 260), ("۲۶۰", 260), ("٢٦٠", 260), ("1,792", 1792), ("260 params", 260), ("220 + 40 = 260", 260),
     ("(3x3x3+1)x64 = 1792", 1792)],
)  # fmt: skip
def test_numbers(text: str, value: int) -> None:
    assert parse_int(text) == value


def test_ambiguous_numbers_are_refused() -> None:
    with pytest.raises(ValueProblem):
        parse_number("220 or 260")
    with pytest.raises(ValueProblem):
        parse_int("2.5")


@pytest.mark.parametrize(
    ("text", "value"), [("2", {2}), ("[1, 3]", {1, 3}), ("۲ و ۳", {2, 3}), ("none", set()), ("هیچکدام", set())]
)
def test_statement_sets(text: str, value: set[int]) -> None:
    assert parse_int_set(text) == frozenset(value)


@settings(deadline=None)  # no timing assertions in tests: a busy machine is not a failure
@given(st.text(max_size=60))
def test_value_parsers_never_crash(text: str) -> None:
    for parse in (parse_shape, parse_number, parse_int_set):
        with contextlib.suppress(ValueProblem):
            parse(text)


# -- how students write values (issue 16): each accepted form is a case -----------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [("صفر", 0), ("zero", 0), ("Zero", 0), ("دویست و شصت", 260), ("دویست و شصت پارامتر", 260),
     ("هزار و هفتصد و نود و دو", 1792), ("پنجاه و یک هزار و دویست و سی و دو", 51232), ("بیست", 20),
     ("two hundred sixty", 260), ("one thousand seven hundred ninety-two", 1792), ("forty", 40)],
)  # fmt: skip
def test_numbers_in_words(text: str, value: int) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["پنج شش", "یک دو", "نه نه", "and", "two and and three"])
def test_words_that_are_not_one_number_are_refused(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_int(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("(3×3×3+1)×64", 1792), ("3*3*3*64+64", 1792), ("«۳×۳×۳+۱)×۶۴»", 1792), ("(3x3x3+1)x64 params", 1792),
     ("(5 × 5 × 64 + 1) × 32", 51232), ("۳×۳×۶۴×۲۵۶+۲۵۶", 147712)],
)  # fmt: skip
def test_unworked_arithmetic_is_evaluated_safely(text: str, value: int) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize(
    ("text", "value"), [("۵۱٬۲۳۲", 51232), ("51,232", 51232), ("204 864", 204864), ("١٤٧٬٧١٢", 147712)]
)
def test_thousands_separators_of_both_scripts(text: str, value: int) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize(
    "text",
    ["معنا ندارد", "معنی ندارد (ورودی ۱۱×۱۱ از فیلتر ۳۳×۳۳ کوچک‌تر است)", "تعریف نشده", "قابل محاسبه نیست",
     "بی‌معنی است", "has no meaning", "undefined", "cannot be computed", "not defined: the kernel is larger"],
)  # fmt: skip
def test_a_layer_that_cannot_be_applied_said_in_words(text: str) -> None:
    assert isinstance(parse_shape(text), NotApplicable)
    assert isinstance(parse_int_or_na(text), NotApplicable)


def test_a_value_given_first_wins_over_a_phrase_in_its_explanation() -> None:
    assert parse_shape("(62, 62, 32) — pooling is not possible here") == (62, 62, 32)
    assert parse_int_or_na("1792; the pooling after it is not possible") == 1792
    # a phrase with the sizes that explain it stays "cannot be applied"
    assert isinstance(parse_shape("ورودی 2×2×64 از فیلتر 3×3 کوچک‌تر است؛ قابل اعمال نیست"), NotApplicable)
    assert isinstance(parse_int_or_na("3x3 filter on a 2x2 input: not possible"), NotApplicable)


@pytest.mark.parametrize(
    "text", ["پارامتر ندارد", "پارامتری وجود ندارد", "بدون پارامتر", "صفر", "هیچ", "no parameters", "0"]
)
def test_no_parameters_said_in_words_is_zero(text: str) -> None:
    assert parse_int_or_na(text) == 0


def test_a_bare_none_is_not_applicable_but_says_none() -> None:
    value = parse_int_or_na("ندارد")
    assert isinstance(value, NotApplicable) and value.says_none


def test_a_shape_with_its_explanation() -> None:
    assert parse_shape("(62, 62, 32) چون 124/2") == (62, 62, 32)
    with pytest.raises(ValueProblem):
        parse_shape("(62, 62, 32) یا (63, 63, 32)")


@pytest.mark.parametrize(
    ("text", "value"),
    [("فقط عبارت ۲ درست است.", {2}), ("عبارت‌های ۲ و ۳ درست هستند.", {2, 3}), ("هیچ‌کدام از عبارت‌ها درست نیست", set()),
     ("Only statement 1 is true: batch norm makes each step faster.", {1}),
     ("عبارت اول: نادرست\nعبارت دوم: درست\nعبارت سوم: نادرست", {2})],
)  # fmt: skip
def test_statements_in_prose(text: str, value: set[int]) -> None:
    assert parse_int_set(text) == frozenset(value)

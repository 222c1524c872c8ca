import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.values import NotApplicable, ValueProblem, parse_int, parse_int_set, parse_number, parse_shape


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

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.expressions import SYMBOLS, evaluate_arithmetic, find_relation, parse_relation, solve_for
from grader.values import ValueProblem

p, f = SYMBOLS["p"], SYMBOLS["f"]


@pytest.mark.parametrize(
    "text",
    ["p = (f - 1) / 2", "2p = f - 1", "f = 2p + 1", "(f-1)/2", "p=(F-1)/2", "padding = (k - 1)/2", "p = f/2 - 1/2",
     "2*p + 1 = f", "p = ۰٫۵(f - ۱)", "p = (f − 1) ÷ 2"],
)  # fmt: skip
def test_equivalent_forms_solve_to_the_same_padding(text: str) -> None:
    (solution,) = solve_for(parse_relation(text), p)
    assert sympy.simplify(solution - (f - 1) / 2) == 0


def test_floor_form_parses() -> None:
    (solution,) = solve_for(parse_relation("p = floor(f/2)"), p)
    assert all(solution.subs(f, v) == (v - 1) // 2 for v in (1, 3, 5, 7))


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "p = f.__class__", "p = eval(f)", "p == f", ""])
def test_code_is_never_evaluated(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_relation(text)


@settings(deadline=None)  # no timing assertions in tests: a busy machine is not a failure
@given(st.text(alphabet="pf0123456789+-*/^()= .x", max_size=40))
def test_parser_never_crashes(text: str) -> None:
    try:
        relation = parse_relation(text)
    except ValueProblem:
        return
    solve_for(relation, p)


def test_floor_and_ceiling_symbols() -> None:
    (solution,) = solve_for(parse_relation("p=⌊f/2⌋"), p)
    assert all(solution.subs(f, v) == (v - 1) // 2 for v in (1, 3, 5, 7))
    (solution,) = solve_for(parse_relation("p = ⌈(f − 1)/2⌉"), p)
    assert all(solution.subs(f, v) == (v - 1) // 2 for v in (1, 3, 5, 7))


@pytest.mark.parametrize(
    "text",
    ["پدینگ باید (F-1)/2 باشد تا خروجی هم‌اندازه‌ی ورودی بماند.", "padding = (f-1)/2 در هر طرف",
     "n + 2p − f + 1 = n ⟹ 2p = f − 1 ⟹ p = (f − 1)/2\nمثلاً برای فیلتر ۳×۳، p = 1",
     "برای اینکه اندازه ثابت بماند داریم P = (f-1)/2."],
)  # fmt: skip
def test_a_relation_inside_a_sentence_or_a_derivation(text: str) -> None:
    (solution,) = solve_for(find_relation(text), p)
    assert sympy.simplify(solution - (f - 1) / 2) == 0


@pytest.mark.parametrize("text", ["same padding", "نصف فیلتر", "برای فیلتر ۳×۳ یک پیکسل"])
def test_no_relation_of_f_is_refused(text: str) -> None:
    with pytest.raises(ValueProblem):
        find_relation(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("(3×3×3+1)×64", 1792), ("3*3*3*64+64", 1792), ("«۳×۳×۳+۱)×۶۴»", 1792), ("(3+1", 4), ("2^3", 8)],
)
def test_unworked_arithmetic(text: str, value: int) -> None:
    assert evaluate_arithmetic(text) == value


@pytest.mark.parametrize(("text", "value"), [("260 (200 + 20 + 40)", 260), ("1792 (27+1)*64", 1792), ("(3+1)(2)", 8)])
def test_an_answer_followed_by_its_working_is_the_answer(text: str, value: int) -> None:
    # Never 260 × 260: a number written before its bracketed working is the answer, not a product.
    assert evaluate_arithmetic(text) == value


@pytest.mark.parametrize("text", ["260 (200 + 20 + 30)", "64(3×3×3+1)", "2 (3+1)"])
def test_a_number_beside_a_bracket_that_disagrees_is_no_value(text: str) -> None:
    assert evaluate_arithmetic(text) is None


@pytest.mark.parametrize("text", ["((10^64)^64)^64", "10^64^64", "(10^100)^64"])
def test_powers_that_would_never_finish_are_refused_at_once(text: str) -> None:
    assert evaluate_arithmetic(text) is None


@pytest.mark.parametrize("text", ["260", "3 + f", "__import__('os')", "2 ** 99999999", "1/0", "x", ""])
def test_anything_but_plain_arithmetic_is_no_number(text: str) -> None:
    assert evaluate_arithmetic(text) is None

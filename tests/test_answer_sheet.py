from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from grader.answer_sheet import Given, Invalid, Missing, parse_sheet_text, read_sheet
from grader.sheet_schema import FIELDS, render_template
from grader.values import parse_int, parse_shape


def test_template_lists_every_field_and_parses_clean() -> None:
    sheet = parse_sheet_text(render_template())
    assert sheet.problems == []
    for field in FIELDS:
        assert isinstance(sheet.get(field.dotted, str), Missing), field.dotted


def test_values_carry_their_line() -> None:
    sheet = parse_sheet_text("q05:\n  layers:\n    2: {output: 124x124x32, params: 51232}\n")
    answer = sheet.get("q05.layers.2.output", parse_shape)
    assert isinstance(answer, Given) and answer.value == (124, 124, 32) and answer.line == 3


def test_scalars_are_not_typed_by_yaml() -> None:
    sheet = parse_sheet_text("q06:\n  trainable_params: 0260\n  true_statements: no\n")
    assert sheet.get("q06.trainable_params", parse_int) == Given(260, "0260", 2)
    assert sheet.text("q06.true_statements") == "no"


def test_broken_section_is_reported_with_its_line_and_others_still_grade() -> None:
    text = "q05:\n  padding: p = (f-1)/2\nq06:\n  trainable_params: [260\n  epsilon: x\n"
    sheet = parse_sheet_text(text)
    assert sheet.text("q05.padding") == "p = (f-1)/2"
    broken = sheet.get("q06.trainable_params", parse_int)
    assert isinstance(broken, Invalid)
    assert broken.problem.line is not None and broken.problem.line >= 4
    assert "YAML" in broken.problem.describe().en and "خط" in broken.problem.describe().fa


def test_bad_value_names_line_and_field() -> None:
    sheet = parse_sheet_text("q05:\n  layers:\n    1:\n      output: big\n")
    answer = sheet.get("q05.layers.1.output", parse_shape)
    assert isinstance(answer, Invalid)
    described = answer.problem.describe()
    assert "line 4" in described.en and "q05.layers.1.output" in described.en
    assert "خط 4" in described.fa


def test_unknown_keys_are_reported_with_a_suggestion() -> None:
    sheet = parse_sheet_text("q6:\n  trainable_param: 260\n")
    (problem,) = sheet.problems
    assert "trainable_params" in problem.message.en and problem.line == 2


def test_nested_block_where_a_value_belongs() -> None:
    sheet = parse_sheet_text("q06:\n  epsilon:\n    a: 1\n")
    assert isinstance(sheet.get("q06.epsilon", str), Invalid)


def test_not_utf8_is_an_error_for_every_question(tmp_path: Path) -> None:
    path = tmp_path / "answer_sheet.yaml"
    path.write_bytes(b"q06:\n  epsilon: " + "اپسيلون".encode("cp1256"))  # Windows-1256
    sheet = read_sheet(path)
    answer = sheet.get("q06.epsilon", str)
    assert isinstance(answer, Invalid) and "UTF-8" in answer.problem.describe().en


_PIECES = st.sampled_from([*"q0156:- \n\t{}[],|>'\"#&*!%@`ab۲", "q05:\n", "  layers:\n", "    1:", "q06:\n",
                           "  trainable_params: ", "  epsilon: |\n    "])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_fuzzed_sheets_never_crash_and_locate_their_problems(text: str) -> None:
    sheet = parse_sheet_text(text)
    for problem in sheet.problems:
        assert problem.describe().en and problem.describe().fa
    for field in FIELDS:
        sheet.get(field.dotted, str)

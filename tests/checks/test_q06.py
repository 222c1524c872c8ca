from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.results import Status
from grader.written import load_rubric, mark
from tests.helpers import FIXTURES, SUBMISSIONS, grade_folder, statuses

B_CHECKS = ("q06.b_train_output", "q06.b_moving_stats", "q06.b_test_mode", "q06.b_shapes", "q06.b_epsilon",
            "q06.b_no_mutation", "q06.b_float32")  # fmt: skip

# Each typical bug loses exactly the checks about it, and the feedback names it.
BUGS = {
    "unbiased_variance": ({"q06.b_train_output"}, "unbiased variance"),
    "eps_outside_sqrt": ({"q06.b_epsilon"}, "outside the square root"),
    "swapped_moving_average": ({"q06.b_moving_stats"}, "swapped"),
    "cache_not_in_place": ({"q06.b_moving_stats"}, "not updated in place"),
    "mutates_input": ({"q06.b_no_mutation"}, "modified its input(s) Z"),
    "test_mode_batch_stats": ({"q06.b_test_mode"}, "batch's own statistics"),
    "test_mode_no_affine": ({"q06.b_test_mode"}, "forgets gamma and beta"),
    "normalizes_axis1": ({"q06.b_train_output"}, "axis 1"),
}


def test_perfect_submission_gets_full_marks_and_bonus(perfect_report) -> None:  # type: ignore[no-untyped-def]
    q06 = perfect_report.question("q06")
    assert q06.score == 20 and q06.max_score == 15
    assert set(statuses(perfect_report, "q06").values()) == {"passed"}
    assert "course interface" in q06.checks[1].feedback.en


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_each_bug_lowers_exactly_its_checks(submission, bug: str) -> None:  # type: ignore[no-untyped-def]
    failing, phrase = BUGS[bug]
    report = grade_folder(submission({"forward_batchnorm.py": FIXTURES / "q06_bugs" / f"{bug}.py"}), only=("q06",))
    lowered = {cid for cid, status in statuses(report, "q06").items() if status != "passed"}
    assert lowered == failing
    feedback = " ".join(c.feedback.en for c in report.question("q06").checks if c.check_id in failing)
    assert phrase in feedback


# Real code that differs from the template: exact points per check of (b), and key phrases of the
# feedback in both languages (answers/q06.yaml, code_credit_policy).
CRASH_CACHE_EN = "but only after it had updated cache_dict"
CRASH_CACHE_FA = "اما فقط پس از آنکه cache_dict را به‌روز کرده بود"
SQUARE_EN = ("works only when N == D", "a transpose such as Z.T", "50% of the points")
SQUARE_FA = ("فقط وقتی N == D باشد کار می‌کند", "ترانهاده‌ای مثل Z.T", "۵۰٪ نمره")
ON_SQUARE_EN = "charged there once"
ON_SQUARE_FA = "فقط همان‌جا کسر شد"


@dataclass(frozen=True)
class Partial:
    points: tuple[float, ...]  # per check, in the order of B_CHECKS
    said: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # check -> (English phrases, Persian phrases)


PARTIAL = {
    # Right values kept (1, D) by keepdims=True: a quarter of the moving-statistics point, keepdims named.
    "keepdims_cache": Partial((2, 0.75, 1, 0.5, 0.5, 0.5, 0.5), {
        "q06.b_moving_stats": (("right values", "shape (1, 5) instead of (5,)", "keepdims=True", "25%"),
                               ("مقدار هر دو میانگین متحرک", "ابعاد (1, 5) دارند", "keepdims=True", "۲۵٪"))}),
    # Moving averages right, then a reshape to (N, 1) of a length-D vector: runs (and is right) only when N == D.
    "transpose_crash": Partial((1, 1, 1, 0.5, 0.5, 0.5, 0.5), {
        "q06.b_train_output": (("cannot reshape array of size 5 into shape (8,1)", "square 5x5 batch", *SQUARE_EN),
                               ("cannot reshape array of size 5 into shape (8,1)", "دستهٔ مربعی ۵×۵", *SQUARE_FA)),
        "q06.b_moving_stats": ((CRASH_CACHE_EN, "Both moving averages are right"),
                               (CRASH_CACHE_FA, "هر دو میانگین متحرک پس از دو فراخوانی درست‌اند")),
        "q06.b_shapes": (("square 7x7 batch", ON_SQUARE_EN, "Shape (7, 7) and values are right"),
                         ("دستهٔ مربعی ۷×۷", ON_SQUARE_FA, "ابعاد (۷، ۷) و مقادیر درست‌اند")),
        "q06.b_test_mode": ((ON_SQUARE_EN, "Test-mode output is right"), (ON_SQUARE_FA, "خروجی حالت test درست است"))}),
    # The same, with the cache updated last: nothing left in cache_dict, so the moving averages are judged square.
    "transpose_crash_cache_last": Partial((1, 1, 1, 0.5, 0.5, 0.5, 0.5), {
        "q06.b_train_output": (SQUARE_EN, SQUARE_FA),
        "q06.b_moving_stats": ((ON_SQUARE_EN, "Both moving averages are right"),
                               (ON_SQUARE_FA, "هر دو میانگین متحرک پس از دو فراخوانی درست‌اند"))}),
    # Z.T minus a row vector: raises when N != D and is wrong even when N == D; only the cache is right.
    "transpose_wrong_axis": Partial((0, 1, 0, 0, 0, 0, 0), {
        "q06.b_train_output": (("operands could not be broadcast", "works only when N == D", "differs"),
                               ("operands could not be broadcast", "فقط وقتی N == D باشد کار می‌کند", "فرق دارد")),
        "q06.b_moving_stats": ((CRASH_CACHE_EN,), (CRASH_CACHE_FA,)),
        "q06.b_no_mutation": (("does not compute batch normalization",), ("محاسبه نمی‌کند",))}),
    # A variable defined in train mode only: test mode raises on every batch, square or not.
    "test_mode_crash": Partial((2, 1, 0, 0.5, 0.5, 0.5, 0.5), {
        "q06.b_test_mode": (("UnboundLocalError", "'std'"), ("کد شما این خطا را داد", "UnboundLocalError"))}),
    # Only test mode works only when N == D: test mode carries the mistake.
    "test_mode_square_only": Partial((2, 1, 0.5, 0.5, 0.5, 0.5, 0.5), {
        "q06.b_test_mode": (("works only when N == D", "counted once, here, in q06.b_test_mode"),
                            ("فقط وقتی N == D باشد کار می‌کند", "همین‌جا در q06.b_test_mode"))}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PARTIAL))
def test_real_code_that_differs_from_the_template_scores_as_a_ta_would(submission, case: str) -> None:  # type: ignore[no-untyped-def]
    expected = PARTIAL[case]
    report = grade_folder(submission({"forward_batchnorm.py": FIXTURES / "q06_bugs" / f"{case}.py"}), only=("q06",))
    checks = {c.check_id: c for c in report.question("q06").checks}
    assert tuple(checks[c].score for c in B_CHECKS) == pytest.approx(expected.points)
    for check_id, (english, persian) in expected.said.items():
        for phrase in english:
            assert phrase in checks[check_id].feedback.en, (check_id, phrase)
        for phrase in persian:
            assert phrase in checks[check_id].feedback.fa, (check_id, phrase)


def test_the_partial_credit_rules_are_data_stated_in_both_languages() -> None:
    from grader import answers

    data = answers.load("q06")
    assert data["code_credit"] == {"moving_stats_broadcast_shape": 0.75, "moving_stats_other_shape": 0.5,
                                   "square_only": 0.5}  # fmt: skip
    policy = data["code_credit_policy"]
    assert "keepdims" in policy["en"] and "keepdims" in policy["fa"]
    assert "N == D" in policy["en"] and "N == D" in policy["fa"]


def test_cs231n_interface_is_recognised_and_its_gradients_checked() -> None:
    report = grade_folder(SUBMISSIONS / "cs231n_style", only=("q06",))
    checks = {c.check_id: c for c in report.question("q06").checks}
    assert all(checks[c].status is Status.PASSED for c in B_CHECKS)
    assert "CS231n interface" in checks["q06.b_train_output"].feedback.en
    assert "numeric gradients" in checks["q06.b_backward"].feedback.en
    assert any("cs231n" in n.message.en for n in report.notes)  # its missing import is explained


def test_notebook_loads_definitions_only_and_reports_the_broken_cell() -> None:
    report = grade_folder(SUBMISSIONS / "notebook_2023", only=("q06",))  # its 10**12 loop must never run
    assert report.question("q06").score == 20
    assert any("cell 7" in n.message.en and "SyntaxError" in n.message.en for n in report.notes)


def test_blank_handout_is_explained_not_fatal() -> None:
    report = grade_folder(SUBMISSIONS / "blank_handout", only=("q06",))
    assert report.question("q06").score == 0
    (syntax,) = [n for n in report.notes if n.kind == "syntax"]
    assert "blank right-hand side" in syntax.message.en and "سمت راست" in syntax.message.fa


def test_prints_and_missing_packages_at_import_do_not_cost_points() -> None:
    report = grade_folder(SUBMISSIONS / "noisy_imports", only=("q06",))
    assert all(c.status is Status.PASSED for c in report.question("q06").checks if c.check_id in B_CHECKS)
    kinds = {n.kind for n in report.notes}
    assert {"import", "output"} <= kinds


def test_duplicate_definitions_say_which_one_was_graded() -> None:
    report = grade_folder(SUBMISSIONS / "duplicates", only=("q06",))
    first = report.question("q06").checks[1]
    assert first.status is Status.PASSED
    assert "a_first_try.py" in first.feedback.en and "b_final.py" in first.feedback.en


def test_untouched_template_scores_zero_with_not_answered(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from grader.cli import main

    assert CliRunner().invoke(main, ["init", str(tmp_path / "t")]).exit_code == 0
    report = grade_folder(tmp_path / "t", only=("q05", "q06"))
    for question in ("q05", "q06"):
        for check in report.question(question).checks:
            if check.max_score:
                assert check.score == 0 and check.status is Status.FAILED, check
                assert "Not answered yet" in check.feedback.en or "not found" in check.feedback.en.lower(), check
    train = report.question("q06").checks[1]
    assert "NotImplementedError" in train.feedback.en


def test_seed_student_does_not_earn_points_it_did_not_show() -> None:
    report = grade_folder(SUBMISSIONS / "seed_student", only=("q06",))
    checks = {c.check_id: c for c in report.question("q06").checks}
    assert checks["q06.a_statements"].status is Status.PASSED
    assert checks["q06.e_trainable_params"].score == pytest.approx(0.5)  # 40: a sixth, per answers/q06.yaml
    assert checks["q06.c_epsilon"].status is Status.PARTIAL and checks["q06.c_epsilon"].manual_review
    assert checks["q06.d_batch_size_one"].status is Status.PARTIAL


def test_same_submission_graded_twice_gives_the_same_scores() -> None:
    first = grade_folder(SUBMISSIONS / "perfect")
    second = grade_folder(SUBMISSIONS / "perfect")
    assert [(c.check_id, c.score, c.feedback) for q in first.questions for c in q.checks] == [
        (c.check_id, c.score, c.feedback) for q in second.questions for c in q.checks
    ]


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize(("part", "rubric"), [("c", "epsilon"), ("d", "batch_size_one")])
def test_model_answers_earn_full_marks_under_the_rubrics(lang: str, part: str, rubric: str) -> None:
    from grader import answers
    from grader.written import load_rubric, mark

    data = answers.load("q06")
    scored = mark(data["model_answers"][part][lang], load_rubric("q06", rubric))
    assert scored.fraction == 1, scored.feedback().en
    assert "260" in data["model_answers"]["e"][lang] or "۲۶۰" in data["model_answers"]["e"][lang]


# --- (a) and (e) by the rules of answers/q06.yaml -------------------------------------------------
def _q06(tmp_path: Path, body: str) -> dict[str, object]:
    folder = tmp_path / "s"
    folder.mkdir(parents=True)
    (folder / "answer_sheet.yaml").write_text("q06:\n" + body, encoding="utf-8")
    return {c.check_id: c for c in grade_folder(folder, only=("q06",)).question("q06").checks}


@pytest.mark.parametrize(("chosen", "score"), [("[2]", 3), ("[2, 3]", 3), ("[1, 2]", 2), ("none", 2), ("[1]", 1)])
def test_statement_3_is_ambiguous_and_either_verdict_earns_its_point(tmp_path: Path, chosen: str, score: float) -> None:
    check = _q06(tmp_path, f'  true_statements: "{chosen}"\n')["q06.a_statements"]
    assert check.score == score  # type: ignore[attr-defined]


def test_a_statement_given_no_verdict_goes_to_a_ta(tmp_path: Path) -> None:
    check = _q06(tmp_path, '  true_statements: "عبارت اول غلط است، چون هر دسته کندتر می‌شود."\n')["q06.a_statements"]
    assert check.manual_review and "No verdict was read for statement(s) 2, 3" in check.feedback.en  # type: ignore[attr-defined]


def test_a_wrong_verdict_argued_from_a_true_observation_earns_a_quarter(tmp_path: Path) -> None:
    reason = ("عبارت اول نادرست است. عبارت دوم نادرست است، چون بعد از نرمال‌سازی گاما و بتا دوباره هر بعد را با "
              "مقیاس دلخواه برمی‌گردانند. عبارت سوم درست است.")  # fmt: skip
    check = _q06(tmp_path, f'  true_statements: "[3]"\n  statements_reason: "{reason}"\n')["q06.a_statements"]
    assert check.score == 2.25 and "a quarter of its point" in check.feedback.en  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("count", "reason", "score"),
    [("260", "10×20 + 20 = 220 و gamma و beta هر کدام ۲۰ تا: ۴۰", 3), ("260", "", 2.5),
     ("240", "بایاس Dense زائد است چون beta نقش آن را دارد؛ ۲۰۰ وزن + ۲۰ گاما + ۲۰ بتا", 3),
     ("240", "۲۰۰ وزن + ۲۰ گاما + ۲۰ بتا", 2), ("240", "", 2), ("300", "۲۲۰ + ۸۰ (گاما، بتا، میانگین و واریانس)", 2),
     ("222", "۲۲۰ + گاما و بتا", 2), ("220", "10*20 + 20", 1.5), ("200", "10*20", 1),
     ("260", "۲۲۰ برای Dense و ۴۰ برای میانگین و واریانس", 2), ("40", "20*2 برای میانگین و واریانس", 0.5),
     ("123", "حدس", 0)],
)  # fmt: skip
def test_the_trainable_count_and_its_working(tmp_path: Path, count: str, reason: str, score: float) -> None:
    body = f"  trainable_params: {count}\n" + (f'  trainable_params_reason: "{reason}"\n' if reason else "")
    check = _q06(tmp_path, body)["q06.e_trainable_params"]
    assert check.score == pytest.approx(score), check.feedback.en  # type: ignore[attr-defined]


def test_a_huge_written_answer_is_read_up_to_a_limit_and_sent_to_a_ta(tmp_path: Path) -> None:
    answer = "اپسیلون را به واریانس اضافه می‌کنیم تا بر صفر تقسیم نکنیم. " + "متن بی‌ربط. " * 6000
    check = _q06(tmp_path, f'  epsilon: "{answer}"\n')["q06.c_epsilon"]
    assert check.score == 4 and check.manual_review  # type: ignore[attr-defined]
    assert "Only the first 50,000 characters were read" in check.feedback.en  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "به لطف اپسیلون مشکل تقسیم بر صفر پیش نمی‌آید، اما میانگین دسته برابر خود نمونه است و x − μ = 0 می‌شود، "
        "پس خروجی لایه همیشه beta است.",
        "Epsilon means there is no problem of division by zero, but x − μ = 0, so the output always equals beta.",
    ],
)
def test_no_problem_with_the_division_is_no_claim_that_batch_size_one_is_harmless(text: str) -> None:
    marking = mark(text, load_rubric("q06", "batch_size_one"))
    assert not marking.wrong and marking.points == 2.5, marking.feedback().en


def test_saying_batch_size_one_is_harmless_costs_the_point() -> None:
    marking = mark("با اندازهٔ دستهٔ یک هیچ مشکلی پیش نمی‌آید.", load_rubric("q06", "batch_size_one"))
    assert [e.idea.id for e in marking.wrong] == ["no_problem"] and marking.points == 0

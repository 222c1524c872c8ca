from pathlib import Path

import pytest

from grader.results import Status
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

"""Q2 checks on student-style code: the perfect submission, one fixture per typical mistake, the handout."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.results import GradeReport
from tests.helpers import FIXTURES, SUBMISSIONS, grade_folder, statuses

pytestmark = pytest.mark.tf

CODE = ("q02.freeze", "q02.head", "q02.compile", "q02.output_shape")
SHEET = ("q02.table_complete", "q02.table_sensible", "q02.table_parameters", "q02.better_model", "q02.analysis")
TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "student" / "q02_transfer_learning.py"

# Each bug lowers exactly these checks (of the code checks), with a message naming it.
BUGS = {
    "all_trainable": ({"q02.freeze"}, "nothing is frozen"),
    "last_layer_only": ({"q02.freeze"}, "only the last layer"),
    "sigmoid_binary": ({"q02.head", "q02.compile"}, "Dense(2, sigmoid)"),
    "sgd_optimizer": ({"q02.compile"}, "optimizer SGD"),
    "not_compiled": ({"q02.compile"}, "uncompiled"),
}


@pytest.fixture(scope="module")
def perfect() -> GradeReport:
    return grade_folder(SUBMISSIONS / "perfect", only=("q02",))


def test_perfect_submission_gets_full_marks(perfect: GradeReport) -> None:
    q02 = perfect.question("q02")
    assert q02.score == q02.max_score == 20
    assert set(statuses(perfect, "q02").values()) == {"passed"}
    checks = {c.check_id: c for c in q02.checks}
    assert "block5_conv3, block5_pool" in checks["q02.freeze"].feedback.en
    assert "17,926,338 = count_params()" in checks["q02.table_parameters"].feedback.en
    assert all(c.feedback.fa for c in q02.checks)


# Three bugs cover the three code checks in the default run; the other two run with the slow tests.
SLOW_BUGS = {"last_layer_only", "sgd_optimizer"}


@pytest.mark.parametrize(
    "bug", [pytest.param(b, marks=pytest.mark.slow) if b in SLOW_BUGS else b for b in sorted(BUGS)]
)
def test_each_bug_lowers_exactly_its_checks(bug: str) -> None:
    failing, phrase = BUGS[bug]
    report = grade_folder(FIXTURES / "q02_bugs" / bug, only=("q02",))
    checks = {c.check_id: c for c in report.question("q02").checks}
    assert all("Not answered yet" in checks[c].feedback.en for c in SHEET)  # no answer sheet
    lowered = {c for c in CODE if checks[c].status.value != "passed"}
    assert lowered == failing, {c: checks[c].feedback.en for c in CODE}
    assert phrase in " ".join(checks[c].feedback.en for c in failing)
    assert all(checks[c].feedback.fa for c in failing)


def test_untouched_template_is_not_answered(submission) -> None:  # type: ignore[no-untyped-def]
    folder = submission({"q02_transfer_learning.py": TEMPLATE}, sheet_from=None)
    checks = [c for c in grade_folder(folder, only=("q02",)).question("q02").checks if c.check_id != "q02.pipeline"]
    assert all(c.score == 0 and "Not answered yet" in c.feedback.en for c in checks)  # the pipeline: test_q02_pipeline
    assert all(c.status.value != "error" for c in checks if c.check_id in CODE)


def test_missing_function_is_not_answered(submission) -> None:  # type: ignore[no-untyped-def]
    folder = submission({"other.py": "def helper(x):\n    return x\n"}, sheet_from=None)
    checks = {c.check_id: c for c in grade_folder(folder, only=("q02",)).question("q02").checks}
    assert all(checks[c].score == 0 and checks[c].feedback.en.startswith("Not answered yet.") for c in CODE)


SHEET_ONLY = """\
q02:
  comparison:
    vgg16: {train_count: 4065, test_count: 16262, train_accuracy: 91.2, test_accuracy: 0.70,
            time_seconds: 2700, parameters: 5571458}
    resnet50: {train_count: 16262, test_count: 4065, train_accuracy: 0.78, test_accuracy: 0.75,
               time_seconds: 2400, parameters: 23850242}
  better_model: VGG16
"""


def test_sheet_without_code(submission) -> None:  # type: ignore[no-untyped-def]
    """No define_model: parameters against the reference's counts; the table's own numbers decide the rest."""
    folder = submission({"answer_sheet.yaml": SHEET_ONLY}, sheet_from=None)
    checks = {c.check_id: c for c in grade_folder(folder, only=("q02",)).question("q02").checks}
    assert checks["q02.table_complete"].score == 2
    sensible = checks["q02.table_sensible"]
    assert sensible.score == pytest.approx(2 * 2 / 5)  # counts reversed and split differs; share fails too
    assert "fewer test than training images" in sensible.feedback.en
    parameters = checks["q02.table_parameters"]
    assert parameters.score == pytest.approx(0.5 + 1)  # trainable count: a quarter; GAP count: full
    assert "the trainable count" in parameters.feedback.en
    better = checks["q02.better_model"]
    assert better.score == 0 and better.manual_review
    assert "ResNet50 the higher test accuracy" in better.feedback.en
    assert checks["q02.analysis"].score == 0

"""Q7 checks on real student-style code: the perfect submission, one fixture per typical bug, a 2023 notebook."""

from __future__ import annotations

import pytest

from grader.results import GradeReport
from tests.helpers import FIXTURES, grade_folder, statuses

pytestmark = pytest.mark.tf

GRADCAM = ("q07.gradcam_functional", "q07.gradcam_sequential", "q07.gradcam_output", "q07.gradcam_constant")
MODEL = ("q07.model_layers", "q07.model_parameters", "q07.model_compile")

# Each bug lowers exactly these checks (of the code checks), with a message naming it.
BUGS = {
    "first_conv_layer": ({"q07.gradcam_functional", "q07.gradcam_sequential"}, "FIRST conv layer"),
    "softmax_score": ({"q07.gradcam_functional", "q07.gradcam_sequential"}, "softmax was not replaced"),
    "raw_7x7_unscaled": ({"q07.gradcam_output"}, "min-max scale each heatmap to [0, 1]"),
    "wrong_architecture": ({"q07.model_layers", "q07.model_parameters"}, "filters 32 instead of 64"),
    "sparse_uncompiled": ({"q07.model_compile"}, "sparse_categorical_crossentropy"),
}


def test_perfect_submission_gets_full_marks(keras_perfect_report: GradeReport) -> None:
    q07 = keras_perfect_report.question("q07")
    assert q07.score == q07.max_score == 20
    assert set(statuses(keras_perfect_report, "q07").values()) == {"passed"}
    functional = next(c for c in q07.checks if c.check_id == "q07.gradcam_functional")
    assert "median correlation with the reference heatmaps 1.000" in functional.feedback.en


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_each_bug_lowers_exactly_its_checks(bug: str) -> None:
    failing, phrase = BUGS[bug]
    report = grade_folder(FIXTURES / "q07_bugs" / bug, only=("q07",))
    checks = {c.check_id: c for c in report.question("q07").checks}
    present = [c for c in (*MODEL, *GRADCAM) if "Not answered yet" not in checks[c].feedback.en]
    lowered = {c for c in present if checks[c].status.value != "passed"}
    assert lowered == failing
    assert phrase in " ".join(checks[c].feedback.en for c in failing)
    assert all(checks[c].feedback.fa for c in failing)


def test_notebook_in_2023_style_runs_unchanged(notebook_2023_report: GradeReport) -> None:
    """tf.keras imports, Sequential with input_shape, Adam(lr=...), tf-keras-vis with ReplaceToLinear and
    clone=False, a layer name hard-coded from the student's session, one-hot labels: all work as in 2023;
    only the real bug (an unguarded min-max that divides 0 by 0) costs a point."""
    result = statuses(notebook_2023_report, "q07")
    assert {c for c, s in result.items() if s != "passed"} == {"q07.gradcam_constant", "q07.analysis"}
    checks = {c.check_id: c for c in notebook_2023_report.question("q07").checks}
    assert "resolved as 'conv2d_5'" in checks["q07.gradcam_functional"].feedback.en
    assert "one-hot labels" in checks["q07.gradcam_functional"].feedback.en
    assert "divides 0 by 0" in checks["q07.gradcam_constant"].feedback.en
    assert "automatic name" in checks["q07.target_layer"].feedback.en


def test_target_layer_answers(submission) -> None:  # type: ignore[no-untyped-def]
    sheet = "q07:\n  target_layer: {name}\n"
    verdicts = {}
    for name in ("conv2d_2", "conv2d_5", "conv2d", "flatten", "my_layer"):
        folder = submission({"answer_sheet.yaml": sheet.format(name=name)}, sheet_from=None)
        check = next(c for c in grade_folder(folder, only=("q07",)).question("q07").checks
                     if c.check_id == "q07.target_layer")  # fmt: skip
        verdicts[name] = (check.score, check.manual_review)
    assert verdicts == {"conv2d_2": (1, False), "conv2d_5": (1, False), "conv2d": (0, False),
                        "flatten": (0, False), "my_layer": (0.5, True)}  # fmt: skip


def test_a_gradcam_call_that_times_out_is_not_retried_under_every_convention(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each retry of a hanging function waits its whole time limit again: one timeout ends the search.
    from grader.checks import _q07_calls
    from grader.results import Bilingual
    from grader.sandbox.failures import StudentCodeFailure

    real_probe, real_run = _q07_calls.probe, _q07_calls._run
    counts = {"gradcam_calls": 0, "searches": 0}

    def hanging_probe(ctx, function, *args, **kwargs):  # type: ignore[no-untyped-def]
        if function != "run_gradcam":
            return real_probe(ctx, function, *args, **kwargs)
        counts["gradcam_calls"] += 1
        raise StudentCodeFailure("timeout", Bilingual("did not finish within 1 s", "در ۱ ثانیه تمام نشد"))

    def counted_run(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts["searches"] += 1
        return real_run(*args, **kwargs)

    monkeypatch.setattr(_q07_calls, "probe", hanging_probe)
    monkeypatch.setattr(_q07_calls, "_run", counted_run)
    report = grade_folder(FIXTURES / "q07_bugs" / "softmax_score", only=("q07",))
    assert counts["searches"] >= 1 and counts["gradcam_calls"] == counts["searches"]
    functional = next(c for c in report.question("q07").checks if c.check_id == "q07.gradcam_functional")
    assert functional.score == 0 and "did not finish within" in functional.feedback.en

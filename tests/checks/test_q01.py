"""Q1 checks on real student-style builders: perfect, one fixture per typical bug, a 2023 notebook."""

from __future__ import annotations

import pytest

from grader.engine import Options, grade
from grader.results import GradeReport
from tests.helpers import FIXTURES, grade_folder, statuses

pytestmark = pytest.mark.tf

CODE = ("q01.c_search_space", "q01.c_learning_rate", "q01.c_builds_everywhere", "q01.c_output_and_loss",
        "q01.c_smoke_training", "q01.c_tuner")  # fmt: skip

BUGS = {
    "valid_padding_crash": ({"q01.c_builds_everywhere"}, "Computed output size would be zero or negative"),
    "over_limits": ({"q01.c_search_space", "q01.c_learning_rate"}, "OVER the limit 256"),
    "wrong_output_and_loss": ({"q01.c_output_and_loss", "q01.c_smoke_training"}, "makes one-hot labels"),
    "hypermodel_beside_input_shape": (set(), "RandomSearch"),
}


def test_perfect_submission_gets_full_marks_and_both_bonuses(keras_perfect_report: GradeReport) -> None:
    q01 = keras_perfect_report.question("q01")
    assert q01.max_score == 15 and q01.score == 25
    assert set(statuses(keras_perfect_report, "q01").values()) == {"passed"}


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_each_bug_lowers_exactly_its_checks(bug: str) -> None:
    failing, phrase = BUGS[bug]
    report = grade_folder(FIXTURES / "q01_bugs" / bug, only=("q01",))
    checks = {c.check_id: c for c in report.question("q01").checks}
    present = [c for c in CODE if "Not answered yet" not in checks[c].feedback.en]
    lowered = {c for c in present if checks[c].status.value != "passed"}
    assert lowered == failing
    assert phrase in " ".join(checks[c].feedback.en for c in CODE)


def test_crash_names_the_layer_and_the_corner() -> None:
    report = grade_folder(FIXTURES / "q01_bugs" / "valid_padding_crash", only=("q01",))
    builds = next(c for c in report.question("q01").checks if c.check_id == "q01.c_builds_everywhere")
    assert builds.score == pytest.approx(2 / 3, abs=0.01)
    assert "max: building with" in builds.feedback.en and "num_conv=5" in builds.feedback.en
    assert "(Conv2D)" in builds.feedback.en and "(None, 1, 1, 96)" in builds.feedback.en


def test_notebook_in_2023_style_runs_unchanged(notebook_2023_report: GradeReport) -> None:
    """import kerastuner, Adam(lr=...), Sequential with input_shape, to_categorical + categorical loss."""
    result = statuses(notebook_2023_report, "q01")
    assert all(result[c] == "passed" for c in CODE), result
    smoke = next(c for c in notebook_2023_report.question("q01").checks if c.check_id == "q01.c_smoke_training")
    assert "one-hot labels" in smoke.feedback.en


def test_untouched_template_is_not_answered(submission) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from hw4_templates import student

    template = Path(student.__path__[0]) / "q01_keras_tuner.py"
    report = grade_folder(submission({"q01_keras_tuner.py": template}, sheet_from=None), only=("q01",))
    checks = report.question("q01").checks
    assert report.question("q01").score == 0
    assert all("Not answered yet" in c.feedback.en for c in checks), [c.feedback.en for c in checks]


def test_a_hypermodel_made_only_in_a_notebook_cell_is_graded_through_the_instance() -> None:
    # TunableCNN(img_shape, n_out): constructor arguments the grader cannot guess; the run leaves the
    # instance (and the tuner holding it) in the notebook's globals, and that is what is built.
    folder = FIXTURES / "notebooks" / "hypermodel_instance"
    report, internal = grade(folder, Options(only=frozenset({"q01"})))
    assert internal == []
    checks = {c.check_id: c for c in report.question("q01").checks}
    assert checks["q01.c_builds_everywhere"].status.value == "passed", checks["q01.c_builds_everywhere"].feedback.en
    assert checks["q01.c_search_space"].status.value == "passed", checks["q01.c_search_space"].feedback.en
    assert checks["q01.c_smoke_training"].score == checks["q01.c_smoke_training"].max_score
    # definitions only, the class alone cannot be instantiated: the run is what finds the builder
    alone, _ = grade(folder, Options(only=frozenset({"q01"}), run_notebooks="never"))
    builds = next(c for c in alone.question("q01").checks if c.check_id == "q01.c_builds_everywhere")
    assert builds.status.value != "passed" and "TunableCNN" in builds.feedback.en


def test_too_many_conv_layers_are_said_to_be_over_the_limit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "hw4_q1.py").write_text(
        "from tensorflow import keras\n"
        "from tensorflow.keras import layers\n\n\n"
        "def build_model(hp):\n"
        "    model = keras.Sequential([keras.Input(shape=(28, 28, 1))])\n"
        "    for i in range(hp.Int('conv_layers', 1, 7)):\n"
        "        model.add(layers.Conv2D(32, 3, padding='same', activation='relu'))\n"
        "    model.add(layers.Flatten())\n"
        "    model.add(layers.Dense(10, activation='softmax'))\n"
        "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
        "    return model\n",
        encoding="utf-8",
    )
    report = grade_folder(tmp_path, only=("q01",))
    space = next(c for c in report.question("q01").checks if c.check_id == "q01.c_search_space")
    assert "7 conv layers (OVER the limit 5)" in space.feedback.en and space.score < space.max_score

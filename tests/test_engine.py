"""The engine's choice of which student files to load."""

from __future__ import annotations

from tests.helpers import SUBMISSIONS, grade_folder


def test_keras_files_are_not_loaded_for_questions_that_do_not_need_them() -> None:
    report = grade_folder(SUBMISSIONS / "perfect", only=("q05", "q06"))
    skipped = [n.message.en for n in report.notes if "not loaded" in n.message.en]
    assert all("imports" in s and "(q05, q06)" in s for s in skipped)
    assert {"q01_keras_tuner.py", "q07_gradcam.py"} <= {s.split(":")[0] for s in skipped}
    assert "forward_batchnorm.py" not in {s.split(":")[0] for s in skipped}
    assert report.question("q06").score == 20  # the numpy file was loaded and graded


def test_a_file_that_defines_what_q06_needs_is_loaded_even_with_tensorflow(submission) -> None:  # type: ignore[no-untyped-def]
    source = (SUBMISSIONS / "perfect" / "forward_batchnorm.py").read_text(encoding="utf-8")
    folder = submission({"all_in_one.py": "import tensorflow as tf\n" + source})
    report = grade_folder(folder, only=("q06",))
    assert not [n for n in report.notes if "not loaded" in n.message.en]
    assert report.question("q06").score == 20


def test_without_tensorflow_keras_questions_are_not_graded_and_say_why(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import grader.engine

    monkeypatch.setattr(grader.engine, "keras_available", lambda: False)
    report = grade_folder(SUBMISSIONS / "perfect", only=("q01", "q06", "q07"))
    assert not report.question("q01").graded and not report.question("q07").graded
    assert report.question("q06").score == 20
    note = next(n for n in report.notes if n.kind == "environment")
    assert "q01, q07 not graded: TensorFlow is not installed" in note.message.en

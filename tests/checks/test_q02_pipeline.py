"""Q2: a student's own data pipeline (make_generators), checked on the grader's images, not scored.

The dataset writer and the judging are tested in this process, through the probe, with a small
numpy pipeline (no TensorFlow); the perfect submission and one fixture per typical mistake
(tests/fixtures/q02_pipelines) run for real in the sandbox.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.checks import _q02_pipeline as pipeline
from grader.results import CheckResult, Status
from grader.sandbox import probe_batches
from tests.helpers import FIXTURES, SUBMISSIONS, grade_folder

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "student" / "q02_transfer_learning.py"


# --- the grader's dataset ---------------------------------------------------------------------------


def test_dataset_is_the_grazpedwri_layout_with_one_grey_level_per_image(tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image")
    dataset = pipeline.write_dataset(tmp_path)
    with (dataset.folder / "dataset.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == pipeline.IMAGES and {"filestem", "fracture_visible", "patient_id"} <= set(rows[0])
    assert {r["fracture_visible"] for r in rows} == {"1", ""}  # empty means no fracture, as in the real CSV
    levels = {}
    for row in rows:
        with image.open(dataset.folder / "images" / f"{row['filestem']}.png") as png:
            assert png.mode == "L"
            pixels = np.asarray(png)
        assert pixels.min() == pixels.max()  # flat
        levels[row["filestem"]] = int(pixels[0, 0])
        assert (int(pixels[0, 0]) >= 150) == (row["fracture_visible"] == "1")
    assert len(set(levels.values())) == pipeline.IMAGES  # every image its own level


def test_dataset_is_the_same_every_time(tmp_path: Path) -> None:
    first, second = pipeline.write_dataset(tmp_path), pipeline.write_dataset(tmp_path)
    for name in ["dataset.csv", *(f"images/{s}.png" for s in first.stems[:5])]:
        assert (first.folder / name).read_bytes() == (second.folder / name).read_bytes()


@pytest.mark.parametrize(("scaling", "transform"), [
    ("0..1", lambda g: np.repeat(g[:, None], 3, axis=1) / 255.0),
    ("0..255 (not scaled)", lambda g: np.repeat(g[:, None], 3, axis=1).astype(float)),
    ("-1..1", lambda g: np.repeat(g[:, None], 3, axis=1) / 127.5 - 1.0),
    ("caffe", lambda g: g[:, None] - pipeline.CAFFE_MEANS[None, :]),
    ("0..1", lambda g: g[:, None] / 255.0),  # one channel
])  # fmt: skip
def test_images_are_recognised_under_each_scaling(scaling: str, transform: Callable[[Any], Any]) -> None:
    order = np.random.default_rng(1).permutation(pipeline.IMAGES)
    found = pipeline.recognise(transform(pipeline.LEVELS[order].astype(float)))
    assert found is not None and found[0] == scaling
    np.testing.assert_array_equal(found[1], order)


def test_brightened_images_are_not_recognised() -> None:
    assert pipeline.recognise(np.repeat(pipeline.LEVELS[:, None], 3, axis=1) * 1.1 / 255.0) is None


# --- judging, through the probe, with a numpy pipeline -----------------------------------------------


def _numpy_pipeline(**bug: Any) -> Callable[[str], Any]:
    """A student-like pipeline without TensorFlow: PIL, numpy, Python generators."""
    image = pytest.importorskip("PIL.Image")

    def make_generators(data_dir: str) -> Any:
        with open(f"{data_dir}/dataset.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if bug.get("drop_empty"):
            rows = [r for r in rows if r["fracture_visible"]]
        labels = np.array([1 if r["fracture_visible"] else 0 for r in rows])
        order = np.random.default_rng(0).permutation(len(rows))
        held = int(bug.get("validation", 0.2) * len(rows))
        val_idx, train_idx = order[:held], order[held:]
        if bug.get("overlap"):
            val_idx = order[-held:]

        def batches(indices: Any) -> Iterator[tuple[Any, Any]]:
            size = bug.get("batch", 64)
            for start in range(0, len(indices), size):
                chosen = indices[start : start + size]
                x = np.stack([np.asarray(image.open(f"{data_dir}/images/{rows[i]['filestem']}.png").convert("RGB")
                                         .resize((224, 224))) for i in chosen]).astype(np.float32)  # fmt: skip
                y = np.eye(2, dtype=np.float32)[labels[chosen]]
                yield (x if bug.get("no_scaling") else x / 255.0), y

        return batches(train_idx), batches(val_idx)

    return make_generators


def _judged(tmp_path: Path, **bug: Any) -> pipeline.Judgement:
    dataset = pipeline.write_dataset(tmp_path)
    described = probe_batches.describe_pipeline(_numpy_pipeline(**bug), str(dataset.folder), 8, 7)
    return pipeline.judge(dataset, described)


def _text(parts: list[Any]) -> str:
    return "; ".join(p.en for p in parts)


def test_a_correct_pipeline_is_verified_point_by_point(tmp_path: Path) -> None:
    judged = _judged(tmp_path)
    assert judged.findings == []
    text = _text(judged.verified)
    for phrase in ("run on the grader's 100 images (generator)", "224x224x3 float32", "batches of 64",
                   "pixels scaled to 0..1", "all 100 correct (fracture = column 1)",
                   "80 training and 20 validation images, none in both"):  # fmt: skip
        assert phrase in text, text


@pytest.mark.parametrize(("bug", "phrase"), [
    ({"no_scaling": True}, "on the 0..255 (not scaled) scale, the sheet scales them to 0..1"),
    ({"batch": 32}, "batches of 32 images, the sheet says 64"),
    ({"overlap": True}, "images are in both the training and the validation data"),
    ({"drop_empty": True}, "60 of the 100 images are in neither part (all of them without a fracture"),
    ({"validation": 0.5}, "50 of the 100 images used (50%) are for validation, the sheet holds out 20%"),
])  # fmt: skip
def test_each_mistake_is_found_and_named(tmp_path: Path, bug: dict[str, Any], phrase: str) -> None:
    judged = _judged(tmp_path, **bug)
    assert phrase in _text(judged.findings), _text(judged.findings)


def test_a_factory_that_does_not_return_a_pair_is_named(tmp_path: Path) -> None:
    dataset = pipeline.write_dataset(tmp_path)
    described = probe_batches.describe_pipeline(lambda data_dir: "ready", str(dataset.folder), 8, 7)
    findings = pipeline.judge(dataset, described).findings
    assert "returned str, not a pair (train_generator, val_generator)" in _text(findings)


# --- real pipelines in the sandbox --------------------------------------------------------------------


def _pipeline_check(folder: Path) -> CheckResult:
    checks = {c.check_id: c for c in grade_folder(folder, only=("q02",)).question("q02").checks}
    return checks["q02.pipeline"]


@pytest.mark.tf
def test_perfect_tf_data_pipeline_passes() -> None:
    check = _pipeline_check(SUBMISSIONS / "perfect")
    assert check.status is Status.PASSED and check.max_score == 0 and not check.manual_review
    assert "(tf.data.Dataset)" in check.feedback.en and "none in both" in check.feedback.en
    assert "روی 100 تصویر تصحیح‌گر اجرا شد" in check.feedback.fa


MISTAKES = {
    "image_data_generator": None,  # the notebook's Keras 2 code, correct: runs through the compat shim
    "no_rescale": "on the 0..255 (not scaled) scale",
    "rows_dropped": "all of them without a fracture",
    "binary_labels": "labels have shape () per image",
    "reshuffled_split": "images are in both the training and the validation data",
    "one_channel": "images have shape (224, 224, 1)",
}
SLOW = {"binary_labels", "one_channel"}


@pytest.mark.tf
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in MISTAKES])
def test_each_student_pipeline_is_judged(name: str) -> None:
    check = _pipeline_check(FIXTURES / "q02_pipelines" / name)
    phrase = MISTAKES[name]
    if phrase is None:
        assert check.status is Status.PASSED and "DataFrameIterator" in check.feedback.en, check.feedback.en
        return
    assert check.status is Status.FAILED and check.manual_review and check.score == 0
    assert phrase in check.feedback.en, check.feedback.en


@pytest.mark.tf
def test_untouched_template_has_nothing_to_check(submission: Callable[..., Path]) -> None:
    check = _pipeline_check(submission({"q02_transfer_learning.py": TEMPLATE}, sheet_from=None))
    assert check.status is Status.PASSED and "nothing to check" in check.feedback.en
    assert not check.manual_review


def test_probe_batches_reads_keras_like_sequences_by_index() -> None:
    class Sequence:
        def __len__(self) -> int:
            return 3

        def __getitem__(self, i: int) -> tuple[Any, Any]:
            return np.full((2, 4, 4, 3), 0.5, np.float32), np.eye(2, dtype=np.float32)

        def __iter__(self) -> Any:
            raise AssertionError("an epoch of a Keras iterator is read by index: iterating it never ends")

    batches, finished = probe_batches._batches(Sequence(), 8)
    assert len(batches) == 3 and finished
    assert probe_batches._batches(iter(lambda: (1, 2), None), 4) == ([(1, 2)] * 4, False)

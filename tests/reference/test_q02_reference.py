"""The Q2 reference: the stand-in generator, the tf.data pipeline, define_model on both backbones, the key values."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox import probe_transfer
from reference import q02_transfer_learning as ref


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_standin_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = _files(ref.make_standin(tmp_path / "a", n=12, size=40, seed=3))
    again = _files(ref.make_standin(tmp_path / "b", n=12, size=40, seed=3))
    other = _files(ref.make_standin(tmp_path / "c", n=12, size=40, seed=4))
    assert first == again
    assert first != other
    assert len(first) == 13 and "dataset.csv" in first


def test_standin_has_the_grazpedwri_layout(tmp_path: Path) -> None:
    from PIL import Image

    folder = ref.make_standin(tmp_path, n=10, size=40)
    header = (folder / ref.CSV_NAME).read_text().splitlines()[0].split(",")
    assert {"filestem", "fracture_visible"} <= set(header)
    stems, labels = ref.read_labels(folder / ref.CSV_NAME)
    assert labels.tolist().count(1) == 5 and set(labels.tolist()) == {0, 1}  # balanced; empty means 0
    with Image.open(folder / ref.IMAGES_DIR / f"{stems[0]}.png") as image:
        assert image.mode == "L" and image.size == (40, 40)


def test_labels_nan_and_empty_mean_zero(tmp_path: Path) -> None:
    path = tmp_path / "dataset.csv"
    path.write_text("filestem,fracture_visible\na,1.0\nb,\nc,nan\nd,0\ne,1\n")
    stems, labels = ref.read_labels(path)
    assert stems == ["a", "b", "c", "d", "e"] and labels.tolist() == [1, 0, 0, 0, 1]


def test_split_is_80_20_and_disjoint() -> None:
    train, val = ref.split_indices(ref.DATASET_IMAGES)
    assert (len(train), len(val)) == (16_262, 4_065)  # Keras 2's validation_split=0.2 on 20,327 images
    assert len(np.union1d(train, val)) == ref.DATASET_IMAGES and not np.intersect1d(train, val).size
    assert np.array_equal(ref.split_indices(100, seed=1)[1], ref.split_indices(100, seed=1)[1])


def test_key_values_read_the_summary_without_tensorflow(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(json.dumps({
        "dataset": "x", "weights": "random", "weights_note": "RANDOM", "image_size": 64, "epochs": 2,
        "preprocessing": "scale", "table": [{"model": "VGG16"}], "run_seconds": 1.0}))  # fmt: skip
    values = ref.key_values(tmp_path)
    assert values["weights"] == "random" and values["split_224"] == {"train": 16_262, "test": 4_065}
    assert "status" in ref.key_values(tmp_path / "none")
    code = ("import sys; from reference.q02_transfer_learning import key_values; key_values(); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(ref.__file__).parents[1])


def test_committed_comparison_run() -> None:
    summary = json.loads((ref.ARTIFACTS / "summary.json").read_text())
    assert summary["weights"] in ("imagenet", "random") and summary["weights"] in summary["weights_note"].lower()
    assert [row["model"] for row in summary["table"]] == ["VGG16", "ResNet50"]
    for row in summary["table"]:
        assert 0 < row["test_count"] < row["train_count"] and 0 <= row["test_accuracy"] <= 1
        assert row["trainable_parameters"] < row["parameters"]
    assert summary["run_seconds"] <= 180
    assert (ref.ARTIFACTS / "curves.png").stat().st_size < 200_000
    assert (ref.ARTIFACTS / "confusion.png").stat().st_size < 100_000


@pytest.mark.tf
def test_rows_without_an_image_are_left_out_and_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tensorflow")
    folder = ref.make_standin(tmp_path, n=20, size=48)
    next(iter(sorted((folder / "images").glob("*.png")))).unlink()
    data = ref.make_datasets(folder, size=32, batch_size=8)
    assert data.train_count + data.val_count == 19
    assert "1 of the 20 rows" in capsys.readouterr().err


@pytest.mark.tf
def test_pipeline_shapes_types_and_ranges(tmp_path: Path) -> None:
    pytest.importorskip("tensorflow")
    from PIL import Image

    folder = ref.make_standin(tmp_path, n=20, size=48)
    Image.fromarray(np.full((48, 48), 65535, dtype=np.uint16)).save(folder / "images" / "0000_standin_R.png")
    data = ref.make_datasets(folder, size=32, batch_size=8)
    assert (data.train_count, data.val_count) == (16, 4)
    batches = list(data.train_generator)
    assert [len(x) for x, _ in batches] == [8, 8]
    images, labels = batches[0]
    assert images.shape == (8, 32, 32, 3) and images.dtype.name == "float32"
    assert labels.shape == (8, 2) and labels.dtype.name == "float32"
    assert np.array_equal(np.sum(labels, axis=1), np.ones(8))
    every = np.concatenate([np.asarray(x) for x, _ in batches] + [np.asarray(x) for x, _ in data.val_generator])
    assert every.min() >= 0.0 and every.max() <= 1.0 + 1e-6 and every.max() > 0.99  # 16-bit white reads as 1
    assert np.array_equal(every[..., 0], every[..., 2])  # grayscale repeated into RGB
    val_labels = np.concatenate([np.argmax(y, axis=1) for _, y in data.val_generator])
    assert np.array_equal(val_labels, data.val_labels)
    caffe = ref.make_datasets(folder, size=32, batch_size=8, preprocessing="backbone", backbone="vgg16")
    x, _ = next(iter(caffe.val_generator))
    assert float(np.min(x)) < -50  # ImageNet means subtracted on the 0..255 scale


@pytest.mark.tf
@pytest.mark.parametrize("backbone", ["vgg16", "resnet50"])
def test_define_model_on_both_backbones(backbone: str) -> None:
    pytest.importorskip("tensorflow")
    described = probe_transfer.describe_transfer(ref.define_model, backbone, 32)
    flags = described["backbone_trainable"]
    assert flags == [False] * (len(flags) - 2) + [True, True]
    assert [(h["type"], h["settings"].get("units"), h["settings"].get("activation")) for h in described["head"]] == [
        ("Flatten", None, None), ("Dense", 128, "relu"), ("Dense", 2, "softmax")]  # fmt: skip
    assert described["output_shape"] == [None, 2] and described["input_shape"] == [None, 32, 32, 3]
    assert (described["loss"], described["optimizer"], described["metrics"]) == (
        "categorical_crossentropy", "Adam", ["accuracy"])  # fmt: skip
    weighted_tail = {"vgg16": 2_359_808, "resnet50": 0}[backbone]  # ResNet50's last two layers have no weights
    assert described["backbone_trainable_parameters"] == weighted_tail


@pytest.mark.tf
@pytest.mark.slow
def test_parameter_counts_at_224() -> None:
    import keras

    def pooled(conv_model):  # type: ignore[no-untyped-def]
        x = keras.layers.GlobalAveragePooling2D()(conv_model.output)
        x = keras.layers.Dense(2, activation="softmax")(keras.layers.Dense(128, activation="relu")(x))
        return keras.models.Model(conv_model.input, x)

    for backbone in ref.BACKBONES:
        described = probe_transfer.describe_transfer(ref.define_model, backbone, 224)
        assert described["parameters"] == ref.PARAMETERS_224[backbone]["flatten"]
        assert described["trainable_parameters"] == ref.TRAINABLE_224[backbone]
        gap = probe_transfer.describe_transfer(pooled, backbone, 224)
        assert gap["parameters"] == ref.PARAMETERS_224[backbone]["global_average_pooling"]


@pytest.mark.tf
@pytest.mark.slow
def test_comparison_runs_on_a_tiny_standin(tmp_path: Path) -> None:
    summary = ref.compare(size=32, epochs=1, n=24, out=tmp_path)
    assert [row["test_count"] for row in summary["table"]] == [4, 4]
    assert {p.name for p in tmp_path.iterdir()} == {"summary.json", "curves.png", "confusion.png"}

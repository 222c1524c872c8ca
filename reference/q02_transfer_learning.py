"""Q2 reference: transfer learning on wrist X-rays (GRAZPEDWRI-DX), VGG16 vs ResNet50.

- `define_model(conv_model)`: the sheet's function. Every layer of the backbone
  is frozen except its last two; the head is Flatten -> Dense(128, relu) ->
  Dense(2, softmax) on `conv_model.output`; the model is
  `keras.models.Model(inputs=conv_model.input, outputs=predictions)`, compiled
  with categorical cross-entropy, Adam and accuracy. (The sheet does not name
  the flattening layer; GlobalAveragePooling2D is accepted by the checks too.)
  Note what "the last two layers" are: for VGG16 `block5_conv3` (2,359,808
  weights) and `block5_pool`; for ResNet50 `conv5_block3_add` and
  `conv5_block3_out`, which have no weights at all, so ResNet50's backbone stays
  entirely frozen and only its head trains.
- `make_datasets(folder)`: the notebook's pipeline on tf.data (the handed-out
  `ImageDataGenerator` / `fit_generator` are Keras 2 era): the GRAZPEDWRI-DX CSV
  (`dataset.csv`, else the folder's CSV; `filestem` names `<filestem>.png`, found
  anywhere below the folder; `fracture_visible` is the label, empty/NaN meaning
  0), grayscale decoded (8- or 16-bit PNG) and repeated to RGB, resized
  to 224x224, scaled to 0..1, float32, one-hot labels, batch 64, 20% held out
  for validation (as Keras 2's `validation_split`: `int(0.2 * n)` images, here
  after a seeded shuffle). On the full 20,327 images: 16,262 train, 4,065 test.
- `make_standin(folder)`: a small seeded synthetic dataset in the same layout
  (bright "bones", half of them crossed by a dark "fracture line"), so that the
  pipeline and the comparison run offline.
- `python -m reference.q02_transfer_learning compare [--data DIR] [--size 64] [--epochs 2]`:
  trains both models (EarlyStopping(patience=2) as in the sheet; the sheet's
  ModelCheckpoint is left out, so no large weight files are written) and writes
  `reference/artifacts/q02/`: summary.json (the sheet's comparison table, and
  whether ImageNet or RANDOM weights were used), curves.png, confusion.png.

Why each backbone's own `preprocess_input` matters. The ImageNet weights were
trained on images prepared by `keras.applications.vgg16.preprocess_input` /
`resnet50.preprocess_input` ("caffe" mode): pixels kept on the 0..255 scale,
RGB turned into BGR and the ImageNet channel means (103.9, 116.8, 123.7)
subtracted, so inputs are zero-centred and span about -124..152. Scaling to 0..1
instead feeds the frozen filters inputs about 255 times smaller and not centred:
the first layers' responses are dominated by their biases and the features that
reach the head barely vary from image to image. VGG16 (no batch normalization,
ReLU layers that roughly preserve patterns under scaling, and a trainable last
conv layer) loses part of its advantage; ResNet50 is hurt most: its frozen
BatchNormalization layers normalise with ImageNet's moving statistics, which no
longer fit the inputs, and its two "unfrozen" layers have no weights, so nothing
in the backbone can adapt. That is why a run with 0..1 scaling can find VGG16
better than ResNet50. With random weights (this offline stand-in) the choice
matters little. `--preprocessing backbone` runs the pipeline with each
backbone's own `preprocess_input`.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "q02"
CSV_NAME, IMAGES_DIR = "dataset.csv", "images"
IMAGE_SIZE, BATCH_SIZE, VALIDATION_SPLIT, EPOCHS, PATIENCE, SEED = 224, 64, 0.2, 10, 2, 0
DATASET_IMAGES = 20_327  # GRAZPEDWRI-DX
BACKBONES = ("vgg16", "resnet50")
# define_model's parameters at 224x224 (tests/reference checks them with count_params()):
# total by head, and trainable with the reference's Flatten head.
PARAMETERS_224 = {
    "vgg16": {"flatten": 17_926_338, "global_average_pooling": 14_780_610},
    "resnet50": {"flatten": 36_433_154, "global_average_pooling": 23_850_242},
}
TRAINABLE_224 = {"vgg16": 5_571_458, "resnet50": 12_845_442}


def define_model(conv_model: Any) -> Any:
    """The sheet's transfer-learning model on top of an include_top=False backbone."""
    import keras

    conv_model.trainable = True
    for layer in conv_model.layers[:-2]:
        layer.trainable = False
    x = keras.layers.Flatten(name="head_flatten")(conv_model.output)
    x = keras.layers.Dense(128, activation="relu", name="head_dense")(x)
    predictions = keras.layers.Dense(2, activation="softmax", name="head_predictions")(x)
    model = keras.models.Model(inputs=conv_model.input, outputs=predictions)
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(), metrics=["accuracy"])
    return model


def load_backbone(name: str, size: int = IMAGE_SIZE) -> tuple[Any, str]:
    """The backbone with ImageNet weights as the sheet asks; random weights (said loudly) when they cannot load."""
    import keras

    factory = {"vgg16": keras.applications.vgg16.VGG16, "resnet50": keras.applications.resnet50.ResNet50}[name]
    try:
        return factory(weights="imagenet", include_top=False, input_shape=(size, size, 3)), "imagenet"
    except Exception as error:  # no network: the download fails
        print(f"WARNING {name}: ImageNet weights could not be loaded ({type(error).__name__}); using RANDOM weights")
        return factory(weights=None, include_top=False, input_shape=(size, size, 3)), "random"


# -- data --------------------------------------------------------------------------------
def read_labels(csv_path: Path) -> tuple[list[str], np.ndarray]:
    """filestem and fracture_visible of the GRAZPEDWRI-DX CSV; an empty or NaN label means 0."""
    stems, labels = [], []
    with csv_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            value = (row.get("fracture_visible") or "").strip().lower()
            labels.append(0 if value in ("", "nan", "none") else int(float(value)))
            stems.append(row["filestem"].strip())
    return stems, np.asarray(labels, dtype=np.int64)


def split_indices(n: int, validation_split: float = VALIDATION_SPLIT, seed: int = SEED) -> tuple[np.ndarray, ...]:
    """Seeded shuffle, then int(split * n) images for validation (Keras 2's count) and the rest for training."""
    order = np.random.default_rng(seed).permutation(n)
    held_out = int(validation_split * n)
    return order[held_out:], order[:held_out]


@dataclass(frozen=True)
class Pipeline:
    train_generator: Any  # tf.data.Dataset of (images, one-hot labels) batches, reshuffled every epoch
    val_generator: Any  # the same, in a fixed order (val_labels)
    train_count: int
    val_count: int
    val_labels: np.ndarray


def _loader(size: int, preprocessing: str, backbone: str | None) -> Any:
    import keras
    import tensorflow as tf

    preprocess = None
    if preprocessing == "backbone":
        module = {"vgg16": keras.applications.vgg16, "resnet50": keras.applications.resnet50}[backbone or "vgg16"]
        preprocess = module.preprocess_input

    def load(path: Any, label: Any) -> tuple[Any, Any]:
        pixels = tf.io.decode_png(tf.io.read_file(path), channels=1, dtype=tf.uint16)  # 8-bit PNGs are scaled up
        image = tf.image.grayscale_to_rgb(tf.cast(pixels, tf.float32) / 65535.0)
        image = tf.image.resize(image, (size, size))
        if preprocess is not None:
            image = preprocess(image * 255.0)
        return image, tf.one_hot(label, 2, dtype=tf.float32)

    return load


def make_datasets(
    folder: Path,
    size: int = IMAGE_SIZE,
    batch_size: int = BATCH_SIZE,
    validation_split: float = VALIDATION_SPLIT,
    seed: int = SEED,
    preprocessing: str = "scale",
    backbone: str | None = None,
) -> Pipeline:
    """The sheet's train_generator / val_generator as tf.data pipelines (preprocessing: scale | backbone)."""
    import tensorflow as tf

    folder = Path(folder)
    csv_path = folder / CSV_NAME if (folder / CSV_NAME).is_file() else next(folder.glob("*.csv"))
    stems, labels = read_labels(csv_path)
    images = folder / IMAGES_DIR if (folder / IMAGES_DIR).is_dir() else folder
    found = {p.stem: p for p in images.rglob("*.png")}  # images/ or figshare's images_part1..4/ folders
    present = [i for i, stem in enumerate(stems) if stem in found]
    paths = np.asarray([str(found[stems[i]]) for i in present])
    labels = labels[present]
    train, val = split_indices(len(paths), validation_split, seed)
    load = _loader(size, preprocessing, backbone)

    def dataset(indices: np.ndarray, shuffle: bool) -> Any:
        data = tf.data.Dataset.from_tensor_slices((paths[indices], labels[indices]))
        if shuffle:
            data = data.shuffle(len(indices), seed=seed, reshuffle_each_iteration=True)
        return data.map(load, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size).prefetch(tf.data.AUTOTUNE)

    if len(present) < len(stems):  # the real dataset ships in parts: say what is left out, do not guess
        print(f"warning: {len(stems) - len(present)} of the {len(stems)} rows of {csv_path.name} have no PNG under "
              f"{images}; they are left out", file=sys.stderr)  # fmt: skip
    return Pipeline(dataset(train, True), dataset(val, False), len(train), len(val), labels[val])


def make_standin(folder: Path, n: int = 320, size: int = 96, seed: int = SEED) -> Path:
    """A synthetic GRAZPEDWRI-DX-like dataset: dataset.csv + images/<filestem>.png (8-bit grayscale)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    folder = Path(folder)
    (folder / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
    fractured = rng.permutation(np.arange(n) % 2 == 1)
    rows: list[dict[str, str]] = []
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64)
    for i in range(n):
        image = 25 + 12 * rng.standard_normal((size, size))
        angle = rng.uniform(-0.35, 0.35)
        for offset in (-0.16, 0.14):  # radius and ulna
            cx, cy = size * (0.5 + offset + rng.uniform(-0.04, 0.04)), size * (0.5 + rng.uniform(-0.05, 0.05))
            along = (xs - cx) * np.sin(angle) + (ys - cy) * np.cos(angle)
            across = (xs - cx) * np.cos(angle) - (ys - cy) * np.sin(angle)
            width = size * rng.uniform(0.07, 0.10)
            bone = (np.abs(across) < width) & (np.abs(along) < size * 0.42)
            image += bone * (150 + 40 * (1 - (across / width) ** 2)) * rng.uniform(0.85, 1.0)
            if fractured[i] and offset < 0:
                tilt, at = rng.uniform(-0.6, 0.6), rng.uniform(-0.25, 0.25) * size
                line = np.abs((along - at) * np.cos(tilt) + across * np.sin(tilt)) < max(1.0, size / 48)
                image -= (bone & line) * rng.uniform(120, 170)
        stem = f"{i:04d}_standin_{'L' if i % 3 else 'R'}"
        Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(folder / IMAGES_DIR / f"{stem}.png")
        rows.append(
            {"filestem": stem, "patient_id": str(1000 + i // 2), "fracture_visible": "1.0" if fractured[i] else ""}
        )
    with (folder / CSV_NAME).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["patient_id", "filestem", "fracture_visible"])
        writer.writeheader()
        writer.writerows(rows)
    return folder


# -- the comparison run ------------------------------------------------------------------------
def _confusion(truth: np.ndarray, predicted: np.ndarray) -> list[list[int]]:
    matrix = np.zeros((2, 2), dtype=np.int64)
    np.add.at(matrix, (truth, predicted), 1)
    return [[int(v) for v in row] for row in matrix]


def train_one(name: str, folder: Path, size: int, epochs: int, preprocessing: str, seed: int) -> dict[str, Any]:
    import keras

    keras.utils.set_random_seed(seed)
    data = make_datasets(folder, size=size, seed=seed, preprocessing=preprocessing, backbone=name)
    conv_model, weights = load_backbone(name, size)
    model = define_model(conv_model)
    stop = keras.callbacks.EarlyStopping(patience=PATIENCE)
    started = time.perf_counter()
    # shuffle=False: the training dataset reshuffles itself every epoch (Keras warns on a tf.data input)
    history = model.fit(data.train_generator, validation_data=data.val_generator, epochs=epochs, callbacks=[stop],
                        shuffle=False, verbose=2)  # fmt: skip
    seconds = time.perf_counter() - started
    _, test_accuracy = model.evaluate(data.val_generator, verbose=0)
    predicted = np.argmax(model.predict(data.val_generator, verbose=0), axis=1)
    curves = {k: [float(v) for v in values] for k, values in history.history.items()}
    return {
        "model": {"vgg16": "VGG16", "resnet50": "ResNet50"}[name],
        "train_count": data.train_count,
        "test_count": data.val_count,
        "train_accuracy": round(curves["accuracy"][-1], 4),
        "test_accuracy": round(float(test_accuracy), 4),
        "time_seconds": round(seconds, 1),
        "parameters": int(model.count_params()),
        "trainable_parameters": int(sum(int(np.prod(w.shape)) for w in model.trainable_weights)),
        "weights": weights,
        "epochs_run": len(curves["loss"]),
        "confusion_matrix": _confusion(data.val_labels, predicted),
        "history": curves,
    }


def _plots(rows: dict[str, dict[str, Any]], out: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 2, figsize=(8, 5.2))
    for column, row in enumerate(rows.values()):
        for line, metric in enumerate(("loss", "accuracy")):
            axis, history = axes[line][column], row["history"]
            epochs = range(1, len(history[metric]) + 1)
            axis.plot(epochs, history[metric], marker="o", label="train")
            axis.plot(epochs, history[f"val_{metric}"], marker="o", label="validation")
            axis.set_title(f"{row['model']}: {metric}", fontsize=9)
            axis.set_xticks(list(epochs))
            axis.set_xlabel("epoch", fontsize=8)
            axis.grid(alpha=0.3)
            axis.legend(fontsize=7)
    figure.suptitle(title, fontsize=9)
    figure.tight_layout()
    figure.savefig(out / "curves.png", dpi=72)
    plt.close(figure)
    figure, axes = plt.subplots(1, 2, figsize=(6.4, 3))
    for axis, row in zip(axes, rows.values(), strict=True):
        matrix = np.asarray(row["confusion_matrix"])
        axis.imshow(matrix, cmap="Blues")
        for (i, j), value in np.ndenumerate(matrix):
            axis.text(j, i, str(value), ha="center", va="center", color="black")
        axis.set_xticks([0, 1], ["no fracture", "fracture"], fontsize=7)
        axis.set_yticks([0, 1], ["no fracture", "fracture"], fontsize=7)
        axis.set_xlabel("predicted", fontsize=8)
        axis.set_ylabel("true", fontsize=8)
        axis.set_title(f"{row['model']} (test accuracy {row['test_accuracy']:.3f})", fontsize=9)
    figure.suptitle(title, fontsize=8)
    figure.tight_layout()
    figure.savefig(out / "confusion.png", dpi=72)
    plt.close(figure)


def compare(
    data: Path | None = None,
    size: int = 64,
    epochs: int = 2,
    n: int = 320,
    preprocessing: str = "scale",
    seed: int = SEED,
    out: Path = ARTIFACTS,
) -> dict[str, Any]:
    """Train both backbones' models on the real dataset (data) or on a generated stand-in; write the artifacts."""
    import keras
    import tensorflow as tf

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="q02-standin-") as scratch:
        folder = Path(data) if data is not None else make_standin(Path(scratch), n=n, seed=seed)
        rows = {name: train_one(name, folder, size, epochs, preprocessing, seed) for name in BACKBONES}
    weights = {row["weights"] for row in rows.values()}
    used = "imagenet" if weights == {"imagenet"} else "random" if weights == {"random"} else "mixed"
    note = {"imagenet": "ImageNet weights were used.",
            "random": "ImageNet weights could NOT be downloaded (no network): both backbones used RANDOM weights, "
                      "so these numbers say nothing about transfer learning; they show that the pipeline, "
                      "define_model and the comparison run end to end.",
            "mixed": "One backbone used ImageNet weights and the other RANDOM weights: the rows are not comparable."}[used]  # fmt: skip
    dataset = str(data) if data is not None else f"generated stand-in (make_standin, n={n}, seed={seed})"
    table = [{k: v for k, v in row.items() if k not in ("history", "confusion_matrix")} for row in rows.values()]
    summary = {
        "dataset": dataset, "weights": used, "weights_note": note, "image_size": size, "epochs": epochs,
        "batch_size": BATCH_SIZE, "validation_split": VALIDATION_SPLIT, "preprocessing": preprocessing,
        "table": table, "models": rows, "run_seconds": round(time.perf_counter() - started, 1),
        "machine": {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                    "cpu": platform.machine()},
    }  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    _plots(rows, out, f"Q2 on {'the stand-in' if data is None else 'GRAZPEDWRI-DX'}, {size}x{size}, {used} weights")
    return summary


def key_values(out: Path = ARTIFACTS) -> dict[str, Any]:
    """The answer key's Q2 numbers, read from the committed summary (no TensorFlow needed)."""
    reference = {"parameters_224": PARAMETERS_224, "trainable_224": TRAINABLE_224, "dataset_images": DATASET_IMAGES,
                 "split_224": {"train": DATASET_IMAGES - int(VALIDATION_SPLIT * DATASET_IMAGES),
                               "test": int(VALIDATION_SPLIT * DATASET_IMAGES)}}  # fmt: skip
    path = out / "summary.json"
    if not path.exists():
        return {"status": "the comparison run has not been committed yet", **reference}
    summary = json.loads(path.read_text(encoding="utf-8"))
    keys = ("dataset", "weights", "weights_note", "image_size", "epochs", "preprocessing", "table", "run_seconds")
    return {**{k: summary[k] for k in keys}, **reference}


def main() -> None:
    parser = argparse.ArgumentParser(description="Q2 reference: VGG16 vs ResNet50 transfer learning.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("compare", help="train both models and write reference/artifacts/q02/")
    run.add_argument("--data", type=Path, help="a GRAZPEDWRI-DX folder (its CSV + PNGs); default: a generated stand-in")
    run.add_argument("--size", type=int, default=64, help="image size (the sheet: 224; at least 32)")
    run.add_argument("--epochs", type=int, default=2, help="epochs (the sheet: 10)")
    run.add_argument("--n", type=int, default=320, help="images in the generated stand-in")
    run.add_argument("--preprocessing", choices=["scale", "backbone"], default="scale",
                     help="scale: 0..1 as the sheet; backbone: each backbone's preprocess_input")  # fmt: skip
    run.add_argument("--out", type=Path, default=ARTIFACTS)
    standin = commands.add_parser("standin", help="only write a stand-in dataset")
    standin.add_argument("folder", type=Path)
    standin.add_argument("--n", type=int, default=320)
    standin.add_argument("--size", type=int, default=96)
    standin.add_argument("--seed", type=int, default=SEED)
    options = parser.parse_args()
    if options.command == "standin":
        print(make_standin(options.folder, options.n, options.size, options.seed))
        return
    summary = compare(options.data, options.size, options.epochs, options.n, options.preprocessing, out=options.out)
    print(json.dumps({k: summary[k] for k in ("weights_note", "table", "run_seconds")}, indent=1))


if __name__ == "__main__":
    main()

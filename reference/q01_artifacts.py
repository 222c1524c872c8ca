"""What the Q1 reference run leaves behind, and the input pipeline of its final training.

- `shifted_batches`: the training images in seeded random order, each shifted
  by up to a few pixels (zero fill), different every epoch and identical on
  every run: the augmentation lives in the data pipeline, not in the model;
- the trial table (trials.csv) and learning-curve plot;
- the weights: np.savez_compressed of `model.get_weights()`, in float32 when
  that fits the size budget, otherwise in float16 *only if* the float16
  weights give the same test accuracy to 0.0005 (both accuracies recorded).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "q01"
WEIGHTS_FILE = "best_weights.npz"
SIZE_BUDGET = 1_100_000  # bytes: keep the repository small
FLOAT16_TOLERANCE = 0.0005


def shift_images(images: np.ndarray, rng: np.random.Generator, max_shift: int) -> np.ndarray:
    """Each (28, 28, 1) image moved by its own random (dy, dx) in [-max_shift, max_shift], zero-filled."""
    count, height, width = images.shape[:3]
    padded = np.pad(images, ((0, 0), (max_shift, max_shift), (max_shift, max_shift), (0, 0)))
    dy, dx = rng.integers(0, 2 * max_shift + 1, size=(2, count))
    rows = dy[:, None] + np.arange(height)  # (count, height): which padded rows each output row reads
    cols = dx[:, None] + np.arange(width)
    shifted: np.ndarray = padded[np.arange(count)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return shifted


def shifted_batches(x: np.ndarray, y: np.ndarray, batch_size: int, max_shift: int, seed: int) -> Any:
    """A Keras PyDataset of shifted batches; batch i of epoch e depends only on (seed, e, i)."""
    import keras

    class ShiftedBatches(keras.utils.PyDataset):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(workers=1, use_multiprocessing=False)
            self.epoch = 0
            self.order = np.random.default_rng((seed, 0)).permutation(len(y))

        def __len__(self) -> int:
            return -(-len(y) // batch_size)

        def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
            chosen = self.order[index * batch_size : (index + 1) * batch_size]
            rng = np.random.default_rng((seed, self.epoch, index))
            return shift_images(x[chosen], rng, max_shift), y[chosen]

        def on_epoch_end(self) -> None:
            self.epoch += 1
            self.order = np.random.default_rng((seed, self.epoch)).permutation(len(y))

    return ShiftedBatches()


def trial_rows(tuner: Any) -> list[dict[str, Any]]:
    rows = []
    for trial_id, trial in sorted(tuner.oracle.trials.items()):
        values = dict(trial.hyperparameters.values)
        rows.append({"trial": trial_id, "status": str(trial.status), "val_accuracy": trial.score,
                     "epochs": values.pop("tuner/epochs", None), "bracket": values.pop("tuner/bracket", None),
                     "round": values.pop("tuner/round", None),
                     "parameters": _parameters(trial.hyperparameters),
                     **{k: round(v, 6) if isinstance(v, float) else v
                        for k, v in values.items() if not k.startswith("tuner/")}})  # fmt: skip
    return rows


def _parameters(hp: Any) -> int:
    from reference.q01_keras_tuner import build_model

    return int(build_model(hp).count_params())


def write_trials(rows: list[dict[str, Any]], path: Path) -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def plot_curves(history: dict[str, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    kept = int(np.argmin(history["val_loss"])) + 1  # the epoch whose weights early stopping restored
    figure, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for axis, metric in zip(axes, ("loss", "accuracy"), strict=True):
        axis.plot(range(1, len(history[metric]) + 1), history[metric], marker="o", label="train (shifted)")
        axis.plot(range(1, len(history[f"val_{metric}"]) + 1), history[f"val_{metric}"], marker="o", label="validation")
        axis.axvline(kept, color="grey", linestyle="--", linewidth=1, label=f"kept (epoch {kept})")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_xlabel("epoch")
        axis.set_title(metric)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.suptitle("Q1: best Hyperband configuration, retrained on 54,000 digits")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def accuracy(model: Any, x: np.ndarray, y: np.ndarray) -> float:
    probabilities = model.predict(x, batch_size=1000, verbose=0)
    return float(np.mean(np.argmax(probabilities, axis=1) == y))


def save_weights(model: Any, x_test: np.ndarray, y_test: np.ndarray, out: Path) -> dict[str, Any]:
    """Test the model once, store its weights within the size budget, and say what was stored."""
    weights = model.get_weights()
    path = out / WEIGHTS_FILE
    float32_accuracy = accuracy(model, x_test, y_test)
    np.savez_compressed(path, *weights)
    record: dict[str, Any] = {"file": WEIGHTS_FILE, "dtype": "float32", "float32_test_accuracy": float32_accuracy}
    committed_accuracy = float32_accuracy
    if path.stat().st_size > SIZE_BUDGET:
        halves = [w.astype(np.float16) for w in weights]
        model.set_weights([h.astype(np.float32) for h in halves])
        float16_accuracy = accuracy(model, x_test, y_test)
        record["float16_test_accuracy"] = float16_accuracy
        if abs(float16_accuracy - float32_accuracy) <= FLOAT16_TOLERANCE:
            np.savez_compressed(path, *halves)
            record["dtype"] = "float16"
            committed_accuracy = float16_accuracy
        else:  # keep float32 (over budget) rather than weights that test differently
            model.set_weights(weights)
    record["bytes"] = path.stat().st_size
    record["within_size_budget"] = record["bytes"] <= SIZE_BUDGET
    return {"test_accuracy": committed_accuracy, "weights": record}


def load_weights(model: Any, out: Path = ARTIFACTS) -> None:
    """Set the committed weights (float16 ones widened to float32, as they were tested)."""
    with np.load(out / WEIGHTS_FILE) as data:
        model.set_weights([data[f"arr_{i}"].astype(np.float32) for i in range(len(data.files))])

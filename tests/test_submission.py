import json
from pathlib import Path

from grader.submission import comment_out_magics, discover


def test_discovery_is_sorted_and_skips_caches_and_links(tmp_path: Path) -> None:
    (tmp_path / "b.py").write_text("x = 1\n")
    (tmp_path / "a dir").mkdir()
    (tmp_path / "a dir" / "تمرین.py").write_text("y = 2\n")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "old.py").write_text("z = 3\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "c.py").write_text("z = 3\n")
    (tmp_path / "link.py").symlink_to("/etc/hostname")
    (tmp_path / "empty.py").write_text("")
    submission = discover(tmp_path)
    assert [u.file for u in submission.units] == ["a dir/تمرین.py", "b.py"]
    kinds = sorted(n.kind for n in submission.notes)
    assert kinds == ["empty", "skipped"]
    assert len({u.module for u in submission.units}) == 2


def test_notebooks_keep_code_cells_and_comment_out_magics(tmp_path: Path) -> None:
    notebook = {"cells": [
        {"cell_type": "markdown", "source": ["# title"]},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "!pip install x\n", "import numpy as np"]},
    ]}  # fmt: skip
    (tmp_path / "hw.ipynb").write_text(json.dumps(notebook))
    (unit,) = discover(tmp_path).units
    assert unit.mode == "definitions" and [c.index for c in unit.cells] == [1]
    assert unit.cells[0].source.splitlines()[0] == "# %matplotlib inline"
    assert comment_out_magics("  !ls") == "  # !ls"


def test_broken_files_are_notes_not_errors(tmp_path: Path) -> None:
    (tmp_path / "corrupt.ipynb").write_text("{not json")
    (tmp_path / "latin.py").write_bytes(b"x = 1\n# caf\xe9\n")
    submission = discover(tmp_path)
    assert submission.units == []
    messages = " ".join(n.message.en for n in submission.notes)
    assert "corrupt.ipynb" in messages and "latin.py: line 2 is not UTF-8" in messages

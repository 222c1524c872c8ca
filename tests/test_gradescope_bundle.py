"""The Gradescope bundle, run in a simulated /autograder layout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.gradescope_bundle import build
from tests.helpers import SUBMISSIONS


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    checkout = Path(__file__).resolve().parent.parent  # CI installs the grader non-editable: build from here
    return build(tmp_path_factory.mktemp("bundle") / "autograder.zip", "--only q05,q06", checkout)


def test_bundle_holds_the_scripts_and_the_wheel(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder", "README.txt"} <= set(names)
        assert any(n.startswith("hw4_grader-") and n.endswith(".whl") for n in names)
        assert archive.getinfo("run_autograder").external_attr >> 16 == 0o755
        setup = archive.read("setup.sh").decode()
    assert "python3.11 -m venv /autograder/venv" in setup and "[tf]" in setup
    for script in ("setup.sh", "run_autograder"):
        with zipfile.ZipFile(bundle) as archive:
            text = archive.read(script).decode()
        assert subprocess.run(["bash", "-n"], input=text, text=True).returncode == 0


def _autograder(tmp_path: Path, bundle: Path, submission: Path) -> dict[str, object]:
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    shutil.copytree(submission, root / "submission")
    grader_bin = Path(sys.executable).parent / "grader"
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADER": str(grader_bin)}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_run_autograder_writes_gradescope_results(tmp_path: Path, bundle: Path) -> None:
    results = _autograder(tmp_path, bundle, SUBMISSIONS / "seed_student")
    assert 0 < float(results["score"]) < 25  # type: ignore[arg-type]
    assert any(t["name"].startswith("q06") for t in results["tests"])  # type: ignore[attr-defined, union-attr]


def test_a_grader_failure_still_writes_results(tmp_path: Path, bundle: Path) -> None:
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADER": "/bin/false"}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, check=True, timeout=60)
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and "could not grade" in results["output"]


def test_without_a_checkout_the_error_says_what_to_give(tmp_path: Path) -> None:
    from grader.gradescope_bundle import build_wheel

    with pytest.raises(RuntimeError, match="give --source"):
        build_wheel(tmp_path, source=tmp_path)

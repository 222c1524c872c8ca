"""The `grader` command as a user runs it: exit codes, output files, init and key."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from grader.cli import main
from tests.helpers import SUBMISSIONS

PERFECT = str(SUBMISSIONS / "perfect")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_check_writes_every_format(tmp_path: Path) -> None:
    paths = {kind: tmp_path / f"out.{kind}" for kind in ("json", "gradescope", "junit", "csv")}
    code, output = run("check", PERFECT, "--only", "q05,q06", "--json", str(paths["json"]), "--gradescope",
                       str(paths["gradescope"]), "--junit", str(paths["junit"]), "--csv", str(paths["csv"]))  # fmt: skip
    assert code == 0, output
    assert "Total: 30 / 25" in output
    result = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert result["schema"] == "hw4-grader/result/v1"
    assert list(result["questions"]) == ["q01", "q02", "q03", "q04", "q05", "q06", "q07"]
    assert result["total"] == 30 and result["max_total"] == 25 and result["bonus_total"] == 5
    q06 = result["questions"]["q06"]
    assert q06["graded"] and not result["questions"]["q01"]["graded"]
    for entry in q06["checks"]:
        assert set(entry) >= {"id", "status", "score", "max_score", "feedback"}
        assert entry["feedback"]["en"] and entry["feedback"]["fa"]
    gradescope = json.loads(paths["gradescope"].read_text(encoding="utf-8"))
    assert gradescope["score"] == 30 and isinstance(gradescope["execution_time"], int)
    assert {t["visibility"] for t in gradescope["tests"]} <= {"visible", "after_published", "hidden"}
    assert all({"name", "score", "max_score", "output"} <= set(t) for t in gradescope["tests"])
    suites = ET.fromstring(paths["junit"].read_text(encoding="utf-8"))
    assert [s.get("name") for s in suites] == ["q05", "q06"]
    assert sum(int(s.get("failures", "0")) for s in suites) == 0
    (row,) = list(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8"))))
    assert row["q05"] == "10" and row["q06"] == "20" and row["q01"] == "" and row["total"] == "30"


def test_feedback_language(tmp_path: Path) -> None:
    code, output = run("check", PERFECT, "--only", "q05", "--lang", "fa")
    assert code == 0 and "مجموع" in output and "Total" not in output


def test_missing_folder_is_a_one_line_error() -> None:
    code, output = run("check", "/no/such/folder")
    assert code == 2 and output.count("\n") == 1 and "no such folder" in output


def test_bad_only_is_a_one_line_error() -> None:
    code, output = run("check", PERFECT, "--only", "q9")
    assert code == 2 and "q01..q07" in output


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    assert run("init", str(tmp_path))[0] == 0
    assert (tmp_path / "answer_sheet.yaml").exists() and (tmp_path / "forward_batchnorm.py").exists()
    code, output = run("init", str(tmp_path))
    assert code == 2 and "--force" in output
    assert run("init", str(tmp_path), "--force")[0] == 0


def test_checking_the_template_never_shows_a_traceback(tmp_path: Path) -> None:
    run("init", str(tmp_path / "t"))
    code, output = run("check", str(tmp_path / "t"), "--json", str(tmp_path / "r.json"))
    assert code == 0 and "Traceback" not in output
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["total"] == 0


def test_key_writes_reference_values(tmp_path: Path) -> None:
    code, _ = run("key", "--json", str(tmp_path / "key.json"))
    key = json.loads((tmp_path / "key.json").read_text(encoding="utf-8"))
    assert code == 0 and key["schema"] == "hw4-grader/key/v1"
    layers = key["questions"]["q05"]["reference"]["layers"]
    assert [layer["params"] for layer in layers][:2] == [1792, 51232] and layers[7]["output"] is None
    assert key["questions"]["q06"]["reference"]["trainable_params"] == 260
    q07 = key["questions"]["q07"]["reference"]
    assert q07["parameters"] == 130_890 and q07["test_accuracy"] > 0.99 and q07["last_conv_layer"] == "conv2d_2"
    q01 = key["questions"]["q01"]["reference"]
    assert "limits" in q01
    summary = json.loads((Path(__file__).parents[1] / "reference/artifacts/q01/summary.json").read_text())
    assert q01["test_accuracy"] == summary["test_accuracy"] and "committed weights" in q01["test_accuracy_source"]


def test_corrections_from_a_ta_are_applied_and_a_bad_file_is_refused(tmp_path: Path) -> None:
    corrections = tmp_path / "corrections.yaml"
    corrections.write_text('q06.trainable_params: {value: "260", reason: "read from page 4", by: Sara}\n',
                           encoding="utf-8")  # fmt: skip
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["check", str(SUBMISSIONS / "seed_student"), "--only", "q06", "--quiet",
                                       "--corrections", str(corrections), "--json", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    e = next(c for c in data["questions"]["q06"]["checks"] if c["id"] == "q06.e_trainable_params")
    assert e["feedback"]["en"].startswith("260: right") and data["notes"][-1]["kind"] == "correction"
    corrections.write_text("q06.nothing: {value: 1}\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["check", str(SUBMISSIONS / "seed_student"), "--corrections", str(corrections)])
    assert refused.exit_code == 2 and "q06.nothing: not an answer-sheet field" in refused.output

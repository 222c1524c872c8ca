"""Benchmark: `grader check` on fixture submissions, as a user runs it (a fresh process each time).

Usage: python benchmarks/bench_check.py [--runs 5]
Prints a Markdown table (median, min and max wall time; peak memory of the
grader and its sandbox child together, sampled from /proc) and writes
benchmarks/results/check.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from _process_tree import run_measured

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "fixtures" / "submissions"
CASES = {
    "perfect, --only q05,q06": [str(SUBMISSIONS / "perfect"), "--only", "q05,q06"],
    "notebook (2023 style), --only q06": [str(SUBMISSIONS / "notebook_2023"), "--only", "q06"],
    "Q5 only (no student code runs)": [str(SUBMISSIONS / "perfect"), "--only", "q05"],
    # TensorFlow in the sandbox: builds at three corners, a 3-epoch smoke training on 4,000
    # digits, four Grad-CAM runs on the grader's trained network; never the full training.
    "perfect, --only q01,q07 (Keras)": [str(SUBMISSIONS / "perfect"), "--only", "q01,q07"],
    "notebook (2023 Keras style), --only q01,q07": [str(SUBMISSIONS / "notebook_2023_keras"), "--only", "q01,q07"],
    # define_model on both backbones, the student's data pipeline on 100 images, the Q3 pipeline
    # trained on the synthetic sheet (the perfect one: ~6 s) and queried four times, the rubrics.
    "perfect, --only q02,q03,q04 (Keras)": [str(SUBMISSIONS / "perfect"), "--only", "q02,q03,q04"],
    # What students hand in (issue 13's target: <= 90 s): a Word report (+ its PDF), four notebooks run top
    # to bottom under the default budget (a tuner search, Q7's training and Grad-CAM, the Q3 LSTM, VGG16 and
    # ResNet50 at 224x224 on the stand-in images) and forward_batchnorm.py; every question graded.
    "real-style submission (report + 4 notebooks + .py), every question": [str(SUBMISSIONS / "real_style")],
}


def grader_command() -> list[str]:
    executable = Path(sys.executable).parent / "grader"
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "grader.cli"]


def run_once(args: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak MiB of the grader and its sandbox child together."""
    return run_measured([*grader_command(), "check", *args, "--quiet"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--case", default="", help="only the cases whose name contains this text")
    options = parser.parse_args()
    out = ROOT / "benchmarks" / "results" / "check.json"
    results = json.loads(out.read_text())["results"] if out.exists() else {}  # other cases keep their figures
    print("| case | median s | min s | max s | peak MiB (process tree) | runs |\n|---|---|---|---|---|---|")
    for name, args in CASES.items():
        if options.case not in name:
            continue
        run_once(args)  # warm the file cache
        samples = [run_once(args) for _ in range(options.runs)]
        walls = [w for w, _ in samples]
        peak = max(p for _, p in samples)
        results[name] = {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
                         "peak_rss_mib": peak, "runs": options.runs}  # fmt: skip
        print(f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} | {peak:.0f} "
              f"| {options.runs} |")  # fmt: skip
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
               "date": time.strftime("%Y-%m-%d")}  # fmt: skip
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Benchmark: class-scale grading and its overheads, as users run them (fresh processes).

Usage: python benchmarks/bench_batch.py [--runs 3]
Cases (median, min and max wall time of --runs runs; peak memory of the whole process tree,
sandbox children included, sampled from /proc):
- the bare cost of `python -c "import tensorflow"`, for scale;
- one submission: Q5+Q6 only, the full perfect submission (every question), the
  untouched template from `grader init`;
- a class of 20 mixed submissions (copies of the fixture submissions: perfect,
  seed student, CS231n style, blank handout, a 2023 notebook), `--only q05,q06`,
  graded with --jobs 1 and --jobs 2 (--force, so every run grades all 20);
- a class of 6 graded on every question (TensorFlow in every sandbox), --jobs 1 and 2.
Writes benchmarks/results/batch.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _process_tree import run_measured

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "fixtures" / "submissions"
MIX = ("perfect", "seed_student", "cs231n_style", "blank_handout", "notebook_2023")


def grader() -> list[str]:
    executable = Path(sys.executable).parent / "grader"
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "grader.cli"]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak MiB of the whole process tree (every sandbox child included)."""
    return run_measured(command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hw4-bench-") as scratch:
        work = Path(scratch)
        subprocess.run([*grader(), "init", str(work / "template")], check=True, stdout=subprocess.DEVNULL)
        klass = work / "class"
        for index in range(20):
            shutil.copytree(SUBMISSIONS / MIX[index % len(MIX)], klass / f"4001{index:02d}")
        heavy = work / "heavy"  # every question: TensorFlow in each sandbox
        for index, name in enumerate(("perfect", "notebook_2023_keras", "seed_student", "perfect", "cs231n_style",
                                      "notebook_2023_keras")):  # fmt: skip
            shutil.copytree(SUBMISSIONS / name, heavy / f"4002{index:02d}")
        cases = {
            'python -c "import tensorflow"': [sys.executable, "-c", "import tensorflow"],
            "one submission, Q5+Q6 only": [*grader(), "check", str(SUBMISSIONS / "perfect"), "--only", "q05,q06",
                                           "--quiet"],
            "one submission, every question (perfect)": [*grader(), "check", str(SUBMISSIONS / "perfect"), "--quiet"],
            "one submission, the untouched template": [*grader(), "check", str(work / "template"), "--quiet"],
            "class of 20, --only q05,q06, --jobs 1": [*grader(), "check", str(klass), "--gradebook",
                                                     str(work / "g1.csv"), "--only", "q05,q06", "--jobs", "1",
                                                     "--force", "--quiet"],
            "class of 20, --only q05,q06, --jobs 2": [*grader(), "check", str(klass), "--gradebook",
                                                     str(work / "g2.csv"), "--only", "q05,q06", "--jobs", "2",
                                                     "--force", "--quiet"],
            "class of 6, every question, --jobs 1": [*grader(), "check", str(heavy), "--gradebook",
                                                    str(work / "h1.csv"), "--jobs", "1", "--force", "--quiet"],
            "class of 6, every question, --jobs 2": [*grader(), "check", str(heavy), "--gradebook",
                                                    str(work / "h2.csv"), "--jobs", "2", "--force", "--quiet"],
        }  # fmt: skip
        results = {}
        print("| case | median s | min s | max s | peak MiB (process tree) |\n|---|---|---|---|---|")
        for name, command in cases.items():
            timed(command)  # warm the file cache (and the class's first results)
            samples = [timed(command) for _ in range(options.runs)]
            walls = [w for w, _ in samples]
            results[name] = {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
                             "peak_rss_mib": max(p for _, p in samples), "runs": options.runs}  # fmt: skip
            print(f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} "
                  f"| {results[name]['peak_rss_mib']:.0f} |")  # fmt: skip
    speedups = {}
    for label in ("class of 20, --only q05,q06", "class of 6, every question"):
        one, two = (results[f"{label}, --jobs {n}"]["median_s"] for n in (1, 2))
        speedups[label] = one / two
        print(f"{label}: --jobs 2 gives {one / two:.2f}x the throughput of --jobs 1")
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
               "date": time.strftime("%Y-%m-%d"), "load_average_at_end": os.getloadavg()[0]}  # fmt: skip
    out = ROOT / "benchmarks" / "results" / "batch.json"
    out.write_text(json.dumps({"machine": machine, "results": results, "jobs2_speedup": speedups}, indent=2) + "\n")


if __name__ == "__main__":
    main()

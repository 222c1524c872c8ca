"""Benchmark: the grader's own overhead per submission, beside the work it cannot avoid.

Usage: python benchmarks/bench_overhead.py [--runs 3]
For each case, a fresh process grades the submission and reports its wall time
and the seconds the sandbox child spent running the student's code and the
grader's probes (loading the files, every call; TensorFlow's import happens
inside those). Overhead = wall - that time: starting and confining the child,
the wire, reading the sheet, the checks' own computation, writing results.
Writes benchmarks/results/overhead.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "fixtures" / "submissions"
CASES = {
    "perfect, every question": (SUBMISSIONS / "perfect", ""),
    "perfect, Q5+Q6": (SUBMISSIONS / "perfect", "q05,q06"),
    "2023 notebook, Q1+Q7": (SUBMISSIONS / "notebook_2023_keras", "q01,q07"),
}
_PROBE = """
import json, sys, time
from pathlib import Path
from grader.engine import Options, grade, parse_only
from grader.sandbox import client
busy = []
close = client.Sandbox.close
def recording_close(self):
    busy.append(self.busy_seconds)
    close(self)
client.Sandbox.close = recording_close
only = sys.argv[2]
options = Options(parse_only([only])) if only else Options()
started = time.perf_counter()
grade(Path(sys.argv[1]), options)
print(json.dumps({"wall": time.perf_counter() - started, "busy": sum(busy)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    results = {}
    print("| case | wall s | student code + probes s | grader overhead s | overhead % |\n|---|---|---|---|---|")
    for name, (folder, only) in CASES.items():
        samples = []
        for _ in range(options.runs):
            done = subprocess.run([sys.executable, "-c", _PROBE, str(folder), only], check=True, capture_output=True,
                                  text=True)  # fmt: skip
            samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
        wall = statistics.median(s["wall"] for s in samples)
        busy = statistics.median(s["busy"] for s in samples)
        overhead = statistics.median(s["wall"] - s["busy"] for s in samples)
        share = 100 * overhead / busy if busy >= 0.05 else None  # numpy-only work takes ~0 s: no meaningful ratio
        results[name] = {"wall_s": wall, "busy_s": busy, "overhead_s": overhead, "overhead_pct": share,
                         "runs": options.runs}  # fmt: skip
        print(f"| {name} | {wall:.2f} | {busy:.2f} | {overhead:.2f} | {'n/a' if share is None else f'{share:.0f}%'} |")
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d"),
               "load_average_at_end": os.getloadavg()[0]}  # fmt: skip
    out = ROOT / "benchmarks" / "results" / "overhead.json"
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()

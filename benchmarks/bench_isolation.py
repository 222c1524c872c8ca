"""Benchmark: what isolation costs per submission, in milliseconds.

The same Q6 work (load the perfect submission's code, then the 12 calls the Q6
checks make) is done twice: in this process with plain `exec` (no isolation at
all, as same-process graders do), and through the sandbox (a fresh confined
child, the wire format, the confinement layers). The difference is the price
of isolation. Usage: python benchmarks/bench_isolation.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import types
from pathlib import Path

import numpy as np

from grader.engine import protected_paths
from grader.sandbox.client import Sandbox
from grader.submission import discover

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "fixtures" / "submissions" / "perfect"
CALLS = 12


def arguments(seed: int) -> tuple[object, ...]:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(64, 7))
    return z, np.ones(7), np.zeros(7), 1e-5, {"mu": np.zeros(7), "var": np.ones(7)}, 0.9, "train"


def in_process() -> float:
    started = time.perf_counter()
    submission = discover(FOLDER)
    module = types.ModuleType("student")
    module.__dict__["np"] = np
    for unit in submission.units:
        for cell in unit.cells:
            exec(compile(cell.source, unit.file, "exec"), module.__dict__)
    for seed in range(CALLS):
        module.forward_batchnorm(*arguments(seed))
    return time.perf_counter() - started


def sandboxed() -> tuple[float, float]:
    started = time.perf_counter()
    submission = discover(FOLDER)
    with Sandbox(submission.units, hidden=protected_paths(FOLDER)) as box:
        box.start()
        (function,) = [d for d in box.inventory() if d.name == "forward_batchnorm"]
        ready = time.perf_counter()
        for seed in range(CALLS):
            box.call(function, *arguments(seed), return_args=True)
        calls = time.perf_counter() - ready
    return time.perf_counter() - started, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    in_process(), sandboxed()  # warm caches
    plain = [in_process() for _ in range(runs)]
    boxed = [sandboxed() for _ in range(runs)]
    total = statistics.median(b[0] for b in boxed)
    per_call = statistics.median(b[1] for b in boxed) / CALLS
    result = {
        "in_process_ms": statistics.median(plain) * 1000,
        "sandboxed_ms": total * 1000,
        "overhead_per_submission_ms": (total - statistics.median(plain)) * 1000,
        "round_trip_per_call_ms": per_call * 1000,
        "runs": runs,
    }
    print("| measure | median ms |\n|---|---|")
    for key, value in result.items():
        if key != "runs":
            print(f"| {key} | {value:.1f} |")
    out = ROOT / "benchmarks" / "results" / "isolation.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Benchmark: the PDF answer key and a student report, as a user runs them (a fresh process each time).

Usage: python benchmarks/bench_pdf.py [--runs 3]
Cases:
- `grader key --pdf` (both languages; Keras cross-checks when TensorFlow is installed): target <= 20 s;
- the report alone, rendered from a saved GradeReport (tests/render/pdf_samples.py): target <= 5 s;
- `grader check perfect --only q05,q06 --pdf` end to end, grading included (for reference).
Prints a Markdown table (median, min, max wall time, pages) and writes benchmarks/results/pdf.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT_SCRIPT = (
    "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
    "from grader.render import pdf_engine, pdf_report; from tests.render.pdf_samples import sample_report;"
    "print(pdf_engine.write_pdf(pdf_report.build(sample_report(), 'both'), Path(sys.argv[1])))"
)
TARGETS = {"answer key": 20.0, "student report (saved GradeReport)": 5.0}


def grader_command() -> list[str]:
    executable = Path(sys.executable).parent / "grader"
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "grader.cli"]


def cases(out: Path) -> dict[str, list[str]]:
    perfect = str(ROOT / "tests" / "fixtures" / "submissions" / "perfect")
    return {
        "answer key": [*grader_command(), "key", "--pdf", str(out)],
        "student report (saved GradeReport)": [sys.executable, "-c", REPORT_SCRIPT, str(out), str(ROOT)],
        "check perfect --only q05,q06 --pdf (grading included)": [
            *grader_command(),
            "check",
            perfect,
            "--only",
            "q05,q06",
            "--quiet",
            "--pdf",
            str(out),
        ],
    }


def pages(pdf: Path) -> int | None:
    """Page count from poppler's pdfinfo, when it is installed."""
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    results = {}
    print("| case | median s | min s | max s | target s | pages | runs |\n|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.pdf"
        for name, command in cases(out).items():
            samples = []
            for _ in range(options.runs):
                started = time.perf_counter()
                subprocess.run(
                    command, check=True, capture_output=True, cwd=ROOT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
                )
                samples.append(time.perf_counter() - started)
            entry = {
                "median_s": statistics.median(samples),
                "min_s": min(samples),
                "max_s": max(samples),
                "target_s": TARGETS.get(name),
                "pages": pages(out),
                "runs": options.runs,
            }
            results[name] = entry
            target = "—" if entry["target_s"] is None else f"{entry['target_s']:g}"
            print(
                f"| {name} | {entry['median_s']:.2f} | {entry['min_s']:.2f} | {entry['max_s']:.2f} | {target} "
                f"| {entry['pages']} | {options.runs} |"
            )
    machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "date": time.strftime("%Y-%m-%d"),
    }
    path = ROOT / "benchmarks" / "results" / "pdf.json"
    path.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
    print(path)


if __name__ == "__main__":
    main()

"""Benchmark: the seed student's report graded part by part against my own grading, and the time
written grading adds to a submission.

Usage: python benchmarks/bench_seed.py [--runs 5]

1. tests/fixtures/reports/seed_md/report.md (the seed's sheet, verbatim) goes through the real
   pipeline (grader.reports extract + fill_sheet, then every written check, as `grader check`
   runs them); each part's score is set beside my own (benchmarks/agreement/seed_judgement.yaml).
   Writes benchmarks/results/seed_agreement.md.
2. The time written grading adds: in a fresh process each run, reading the report and running
   every written check (rubrics loaded and compiled on first use, as in a real run), for the
   seed's report and for a complete one (the first, complete answer of every agreement-set part
   under its question's heading). Writes benchmarks/results/written_time.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "reports" / "seed_md" / "report.md"
JUDGEMENT = ROOT / "benchmarks" / "agreement" / "seed_judgement.yaml"
TABLE = ROOT / "benchmarks" / "results" / "seed_agreement.md"
TIMES = ROOT / "benchmarks" / "results" / "written_time.json"


def read_report(folder: Path) -> Any:
    from grader.answer_sheet import AnswerSheet
    from grader.reports.extract import extract, fill_sheet

    sheet = AnswerSheet(None)
    fill_sheet(sheet, extract(folder))
    return sheet


def grade_sheet(sheet: Any, checks: list[str]) -> dict[str, Any]:
    """Every written check's result on a sheet, as `grader check` computes it (engine.run_check)."""
    from grader.context import QuestionContext
    from grader.engine import run_check as _run_check
    from grader.registry import collect

    registry = collect()
    results = {}
    for check_id in checks:
        spec = next(s for s in registry[check_id[:3]] if s.check_id == check_id)
        internal: list[str] = []
        results[check_id] = _run_check(spec, QuestionContext(check_id[:3], sheet, None, ()), internal)
        if internal:
            raise RuntimeError(internal)
    return results


def complete_report() -> str:
    """One report holding the first (right and complete) answer of every agreement-set part."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_agreement import load_cases, report_markdown

    firsts: dict[str, str] = {}
    for case in load_cases():
        if case.check_id not in firsts:
            firsts[case.check_id] = report_markdown(case).split("\n", 2)[2]  # without the title
    by_question: dict[str, list[str]] = {}
    for body in firsts.values():
        heading, _, rest = body.strip().partition("\n")
        by_question.setdefault(heading, []).append(rest.strip())
    return "# تمرین چهارم\n\n" + "\n\n".join(f"{h}\n\n" + "\n\n".join(parts) for h, parts in by_question.items()) + "\n"


# In a fresh process: the grader and its checks imported (as `grader check` does in any case), then
# the report read, then the written checks run (their rubrics loaded and compiled on first use).
_TIMED = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
import grader.engine, grader.registry, grader.reports.extract
from benchmarks.bench_seed import grade_sheet, read_report
grader.registry.collect()
start = time.perf_counter()
sheet = read_report(Path({folder!r}))
read = time.perf_counter()
grade_sheet(sheet, {checks!r})
done = time.perf_counter()
print(read - start, done - read)
"""


def time_written(folder: Path, checks: list[str], runs: int) -> dict[str, float]:
    """Median seconds over fresh processes: reading the report, then the written checks."""
    samples = []
    for _ in range(runs):
        code = _TIMED.format(root=str(ROOT), folder=str(folder), checks=checks)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        samples.append(tuple(float(v) for v in out.stdout.split()))
    return {"read_report_s": round(statistics.median(s[0] for s in samples), 3),
            "written_checks_s": round(statistics.median(s[1] for s in samples), 3),
            "total_s": round(statistics.median(s[0] + s[1] for s in samples), 3),
            "max_total_s": round(max(s[0] + s[1] for s in samples), 3)}  # fmt: skip


def seed_table(judgement: dict[str, Any], results: dict[str, Any]) -> tuple[str, dict[str, float]]:
    lines = [
        "| part | max | grader | my grading | gap | grader asks a TA | why (my grading) |",
        "|---|---|---|---|---|---|---|",
    ]
    gaps, signed = [], []
    for check_id, mine in judgement.items():
        result = results[check_id]
        gap = abs(result.score - mine["judged"])
        gaps.append(gap / result.max_score)
        signed.append(result.score - mine["judged"])
        lines.append(f"| {check_id} | {result.max_score:g} | {result.score:g} | {mine['judged']:g} | {gap:.2f} | "
                     f"{'yes' if result.manual_review else 'no'} | {mine['why']} |")  # fmt: skip
    summary = {"mean_gap": round(statistics.fmean(gaps), 3), "bias_points": round(statistics.fmean(signed), 3),
               "grader_total": round(sum(r.score for r in results.values()), 2),
               "my_total": round(sum(m["judged"] for m in judgement.values()), 2)}  # fmt: skip
    return "\n".join(lines), summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    judgement = yaml.safe_load(JUDGEMENT.read_text(encoding="utf-8"))["parts"]
    checks = list(judgement)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "report.md").write_bytes(SEED.read_bytes())
        results = grade_sheet(read_report(Path(folder)), checks)
        seed_time = time_written(Path(folder), checks, options.runs)
    table, summary = seed_table(judgement, results)
    TABLE.write_text(
        "# The seed student's written answers: the grader against my own grading\n\n"
        "Produced by `python benchmarks/bench_seed.py` from `tests/fixtures/reports/seed_md/report.md` (the seed's "
        "sheet, verbatim, read as a report) and `benchmarks/agreement/seed_judgement.yaml` (my grading, written "
        "from the report's text before comparing).\n\n" + table + "\n\n"
        f"Total: grader {summary['grader_total']:g}, mine {summary['my_total']:g}; mean gap "
        f"{summary['mean_gap']:.2f} of a part's maximum, bias {summary['bias_points']:+.2f} points per part.\n",
        encoding="utf-8",
    )
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "report.md").write_text(complete_report(), encoding="utf-8")
        full_time = time_written(Path(folder), checks, options.runs)
    TIMES.write_text(json.dumps({"seed_report": seed_time, "complete_report": full_time, "runs": options.runs,
                                 "python": platform.python_version(), "machine": platform.machine()}, indent=2) + "\n")  # fmt: skip
    print(table)
    print(json.dumps(summary))
    print(json.dumps({"seed_report": seed_time, "complete_report": full_time}))


if __name__ == "__main__":
    main()

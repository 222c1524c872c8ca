"""A class's summary for the TAs: score distributions, the most common failed checks, failures, similar pairs.

Written next to the per-student results as `_summary.md` and (with matplotlib,
which the `tf` extra installs) `_histograms.png`.
"""

from __future__ import annotations

import statistics
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from grader.batch import BatchResult, Student, extract_zip, stale_results
from grader.results import QUESTION_IDS
from grader.similarity import Pair, compare


def _question_scores(results: dict[str, dict[str, Any]], qid: str) -> list[float]:
    return [float(r["questions"][qid]["score"]) for r in results.values() if r["questions"][qid]["graded"]]


def failed_checks(results: dict[str, dict[str, Any]], top: int = 10) -> list[tuple[str, int, str]]:
    """(check id, students who did not pass it, its English title), most common first."""
    counts: Counter[str] = Counter()
    titles: dict[str, str] = {}
    for result in results.values():
        for question in result["questions"].values():
            for check in question["checks"]:
                titles[check["id"]] = check["title"]["en"]
                if check["status"] != "passed" and check["override"] is None:
                    counts[check["id"]] += 1
    return [(cid, n, titles[cid]) for cid, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def similar_pairs(students: list[Student], handed_out: list[Path] | None = None) -> list[Pair]:
    with tempfile.TemporaryDirectory(prefix="hw4-similarity-") as scratch:
        folders = {}
        for student in students:
            if student.source.is_dir():
                folders[student.id] = student.source
            else:
                target = Path(scratch) / student.id
                target.mkdir()
                try:
                    folders[student.id] = extract_zip(student.source, target)
                except Exception:  # an unreadable zip is reported by grading, not here
                    continue
        return compare(folders, handed_out)


def histograms(results: dict[str, dict[str, Any]], path: Path, points: dict[str, float]) -> bool:
    """One histogram per graded question; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    shown = [q for q in QUESTION_IDS if _question_scores(results, q)]
    figure, axes = plt.subplots(1, max(len(shown), 1), figsize=(2.6 * max(len(shown), 1), 2.6), squeeze=False)
    for axis, qid in zip(axes[0], shown, strict=False):
        scores = _question_scores(results, qid)
        top = max(points.get(qid, 0.0), max(scores))
        axis.hist(scores, bins=min(10, max(3, len(set(scores)))), range=(0, top or 1), color="#4c72b0")
        axis.set_title(f"{qid} (of {points.get(qid, 0):g})", fontsize=9)
        axis.set_xlabel("score", fontsize=8)
        axis.tick_params(labelsize=7)
    axes[0][0].set_ylabel("students", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


def write(
    results_dir: Path, students: list[Student], outcome: BatchResult, handed_out: list[Path] | None = None
) -> Path:
    results = {s.id: outcome.results[s.id] for s in students if s.id in outcome.results}
    points = (
        {qid: float(next(iter(results.values()))["questions"][qid]["points"]) for qid in QUESTION_IDS}
        if results
        else {}
    )
    lines = [f"# Class summary — {len(results)} of {len(students)} students graded", ""]
    lines += ["| question | graded | mean | median | max | of |", "|---|---|---|---|---|---|"]
    for qid in QUESTION_IDS:
        scores = _question_scores(results, qid)
        if scores:
            lines.append(f"| {qid} | {len(scores)} | {statistics.mean(scores):.2f} | {statistics.median(scores):g} "
                         f"| {max(scores):g} | {points[qid]:g} |")  # fmt: skip
    if histograms(results, results_dir / "_histograms.png", points):
        lines += ["", "![score distributions](_histograms.png)"]
    lines += ["", "## Most common failed checks", "", "| check | students | what |", "|---|---|---|"]
    lines += [f"| {cid} | {n} | {title} |" for cid, n, title in failed_checks(results)]
    review = sorted(sid for sid, r in results.items() if any(q["manual_review"] for q in r["questions"].values()))
    lines += ["", f"## Waiting for manual review ({len(review)})", "", ", ".join(review) or "none"]
    lines += ["", f"## Could not be graded ({len(outcome.failed)})", ""]
    lines += [f"- {sid}: {message}" for sid, message in sorted(outcome.failed.items())] or ["none"]
    stale = stale_results(results_dir, students)
    if stale:
        lines += ["", "## Results of students no longer in the class folder (kept)", "", ", ".join(stale)]
    lines += ["", "## Most similar pairs of code (for review, not a verdict)", "",
              "Handed-out template code and code shared by more than half of the class are left out.", "",
              "| first | second | similarity | shared fragments |", "|---|---|---|---|"]  # fmt: skip
    lines += [
        f"| {p.first} | {p.second} | {p.similarity:.2f} | {p.shared} |" for p in similar_pairs(students, handed_out)
    ]
    path = results_dir / "_summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

"""Gradescope's results.json (https://gradescope-autograders.readthedocs.io, "Output format")."""

from __future__ import annotations

import json
from typing import Any

from grader.results import GradeReport, Status, Visibility


def render(report: GradeReport) -> str:
    tests: list[dict[str, Any]] = []
    for question in report.questions:
        for check in question.checks:
            override = question.override_for(check)
            output = f"{check.feedback.en}\n\n{check.feedback.fa}"
            if override is not None:
                output += f"\n\nTA override: {override.score} ({override.reason})"
            if check.manual_review:
                output += "\n\n(flagged for manual review / برای بررسی دستی علامت خورده است)"
            tests.append({
                "name": f"{check.check_id}: {check.title.en}",
                "number": check.check_id,
                "score": question.check_score(check),
                "max_score": check.max_score,
                "status": "passed" if check.status is Status.PASSED else "failed",
                "output": output,
                "visibility": "visible" if check.visibility is Visibility.VISIBLE else "after_published",
            })  # fmt: skip
    notes = "\n".join(f"- {n.message.en} / {n.message.fa}" for n in report.notes)
    results = {
        "score": report.total,
        "execution_time": max(1, round(report.execution_time)),
        "output": (f"Graded {sum(q.graded for q in report.questions)} questions." + (f"\n{notes}" if notes else "")),
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    return json.dumps(results, ensure_ascii=False, indent=2) + "\n"

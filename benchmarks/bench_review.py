"""Benchmark: `grader review`'s queue page for a class of 200 (target: <= 300 ms median).

Usage: python benchmarks/bench_review.py [--runs 15] [--students 200]
The 200 results are synthesised in the result format (grader/render/json_out.py) from the real
check registry: every question graded, every check with its title and points, a seeded mix of
passed / partial / failed, and for the checks that read answers what a report-read class carries
(the fields read, a digest, sources with a 160-character Persian excerpt and where it was read).
About 30% of the checks of each student wait for a TA, as in a class read from reports.
Cases, each timed over --runs requests through Flask's test client (no network):
- the queue, warm: the server's cache holds every result (what a TA's second and later visits cost;
  the page shows the first 100 rows, the filters count them all);
- the queue, cold: a new app each run, so all 200 files are read and parsed;
- the queue filtered to one check; one check page (warm).
Prints a Markdown table (median, min, max ms) and writes benchmarks/results/review.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import answers  # noqa: E402
from grader.registry import collect  # noqa: E402
from grader.render.json_out import report_dict  # noqa: E402
from grader.results import (  # noqa: E402
    QUESTION_IDS,
    Bilingual,
    CheckResult,
    GradeReport,
    QuestionResult,
    Status,
)

TARGET_MS = 300.0
EXCERPT = ("در این بخش batch normalization را توضیح داده‌ام: میانگین و واریانس هر ویژگی روی دسته محاسبه می‌شود و "
           "سپس با gamma و beta مقیاس و جابه‌جایی یاد گرفته می‌شود؛ اپسیلون از تقسیم بر صفر جلوگیری می‌کند.")[:159] + "…"  # fmt: skip
FEEDBACK = Bilingual("2 of 3 key ideas found. Missing: training and inference then disagree (moving averages of "
                     "single-example statistics). Read from Report.docx, paragraph 41. A TA should confirm this reading.",
                     "۲ نکتهٔ کلیدی از ۳ نکته پیدا شد. جا افتاده: رفتار آموزش و استنتاج ناهمخوان می‌شود. خوانده‌شده از "
                     "Report.docx، بند ۴۱. دستیار آموزشی باید این برداشت را تأیید کند.")  # fmt: skip


def synthetic_result(student: int, rng: random.Random) -> dict[str, object]:
    questions = []
    for qid, specs in collect().items():
        checks = []
        for spec in specs:
            roll = rng.random()
            status = Status.PASSED if roll < 0.5 else Status.PARTIAL if roll < 0.8 else Status.FAILED
            if spec.points == 0:
                status = Status.PASSED
            score = {Status.PASSED: spec.points, Status.FAILED: 0.0}.get(status, round(spec.points * 0.5, 3))
            details: tuple[tuple[str, object], ...] = ()
            if rng.random() < 0.6:
                field = f"{qid}.answer"
                details = (("read", (field,)), ("answer_digest", f"{rng.randrange(40):020x}"),
                           ("sources", ({"field": field, "where": [{"file": "Report.docx", "paragraph": rng.randrange(200)}],
                                        "excerpt": EXCERPT, "confidence": rng.choice((1.0, 0.7)), "needs_reading": False,
                                        "note": None},)))  # fmt: skip
            checks.append(CheckResult(spec.check_id, spec.title, status, score, spec.points, FEEDBACK,
                                      manual_review=status is Status.PARTIAL, bonus=spec.bonus, details=details))  # fmt: skip
        points = answers.question_points(qid)
        questions.append(QuestionResult(qid, answers.question_title(qid), points.points, points.bonus, tuple(checks)))
    assert [q.question_id for q in questions] == list(QUESTION_IDS)
    report = GradeReport(f"class/4001{student:03d}", "0.1.0", tuple(questions), execution_time=20.0)
    data = report_dict(report)
    data["batch"] = {"student": f"4001{student:03d}", "source": f"4001{student:03d}.zip", "cache_key": "x",
                     "internal_errors": []}  # fmt: skip
    return data


def timed(action: Callable[[], int], runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        status = action()
        samples.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--students", type=int, default=200)
    options = parser.parse_args()
    from grader.review.app import create_app

    rng = random.Random(4)
    with tempfile.TemporaryDirectory(prefix="hw4-bench-review-") as scratch:
        results = Path(scratch) / "grades_results"
        results.mkdir()
        for student in range(options.students):
            text = json.dumps(synthetic_result(student, rng), ensure_ascii=False, indent=2)
            (results / f"4001{student:03d}.json").write_text(text + "\n", encoding="utf-8")
        size = sum(p.stat().st_size for p in results.iterdir())
        client = create_app(results).test_client()
        queue = client.get("/").get_data(as_text=True)
        waiting = int(queue.split("<h1>", 1)[1].split()[0])
        check = "q06.d_batch_size_one"
        cases = {
            f"queue of {options.students} students, warm": lambda: client.get("/").status_code,
            f"queue of {options.students} students, cold (all files read)":
                lambda: create_app(results).test_client().get("/").status_code,
            f"queue filtered to one check ({check})": lambda: client.get(f"/?check={check}").status_code,
            "one check page": lambda: client.get(f"/student/4001000/{check}").status_code,
        }  # fmt: skip
        measured = {}
        print(f"{options.students} results, {size / 1e6:.1f} MB of JSON, {waiting} checks waiting for a TA\n")
        print("| case | median ms | min ms | max ms |\n|---|---|---|---|")
        for name, action in cases.items():
            action()  # warm the file cache and the templates
            measured[name] = timed(action, options.runs)
            m = measured[name]
            print(f"| {name} | {m['median_ms']:.0f} | {m['min_ms']:.0f} | {m['max_ms']:.0f} |")
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
               "date": time.strftime("%Y-%m-%d"), "load_average_at_end": os.getloadavg()[0]}  # fmt: skip
    out = ROOT / "benchmarks" / "results" / "review.json"
    out.write_text(json.dumps({"machine": machine, "students": options.students, "json_bytes": size,
                               "waiting": waiting, "target_ms": TARGET_MS, "results": measured}, indent=2) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()

"""Benchmark: reading a 30-page report into the answer sheet (issue 12's target: <= 3 s median).

Usage: python benchmarks/bench_extract.py [--runs 5]
The report is the fixtures' Persian report (tests/fixtures/reports/sources/docx_fa.md) repeated to
about 30 pages, as a Word file and as its PDF export (WeasyPrint, like the fixtures); each run is a
fresh process that imports the reader and extracts the folder, so import costs are counted.
Prints a Markdown table (median, min, max seconds) and writes benchmarks/results/extract.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 3.0
SCRIPT = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
          "from grader.reports.extract import extract; r = extract(Path(sys.argv[1])); print(len(r.fields))")  # fmt: skip


def build(folder: Path, copies: int) -> dict[str, Path]:
    """The fixture report's paragraphs `copies` times over, as Report.docx and Report.pdf in their own folders."""
    sys.path.insert(0, str(ROOT))
    from tests.reports.builders import write_docx, write_pdf

    source = (ROOT / "tests" / "fixtures" / "reports" / "sources" / "docx_fa.md").read_text(encoding="utf-8")
    body = source.split("---", 2)[2]
    paragraphs = [line.strip().lstrip("#*@ ").replace("**", "") for line in body.splitlines()]
    paragraphs = [p for p in paragraphs if p and not p.startswith(("|", "{{"))] * copies
    docx_dir, pdf_dir = folder / "docx", folder / "pdf"
    docx_dir.mkdir(parents=True)
    pdf_dir.mkdir(parents=True)
    write_docx(docx_dir / "Report.docx", [("text", p) for p in paragraphs])
    write_pdf(pdf_dir / "Report.pdf", "".join(f"<p>{p}</p>" for p in paragraphs))
    return {"Word (.docx)": docx_dir, "PDF export": pdf_dir}


def pdf_pages(path: Path) -> int:
    import pypdfium2

    with pypdfium2.PdfDocument(str(path)) as pdf:
        return len(pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--copies", type=int, default=3, help="times the fixture report is repeated (~30 pages)")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="hw4-bench-extract-") as temporary:
        folders = build(Path(temporary), options.copies)
        pages = pdf_pages(folders["PDF export"] / "Report.pdf")
        for name, folder in folders.items():
            times = []
            for _ in range(options.runs):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-c", SCRIPT, str(folder), str(ROOT)], check=True, capture_output=True)
                times.append(time.perf_counter() - started)
            rows.append({"case": f"{name}, {pages} pages", "median_s": round(statistics.median(times), 2),
                         "min_s": round(min(times), 2), "max_s": round(max(times), 2), "target_s": TARGET})  # fmt: skip
    print("| case | median s | min s | max s | target s |\n|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['case']} | {row['median_s']} | {row['min_s']} | {row['max_s']} | {row['target_s']} |")
    results = ROOT / "benchmarks" / "results" / "extract.json"
    results.write_text(json.dumps({"machine": f"{platform.machine()}, {platform.python_version()}", "runs": options.runs,
                                   "rows": rows}, indent=2) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()

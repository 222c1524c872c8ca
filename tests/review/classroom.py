"""A class of 20 mixed submissions, graded once (--only q05,q06: the answer sheet and Q6's function, ~15 s).

Copies of the fixture submissions (a perfect one, the seed student, CS231n-style code, the untouched
hand-out, a 2023 notebook), real-style reports (a Word report with its PDF export, an unlabelled
Persian report, an English PDF, notebook markdown, the seed's text) and Markdown reports written here:
three students who handed in the same answer to Q6(d), and one whose answer holds a script tag.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from grader import batch
from grader.engine import Options
from tests.helpers import FIXTURES, SUBMISSIONS

ONLY = Options(only=frozenset({"q05", "q06"}))
SCRIPT = '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">'
REPORTS = FIXTURES / "reports"
SAME_D = ("وقتی اندازهٔ batch یک باشد میانگین همان خود نمونه است و واریانس صفر می‌شود، "
          "پس خروجی نرمال‌شده همیشه صفر است.")  # fmt: skip

MARKDOWN = """# گزارش تمرین چهارم

## سوال ۶

الف) عبارت اول نادرست است و عبارت دوم درست است.

ج) اپسیلون برای این است که وقتی واریانس صفر می‌شود تقسیم بر صفر پیش نیاید و پایداری عددی حفظ شود.

د) {d}

ه) تعداد پارامترهای قابل آموزش ۲۶۰ تا است.
"""

STUDENTS: dict[str, Path | str] = {
    "400101": SUBMISSIONS / "perfect",
    "400102": SUBMISSIONS / "seed_student",
    "400103": SUBMISSIONS / "cs231n_style",
    "400104": SUBMISSIONS / "blank_handout",
    "400105": SUBMISSIONS / "notebook_2023",
    "400106": REPORTS / "docx_and_pdf",
    "400107": SUBMISSIONS / "perfect",
    "400108": SUBMISSIONS / "seed_student",
    "400109": SUBMISSIONS / "cs231n_style",
    "400110": SUBMISSIONS / "blank_handout",
    "400111": SUBMISSIONS / "notebook_2023",
    "400112": REPORTS / "docx_and_pdf",
    "400113": REPORTS / "unlabelled_fa",
    "400114": REPORTS / "english",
    "400115": REPORTS / "notebook_md",
    "400116": REPORTS / "seed_md",
    "400117": MARKDOWN.format(d=SAME_D),
    "400118": MARKDOWN.format(d=SAME_D),
    "400119": MARKDOWN.format(d=SAME_D),
    "400120": MARKDOWN.format(d="وقتی batch یک نمونه دارد واریانس صفر است " + SCRIPT + " و آموزش ناپایدار می‌شود."),
}


def build_class(root: Path) -> Path:
    """The class folder under root/class, its results in root/grades_results, the gradebook root/grades.csv."""
    klass = root / "class"
    for student, source in STUDENTS.items():
        if isinstance(source, Path):
            shutil.copytree(source, klass / student, ignore=shutil.ignore_patterns("expected.yaml"))
        else:
            (klass / student).mkdir(parents=True)
            (klass / student / "report.md").write_text(source, encoding="utf-8")
    students = batch.find_students(klass)
    outcome = batch.run(students, ONLY, root / "grades_results", root / "grades.csv")
    assert not outcome.failed, outcome.failed
    return root / "grades_results"


def copy_class(graded: Path, into: Path) -> Path:
    """A copy of a graded class's results and gradebook (the submissions stay shared, read-only)."""
    results = into / "grades_results"
    shutil.copytree(graded, results)
    manifest_path = results / batch.MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    old_book = Path(manifest["gradebook"])
    shutil.copy(old_book, into / "grades.csv")
    manifest["gradebook"] = str((into / "grades.csv").resolve())
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return results

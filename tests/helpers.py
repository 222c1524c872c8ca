"""Shared helpers for the tests: fixture paths and grading of fixture folders."""

from __future__ import annotations

from pathlib import Path

from grader.engine import Options, grade
from grader.results import GradeReport

FIXTURES = Path(__file__).parent / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"


def grade_folder(folder: Path, only: tuple[str, ...] = ("q05", "q06")) -> GradeReport:
    report, internal = grade(folder, Options(only=frozenset(only)))
    assert internal == [], internal
    return report


def statuses(report: GradeReport, question: str) -> dict[str, str]:
    return {c.check_id: c.status.value for c in report.question(question).checks}


def arabic_keyboard(text: str) -> str:
    """Persian typed on an Arabic keyboard: Arabic yeh and kaf, every ZWNJ alternately a space and nothing."""
    text = text.replace("ی", "ي").replace("ک", "ك")
    parts = text.split("\u200c")
    return parts[0] + "".join((" " if i % 2 == 0 else "") + p for i, p in enumerate(parts[1:]))


def written_sheet(tmp_path: Path, question: str, fields: tuple[str, ...], answers: dict[str, str]) -> Path:
    """A submission folder whose answer sheet has these free-text answers of one question."""
    folder = tmp_path / "s"
    folder.mkdir(parents=True)
    lines = [f"{question}:"]
    for name in fields:
        text = answers.get(name, "")
        if not text.strip():
            lines.append(f"  {name}:")
            continue
        lines.append(f"  {name}: |")
        lines += [f"    {line}" for line in text.strip().splitlines()]
    (folder / "answer_sheet.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder

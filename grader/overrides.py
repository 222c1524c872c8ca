"""TA overrides: a YAML file, kept by the TAs (never in the student's folder), whose scores win.

    # overrides.yaml — one entry per check: the score that replaces the automatic one, and why
    q01.a_tuners:
      score: 1.5
      reason: "All five tuners are described; the rubric missed the Persian wording of Hyperband."
    q06.c_epsilon: {score: 5, reason: "Right idea, different words.", by: "TA Sara"}

For a class (`--gradebook`), the same entries go under each student's id:

    students:
      "400123456":
        q07.analysis: {score: 2, reason: "..."}

A reason is required: every score must be explainable from the report. Scores
use the check's scale (0 to its points) and accept Persian digits. Every
output shows the TA's score, the automatic one stays in the JSON beside it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from grader.results import GradeReport, Override, QuestionResult
from grader.values import ValueProblem, parse_number


class OverrideError(ValueError):
    """The overrides file is wrong: says where and what to do."""


def _line(node: yaml.Node | None) -> str:
    return f", line {node.start_mark.line + 1}" if node is not None else ""


def load(path: Path, student: str | None = None) -> list[Override]:
    """The overrides for one submission (`student` picks an entry under `students:`)."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as error:
        raise OverrideError(f"{path}: cannot read the overrides file ({error})") from None
    except yaml.YAMLError as error:
        raise OverrideError(f"{path}: not valid YAML ({error}); fix the file and run again") from None
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise OverrideError(f"{path}: expected a mapping of check ids (e.g. q01.a_tuners: {{score: 1, reason: ...}})")
    nodes = {str(k.value): v for k, v in root.value}
    if "students" in data:
        students = data["students"] or {}
        if student is None:
            return []
        entries = students.get(student) or {}
        student_node = nodes["students"]
        nodes = {}
        if isinstance(student_node, yaml.MappingNode):
            for key, value in student_node.value:
                if str(key.value) == student and isinstance(value, yaml.MappingNode):
                    nodes = {str(k.value): v for k, v in value.value}
        data = entries
    overrides = []
    for check_id, entry in data.items():
        where = f"{path}{_line(nodes.get(str(check_id)))}"
        if not isinstance(entry, dict) or "score" not in entry:
            raise OverrideError(f'{where}: {check_id}: expected {{score: N, reason: "..."}}')
        try:
            score = parse_number(str(entry["score"]))
        except ValueProblem as problem:
            raise OverrideError(
                f"{where}: {check_id}: score {entry['score']!r} is not a number ({problem.message.en})"
            ) from None
        reason = str(entry.get("reason") or "").strip()
        if not reason:
            raise OverrideError(f"{where}: {check_id}: a reason is required (it is shown with the score)")
        by = str(entry.get("by") or "").strip()
        overrides.append(Override(str(check_id), score, f"{reason} — {by}" if by else reason))
    return overrides


def apply(report: GradeReport, overrides: list[Override], source: Path) -> tuple[GradeReport, list[str]]:
    """The report with the overrides attached to their questions; returns warnings for ones not applied."""
    by_question: dict[str, list[Override]] = {}
    warnings: list[str] = []
    known = {c.check_id: c for q in report.questions for c in q.checks}
    graded = {q.question_id for q in report.questions if q.graded}
    for override in overrides:
        question_id = override.check_id.split(".", 1)[0]
        if override.check_id not in known:
            if question_id in graded:
                ids = ", ".join(c for c in known if c.startswith(question_id + "."))
                raise OverrideError(f"{source}: no check {override.check_id!r}; the checks of {question_id} are: {ids}")
            if question_id not in {q.question_id for q in report.questions}:
                raise OverrideError(f"{source}: {override.check_id!r} is not a check id (q01.<name> .. q07.<name>)")
            warnings.append(f"override for {override.check_id} not applied: {question_id} was not graded in this run")
            continue
        check = known[override.check_id]
        if not 0 <= override.score <= check.max_score:
            raise OverrideError(
                f"{source}: {override.check_id}: score {override.score:g} outside 0..{check.max_score:g}"
            )
        by_question.setdefault(question_id, []).append(override)
    questions: list[QuestionResult] = []
    for question in report.questions:
        extra = by_question.get(question.question_id)
        questions.append(
            dataclasses.replace(question, overrides=question.overrides + tuple(extra)) if extra else question
        )
    return dataclasses.replace(report, questions=tuple(questions)), warnings

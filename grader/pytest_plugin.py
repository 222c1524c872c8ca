"""pytest plugin: `pytest --grader-submission DIR` turns every check into a test item.

Registered through the `pytest11` entry point, so a course repository only
needs the package installed. Without --grader-submission it does nothing.

    pytest --grader-submission submissions/alice --grader-visibility public
    pytest --grader-submission sub/ --grader-only q05,q06 --grader-json r.json --grader-junit r.xml

One item per check (named by its id, e.g. `q06.b_train_output`); the
submission is graded once, on the first item that runs, in the sandbox as
always. A check passes when it earns full marks; a partial, failed or error
check fails with its score and bilingual feedback. Each item records its
score and maximum as JUnit properties. `--grader-visibility public` keeps the
checks students may see (the default), `hidden` the TA-only ones, `all` both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grader.engine import Options, grade, parse_only
from grader.registry import CheckSpec, collect
from grader.render import json_out, junit
from grader.results import CheckResult, GradeReport, Status, Visibility

_REPORT = pytest.StashKey[tuple[GradeReport, list[str]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hw4-grader", "grade a HW4 submission as tests")
    group.addoption("--grader-submission", metavar="DIR", help="the submission folder to grade")
    group.addoption("--grader-visibility", choices=("public", "hidden", "all"), default="public",
                    help="public: the checks students see (default); hidden: TA-only checks; all: both")  # fmt: skip
    group.addoption("--grader-only", metavar="QUESTIONS", help="questions to grade, e.g. q05,q06")
    group.addoption("--grader-json", metavar="PATH", help="also write the grader's JSON result")
    group.addoption("--grader-junit", metavar="PATH", help="also write the grader's JUnit XML")
    group.addoption("--grader-timeout", type=float, default=10.0, help="seconds per call into student code")


def pytest_configure(config: pytest.Config) -> None:
    folder = config.getoption("--grader-submission")
    if folder and not Path(folder).is_dir():
        raise pytest.UsageError(f"--grader-submission {folder}: no such folder")
    only = config.getoption("--grader-only")
    if only:
        try:
            parse_only([only])
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None


def _options(config: pytest.Config) -> Options:
    only = config.getoption("--grader-only")
    base = Options(call_timeout=config.getoption("--grader-timeout"))
    return Options(parse_only([only]), base.call_timeout) if only else base


def _wanted(spec: CheckSpec, visibility: str) -> bool:
    if visibility == "all":
        return True
    return (spec.visibility is Visibility.VISIBLE) == (visibility == "public")


class GraderCheckFailure(Exception):
    def __init__(self, check: CheckResult) -> None:
        super().__init__(check.feedback.en)
        self.check = check


class CheckItem(pytest.Item):
    def __init__(self, *, spec: CheckSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        report, internal = _graded(self.config)
        check = next((c for q in report.questions for c in q.checks if c.check_id == self.spec.check_id), None)
        if check is None or not report.question(self.spec.question_id).graded:
            pytest.skip(f"{self.spec.question_id} was not graded in this run")
        assert check is not None
        self.user_properties += [("score", check.score), ("max_score", check.max_score)]
        problems = [line for line in internal if line.startswith(self.spec.check_id + ":")]
        if problems:
            raise RuntimeError("internal grader error: " + "; ".join(problems))
        if check.status is not Status.PASSED:
            raise GraderCheckFailure(check)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, GraderCheckFailure):
            check = excinfo.value.check
            flag = " (flagged for a TA's review)" if check.manual_review else ""
            return (f"{check.check_id} {check.status.value}: {check.score:g}/{check.max_score:g}{flag}\n"
                    f"{check.feedback.en}\n{check.feedback.fa}")  # fmt: skip
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return Path(self.config.getoption("--grader-submission")), 0, f"{self.spec.check_id}: {self.spec.title.en}"


class SubmissionCollector(pytest.Collector):
    def collect(self) -> list[pytest.Item]:
        visibility = self.config.getoption("--grader-visibility")
        only = self.config.getoption("--grader-only")
        selected = parse_only([only]) if only else None
        items: list[pytest.Item] = []
        for qid, specs in collect().items():
            if selected is not None and qid not in selected:
                continue
            items += [CheckItem.from_parent(self, name=s.check_id, spec=s) for s in specs if _wanted(s, visibility)]
        return items


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    folder = config.getoption("--grader-submission")
    if not folder:
        return
    name = f"grader[{Path(folder).name}]"
    collector = SubmissionCollector.from_parent(session, name=name, nodeid=name)
    items[:] = collector.collect()  # a grading run grades: the project's own tests are not mixed in


def _graded(config: pytest.Config) -> tuple[GradeReport, list[str]]:
    if _REPORT not in config.stash:
        config.stash[_REPORT] = grade(Path(config.getoption("--grader-submission")), _options(config))
    return config.stash[_REPORT]


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if _REPORT not in config.stash:
        return
    report, _ = config.stash[_REPORT]
    for option, render in (("--grader-json", json_out.render), ("--grader-junit", junit.render)):
        target = config.getoption(option)
        if target:
            Path(target).write_text(render(report), encoding="utf-8")

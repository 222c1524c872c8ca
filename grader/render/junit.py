"""JUnit XML: one testsuite per graded question, one testcase per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.results import GradeReport, Status


def render(report: GradeReport) -> str:
    root = ET.Element("testsuites", name="hw4-grader", time=f"{report.execution_time:.3f}")
    for question in report.questions:
        if not question.graded:
            continue
        failures = sum(c.status in (Status.FAILED, Status.PARTIAL) for c in question.checks)
        errors = sum(c.status is Status.ERROR for c in question.checks)
        suite = ET.SubElement(root, "testsuite", name=question.question_id, tests=str(len(question.checks)),
                              failures=str(failures), errors=str(errors), skipped="0")  # fmt: skip
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="score", value=f"{question.score:g}")
        ET.SubElement(props, "property", name="max_score", value=f"{question.max_score:g}")
        for check in question.checks:
            case = ET.SubElement(suite, "testcase", classname=question.question_id,
                                 name=check.check_id.split(".", 1)[1], time="0")  # fmt: skip
            score = question.check_score(check)
            text = f"{score:g}/{check.max_score:g}: {check.feedback.en}\n{check.feedback.fa}"
            if check.status is Status.ERROR:
                ET.SubElement(case, "error", message=check.feedback.en[:200]).text = text
            elif check.status is not Status.PASSED:
                ET.SubElement(case, "failure", message=check.feedback.en[:200]).text = text
            else:
                ET.SubElement(case, "system-out").text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

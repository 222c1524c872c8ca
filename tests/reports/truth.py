"""Scoring the report reader against the fixtures' ground truth (tests/fixtures/reports/*/expected.yaml).

For each fixture: the fields the student answered (`present`), the ones read right (`found`), read
with a wrong value or without the excerpt (`wrong`), whose excerpt landed in another field
(`misplaced`), not read at all (`missing`), read where the report answers nothing (`spurious`),
and the parts that are pictures or scans flagged for a TA (`flagged` of `to_flag`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from grader.persian import normalize_text
from grader.reports.extract import Extraction, extract
from grader.sheet_schema import FIELDS_BY_PATH
from grader.values import NotApplicable, ValueProblem, parse_int_set, parse_number, parse_shape

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORT_FIXTURES = FIXTURES / "reports"


@dataclass
class Score:
    name: str
    present: int = 0
    found: int = 0
    wrong: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    to_flag: int = 0
    flagged: int = 0


def _canon(text: str) -> str:
    """Compared as the matcher compares: normalised, and without the half-spaces a PDF loses."""
    return re.sub(r"\s+", " ", normalize_text(text)).strip()


def _same_relation(expected: str, text: str) -> bool:
    import sympy

    from grader.expressions import SYMBOLS, parse_relation, solve_for

    try:
        want = solve_for(parse_relation(expected), SYMBOLS["p"])
        got = solve_for(parse_relation(text), SYMBOLS["p"])
    except ValueProblem:
        return False
    return len(want) == len(got) == 1 and sympy.simplify(want[0] - got[0]) == 0


def _same_value(expected: Any, text: str, kind: str) -> bool:
    if kind == "relation":
        return _same_relation(str(expected), text)
    try:
        if expected == "n/a":
            got = parse_shape(text) if kind == "shape" else text
            return isinstance(got, NotApplicable) or normalize_text(text) in ("n/a", "na")
        if isinstance(expected, list) and kind == "shape":
            return parse_shape(text) == tuple(expected)
        if isinstance(expected, list):
            return parse_int_set(text) == frozenset(expected)
        if isinstance(expected, (int, float)) and not isinstance(expected, bool):
            return abs(parse_number(text) - float(expected)) <= 1e-6 * max(1.0, abs(float(expected)))
    except ValueProblem:
        return False
    return _canon(str(expected)) == _canon(text)


def score(name: str, truth: dict[str, Any], extraction: Extraction) -> Score:
    result = Score(name)
    fields = truth.get("fields") or {}
    flag = truth.get("needs_ta") or {}
    texts = {d: _canon(f.text) for d, f in extraction.fields.items() if not f.needs_reading}
    for dotted, expected in fields.items():
        result.present += 1
        got = extraction.fields.get(dotted)
        kind = FIELDS_BY_PATH[tuple(dotted.split("."))].kind
        if "contains" in expected:
            excerpts = [_canon(e) for e in expected["contains"]]
            mine = texts.get(dotted, "")
            if all(e in mine for e in excerpts):
                result.found += 1
            elif any(e in t for e in excerpts for d, t in texts.items() if d != dotted):
                result.misplaced.append(dotted)
            elif got is None or got.needs_reading:
                result.missing.append(dotted)
            else:
                result.wrong.append(dotted)
        elif got is None or got.needs_reading:
            result.missing.append(dotted)
        elif _same_value(expected["value"], got.text, kind):
            result.found += 1
        else:
            result.wrong.append(f"{dotted}={got.text!r}")
    for dotted in flag:
        result.to_flag += 1
        got = extraction.fields.get(dotted)
        result.flagged += bool(got is not None and got.needs_reading)
    # Q6(a)'s reasoning text goes beside the statement numbers (the ground truth predates that field).
    companions = {"q06.statements_reason"} if "q06.true_statements" in fields else set()
    result.spurious = sorted(d for d, f in extraction.fields.items()
                             if d not in fields and d not in flag and d not in companions and not f.needs_reading)  # fmt: skip
    return result


def fixture_folders() -> list[tuple[str, Path]]:
    folders = [(p.name, p) for p in sorted(REPORT_FIXTURES.iterdir()) if (p / "expected.yaml").exists()]
    folders.append(("real_style", FIXTURES / "submissions" / "real_style"))
    return [(n, p) for n, p in folders if n != "robustness"]


def score_fixture(name: str, folder: Path) -> Score:
    truth = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    return score(name, truth, extract(folder))

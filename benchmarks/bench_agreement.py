"""Benchmark: how closely the grader's written-answer scores agree with a careful TA's.

Usage: python benchmarks/bench_agreement.py [--show] [--mode report|sheet|both] [--check ID]

Every case of benchmarks/agreement/cases/<check id>.yaml (a realistic answer and the score a
judge who never saw the rubrics gave it) goes through the real pipeline twice:

- as a report: a small Markdown file with the question's heading («## سوال ۶») and the part's
  label («د)»), read by grader.reports (extract + fill_sheet) exactly as `grader check` reads a
  hand-in, then graded by the check itself (grader.engine's _run_check, sources included);
- as an answer-sheet field (answer_sheet.yaml) where the sheet has one for it: the free-text
  fields, Q5(b)'s relation, Q6(a)'s statements, Q6(e)'s count (the number the student states,
  read by the same finder a report uses) and its reasoning.

The last three cases of every file are held out: they were not read while the rubrics were
tuned, and are reported separately (never case by case, unless --reveal).

Per part: the mean |grader - judged| as a fraction of the part's maximum, the bias (mean signed
difference, in points and as a fraction), and the counts. Writes benchmarks/results/agreement.json
and prints the README's table.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "benchmarks" / "agreement" / "cases"
RESULTS = ROOT / "benchmarks" / "results" / "agreement.json"
HELD_OUT = 3  # the last cases of every file

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# The sheet's part of each check, as a Persian label («الف», «ب», ...); None: a question without parts.
_PART_LABELS = {"a": "الف", "b": "ب", "c": "ج", "d": "د", "e": "ه"}


@dataclass(frozen=True)
class Case:
    check_id: str
    fields: tuple[str, ...]
    max_points: float
    case_id: str
    style: str
    answer: str
    judged: float
    held_out: bool


def load_cases(only: str = "") -> list[Case]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if only and only not in data["check"]:
            continue
        listed = data["cases"]
        for index, item in enumerate(listed):
            cases.append(Case(data["check"], tuple(data["fields"]), float(data["max_points"]), item["id"],
                              item.get("style", ""), item["answer"], float(item["judged"]),
                              index >= len(listed) - HELD_OUT))  # fmt: skip
    return cases


def part_of(check_id: str) -> str | None:
    """'q06.d_batch_size_one' -> 'd'; 'q03.diagnosis' -> None (Q2, Q3 and Q7 have no parts)."""
    name = check_id.split(".", 1)[1]
    if check_id.startswith(("q02.", "q03.", "q07.")):
        return None
    named = {
        "layer_table": "a",
        "padding_relation": "b",
        "definitions_and_uses": "a",
        "parameters_and_parallelism": "b",
    }
    return named.get(name) or name.split("_", 1)[0]


def report_markdown(case: Case) -> str:
    """The case as a student's Markdown report: a title, the question's heading, the part's label."""
    number = int(case.check_id[1:3])
    lines = ["# تمرین چهارم — مبانی یادگیری عمیق", "", f"## سوال {str(number).translate(_FA_DIGITS)}", ""]
    part = part_of(case.check_id)
    if part is not None:
        lines.append(f"{_PART_LABELS[part]})")
    lines += case.answer.strip().splitlines()
    return "\n".join(lines) + "\n"


def _spec(check_id: str) -> Any:
    from grader.registry import collect

    question = check_id.split(".")[0]
    return next(s for s in collect()[question] if s.check_id == check_id)


def _grade(check_id: str, sheet: Any) -> tuple[float, bool]:
    """The check's score, and whether it flagged the answer as pasted (a review signal, no penalty)."""
    from grader.context import QuestionContext
    from grader.engine import run_check as _run_check

    internal: list[str] = []
    result = _run_check(_spec(check_id), QuestionContext(check_id.split(".")[0], sheet, None, ()), internal)
    if internal:
        raise RuntimeError(f"{check_id}: {internal}")
    rubric = dict(result.details).get("rubric")
    return float(result.score), bool(isinstance(rubric, dict) and rubric.get("pasted"))


def grade_as_report(case: Case) -> tuple[float, bool]:
    from grader.answer_sheet import AnswerSheet
    from grader.reports.extract import extract, fill_sheet

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "report.md").write_text(report_markdown(case), encoding="utf-8")
        sheet = AnswerSheet(None)
        fill_sheet(sheet, extract(Path(folder)))
    return _grade(case.check_id, sheet)


def sheet_fields(case: Case) -> dict[str, str] | None:
    """The answer-sheet fields a student would fill with this answer; None where the sheet has no such field."""
    from grader.reports.document import Block, Location
    from grader.reports.found_values import find_choice, find_count
    from grader.sheet_schema import FIELDS_BY_PATH

    text = case.answer.strip()
    kinds = {f: FIELDS_BY_PATH[tuple(f.split("."))].kind for f in case.fields if tuple(f.split(".")) in FIELDS_BY_PATH}
    if case.check_id == "q06.a_statements":
        return {"q06.true_statements": text, "q06.statements_reason": text}
    if case.check_id == "q06.e_trainable_params":
        blocks = [Block("text", line, Location("sheet")) for line in text.splitlines() if line.strip()]
        found = find_count(blocks)
        return {"q06.trainable_params": found.text if found else "", "q06.trainable_params_reason": text}
    if case.check_id == "q01.a_tuner_reason":
        from grader.reports.fields import layout

        spec = layout("q01").values["tuner_choice"]
        blocks = [Block("text", line, Location("sheet")) for line in text.splitlines() if line.strip()]
        choice = find_choice(blocks, spec["names"], spec["verbs"])
        return {"q01.tuner_choice": choice.text if choice else "", "q01.tuner_reason": text}
    if case.check_id == "q05.padding_relation":
        return {"q05.padding": text}
    if len(case.fields) == 1 and kinds.get(case.fields[0]) == "text":
        return {case.fields[0]: text}
    return None


def grade_as_sheet(case: Case) -> tuple[float, bool] | None:
    from grader.answer_sheet import parse_sheet_text

    fields = sheet_fields(case)
    if fields is None:
        return None
    nested: dict[str, dict[str, str]] = {}
    for dotted, value in fields.items():
        question, name = dotted.split(".", 1)
        if value:
            nested.setdefault(question, {})[name] = value
    sheet = parse_sheet_text(yaml.safe_dump(nested, allow_unicode=True, sort_keys=False))
    return _grade(case.check_id, sheet)


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"n": 0}
    gaps = [abs(r["grader"] - r["judged"]) / r["max"] for r in rows]
    signed = [r["grader"] - r["judged"] for r in rows]
    return {"n": len(rows), "mean_gap": round(statistics.fmean(gaps), 3),
            "bias_points": round(statistics.fmean(signed), 3),
            "bias": round(statistics.fmean(s / r["max"] for s, r in zip(signed, rows, strict=True)), 3),
            "over_quarter": sum(1 for g in gaps if g > 0.25)}  # fmt: skip


def measure(cases: list[Case], modes: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for case in cases:
        for mode in modes:
            graded = grade_as_report(case) if mode == "report" else grade_as_sheet(case)
            if graded is None:
                continue
            rows.append({"check": case.check_id, "case": case.case_id, "mode": mode, "held_out": case.held_out,
                         "max": case.max_points, "judged": case.judged, "grader": graded[0], "pasted": graded[1],
                         "style": case.style})  # fmt: skip
    return rows


def table(summary: dict[str, Any]) -> str:
    lines = ["| part | max | gradings (tuned + held out) | mean gap, tuned | mean gap, held out | mean gap, all | "
             "bias, all (points) |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for check, parts in summary["parts"].items():
        tuned, held, every = parts["tuned"], parts["held_out"], parts["all"]
        lines.append(f"| {check} | {parts['max']:g} | {tuned['n']} + {held['n']} | {tuned['mean_gap']:.2f} | "
                     f"{held['mean_gap']:.2f} | {every['mean_gap']:.2f} | {every['bias_points']:+.2f} |")  # fmt: skip
    total = summary["overall"]
    lines.append(f"| **all parts** | | {total['tuned']['n']} + {total['held_out']['n']} | "
                 f"{total['tuned']['mean_gap']:.2f} | {total['held_out']['mean_gap']:.2f} | "
                 f"{total['all']['mean_gap']:.2f} | {total['all']['bias']:+.2f} of max |")  # fmt: skip
    return "\n".join(lines)


def run(only: str = "", modes: tuple[str, ...] = ("report", "sheet")) -> dict[str, Any]:
    cases = load_cases(only)
    started = time.perf_counter()
    rows = measure(cases, modes)
    seconds = time.perf_counter() - started
    parts: dict[str, Any] = {}
    for check in dict.fromkeys(r["check"] for r in rows):
        mine = [r for r in rows if r["check"] == check]
        parts[check] = {"max": mine[0]["max"], "tuned": summarise([r for r in mine if not r["held_out"]]),
                        "held_out": summarise([r for r in mine if r["held_out"]]), "all": summarise(mine),
                        "by_mode": {m: summarise([r for r in mine if r["mode"] == m]) for m in modes}}  # fmt: skip
    pasted_style = [r for r in rows if "pasted" in r["style"] or "chatbot" in r["style"]]
    others = [r for r in rows if r not in pasted_style]
    signal = {"pasted_cases_flagged": f"{sum(r['pasted'] for r in pasted_style)} of {len(pasted_style)}",
              "other_cases_flagged": f"{sum(r['pasted'] for r in others)} of {len(others)}"}  # fmt: skip
    overall = {"tuned": summarise([r for r in rows if not r["held_out"]]),
               "held_out": summarise([r for r in rows if r["held_out"]]), "all": summarise(rows),
               "by_mode": {m: summarise([r for r in rows if r["mode"] == m]) for m in modes}}  # fmt: skip
    return {"parts": parts, "overall": overall, "pasted_signal": signal, "rows": rows, "seconds": round(seconds, 2)}


# What each step of the Persian matching form and of the matcher is worth: the benchmark rerun with
# one of them switched off (docs/rubrics.md, "Normalisation, measured").
ABLATIONS = {
    "colloquial spellings not mapped («میشه», «یه», «نداره»)": [("grader.persian", "COLLOQUIAL", {})],
    "half-space removed instead of read as a space": "zwnj",
    "«می»/«نمی» and plural/ezafe suffixes not joined to their word": [
        ("grader.persian", "_PREFIX", re.compile("(?!)()")), ("grader.persian", "_SUFFIX", re.compile("(?!)()"))],
    "Arabic ي/ك and other letter forms not unified": [("grader.persian", "_LETTERS", str.maketrans({}))],
    "negation ignored": "negation",
    "lists of bare terms not set aside": "lists",
}  # fmt: skip


def ablate(name: str) -> dict[str, Any]:
    """The report-mode summary with one step switched off (module attributes patched, caches cleared)."""
    import importlib

    from grader.written import schema, text

    spec = ABLATIONS[name]
    saved: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, attribute: str, value: Any) -> None:
        saved.append((owner, attribute, getattr(owner, attribute)))
        setattr(owner, attribute, value)

    if spec == "zwnj":
        original = text.normalize_for_matching
        patch(text, "normalize_for_matching", lambda t: original(t.replace("\u200c", "")))
        patch(schema, "normalize_for_matching", lambda t: original(t.replace("\u200c", "")))
    elif spec == "negation":
        patch(text.Sentence, "negated", lambda self, clause, owned=(): False)
    elif spec == "lists":
        patch(text.Sentence, "is_term_list", property(lambda self: False))
    else:
        for module, attribute, value in spec:
            patch(importlib.import_module(module), attribute, value)
    schema.concepts.cache_clear()
    schema.load_rubric.cache_clear()
    try:
        return run(modes=("report",))["overall"]
    finally:
        for owner, attribute, value in reversed(saved):
            setattr(owner, attribute, value)
        schema.concepts.cache_clear()
        schema.load_rubric.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", default="", help="only the parts whose check id contains this text")
    parser.add_argument("--mode", choices=("report", "sheet", "both"), default="both")
    parser.add_argument("--show", action="store_true", help="print every tuned case whose score differs")
    parser.add_argument("--reveal", action="store_true", help="also print the held-out cases (after tuning only)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--ablate", action="store_true", help="also rerun with each normalisation step switched off")
    options = parser.parse_args()
    modes = ("report", "sheet") if options.mode == "both" else (options.mode,)
    summary = run(options.check, modes)
    if options.show:
        for row in summary["rows"]:
            if (options.reveal or not row["held_out"]) and abs(row["grader"] - row["judged"]) > 1e-9:
                print(f"{row['check']:32} {row['case']:22} {row['mode']:6} grader {row['grader']:5.2f} "
                      f"judged {row['judged']:5.2f}  ({row['style']})")  # fmt: skip
    print(table(summary))
    if options.ablate:
        summary["ablations"] = {"none (as shipped)": run(modes=("report",))["overall"]}
        summary["ablations"].update({name: ablate(name) for name in ABLATIONS})
        print("\n| switched off (report mode) | mean gap, all | mean gap, held out | bias |\n|---|---|---|---|")
        for name, overall in summary["ablations"].items():
            print(f"| {name} | {overall['all']['mean_gap']:.3f} | {overall['held_out']['mean_gap']:.3f} | "
                  f"{overall['all']['bias']:+.3f} |")  # fmt: skip
    print(
        f"\n{len(summary['rows'])} gradings in {summary['seconds']} s; pasted-text signal: {summary['pasted_signal']}"
    )
    if not options.no_write and not options.check and options.mode == "both" and options.ablate:
        RESULTS.write_text(
            json.dumps(
                {k: v for k, v in summary.items() if k != "rows"}
                | {"python": sys.version.split()[0], "held_out_per_file": HELD_OUT},
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()

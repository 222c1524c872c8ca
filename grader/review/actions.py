"""What the review's forms do: a decision on a check, a corrected reading; each recorded, then applied.

Both take the TA files' lock for the whole step (write the file, append the
audit, rewrite the students' JSON and the gradebook), so two TAs, in two tabs
or two processes, are serialised, and each sees the other's work when it re-reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import session
from werkzeug.datastructures import MultiDict

from grader.corrections import load as load_corrections
from grader.overrides import OverrideError
from grader.overrides import apply as apply_overrides
from grader.overrides import load as load_overrides
from grader.render.json_out import report_from_dict
from grader.review import i18n
from grader.review.ledger import Change, LedgerError, TaFiles, append_audit, locked, write_changes
from grader.review.pages import Located, identical
from grader.review.store import ResultStore
from grader.review.update import ClassUpdater, fields_read
from grader.values import ValueProblem, parse_number


@dataclass
class Outcome:
    problem: str | None = None  # refused: the page is shown again with this
    conflict: bool = False
    messages: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) for the next page


def push_messages(messages: list[tuple[str, str]]) -> None:
    session["messages"] = [*session.get("messages", []), *messages]


def pop_messages() -> list[tuple[str, str]]:
    return [(str(kind), str(text)) for kind, text in session.pop("messages", [])]


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _someone(entry: Mapping[str, Any] | None, lang: str) -> str:
    return str((entry or {}).get("by") or i18n.text("someone", lang))


def _validator(store: ResultStore) -> Any:
    def check(path: Path, student: str) -> None:
        """The written overrides must be ones the grader reads and applies to this student's results."""
        apply_overrides(report_from_dict(store.result(student)), load_overrides(path, student), path)

    return check


def _corrections_readable(path: Path, student: str) -> None:
    load_corrections(path, student)  # raises CorrectionError (a ValueError) on anything the grader cannot read


def decide(store: ResultStore, files: TaFiles, located: Located, form: MultiDict[str, str], lang: str) -> Outcome:
    check = located.check
    top = float(check["max_score"])
    by = form.get("by", "").strip()
    if not by:
        return Outcome(i18n.text("need_name", lang))
    removing = form.get("action") == "undo"
    entry: dict[str, Any] | None = None
    if not removing:
        accept = form.get("action") == "accept"
        try:
            score = float(check["auto_score"]) if accept else parse_number(form.get("score", ""))
        except ValueProblem:
            return Outcome(i18n.text("bad_score", lang, max=_number(top)))
        if not 0 <= score <= top:
            return Outcome(i18n.text("bad_score", lang, max=_number(top)))
        reason = form.get("reason", "").strip() or (i18n.text("accepted_reason", lang) if accept else "")
        if not reason:
            return Outcome(i18n.text("need_reason", lang))
        entry = {"score": int(score) if score.is_integer() else score, "reason": reason, "by": by}
    waiting, _ = identical(store, located)
    others = [s for s in form.getlist("same") if s in waiting] if entry is not None else []
    main = Change(located.student, check["id"], entry, form.get("version", ""))
    updater = ClassUpdater(store, files)
    outcome = Outcome()
    try:
        with locked(files):
            written = write_changes(files.overrides, [main], _validator(store))
            if written.conflicts:
                _, found = written.conflicts[0]
                now = "—" if found is None else f"{found.get('score')} ({found.get('reason')})"
                return Outcome(i18n.text("conflict", lang, who=_someone(found, lang), now=now), conflict=True)
            extra = write_changes(files.overrides, [Change(s, check["id"], entry, "") for s in others],
                                  _validator(store)) if others else None  # fmt: skip
            applied = written.applied + (extra.applied if extra else [])
            records = []
            for change, _ in applied:
                before = store.result(change.student)["questions"][located.question_id]
                current = next(c for c in before["checks"] if c["id"] == check["id"])
                records.append({"by": by, "action": "remove override" if entry is None else "override",
                                "student": change.student, "check": check["id"], "auto_score": current["auto_score"],
                                "old": current["score"], "new": current["auto_score"] if entry is None else entry["score"],
                                "reason": None if entry is None else entry["reason"],
                                **({"same_as": located.student} if change.student != located.student else {})})  # fmt: skip
            append_audit(files, records)
            for change, _ in applied:
                updater.rewrite(change.student)
            updater.write_gradebook()
    except (LedgerError, OverrideError, OSError) as error:
        return Outcome(i18n.text("cannot_write", lang, why=str(error)))
    first = records[0]
    key = "removed" if entry is None else "saved"
    outcome.messages.append(("ok", i18n.text(key, lang, student=located.student, check=check["id"],
                                             old=_number(first["old"]), new=_number(first["new"]),
                                             score=_number(first["new"]))))  # fmt: skip
    same = [c.student for c, _ in (extra.applied if extra else [])]
    if same:
        outcome.messages.append(("ok", i18n.text("saved_same", lang, n=len(same), ids=", ".join(same))))
    if extra and extra.conflicts:
        skipped = ", ".join(c.student for c, _ in extra.conflicts)
        outcome.messages.append(("warn", i18n.text("conflict", lang, who=i18n.text("someone", lang), now=skipped)))
    return outcome


def correct(store: ResultStore, files: TaFiles, located: Located, form: MultiDict[str, str], lang: str,
            current: str) -> Outcome:  # fmt: skip
    """Record a corrected reading of one field the check read, then grade again what reads it."""
    dotted = form.get("field", "")
    by, value, reason = form.get("by", "").strip(), form.get("value", "").strip(), form.get("reason", "").strip()
    if dotted not in fields_read(located.check):
        return Outcome(i18n.text("bad_request", lang))
    if not by:
        return Outcome(i18n.text("need_name", lang))
    if not value:
        return Outcome(i18n.text("need_value", lang))
    change = Change(located.student, dotted, {"value": value, **({"reason": reason} if reason else {}), "by": by},
                    form.get(f"version:{dotted}", ""))  # fmt: skip
    updater = ClassUpdater(store, files)
    before = {c["id"]: c["score"] for q in located.result["questions"].values() for c in q["checks"]}
    try:
        with locked(files):
            written = write_changes(files.corrections, [change], _corrections_readable)
            if written.conflicts:
                _, found = written.conflicts[0]
                now = "—" if found is None else str(found.get("value"))
                return Outcome(i18n.text("conflict", lang, who=_someone(found, lang), now=now), conflict=True)
            append_audit(files, [{"by": by, "action": "correction", "student": located.student, "field": dotted,
                                  "old": current, "new": value, "reason": reason or None}])  # fmt: skip
            regrading = updater.regrade_field(located.student, dotted)
            updater.write_gradebook()
    except (LedgerError, OverrideError, OSError, ValueError) as error:
        return Outcome(i18n.text("cannot_write", lang, why=str(error)))
    after = {c["id"]: c["score"] for q in store.result(located.student)["questions"].values() for c in q["checks"]}
    outcome = Outcome(messages=[("ok", i18n.text("corrected", lang, field=dotted, value=value))])
    if regrading.rerun:
        changes = [f"{c} {_number(before[c])} → {_number(after[c])}" for c in regrading.rerun]
        outcome.messages.append(("ok", i18n.text("regraded", lang, checks="; ".join(changes))))
    if regrading.missing:
        outcome.messages.append(("warn", i18n.text("no_submission", lang, where=regrading.missing)))
    if regrading.needs_code:
        outcome.messages.append(("warn", i18n.text("needs_code", lang, checks=", ".join(regrading.needs_code))))
    return outcome

"""Reading a student's answer sheet (YAML) into located, typed answers.

Every scalar is read as text (no YAML typing: "no" stays "no", "1e-3" stays
"1e-3") and typed later by the field's own parser, so that each problem can
name its line and field. A sheet with a YAML syntax error is re-read one
top-level section at a time: one broken question never hides the others.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import yaml

from grader.reports.document import Location
from grader.results import Bilingual
from grader.sheet_schema import FIELDS_BY_PATH, SECTIONS
from grader.values import ValueProblem

T = TypeVar("T")
MAX_SHEET_BYTES = 2_000_000


@dataclass(frozen=True)
class SheetProblem:
    section: str | None  # "q05", "student", or None for the whole file
    line: int | None
    field: str | None
    message: Bilingual
    from_report: bool = False  # the answer was read from the student's report, not typed in the sheet

    def describe(self) -> Bilingual:
        where_en = f"answer sheet line {self.line}" if self.line else "answer sheet"
        where_fa = f"پاسخ‌نامه، خط {self.line}" if self.line else "پاسخ‌نامه"
        if self.from_report and self.line is None:
            where_en, where_fa = "report", "گزارش"
        if self.field:
            where_en += f", field {self.field}"
            where_fa += f"، فیلد {self.field}"
        return Bilingual(f"{where_en}: {self.message.en}", f"{where_fa}: {self.message.fa}")


@dataclass(frozen=True)
class Missing:
    """No answer: the field is absent or empty."""


@dataclass(frozen=True)
class Invalid:
    problem: SheetProblem


@dataclass(frozen=True)
class Source:
    """Where an answer read out of a report came from (a YAML answer has no Source)."""

    where: tuple[Location, ...]
    excerpt: str
    confidence: float  # 0..1; below REVIEW_BELOW a TA is asked to confirm the reading
    context: str = ""  # the whole part the answer was read from
    note: Bilingual | None = None
    needs_reading: bool = False  # a picture or unreadable text: a TA must read it
    corrected_by: str = ""  # a TA corrected the reading (grader/corrections.py): who

    def describe(self) -> Bilingual:
        first = self.where[0].describe()
        more = len({(w.file, w.page, w.paragraph, w.table, w.cell) for w in self.where}) - 1
        if more > 0:
            first = Bilingual(f"{first.en} (+{more} more)", f"{first.fa} (و {more} مورد دیگر)")
        if self.corrected_by:
            first = Bilingual(f"{first.en}, as corrected by {self.corrected_by}",
                              f"{first.fa}، اصلاح‌شده به دست {self.corrected_by}")  # fmt: skip
        return first

    def to_json(self) -> dict[str, object]:
        found: dict[str, object] = {
            "where": [w.to_json() for w in self.where], "excerpt": self.excerpt,
            "confidence": round(self.confidence, 2), "needs_reading": self.needs_reading,
            "note": None if self.note is None else {"en": self.note.en, "fa": self.note.fa}}  # fmt: skip
        if self.corrected_by:
            found["corrected_by"] = self.corrected_by
        return found


@dataclass(frozen=True)
class Given(Generic[T]):
    value: T
    raw: str
    line: int
    source: Source | None = None


Answer = Missing | Invalid | Given[T]


@dataclass(frozen=True)
class RawAnswer:
    text: str
    line: int
    source: Source | None = None


@dataclass
class AnswerSheet:
    path: Path | None
    raw: dict[tuple[str, ...], RawAnswer] = field(default_factory=dict)
    problems: list[SheetProblem] = field(default_factory=list)
    broken_sections: set[str] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)  # fields read since the last begin_check()

    def begin_check(self) -> None:
        self.reads = set()

    def source(self, dotted: str) -> Source | None:
        raw = self.raw.get(tuple(dotted.split(".")))
        return raw.source if raw is not None else None

    def context(self, dotted: str) -> str:
        """The whole part a report answer was read from (its own text for a YAML answer)."""
        raw = self.raw.get(tuple(dotted.split(".")))
        if raw is None:
            return ""
        return raw.source.context if raw.source is not None and raw.source.context else raw.text

    def get(self, dotted: str, parse: Callable[[str], T]) -> Answer[T]:
        path = tuple(dotted.split("."))
        if path not in FIELDS_BY_PATH:
            raise KeyError(f"no answer-sheet field {dotted!r} in the schema")
        self.reads.add(dotted)
        for problem in self.problems:
            if problem.field == dotted:
                return Invalid(problem)
        if path[0] in self.broken_sections:
            broken = next(p for p in self.problems if p.section in (path[0], None) and p.field is None)
            return Invalid(broken)
        raw = self.raw.get(path)
        if raw is None or not raw.text.strip():
            return Missing()
        try:
            return Given(parse(raw.text), raw.text, raw.line, raw.source)
        except ValueProblem as error:
            where = raw.source.describe() if raw.source is not None else None
            message = error.message if where is None else Bilingual(
                f"{error.message.en} (read from {where.en})", f"{error.message.fa} (خوانده‌شده از {where.fa})")  # fmt: skip
            return Invalid(SheetProblem(path[0], raw.line or None, dotted, message, from_report=where is not None))

    def text(self, dotted: str) -> str:
        answer = self.get(dotted, str)
        return answer.value if isinstance(answer, Given) else ""


def find_sheet(root: Path) -> tuple[Path | None, list[Path]]:
    """The answer sheet in a submission: the shallowest file with a known name; the others."""
    from grader.sheet_schema import SHEET_NAMES

    found = sorted(
        (p for name in SHEET_NAMES for p in root.rglob(name) if p.is_file() and not p.is_symlink()),
        key=lambda p: (len(p.relative_to(root).parts), p.as_posix()),
    )
    return (found[0], found[1:]) if found else (None, [])


def _yaml_problem(error: yaml.YAMLError, line_offset: int) -> tuple[int | None, Bilingual]:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 + line_offset if mark is not None else None
    problem = getattr(error, "problem", None) or str(error)
    return line, Bilingual(
        f"this is not valid YAML ({problem}); check the indentation and the colon after each key",
        f"ساختار YAML درست نیست ({problem})؛ تورفتگی و دونقطهٔ بعد از هر کلید را بررسی کنید",
    )


def _canonical_section(key: str) -> str:
    """'q5', 'Q05', 'q_5' -> 'q05'; anything else unchanged."""
    match = re.fullmatch(r"[qQ]_?0?([1-7])", key.strip())
    return f"q0{match.group(1)}" if match else key.strip()


def _walk(sheet: AnswerSheet, node: yaml.Node, path: tuple[str, ...]) -> None:
    line = node.start_mark.line + 1
    dotted = ".".join(path)
    section = path[0] if path else None
    if path in FIELDS_BY_PATH:
        if isinstance(node, yaml.ScalarNode):
            text = "" if node.tag.endswith(":null") else str(node.value)
            sheet.raw[path] = RawAnswer(text, line)
        elif isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode) for n in node.value):
            sheet.raw[path] = RawAnswer(", ".join(str(n.value) for n in node.value), line)
        else:
            sheet.problems.append(
                SheetProblem(section, line, dotted, Bilingual(
                    "expected a single value here, found a nested block",
                    "اینجا یک مقدار انتظار می‌رفت، نه یک بلوک تودرتو")))  # fmt: skip
        return
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return  # an empty group such as "q03:" with nothing under it
    if not isinstance(node, yaml.MappingNode):
        sheet.problems.append(
            SheetProblem(section, line, dotted or None, Bilingual(
                "expected keys under this name (see the template from `grader init`)",
                "زیر این نام باید کلیدها بیایند (الگوی `grader init` را ببینید)")))  # fmt: skip
        return
    for key_node, value_node in node.value:
        key = str(key_node.value).strip() if isinstance(key_node, yaml.ScalarNode) else "?"
        if not path:
            key = _canonical_section(key)
        child = (*path, key)
        if not any(p[: len(child)] == child for p in FIELDS_BY_PATH):
            siblings = sorted({p[len(path)] for p in FIELDS_BY_PATH if p[: len(path)] == path})
            close = difflib.get_close_matches(key, siblings, n=1)
            hint_en = f"; did you mean {close[0]!r}?" if close else ""
            hint_fa = f"؛ آیا منظورتان «{close[0]}» بود؟" if close else ""
            sheet.problems.append(
                SheetProblem(child[0] if path else None, key_node.start_mark.line + 1, ".".join(child), Bilingual(
                    f"unknown key {key!r}, ignored{hint_en}", f"کلید ناشناختهٔ «{key}» نادیده گرفته شد{hint_fa}")))  # fmt: skip
            continue
        _walk(sheet, value_node, child)


def _sections(text: str) -> list[tuple[int, str]]:
    """Split a sheet into top-level sections: (first line index, text)."""
    starts = [i for i, line in enumerate(text.splitlines()) if re.match(r"^[^\s#][^:]*:", line)]
    lines = text.splitlines()
    if not starts:
        return [(0, text)]
    bounds = [0, *starts[1:], len(lines)] if starts[0] != 0 else [*starts, len(lines)]
    return [(bounds[i], "\n".join(lines[bounds[i] : bounds[i + 1]])) for i in range(len(bounds) - 1)]


def _compose(sheet: AnswerSheet, text: str, line_offset: int) -> yaml.Node | None:
    """Parse one section (a top-level key and what is under it); a failure breaks that section."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        line, message = _yaml_problem(error, line_offset)
        head = re.search(r"^([^\s:#][^:]*):", text, flags=re.MULTILINE)
        section = _canonical_section(head.group(1)) if head else None
        if section not in SECTIONS:
            section = None
        sheet.problems.append(SheetProblem(section, line, None, message))
        if section:
            sheet.broken_sections.add(section)
        return None


def _shift(node: yaml.Node, offset: int) -> None:
    """Move a node's line numbers by the section's offset in the file."""
    stack = [node]
    while stack:
        current = stack.pop()
        for mark in (current.start_mark, current.end_mark):
            mark.line += offset
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def parse_sheet_text(text: str, path: Path | None = None) -> AnswerSheet:
    sheet = AnswerSheet(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        pass
    else:
        if root is not None:
            _walk(sheet, root, ())
        return sheet
    # The whole file is not YAML: read each top-level section on its own.
    for offset, chunk in _sections(text):
        node = _compose(sheet, chunk, offset)
        if node is not None:
            _shift(node, offset)
            _walk(sheet, node, ())
    return sheet


def read_sheet(path: Path) -> AnswerSheet:
    data = path.read_bytes()
    if len(data) > MAX_SHEET_BYTES:
        sheet = AnswerSheet(path)
        sheet.problems.append(SheetProblem(None, None, None, Bilingual(
            f"the answer sheet is {len(data):,} bytes; the limit is {MAX_SHEET_BYTES:,}",
            f"حجم پاسخ‌نامه {len(data):,} بایت است؛ حداکثر {MAX_SHEET_BYTES:,} بایت مجاز است")))  # fmt: skip
        sheet.broken_sections.update(SECTIONS)
        return sheet
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        sheet = AnswerSheet(path)
        sheet.problems.append(SheetProblem(None, line, None, Bilingual(
            "the answer sheet is not UTF-8 text; save it as UTF-8 in your editor",
            "پاسخ‌نامه با کدگذاری UTF-8 ذخیره نشده است؛ آن را در ویرایشگر با UTF-8 ذخیره کنید")))  # fmt: skip
        sheet.broken_sections.update(SECTIONS)
        return sheet
    return parse_sheet_text(text, path)

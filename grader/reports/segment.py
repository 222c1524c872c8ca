"""Splitting a report's blocks into questions and parts, the way students head them.

Question headings: «سوال 1-», «سوال اول», «سؤال ۵)», «# سوال دوم», «Q1)», «Question 5»,
also at the end of a line (a PDF sometimes puts the heading after the last
sentence of the previous answer), with mirrored brackets. Parts: «الف)», «(ب»,
«ج-», «بخش اول)», «قسمت دوم», «(a)», «Part b»; a label seen before in the same
question is a sub-part of the current part (students restart «الف)» inside
«ج)»); a lone bracketed character that is no label (an extraction turned «د)»
into «(১») is the next part. A question with no heading is found by its
own start marker (answers/qNN.yaml, report.start: «عبارت اول» starts Q6(a)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grader.persian import normalize_text
from grader.reports.document import Block

_ORDINALS = {"اول": 1, "یکم": 1, "نخست": 1, "دوم": 2, "سوم": 3, "چهارم": 4, "پنجم": 5, "ششم": 6, "هفتم": 7,
             "هشتم": 8}  # fmt: skip
_ORDINAL = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_PUNCT = r"[\s\-–—:.)(\]\[»«*]*"
_QUESTION_START = re.compile(
    rf"^[#*\s\-–—.•]*(?:سوال|پرسش|مساله|مسئله)\s*(?:شماره\s*)?(\d{{1,2}}|{_ORDINAL})(?![\w]){_PUNCT}(.*)$"
    rf"|^[#*\s\-–—.•]*(?:q|question|problem)\s*\.?\s*(\d)(?!\d){_PUNCT}(.*)$"
)
_QUESTION_END = re.compile(rf"(?:^|(?<=[.!؟?:]))\s*(?:سوال|پرسش)\s*(\d{{1,2}}|{_ORDINAL})(?![\w]){_PUNCT}$")

# Part labels, as the sheet's parts: the abjad order of Persian exam sheets (الف ب ج د ه), and پ for the third.
PART_LETTERS = {"الف": "a", "ب": "b", "پ": "c", "ج": "c", "د": "d", "ه": "e", "هـ": "e", "و": "f",
                "a": "a", "b": "b", "c": "c", "d": "d", "e": "e", "f": "f"}  # fmt: skip
_LETTER = "الف|هـ|ب|پ|ج|د|ه|و"
_PART_FORMS = tuple(
    re.compile(p)
    for p in (
        rf"^[()\[]?\s*(?P<label>{_LETTER})\s*[)\](\-:.،]+\s*(?P<rest>.*)$",  # الف) / (الف) / ب- / ج: / الف( (mirrored)
        rf"^[)(]\s*(?P<label>{_LETTER})\s*$",  # )الف: a mirrored label alone on its line
        r"^\(?(?P<label>[a-f])\)\s*(?P<rest>.*)$",  # (a) / a)
        r"^(?P<label>[a-f])[.:\-]\s+(?P<rest>.*)$",  # a. / a: text
        rf"^(?:بخش|قسمت|part)\s*[(\-]?\s*(?P<label>{_LETTER}|[a-f]|\d|{_ORDINAL})(?![\w])\s*[)\]:.\-]*\s*(?P<rest>.*)$",
    )
)
_BULLET = re.compile(r"^(?:#+|\*+|[-•–])\s*")  # markdown heading marks and bullets before a label
_LONE = re.compile(r"^[)(\[\]]\s*(\S)\s*[)(\[\]]?$|^(\S)\s*[)(\]]$")
_NUMBERED = re.compile(r"^[(\[]?\s*(\d{1,2})\s*[)\].\-]")
_PART_ORDER = "abcdef"
# A line of a table of contents: «سوال ۱ ........ ۳», "Q5 (a) …… 7". Its headings and labels are not the answers'
# (a PDF or Markdown report keeps it as text; Word's own contents table is skipped by read_docx).
_CONTENTS_LINE = re.compile(r"(?:\.{4,}|…{2,}|_{4,}|(?:\.\s){4,}|·{4,})\s*\d{1,3}\s*$")


@dataclass
class Part:
    label: str | None  # a..f, or None for text before any label
    blocks: list[Block] = field(default_factory=list)
    how: str = "label"  # "label" | "inferred" (a lone character read as the next part) | "none"


@dataclass
class Question:
    question_id: str
    how: str  # "heading" | "marker" (found by its start marker) | "file" (the file's name names it)
    heading: Block | None
    parts: list[Part] = field(default_factory=list)

    @property
    def blocks(self) -> list[Block]:
        return [b for p in self.parts for b in p.blocks]


@dataclass
class Segmentation:
    questions: dict[str, Question]
    preamble: list[Block]  # before the first question: title page, name, student number


def question_heading(text: str) -> tuple[int, str] | None:
    """(question number, the rest of the line) when the line starts with a question heading."""
    canon = normalize_text(text)
    match = _QUESTION_START.match(canon)
    if not match:
        return None
    number_text = match.group(1) or match.group(3)
    rest = match.group(2) if match.group(1) else match.group(4)
    number = _ORDINALS.get(number_text) or (int(number_text) if number_text.isdigit() else 0)
    if not 1 <= number <= 7:
        return None
    return number, _after(text, canon[: match.start(2 if match.group(1) else 4)]) if rest else ""


def trailing_heading(text: str) -> tuple[int, str] | None:
    """(question number, the text before it) when a line ends with a question heading."""
    canon = normalize_text(text)
    match = _QUESTION_END.search(canon)
    if not match or match.start() == 0:
        return None
    number_text = match.group(1)
    number = _ORDINALS.get(number_text) or (int(number_text) if number_text.isdigit() else 0)
    if not 1 <= number <= 7:
        return None
    return number, _before(text, canon[: match.start()])


def part_label(text: str) -> tuple[str, str] | None:
    """(sheet part a..f, rest of the line) when the line starts with a part label."""
    canon = _BULLET.sub("", normalize_text(text))
    match = next((m for m in (form.match(canon) for form in _PART_FORMS) if m), None)
    if match is None:
        return None
    label = match.group("label")
    rest = match.groupdict().get("rest") or ""
    part = PART_LETTERS.get(label)
    if part is None and label in _ORDINALS:
        part = _PART_ORDER[_ORDINALS[label] - 1] if _ORDINALS[label] <= len(_PART_ORDER) else None
    if part is None and label.isdigit() and canon.startswith(("بخش", "قسمت", "part")):
        number = int(label)
        part = _PART_ORDER[number - 1] if 1 <= number <= len(_PART_ORDER) else None
    if part is None:
        return None
    return part, _after(text, canon[: match.start("rest")]) if rest else ""


def _after(original: str, canon_prefix: str) -> str:
    """The original text after the part of it whose canonical form is `canon_prefix` (a heading or label)."""
    target = canon_prefix.strip()
    cut = None
    for i in range(1, min(len(original), len(canon_prefix) + 16) + 1):
        got = normalize_text(original[:i])
        if got == target:
            cut = i
        elif len(got) > len(target):
            break
    return original[cut:].strip() if cut is not None else original


def _before(original: str, canon_head: str) -> str:
    """The original text whose canonical form is `canon_head` (the sentence before a trailing heading)."""
    target = canon_head.strip()
    for i in range(len(original), 0, -1):
        if normalize_text(original[:i]) == target:
            return original[:i].strip()
    return original


def _starts(markers: dict[str, list[re.Pattern[str]]], text: str) -> str | None:
    canon = normalize_text(text)
    for qid, patterns in markers.items():
        if any(p.match(canon) for p in patterns):
            return qid
    return None


def segment(blocks: list[Block], markers: dict[str, list[re.Pattern[str]]], default: str | None = None) -> Segmentation:
    """Questions and their parts, in the order they appear.

    Text before any heading is the preamble (title page, name), or, when the file's
    name says which question it answers (Q5.pdf, HW4_Q7.ipynb), that question.
    """
    pieces = _split_headings([b for b in blocks if not _CONTENTS_LINE.search(normalize_text(b.text))])
    headed = {f"q{n:02d}" for n, _ in (p[1] for p in pieces if p[1] is not None)}
    questions: dict[str, Question] = {}
    preamble: list[Block] = []
    current: Question | None = None
    if default is not None and f"q{int(default[1:]):02d}" not in headed:
        current = Question(default, "file", None, [Part(None, how="none")])
        questions[default] = current
    seen_labels: set[str] = set()
    numbered = 0  # the last numbered item «۱)» in the current part, to tell «(۲» from a lost part label

    for block, heading in pieces:
        if heading is not None:
            number, rest = heading
            qid = f"q{number:02d}"
            current = questions.get(qid) or Question(qid, "heading", block)
            questions[qid] = current
            seen_labels = {p.label for p in current.parts if p.label}
            current.parts.append(Part(None, how="none"))
            numbered = 0
            if rest:
                block = Block(block.kind, rest, block.where, block.cells)
            else:
                continue
        marker = _starts({q: m for q, m in markers.items() if q not in headed and q not in questions}, block.text)
        if marker is not None and block.kind != "row":
            current = Question(marker, "marker", None, [Part(None, how="none")])
            questions[marker] = current
            seen_labels, numbered = set(), 0
        if current is None:
            preamble.append(block)
            continue
        if block.kind in ("text", "heading"):
            label = part_label(block.text)
            if label is not None:
                part, rest = label
                if part not in seen_labels:
                    seen_labels.add(part)
                    current.parts.append(Part(part))
                    numbered = 0
                if not rest:
                    continue
                block = Block(block.kind, rest, block.where, block.cells)
            else:
                lone = _LONE.match(normalize_text(block.text))
                if lone is not None:
                    char = lone.group(1) or lone.group(2)
                    if char in "0123456789" and int(char) == numbered + 1:
                        numbered += 1
                        continue
                    following = _next_label(current, seen_labels)
                    if following is not None:
                        seen_labels.add(following)
                        current.parts.append(Part(following, how="inferred"))
                        numbered = 0
                        continue
                item = _NUMBERED.match(normalize_text(block.text))
                if item is not None:
                    numbered = int(item.group(1))
        current.parts[-1].blocks.append(block)
    for question in questions.values():
        question.parts = [p for p in question.parts if p.blocks or p.label]
        _label_leading_part(question)
    return Segmentation(questions, preamble)


def _label_leading_part(question: Question) -> None:
    """Unlabelled text right before «ب)» is part (a): students often leave the first label out."""
    parts = question.parts
    if len(parts) < 2 or parts[0].label is not None or not parts[0].blocks or parts[1].label in (None, "a"):
        return
    before = _PART_ORDER[_PART_ORDER.index(str(parts[1].label)) - 1]
    if before not in {p.label for p in parts}:
        parts[0].label, parts[0].how = before, "inferred"


def _next_label(question: Question, seen: set[str]) -> str | None:
    labelled = [p.label for p in question.parts if p.label]
    if not labelled:
        return None  # a lone character before any part label is more likely a numbered item
    after = _PART_ORDER.index(labelled[-1]) + 1
    return next((label for label in _PART_ORDER[after:] if label not in seen), None)


def _split_headings(blocks: list[Block]) -> list[tuple[Block, tuple[int, str] | None]]:
    """Each block with the question heading it starts with (or ends with, split off), if any."""
    pieces: list[tuple[Block, tuple[int, str] | None]] = []
    for block in blocks:
        if block.kind not in ("text", "heading"):
            pieces.append((block, None))
            continue
        start = question_heading(block.text)
        if start is not None:
            pieces.append((block, start))
            continue
        end = trailing_heading(block.text)
        if end is not None:
            number, before = end
            pieces.append((Block(block.kind, before, block.where), None))
            pieces.append((Block("heading", "", block.where), (number, "")))
            continue
        pieces.append((block, None))
    return pieces

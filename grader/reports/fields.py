"""From a segmented report to answer-sheet fields, each with its provenance and a confidence.

The layout of each question (which free-text fields each part holds, what a
paragraph about each field talks about, which finder reads each typed field)
is data in answers/qNN.yaml under `report:`. A part's paragraphs are shared
between its free-text fields by those signatures; a paragraph that names none
continues the field before it. A part handed in only as a picture gives its
fields to a TA ("needs reading"), never an empty answer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from grader import answers
from grader.persian import normalize_text
from grader.reports.document import Block, Location
from grader.reports.found_tables import find_comparison, find_comparison_prose, find_layer_table
from grader.reports.found_values import (
    FoundValue,
    find_accuracy,
    find_choice,
    find_count,
    find_layer_name,
    find_relation,
    find_true_statements,
)
from grader.reports.segment import Question
from grader.results import QUESTION_IDS, Bilingual
from grader.sheet_schema import Q2_COLUMNS, Q2_MODELS, Q5_LAYERS

REVIEW_BELOW = 0.75  # a field read with less confidence than this asks a TA to confirm it
_EXCERPT = 160


@dataclass(frozen=True)
class ExtractedField:
    dotted: str
    text: str  # what goes into the answer-sheet field
    where: tuple[Location, ...]
    confidence: float
    context: str = ""  # the whole part the field was read from (written answers are scored on it)
    note: Bilingual | None = None
    needs_reading: bool = False  # handed in as a picture or unreadable text: a TA must read it

    @property
    def excerpt(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


@dataclass(frozen=True)
class Layout:
    question_id: str
    parts: dict[str, tuple[str, ...]]  # part -> free-text fields ("" for a question without parts)
    signatures: dict[str, tuple[re.Pattern[str], ...]]
    values: dict[str, dict[str, Any]]
    start: tuple[re.Pattern[str], ...]
    by_sentence: bool = False  # share sentences, not paragraphs, between the fields

    @property
    def text_fields(self) -> tuple[str, ...]:
        return tuple(f for fields in self.parts.values() for f in fields)


@functools.cache
def layout(question_id: str) -> Layout:
    data = answers.load(question_id).get("report", {})
    parts = {str(k): tuple(v) for k, v in data.get("parts", {}).items()}
    if "whole" in data:
        parts[""] = tuple(data["whole"])
    signatures = {str(k): tuple(re.compile(p) for p in v) for k, v in data.get("signatures", {}).items()}
    return Layout(question_id, parts, signatures, dict(data.get("values", {})),
                  tuple(re.compile(p) for p in data.get("start", [])), bool(data.get("by_sentence", False)))  # fmt: skip


def start_markers() -> dict[str, list[re.Pattern[str]]]:
    return {q: list(layout(q).start) for q in QUESTION_IDS if layout(q).start}


@dataclass
class _Share:
    """The paragraphs of one free-text field, while they are being collected."""

    blocks: list[Block] = field(default_factory=list)


def _score(signature: Sequence[re.Pattern[str]], canon: str) -> int:
    """How strongly a paragraph talks about a field.

    Each idea of the field's signature counts up to three times (a paragraph that names four
    tuners is about the tuners more than one that names one); the first, most telling idea
    counts double, and an idea in the paragraph's lead (a label such as «علت انتخاب:») once more.
    """
    lead = canon[:40]
    score = 0
    for index, pattern in enumerate(signature):
        hits = {m.group(0) for m in pattern.finditer(canon)}
        if hits:
            score += (2 if index == 0 else 1) * min(len(hits), 3)
            score += 1 if pattern.search(lead) else 0
    return score


def _tells(lay: Layout, name: str, canon: str) -> bool:
    """Whether a field's first, most telling idea appears in the text."""
    signature = lay.signatures.get(name, ())
    return bool(signature) and signature[0].search(canon) is not None


def _pieces(blocks: list[Block], by_sentence: bool) -> list[Block]:
    """The paragraphs to share out, or their sentences where one paragraph often answers two fields (Q3)."""
    if not by_sentence:
        return [b for b in blocks if b.text]
    pieces = []
    for block in blocks:
        for sentence in re.split(r"(?<=[.!؟?؛;])\s+", block.text):
            if sentence.strip():
                pieces.append(Block(block.kind, sentence.strip(), block.where, block.cells))
    return pieces


def _share_paragraphs(
    blocks: list[Block], fields: tuple[str, ...], lay: Layout, ordered: bool
) -> dict[str, list[Block]]:
    """Each paragraph to the field it talks about most; a paragraph that names none continues the one before.

    In a labelled part students answer its questions in the sheet's order, so there going back
    to an earlier field takes a clearly stronger paragraph; in text without labels any field may
    come next.
    """
    shares: dict[str, list[Block]] = {f: [] for f in fields}
    pieces = _pieces(blocks, lay.by_sentence)
    if len(fields) == 1:
        shares[fields[0]] = pieces
        return shares
    current = fields[0]
    for index, block in enumerate(pieces):
        canon = normalize_text(block.text)
        scores = {f: _score(lay.signatures.get(f, ()), canon) for f in fields}
        here = fields.index(current)
        if not index:
            better = [f for f in fields if scores[f] > 0]
        elif ordered:  # back to an earlier field only on a clearly stronger paragraph
            better = [f for i, f in enumerate(fields) if scores[f] > scores[current] + (2 if i < here else 0)]
            # On a tie, a later field's most telling idea moves on when the current field's does not appear.
            telling = [f for f in fields[here + 1 :] if scores[f] == scores[current] > 0
                       and _tells(lay, f, canon) and not _tells(lay, current, canon)]  # fmt: skip
            better = better or telling
        else:
            better = [f for f in fields if scores[f] > scores[current]]
        if better:
            current = max(better, key=lambda f: (scores[f], -fields.index(f)))
        shares[current].append(block)
    return shares


def _confidence(question: Question, how: str, share_count: int) -> float:
    value = 1.0 if question.how == "heading" else 0.7
    if how == "inferred":
        value = min(value, 0.7)
    if share_count > 1:
        value = min(value, 0.8)
    return value


# Where a short text says the working is: on paper, in a photo or scan of it («محاسبه‌اش را روی کاغذ نوشتم»).
_IN_THE_PICTURE = re.compile(r"روی\s*کاغذ|دست\s*نویس|دستنویس|handwrit|on paper|عکس|photo|تصویر\s*(زیر|پایین)|"
                             r"(در|in)\s*(the\s*)?(picture|image)\s*below|scan|اسکن")  # fmt: skip
_SHORT_POINTER = 30  # words: a longer text is an answer of its own, whatever its caption says of a plot


def _pictures_only(blocks: list[Block]) -> Block | None:
    """The picture that holds a part's answer: a part of pictures and (next to) no text, or whose text
    says the working is on paper («محاسبه‌اش را روی کاغذ نوشتم:»)."""
    pictures = [b for b in blocks if b.kind == "image"]
    if not pictures:
        return None
    words = sum(len(b.text.split()) for b in blocks if b.kind != "image")
    says_so = any(_IN_THE_PICTURE.search(normalize_text(b.text)) for b in blocks if b.kind != "image")
    return pictures[0] if words < 4 or (says_so and words < _SHORT_POINTER) else None


def read_question(question: Question) -> list[ExtractedField]:
    """The answer-sheet fields of one question found in its segment of a report."""
    lay = layout(question.question_id)
    qid = question.question_id
    found: list[ExtractedField] = []
    labelled = {p.label: p for p in question.parts if p.label in lay.parts}
    unlabelled = [p for p in question.parts if p.label not in lay.parts]
    for part_name, fields in lay.parts.items():
        if part_name == "":
            source = question.parts
        elif part_name in labelled:
            source = [labelled[part_name]]
        else:
            continue
        blocks = [b for p in source for b in p.blocks]
        how = "inferred" if any(p.how == "inferred" for p in source) else "label"
        found += _free_text(qid, blocks, fields, lay, _confidence(question, how, len(fields)), ordered=part_name != "")
    if unlabelled and lay.text_fields and "" not in lay.parts:
        # Text outside the sheet's part labels (no labels at all, or labels the question does not
        # have): shared between the fields no labelled part answered.
        answered = {f for p in labelled for f in lay.parts[p]}
        open_fields = tuple(f for f in lay.text_fields if f not in answered)
        blocks = [b for p in unlabelled for b in p.blocks]
        if open_fields and any(b.text for b in blocks):
            found += _free_text(
                qid, blocks, open_fields, lay, min(0.6, _confidence(question, "label", 2)), ordered=False
            )
    for name, spec in lay.values.items():
        part = spec.get("part")
        blocks = [b for b in labelled[part].blocks] if part in labelled else question.blocks
        confidence = _confidence(question, "label" if part in labelled or part is None else "inferred", 1)
        typed = _typed(qid, name, spec, blocks, confidence, set(labelled))
        unread = next((f for f in typed if f.needs_reading and f.note is not None), None)
        if unread is not None:  # a table that is a picture or unreadable: the rest of the question goes with it
            answered = {f.dotted for f in found + typed}
            typed += [replace(unread, dotted=f"{qid}.{other}") for other in lay.values
                      if other != name and lay.values[other].get("find") != "layer_table"
                      and f"{qid}.{other}" not in answered and lay.values[other].get("part") not in labelled]  # fmt: skip
        found += typed
    return found


def _free_text(
    qid: str, blocks: list[Block], fields: tuple[str, ...], lay: Layout, confidence: float, ordered: bool
) -> list[ExtractedField]:
    if not fields:
        return []
    picture = _pictures_only(blocks)
    if picture is not None:
        return [_needs_reading(f"{qid}.{f}", picture) for f in fields]
    context = "\n".join(b.text for b in blocks if b.text)
    out = []
    answers = [b for b in blocks if not _is_pointer(b.text)]  # «the code is in Q1.ipynb» answers nothing here
    for name, share in _share_paragraphs(answers, fields, lay, ordered).items():
        if share:
            text = "\n".join(b.text for b in share)
            out.append(ExtractedField(f"{qid}.{name}", text, tuple(b.where for b in share), confidence, context))
    return out


_POINTER = re.compile(r"(کد|کدها|code|پاسخ|جواب|answer|پیاده\s*سازی|implementation|تمامی\s*کدها|همه\s*کدها)\b.*"
                      r"(\.ipynb|\.py\b|\.pdf|نوت\s*بوک|notebook|فایل|file)")  # fmt: skip


def _is_pointer(text: str) -> bool:
    """A short line that only says where the work is («کد در فایل Q1.ipynb آورده شده است»)."""
    canon = normalize_text(text)
    return len(canon.split()) <= 12 and _POINTER.search(canon) is not None


def _needs_reading(dotted: str, picture: Block) -> ExtractedField:
    return ExtractedField(dotted, "", (picture.where,), 0.0, note=Bilingual(
        f"handed in as a picture ({picture.where.describe().en}); a TA must read it",
        f"به صورت تصویر تحویل داده شده است ({picture.where.describe().fa})؛ دستیار آموزشی باید آن را بخواند",
    ), needs_reading=True)  # fmt: skip


def _from(dotted: str, value: FoundValue, confidence: float) -> ExtractedField:
    return ExtractedField(dotted, value.text, (value.block.where,), min(confidence, value.confidence),
                          value.block.text, value.note)  # fmt: skip


_FINDERS: dict[str, Callable[[list[Block], dict[str, Any]], FoundValue | None]] = {
    "accuracy": lambda blocks, spec: find_accuracy(blocks, spec["cues"], spec.get("avoid", ()), spec.get("prefer", ())),
    "choice": lambda blocks, spec: find_choice(blocks, spec["names"], spec["verbs"], spec.get("worse", ())),
    "statements": lambda blocks, spec: find_true_statements(blocks),
    "count": lambda blocks, spec: find_count(blocks),
    "layer_name": lambda blocks, spec: find_layer_name(blocks),
    "relation": lambda blocks, spec: find_relation(blocks),
}


def _typed(
    qid: str, name: str, spec: dict[str, Any], blocks: list[Block], confidence: float, part_names: set[str | None]
) -> list[ExtractedField]:
    kind = spec["find"]
    if kind == "layer_table":
        return _layer_table(qid, blocks, confidence)
    if kind == "comparison":
        table = find_comparison(blocks) or find_comparison_prose(blocks)
        return [_from(f"{qid}.comparison.{model}.{column}", value, confidence)
                for (model, column), value in sorted(table.items())
                if model in Q2_MODELS and column in {c[0] for c in Q2_COLUMNS}]  # fmt: skip
    picture = _pictures_only(blocks)
    value = _FINDERS[kind](blocks, spec)
    if value is None:
        if picture is not None:
            return [_needs_reading(f"{qid}.{name}", picture)]
        if spec.get("otherwise") == "text" and spec.get("part") in part_names and any(b.text for b in blocks):
            text_blocks = [b for b in blocks if b.text]
            return [ExtractedField(f"{qid}.{name}", "\n".join(b.text for b in text_blocks),
                                   tuple(b.where for b in text_blocks), min(confidence, 0.7))]  # fmt: skip
        return []
    return [_from(f"{qid}.{name}", value, confidence)]


def _layer_table(qid: str, blocks: list[Block], confidence: float) -> list[ExtractedField]:
    picture = _pictures_only(blocks)
    cells, garbled = find_layer_table(blocks, Q5_LAYERS)
    found = [_from(f"{qid}.layers.{layer}.{part}", value, confidence if garbled is None else 0.4)
             for (layer, part), value in sorted(cells.items())]  # fmt: skip
    if garbled is None and (cells or picture is None):
        return found
    where = picture.where if picture is not None else next((b.where for b in blocks if b.text), None)
    if where is None:
        return found
    note = garbled or _needs_reading("", Block("image", "", where)).note
    if garbled is not None:
        found = []  # cells read out of OCR noise are not answers: the TA reads the whole table
    unread = [ExtractedField(f"{qid}.layers.{layer}.{part}", "", (where,), 0.0, note=note, needs_reading=True)
              for layer in range(1, Q5_LAYERS + 1) for part in ("output", "params") if (layer, part) not in cells
              or garbled is not None]  # fmt: skip
    return found + unread

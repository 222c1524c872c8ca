"""Typed answers found in a report's prose and tables: accuracies, choices, Q5's table, Q6's statements.

Each finder gets the text of one question (or part) as located lines and
returns the raw text to put into the answer-sheet field, where it was found,
and a confidence. The raw text is parsed later by the same value parsers as
the YAML sheet (grader/values.py), so a report and a sheet are graded alike.
A finder never guesses silently: several different values, or none where an
answer seems to be, lower the confidence and say why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from grader.persian import normalize_text
from grader.reports.document import Block
from grader.results import Bilingual


@dataclass(frozen=True)
class FoundValue:
    text: str  # what goes into the answer-sheet field
    block: Block  # where it was read
    confidence: float
    note: Bilingual | None = None


_NUMBER = r"(\d+(?:\.\d+)?)"
_PERCENT = re.compile(rf"{_NUMBER}\s*(%|٪|درصد|percent)")
_FRACTION = re.compile(r"(?<![\d.])(0?\.\d{2,}|1\.0+)(?![\d.])")


def _accuracies(canon: str) -> list[tuple[int, float]]:
    """(position, value in 0..1) of every accuracy-like number in a line: 0.9918, .99, 99.18 %, ۹۹ درصد."""
    found = [(m.start(), float(m.group(1))) for m in _FRACTION.finditer(canon)]
    found += [(m.start(), float(m.group(1)) / 100) for m in _PERCENT.finditer(canon) if float(m.group(1)) <= 100]
    return sorted((p, v) for p, v in found if 0 < v <= 1)


def find_accuracy(
    blocks: Sequence[Block], cues: Sequence[str], avoid: Sequence[str] = (), prefer: Sequence[str] = ()
) -> FoundValue | None:
    """The accuracy a line reports next to one of `cues` (and none of `avoid` closer to it).

    When some candidates are also next to a `prefer` cue ("best val_accuracy so far"
    among the trials' val_accuracy lines), only those count.
    """
    cue = re.compile("|".join(cues))
    other = re.compile("|".join(avoid)) if avoid else None
    preferred = re.compile("|".join(prefer)) if prefer else None
    candidates: list[tuple[float, Block]] = []
    favoured: list[tuple[float, Block]] = []
    for block in blocks:
        canon = normalize_text(block.text)
        for position, value in _accuracies(canon):
            window = canon[max(0, position - 80) : position]
            hits = [m.end() for m in cue.finditer(window)]
            if not hits:
                continue
            if other is not None and any(m.end() > hits[-1] for m in other.finditer(window)):
                continue  # "test accuracy 0.98, validation accuracy 0.99": the nearer cue decides
            candidates.append((value, block))
            if preferred is not None and preferred.search(window):
                favoured.append((value, block))
    candidates = favoured or candidates
    if not candidates:
        return None
    values = sorted({round(v, 4) for v, _ in candidates})
    value, block = candidates[-1]
    if len(values) == 1:
        return FoundValue(f"{value:g}", block, 0.9)
    listed = ", ".join(f"{v:g}" for v in values)
    return FoundValue(f"{value:g}", block, 0.5, Bilingual(
        f"several values reported ({listed}); the last one was taken",
        f"چند مقدار گزارش شده است ({listed})؛ آخرین مقدار در نظر گرفته شد"))  # fmt: skip


def _sentences(blocks: Sequence[Block]) -> list[tuple[str, Block]]:
    out = []
    for block in blocks:
        for sentence in re.split(r"(?<=[.!؟?])\s+|\n", block.text):
            if sentence.strip():
                out.append((normalize_text(sentence), block))
    return out


def find_choice(
    blocks: Sequence[Block], names: dict[str, str], verbs: Sequence[str], worse: Sequence[str] = ()
) -> FoundValue | None:
    """The option a sentence says the student used or found better; names: pattern -> sheet value.

    In a sentence that names two options, the first is the subject ("VGG did better than
    ResNet"), unless the sentence says it did worse.
    """
    verb = re.compile("|".join(verbs))
    worse_words = re.compile("|".join(worse)) if worse else None
    chosen: list[tuple[str, Block]] = []
    for sentence, block in _sentences(blocks):
        if not verb.search(sentence):
            continue
        mentioned = sorted(
            (m.start(), value) for pattern, value in names.items() for m in re.finditer(pattern, sentence)
        )
        order = list(dict.fromkeys(value for _, value in mentioned))
        if not order:
            continue
        pick = order[0]
        if len(order) > 1 and worse_words is not None and worse_words.search(sentence):
            pick = order[1]
        chosen.append((pick, block))
    if not chosen:
        return None
    values = list(dict.fromkeys(v for v, _ in chosen))
    if len(values) == 1:
        return FoundValue(values[0], chosen[0][1], 0.85)
    return FoundValue(chosen[-1][0], chosen[-1][1], 0.5, Bilingual(
        f"more than one choice named ({', '.join(values)}); the last one was taken",
        f"بیش از یک گزینه نام برده شده است ({'، '.join(values)})؛ آخرین گزینه در نظر گرفته شد"))  # fmt: skip


# -- Q6(a): which statements are true ---------------------------------------------------
_STATEMENT = re.compile(
    r"(?:عبارت|گزاره|جمله|مورد|گزینه|statement|sentence|item)\s*(?:شماره\s*|no\.?\s*)?"
    r"(اول|یکم|دوم|سوم|1|2|3|یک|دو|سه|one|two|three|first|second|third)"
)
_STATEMENT_NUMBERS = {"اول": 1, "یکم": 1, "یک": 1, "1": 1, "one": 1, "first": 1, "دوم": 2, "دو": 2, "2": 2,
                      "two": 2, "second": 2, "سوم": 3, "سه": 3, "3": 3, "three": 3, "third": 3}  # fmt: skip
_FALSE = re.compile(r"نادرست|غلط|اشتباه|صحیح نیست|درست نیست|false|incorrect|wrong|not (?:true|correct)|✗|×")
_TRUE = re.compile(r"درست|صحیح|true|correct|✓|✔")


def find_true_statements(blocks: Sequence[Block]) -> FoundValue | None:
    """'عبارت اول: نادرست ... عبارت دوم: درست' -> '2'; every statement's verdict is the first one after it."""
    text = "\n".join(normalize_text(b.text) for b in blocks)
    marks = list(_STATEMENT.finditer(text))
    verdicts: dict[int, bool] = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        segment = text[mark.end() : end]
        number = _STATEMENT_NUMBERS[mark.group(1)]
        false, true = _FALSE.search(segment), _TRUE.search(segment)
        if false is None and true is None:
            continue
        is_true = true is not None and (false is None or true.start() < false.start())
        verdicts.setdefault(number, is_true)
    if not verdicts:
        return None
    block = next((b for b in blocks if _STATEMENT.search(normalize_text(b.text))), blocks[0])
    true_ones = sorted(n for n, ok in verdicts.items() if ok)
    value = ", ".join(str(n) for n in true_ones) if true_ones else "none"
    missing = sorted({1, 2, 3} - set(verdicts))
    if missing:
        listed = ", ".join(str(n) for n in missing)
        return FoundValue(value, block, 0.6, Bilingual(f"no verdict found for statement(s) {listed}",
                                                       f"برای عبارت {listed} حکمی (درست/نادرست) پیدا نشد"))  # fmt: skip
    return FoundValue(value, block, 0.9)


# -- counts: Q6(e) -------------------------------------------------------------------------
_TOTAL_CUE = re.compile(r"(?:در\s*کل|مجموع[اًا]?|جمعا|جمع\s*کل|total|in\s*all|overall|sum)\D{0,25}?(\d[\d,]*)")
_UNIT_CUE = re.compile(r"(\d[\d,]*)\s*(?:تا\s*)?(?:پارامتر|parameters?|params?)")
_EQUALS = re.compile(r"=\s*(\d[\d,]*)(?![\d.*×x])")


def find_count(blocks: Sequence[Block]) -> FoundValue | None:
    """The final count a student states: after 'in total', before 'parameters', or after the last '='."""
    for pattern, confidence in ((_TOTAL_CUE, 0.9), (_UNIT_CUE, 0.85), (_EQUALS, 0.7)):
        hits = [(m.group(1).replace(",", ""), b) for b in blocks for m in pattern.finditer(normalize_text(b.text))]
        if hits:
            value, block = hits[-1]
            distinct = list(dict.fromkeys(v for v, _ in hits))
            if pattern is not _TOTAL_CUE and len(distinct) > 1:
                confidence = min(confidence, 0.7)
            return FoundValue(value, block, confidence)
    numbers = [(m.group(0), b) for b in blocks for m in re.finditer(r"\d+", normalize_text(b.text))]
    if len({v for v, _ in numbers}) == 1:
        return FoundValue(numbers[0][0], numbers[0][1], 0.6)
    return None


def find_layer_name(blocks: Sequence[Block]) -> FoundValue | None:
    """The conv layer Grad-CAM was run on: a Keras name (conv2d_2) in the text."""
    for block in blocks:
        match = re.search(r"\b(conv2d(?:_\d+)?|last_conv\w*|block\d_conv\d)\b", block.text, flags=re.IGNORECASE)
        if match:
            return FoundValue(match.group(1), block, 0.8)
    return None


def find_relation(blocks: Sequence[Block]) -> FoundValue | None:
    """Q5(b): the line that states the padding as a formula (p = ..., padding = ...)."""
    for block in blocks:
        canon = normalize_text(block.text)
        if re.search(r"(?:^|[^a-z])p\s*=|padding\s*=|پدینگ\s*=|pad\s*=", canon) and re.search(r"f|k", canon):
            return FoundValue(block.text, block, 0.85)
    return None

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
def find_true_statements(blocks: Sequence[Block]) -> FoundValue | None:
    """'عبارت اول: نادرست ... عبارت دوم: درست' or «فقط عبارت ۲ درست است» -> '2' (grader.statements)."""
    from grader.statements import read_statements

    reading = read_statements("\n".join(b.text for b in blocks))
    if reading is None:
        return None
    block = next((b for b in blocks if read_statements(b.text) is not None), blocks[0])
    true_ones = sorted(reading.true_ones)
    value = ", ".join(str(n) for n in true_ones) if true_ones else "none"
    if reading.missing:
        listed = ", ".join(str(n) for n in reading.missing)
        return FoundValue(value, block, 0.6, Bilingual(f"no verdict found for statement(s) {listed}",
                                                       f"برای عبارت {listed} حکمی (درست/نادرست) پیدا نشد"))  # fmt: skip
    return FoundValue(value, block, 0.9)


# -- counts: Q6(e) -------------------------------------------------------------------------
# Each clause of the answer offers its final number; the clause that says it is the answer wins:
# a total («در مجموع», «جمعاً», "total"), the trainable count, a result («می‌شود», «برابر با»,
# «جواب», "="), a number of parameters. Parentheses are asides: "= 260 (total 300)" answers 260.
_CLAUSES = re.compile(r"[.;؛\n،,]\s+|[.;؛\n]$")
_ASIDE = re.compile(r"\([^()]*\)")
_TOTAL = re.compile(r"در\s*کل|(?:در\s*)?مجموع[اًا]?|جمعا|جمع\s*کل|\btotal\b|in\s*all|overall|\bsum\b")
_TRAINABLE = re.compile(r"(?<!non-)(?<!non )(?:trainable|قابل\s*اموزش|اموزش\s*پذیر)(?!\s*(?:نیست|نمی|نیستند))")
_RESULT = re.compile(r"میشود|میشه|برابر\s*(?:با)?|یعنی|جواب|پاسخ|میدهد|\bequals?\b|\bgives\b|\bis\b|⟹|→|←|=")
_UNIT = re.compile(r"(\d+)\s*(?:تا\s*)?(?:پارامتر|parameters?|params?)")
_NUMBER_AFTER = re.compile(r"^\D{0,25}?(\d+)")


def _clause_count(clause: str) -> tuple[int, str] | None:
    """(how surely the clause states the answer, its number) for one clause, or None."""
    body = _ASIDE.sub(" ", clause) if re.search(r"\d", _ASIDE.sub(" ", clause)) else clause
    body = re.sub(r"(?<=\d),(?=\d{3}\b)", "", body)
    cues = [(m.end(), 4) for m in _TOTAL.finditer(body)] + [(m.end(), 2) for m in _RESULT.finditer(body)]
    value = None
    for position, _ in sorted(cues, reverse=True):  # the last cue followed by a number
        after = _NUMBER_AFTER.match(body[position:])
        if after:
            value = after.group(1)
            break
    unit = _UNIT.findall(body)
    if value is None and unit:
        value = unit[-1]
    if value is None:
        return None
    weight = max((w for _, w in cues), default=0) + (3 if _TRAINABLE.search(body) else 0) + (1 if unit else 0)
    return weight, value


def find_count(blocks: Sequence[Block]) -> FoundValue | None:
    """The final count a student states: the total, the trainable count, the result of the last '='."""
    best: tuple[int, int, str, Block] | None = None
    order = 0
    for block in blocks:
        for clause in _CLAUSES.split(normalize_text(block.text)):
            found = _clause_count(clause)
            order += 1
            if found is not None and (best is None or found[0] >= best[0]):
                best = (found[0], order, found[1], block)
    if best is not None:
        confidence = 0.9 if best[0] >= 4 else 0.85 if best[0] >= 2 else 0.7
        return FoundValue(best[2], best[3], confidence)
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

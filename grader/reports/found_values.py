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

from grader.persian import normalize_digits, normalize_text
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
_FRACTION = re.compile(r"(?<![\d.])(0?\.\d{2,}|1\.0+)(?!\d|\.\d)")  # a sentence's full stop may follow


def _accuracies(canon: str) -> list[tuple[int, float, str]]:
    """(position, value in 0..1, as written) of every accuracy-like number in a line: 0.9918, .99, 99.18 %, ۹۹ درصد.

    A percentage under 10 is a difference ("accuracy dropped by 0.6 %"), not an accuracy.
    """
    found = [(m.start(), float(m.group(1)), m.group(1)) for m in _FRACTION.finditer(canon)]
    found += [(m.start(), float(m.group(1)) / 100, m.group(0)) for m in _PERCENT.finditer(canon)
              if 10 <= float(m.group(1)) <= 100]  # fmt: skip
    return sorted((p, v, t) for p, v, t in found if 0 < v <= 1)


_ACCURACY_WORD = re.compile(r"accuracy|\bacc\b|دقت")


def _rest_of_clause(canon: str, position: int) -> str:
    """What follows a number up to the next number, accuracy or clause (at most 50 characters).

    "train accuracy reached 100 % but test accuracy ...": the test belongs to the next clause's number."""
    rest = re.sub(r"^[\d.]+\s*(%|٪|درصد|percent)?", "", canon[position:])
    return re.split(r"[\d.,;:!?،؛؟]|accuracy|دقت|\bbut\b|\bwhile\b|\bwhereas\b|اما|ولی", rest, maxsplit=1)[0][:50]


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
    candidates: list[tuple[float, Block, str]] = []
    favoured: list[tuple[float, Block, str]] = []
    tail = ""  # the end of the line before: a PDF wraps "the best val_accuracy / was 0.9917" over two lines
    for block in blocks:
        canon = normalize_text(block.text)
        for position, value, written in _accuracies(canon):
            window = (tail + " " + canon[:position])[-80:]
            hits = [m.end() for m in cue.finditer(window)]
            if not hits and _ACCURACY_WORD.search(window[-40:]) and cue.search(_rest_of_clause(canon, position)):
                hits = [len(window)]  # "an accuracy of 98.97 % on the test data": the cue follows the number
            if not hits:
                continue
            if other is not None and any(m.end() > hits[-1] for m in other.finditer(window)):
                continue  # "test accuracy 0.98, validation accuracy 0.99": the nearer cue decides
            text = f"{value:g}" if written.endswith(("%", "درصد", "percent")) or "٪" in written else written
            candidates.append((value, block, text))
            if preferred is not None and preferred.search(window):
                favoured.append((value, block, text))
        tail = canon[-80:]
    candidates = favoured or candidates
    if not candidates:
        return None
    values = sorted({round(v, 4) for v, _, _ in candidates})
    value, block, text = candidates[-1]
    if len(values) == 1:  # one value, maybe written twice (a log's 0.99208331 and the prose's 0.9921): the shorter
        shortest = min(candidates, key=lambda c: len(c[2]))
        return FoundValue(shortest[2], shortest[1], 0.9)
    listed, listed_fa = ", ".join(f"{v:g}" for v in values), "، ".join(f"{v:g}" for v in values)
    return FoundValue(text, block, 0.5, Bilingual(
        f"several values reported ({listed}); the last one was taken",
        f"چند مقدار گزارش شده است ({listed_fa})؛ آخرین مقدار در نظر گرفته شد"))  # fmt: skip


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
        listed, listed_fa = ", ".join(map(str, reading.missing)), "، ".join(map(str, reading.missing))
        return FoundValue(value, block, 0.6, Bilingual(f"no verdict found for statement(s) {listed}",
                                                       f"برای عبارت {listed_fa} حکمی (درست/نادرست) پیدا نشد"))  # fmt: skip
    return FoundValue(value, block, 0.9)


# -- counts: Q6(e) -------------------------------------------------------------------------
# Each clause of the answer offers its final number; the clause that says it is the answer wins:
# a total («در مجموع», «جمعاً», "total"), the trainable count, a result («می‌شود», «برابر با»,
# «جواب», "="), a number of parameters. Parentheses are asides: "= 260 (total 300)" answers 260.
_CLAUSES = re.compile(r"[.;؛\n،,]\s+|[.;؛\n]$")
_ASIDE = re.compile(r"\([^()]*\)")
_TOTAL = re.compile(
    r"در\s*کل|(?:در\s*)?مجموع[اًا]?|جمعا|جمع\s*کل|روی\s*هم|\btotal\b|in\s*all|overall|altogether|\bsum\b"
)
_TRAINABLE = re.compile(r"(?<!non-)(?<!non )(?:trainable|قابل\s*اموزش|اموزش\s*پذیر)(?!\s*(?:نیست|نمی|نیستند))")
_RESULT = re.compile(r"میشود|میشه|برابر\s*(?:با)?|یعنی|جواب|پاسخ|میدهد|\bequals?\b|\bgives\b|\bis\b|⟹|→|←|=")
# "260 parameters", "۲۶۰ تا پارامتر", "260 trainable parameters", "۲۶۰ پارامتر قابل آموزش"
_UNIT = re.compile(r"(\d+)\s*(?:تا\s*)?(?:[a-z\u0600-\u06ff]+\s+){0,2}?(?:پارامتر|parameters?|params?)")
_NUMBER_AFTER = re.compile(r"^\D{0,25}?(\d+)")
_COUNT_PHRASE = re.compile(
    r"(?:تعداد\s*(?:کل\s*)?پارامتر\w*|number of (?:trainable )?parameters)(?:\s*(?:قابل\s*اموزش|trainable|ها|های))*"
    r"\s*(?:برابر\s*(?:با\s*)?|=|:|is|equals?)?\s*(\d+)(?![\d.*×x+])"
)


def _clause_count(clause: str) -> tuple[int, str] | None:
    """(how surely the clause states the answer, its number) for one clause, or None."""
    body = _ASIDE.sub(" ", clause) if re.search(r"\d", _ASIDE.sub(" ", clause)) else clause
    body = re.sub(r"(?<=\d),(?=\d{3}\b)", "", body)
    cues = [(m.end(), 4) for m in _TOTAL.finditer(body)] + [(m.end(), 2) for m in _RESULT.finditer(body)]
    value = None
    phrase = _COUNT_PHRASE.search(body)
    if phrase:  # «تعداد پارامترهای قابل آموزش ۲۲۲ است: ...»: the clause opens with its answer
        value = phrase.group(1)
        cues.append((phrase.end(), 4))
    for position, _ in sorted(cues, reverse=True):  # the last cue followed by a number
        if value is not None:
            break
        after = _NUMBER_AFTER.match(body[position:])
        if after:
            # «جمعا 220 + 40 = 260»: a total worked out in the clause is the result of its last '='
            results = re.findall(r"=\s*(\d+)", body[position:])
            value = results[-1] if results else after.group(1)
    total = _TOTAL.search(body)
    if total and "=" in body[total.end() :]:
        cues.append((total.end(), 7))  # «جمعا 220 + 40 = 260»: a worked total is what the working leads to
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
    """The conv layer Grad-CAM was run on: a Keras layer name (conv2d_2, not the class Conv2D) in the text."""
    for block in blocks:
        match = re.search(r"(?<![\w.])(conv2d(?:_\d+)?|last_conv\w*|block\d_conv\d)(?![\w(])", block.text)
        if match:
            return FoundValue(match.group(1), block, 0.8)
    return None


_LATEX_FRACTION = re.compile(r"\\d?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_RELATION = re.compile(
    r"(?<![a-z0-9_])(p|pad|padding|پدینگ|پد)\s*(?:=|باید|should be|must be|برابر\s*(?:با)?|equals?)\s*"
    r"([0-9a-z()+\-−*/×÷⌊⌋⌈⌉ .^{}]*[0-9a-z)⌋⌉])",
    re.IGNORECASE,
)


def find_relation(blocks: Sequence[Block]) -> FoundValue | None:
    """Q5(b): the padding as a formula (p = ..., padding = ...), cut out of the sentence around it.

    In a derivation («2p − f + 1 = 0 ⟹ 2p = f − 1 ⟹ p = (f − 1)/2») the last relation of the line is the answer;
    "2p = ..." is a step, not p."""
    for block in blocks:
        text = _LATEX_FRACTION.sub(r"(\1)/(\2)", normalize_digits(block.text)).replace("$", " ").replace("`", " ")
        bodies = [m.group(2).strip() for m in _RELATION.finditer(text)]
        bodies = [b for b in bodies if re.search(r"[fk]", b, flags=re.IGNORECASE)]
        if bodies:
            return FoundValue(f"p = {bodies[-1]}", block, 0.85)
    return None


# -- the student ------------------------------------------------------------------------------
_STUDENT_ID = re.compile(r"(?<!\d)(\d{7,10})(?!\d)")
_NAME_LABEL = re.compile(r"^(?:نام(?:\s*و\s*نام\s*خانوادگی)?|name|student(?:'s)? name)\s*[:：]\s*(.+)$", re.IGNORECASE)
_ID_WORDS = re.compile(r"شماره\s*(?:ی\s*)?دانشجویی|ش\.?\s*د\.?|student\s*(?:number|no\.?|id)|\bid\b|[:：|\-–—,،]",
                       re.IGNORECASE)  # fmt: skip


def _name_like(text: str) -> str | None:
    words = text.strip(" :：-–—|,،*").split()
    if 2 <= len(words) <= 5 and all(w.isalpha() and len(w) > 1 for w in words):
        return " ".join(words)
    return None


def find_student(blocks: Sequence[Block]) -> dict[str, FoundValue]:
    """The student's name and number from a report's first lines (a cover page, or a line like 'Ali Rezaei - 401...')."""
    found: dict[str, FoundValue] = {}
    lines = [b for b in blocks[:15] if b.kind != "image" and b.text.strip()]
    for index, block in enumerate(lines):
        text = normalize_digits(block.text).strip(" *")
        label = _NAME_LABEL.match(text)
        if label and "name" not in found and (name := _name_like(_STUDENT_ID.sub("", label.group(1)))):
            found["name"] = FoundValue(name, block, 0.8)
        number = _STUDENT_ID.search(text)
        if number is None or "id" in found:
            continue
        found["id"] = FoundValue(number.group(1), block, 0.8)
        if "name" not in found:
            rest = _ID_WORDS.sub(" ", _STUDENT_ID.sub(" ", text))
            name = _name_like(rest) or (_name_like(normalize_digits(lines[index - 1].text)) if index else None)
            if name:
                found["name"] = FoundValue(name, block, 0.7)
    return found

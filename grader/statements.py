"""Which statements a student calls true, read from how students write it (Q6(a)).

Forms, each seen in reports and in the answer sheet's field:
- one verdict per statement: «عبارت اول: نادرست ... عبارت دوم: درست», "statement 3 is false";
- a list: «عبارت‌های ۲ و ۳ درست هستند», «فقط عبارت ۲ درست است», "Only statement 1 is true";
- none or all: «هیچ‌کدام از عبارت‌ها درست نیست», "none of them is true", «همه درست‌اند».

A student who lists only the true statements calls the others false (a TA reads
"2 and 3 are true" so), and one who lists two as false in one breath calls the third
true («عبارت‌های ۱ و ۳ نادرست‌اند»). A statement given no verdict stays unknown, and
the check sends it to a TA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.persian import normalize_text

STATEMENTS = (1, 2, 3)
_NUMBER_WORDS = {"اول": 1, "یکم": 1, "یک": 1, "1": 1, "one": 1, "first": 1, "دوم": 2, "دو": 2, "2": 2, "two": 2,
                 "second": 2, "سوم": 3, "سه": 3, "3": 3, "three": 3, "third": 3}  # fmt: skip
_NUMBER = "(?:اول|یکم|دوم|سوم|یک|دو|سه|one|two|three|first|second|third|[123])(?![\\d\\w])"
_MARK = re.compile(
    rf"(?:عبارت|گزاره|جمله|مورد|گزینه|statement|sentence|item)(?:ها|های|s)?\s*(?:ی\s*)?(?:شماره\s*|no\.?\s*)?"
    rf"(?:[(\[]\s*)?({_NUMBER}(?:\s*(?:[)\]]\s*)?(?:و|،|,|and|&|\+)\s*(?:[(\[]\s*)?{_NUMBER})*)"
)
# A statement named by its ordinal or list number alone, right before its verdict, after a separator:
# «عبارت اول نادرست، دوم درست، سوم نادرست», «اولی غلط، دومی درست», "1) false 2) true 3) false".
_BARE_MARK = re.compile(
    r"(?:^|(?<=[،,;؛.\n:])|(?<=[،,;؛.\n:]\s)|(?<=\s))(?:و\s*)?"
    r"(اول|دوم|سوم|first|second|third|[123](?=\s*[).:\-–]))(?:ی|ین)?\s*[).:\-–]?\s*"
    r"(?=(?:هم\s*)?(?:نادرست|غلط|اشتباه|درست|صحیح|true|false|correct|incorrect|wrong)(?![^\W\d_]))"
)
# False before true: «نادرست» and «صحیح نیست» contain the words for true.
_FALSE = re.compile(r"نادرست|غلط|اشتباه|صحیح\s*نیست|درست\s*نیست|صحیح\s*نمی|درست\s*نمی|\bfalse\b|incorrect|\bwrong\b|"
                    r"not\s*(?:true|correct)|isn'?t\s*(?:true|correct)|✗|❌")  # fmt: skip
_TRUE = re.compile(r"درست|صحیح|\btrue\b|\bcorrect\b|✓|✔|✅")
_NONE = re.compile(r"هیچ\s*(?:کدام|یک)\b.{0,30}(?:درست|صحیح)\s*(?:نیست|نیستند|نمی)|هیچ\s*(?:کدام|یک)\s*(?:از\s*(?:عبارت|گزاره)\w*)?$"
                   r"|\bnone\b(?:\s*of\s*(?:them|the\s*statements))?(?:\s*(?:is|are)\s*(?:true|correct))?")  # fmt: skip
_ALL = re.compile(r"(?:همه|هر\s*سه)\s*(?:ی\s*)?(?:عبارت\w*|گزاره\w*|مورد\w*)?\s*(?:درست|صحیح)|\ball\s*(?:three\s*)?"
                  r"(?:statements\s*)?(?:are\s*)?(?:true|correct)")  # fmt: skip


@dataclass(frozen=True)
class StatementsReading:
    verdicts: dict[int, bool]  # statement -> called true; statements with no verdict are absent
    implicit: tuple[int, ...] = ()  # statements read as false because only the true ones were listed

    @property
    def true_ones(self) -> frozenset[int]:
        return frozenset(n for n, ok in self.verdicts.items() if ok)

    @property
    def missing(self) -> tuple[int, ...]:
        return tuple(n for n in STATEMENTS if n not in self.verdicts)


def _numbers(group: str) -> list[int]:
    return [_NUMBER_WORDS[w] for w in re.findall(_NUMBER, group)]


def read_statements(text: str) -> StatementsReading | None:
    """The verdict on each statement, or None when the text gives none."""
    canon = normalize_text(text)
    marks = _marks(canon)
    verdicts: dict[int, bool] = {}
    listed_false = False  # one mark naming several statements called false: «عبارت‌های ۱ و ۳ نادرست‌اند»
    for index, (_, mark_end, numbers) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else len(canon)
        segment = canon[mark_end:end]
        false, true = _FALSE.search(segment), _TRUE.search(segment)
        if false is None and true is None:
            continue
        is_true = true is not None and (false is None or true.start() < false.start())
        listed_false |= not is_true and len(numbers) > 1
        for number in numbers:
            verdicts.setdefault(number, is_true)
    if not verdicts:
        if _NONE.search(canon):
            return StatementsReading(dict.fromkeys(STATEMENTS, False))
        if _ALL.search(canon):
            return StatementsReading(dict.fromkeys(STATEMENTS, True))
        return None
    implicit: tuple[int, ...] = ()
    if all(verdicts.values()):  # only the true ones listed: the others are called false
        implicit = tuple(n for n in STATEMENTS if n not in verdicts)
        verdicts.update(dict.fromkeys(implicit, False))
    elif listed_false and not any(verdicts.values()):  # "1 and 3 are false": a TA reads the other one as true
        implicit = tuple(n for n in STATEMENTS if n not in verdicts)
        verdicts.update(dict.fromkeys(implicit, True))
    return StatementsReading(dict(sorted(verdicts.items())), implicit)


def _marks(canon: str) -> list[tuple[int, int, list[int]]]:
    """(start, end, statement numbers) of every place a statement is named, in order of the text."""
    named = [(m.start(), m.end(), _numbers(m.group(1))) for m in _MARK.finditer(canon)]
    bare = [(m.start(), m.end(), _numbers(m.group(1))) for m in _BARE_MARK.finditer(canon)]
    if not named and len(bare) < 2:
        return []  # one ordinal before a verdict word is no answer about the statements («اول درست بود که…»)
    outside = [b for b in bare if not any(start <= b[0] < end for start, end, _ in named)]
    return sorted(named + outside)


def statement_texts(text: str) -> dict[int, str]:
    """What the student wrote about each statement: from its mark to the next one (in normalised text)."""
    canon = normalize_text(text)
    marks = _marks(canon)
    texts: dict[int, str] = {}
    for index, (_, mark_end, numbers) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else len(canon)
        for number in numbers:
            texts[number] = texts.get(number, "") + " " + canon[mark_end:end]
    return {n: t.strip() for n, t in texts.items()}

"""A written answer as sentences and clauses, with its negations and its lists of bare terms.

A rubric idea is looked for inside one sentence (or a small window of sentences),
in any word order, because Persian puts the verb last and students reorder
freely. Whether a sentence affirms or denies an idea is decided per clause: a
clause is cut at punctuation and at the words that start a new clause («ولی»,
«چون», «که», «تا», "but", "because", ...), and it is negative when it holds a
negation («نمی‌...», «نیست», «ندارد», «بدون», "not", "never", "without", ...).
A sentence that is only a comma-separated list of short terms is keyword
stuffing, not an explanation: it is set aside and earns nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from grader.persian import normalize_for_matching

# Sentence ends: a full stop, ?, ! (not inside a number such as 0.99). A line break ends a sentence
# unless the line is prose wrapped by hand (a long line with no end mark, followed by no new item).
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
_LINE_DONE = re.compile(r"[.!?؟:؛;)»]\s*$")
_NEW_ITEM = re.compile(r"^\s*(?:[-•*#>|]|\(?[0-9۰-۹]{1,2}\s*[).\-]|[a-zA-Z]\)|(?:الف|ب|ج|د|ه)\s*[)\-])")
WRAPPED = 40  # characters: a shorter line is a heading or a list item, never a wrapped one
# Clause starts inside a sentence (matched in the normalised form).
_CLAUSE_CUT = re.compile(
    r"\s*[،,;؛:]\s*|\s+(?=(?:و|and|ولی|اما|چون|زیرا|چراکه|چرا که|که|تا|بنابراین|پس|در حالی که|درحالیکه|هرچند|اگرچه|"
    r"but|however|because|since|although|though|whereas|while|so that|so|therefore|thus|which|that)\b)"
)
# A negated Persian verb is «ن» + a verb stem; a list of stems, so that «نمونه», «نرمال», «نزدیک» or
# «نشان» are never read as negations. A negated infinitive is a noun («نبودنِ خط», the absence of a
# stroke) and does not make its clause negative.
_NEGATED_VERB = (
    r"ن(?:می|کرد|کن|شد|شو|باش|بود|دار|داشت|ده|داد|گیر|گرفت|رس|خواه|توان|تون|یست|باید|ساز|ساخت|بین|دید|یامد|یاید|"
    r"ماند|رود|رفت|خور|گفت|گوی|یافت|پذیر|دان|گذار|گذاشت|کش|افت|خواست)"
)
# Words are runs of letters ([^\W\d_]), not \w: with digits inside, "ن1ن1ن1…" would start a scan at every ن.
_NEGATION = re.compile(
    rf"(?<![^\W\d_])(?:(?!ن(?!می)[^\W\d_]*(?:دن|تن)(?![^\W\d_])){_NEGATED_VERB}[^\W\d_]*|نه|بدون|عدم|بی\s?(?:اثر|تاثیر|معنی|معنا|فایده|ربط)\w*|غیر\s?(?:قابل|ممکن|ضروری)\w*|"
    r"not|no|never|none|nothing|without|cannot|neither|nor|nobody|nowhere)(?![^\W\d_])"
)
_LIST_ITEM_SPLIT = re.compile(r"\s*[،,]\s*")
_LABEL = re.compile(r"^[^:]{1,30}:\s*")  # «علت‌ها:», "Results:" before a list of terms


@dataclass(frozen=True)
class Sentence:
    index: int
    original: str  # the student's own text, for quoting
    canon: str  # normalize_for_matching(original): what concepts are matched in

    @cached_property
    def clause_starts(self) -> tuple[int, ...]:
        return (0, *(m.end() for m in _CLAUSE_CUT.finditer(self.canon)))

    @cached_property
    def negations(self) -> tuple[tuple[int, int], ...]:
        """(start, end) of every negation word in the sentence."""
        return tuple(m.span() for m in _NEGATION.finditer(self.canon))

    @cached_property
    def word_numbers(self) -> tuple[int, ...]:
        """The word number of every character position (for `near`)."""
        numbers = [0]
        for char in self.canon:
            numbers.append(numbers[-1] + (char == " "))
        return tuple(numbers)

    def clause_of(self, position: int) -> int:
        starts = self.clause_starts
        low, high = 0, len(starts) - 1
        while low < high:  # the last clause starting at or before the position
            middle = (low + high + 1) // 2
            if starts[middle] <= position:
                low = middle
            else:
                high = middle - 1
        return low

    def negated(self, clause: int, owned: tuple[tuple[int, int], ...] = ()) -> bool:
        """Whether a clause holds a negation that is not part of a matched term (`owned` spans)."""
        for start, end in self.negations:
            if self.clause_of(start) != clause:
                continue
            if any(s <= start and end <= e for s, e in owned):
                continue  # «استفاده نشده» inside a concept that means "unused"
            return True
        return False

    @cached_property
    def is_term_list(self) -> bool:
        """A bare, comma-separated list of short terms («scaler، window، فصل، NaN، ...»)."""
        items = [i for i in _LIST_ITEM_SPLIT.split(_LABEL.sub("", self.canon.strip(" .؛;"))) if i]
        if len(items) < 4:
            return False
        short = [len(i.split()) <= 3 for i in items]
        return short[0] and sum(short) >= 0.8 * len(items)


def _unwrap(text: str) -> str:
    """Join the lines of hand-wrapped prose; keep the breaks between items, headings and paragraphs."""
    out: list[str] = []
    for line in text.split("\n"):
        previous = out[-1] if out else ""
        if (line.strip() and previous.strip() and len(previous.strip()) >= WRAPPED and not _LINE_DONE.search(previous)
                and not _NEW_ITEM.match(line)):  # fmt: skip
            out[-1] = previous.rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


_ITEM_NUMBER = re.compile(r"^[(\[]?[0-9۰-۹]{1,2}[.)]$")


def sentences(text: str) -> list[Sentence]:
    pieces: list[str] = []
    for line in _unwrap(text).split("\n"):
        for piece in _SENTENCE_END.split(line):
            if pieces and _ITEM_NUMBER.match(pieces[-1].strip()):
                pieces[-1] = f"{pieces[-1].strip()} {piece}"  # «۱. مورد اول»: a list number is no sentence
            else:
                pieces.append(piece)
    pieces = [p.strip(" \t-•*#>") for p in pieces]
    out: list[Sentence] = []
    for piece in pieces:
        if piece and re.search(r"\w", piece):
            out.append(Sentence(len(out), piece, normalize_for_matching(piece)))
    return out


def quote(sentence: Sentence, limit: int = 90) -> str:
    """The student's sentence, shortened for feedback."""
    text = " ".join(sentence.original.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

"""Parsers for the typed values students write in the answer sheet.

Each parser takes the raw text of one field and returns a value or raises
`ValueProblem` with a bilingual explanation of what is accepted. They never
evaluate anything: no eval, no sympify of student text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.persian import normalize_digits, normalize_number_text, normalize_text
from grader.results import Bilingual


class ValueProblem(Exception):
    def __init__(self, message: Bilingual) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class NotApplicable:
    """The student's answer "this layer cannot be applied"."""

    text: str

    @property
    def says_none(self) -> bool:
        """A bare «ندارد» / "none": for a layer's parameters it also reads as "it has none" (0)."""
        return normalize_text(self.text).strip(" .!") in {"ندارد", "نداره", "none", "-", "—"}


# Normalised spellings (see grader.persian.normalize_text) meaning "cannot be applied", as a whole field.
_NOT_APPLICABLE = {
    "n/a", "na", "none", "-", "—", "x", "invalid", "impossible", "undefined",
    "not applicable", "cannot be applied", "can't be applied", "not possible",
    "غیرقابل اعمال", "غیر قابل اعمال", "قابل اعمال نیست", "اعمال نمیشود", "نامعتبر",
    "ندارد", "تعریف نشده", "امکانپذیر نیست", "امکان پذیر نیست", "ممکن نیست",
}  # fmt: skip
# Phrases that say it anywhere in a field, as students explain it: «معنا ندارد (ورودی از فیلتر
# کوچک‌تر است)», "undefined, the kernel is larger than the input".
_NOT_APPLICABLE_PHRASES = re.compile(
    r"قابل\s*اعمال\s*نیست|غیر\s*قابل\s*اعمال|اعمال\s*نمیشود|(?:معنا|معنی)\s*(?:ندارد|نداره|نمیدهد)|بی\s*(?:معنا|معنی)|"
    r"تعریف\s*نشده|تعریف\s*نمیشود|قابل\s*(?:محاسبه|تعریف)\s*نیست|محاسبه\s*نمیشود|نمیتوان|امکان\s*پذیر\s*نیست|"
    r"ممکن\s*نیست|وجود\s*ندارد|خروجی\s*ندارد|نامعتبر|\bn/a\b|not\s*applicable|cannot\s*be\s*(?:applied|computed|defined)|"
    r"can'?t\s*be\s*(?:applied|computed|defined)|has\s*no\s*meaning|meaningless|undefined|not\s*defined|"
    r"does\s*not\s*exist|doesn'?t\s*exist|impossible|not\s*possible|invalid"
)
# A layer with no weights, said in words: «پارامتر ندارد», «صفر», «هیچ», "no parameters".
_NO_PARAMETERS = re.compile(
    r"^(?:هیچ|هیچی|zero)$|پارامتر\w*\s*(?:ی\s*)?(?:وجود\s*)?(?:ندارد|نداره|نداریم)|بدون\s*پارامتر|"
    r"no\s*(?:trainable\s*)?(?:parameters|params|weights)|has\s*no\s*(?:parameters|weights)"
)


_NOT_APPLICABLE_CANON = frozenset(normalize_text(s) for s in _NOT_APPLICABLE)


def is_not_applicable(text: str) -> bool:
    canon = normalize_text(text)
    return canon.strip(" .!()") in _NOT_APPLICABLE_CANON or bool(_NOT_APPLICABLE_PHRASES.search(canon))


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float:
    """One number, as students write it.

    '۲۶۰', '1,792', '۵۱٬۲۳۲', '260 params', '220 + 40 = 260' (the result after '='), unworked
    arithmetic '(3×3×3+1)×64' or '3*3*3*64+64' (evaluated by the safe parser of
    grader.expressions, never eval), and words: «صفر», «دویست و شصت», "zero".
    """
    from grader.number_words import words_to_number

    cleaned = normalize_number_text(text)
    if "=" in cleaned:
        cleaned = cleaned.rsplit("=", 1)[1]
    cleaned = re.sub(r"(?<=\d)[,٬](?=\d{3}\b)", "", cleaned)
    found = _NUMBER.findall(cleaned)
    if len(found) > 1:
        worked = _arithmetic_in(cleaned)
        if worked is not None:
            return worked
    if not found:
        spelled = words_to_number(cleaned)
        if spelled is not None:
            return float(spelled)
    if len(found) != 1:
        raise ValueProblem(
            Bilingual(
                f"expected one number, found {len(found)} in {text.strip()!r}",
                f"یک عدد انتظار می‌رفت ولی {len(found)} عدد در «{text.strip()}» پیدا شد",
            )
        )
    return float(found[0])


_ARITHMETIC_SPAN = re.compile(r"[\d(][\d\s()+\-*/^.×xX÷·−–]*[\d)]")


def _arithmetic_in(text: str) -> float | None:
    """The value of the one arithmetic expression in a field ('(3x3x3+1)x64 params'), else None."""
    from grader.expressions import evaluate_arithmetic  # grader.expressions imports this module

    spans = [m.group(0) for m in _ARITHMETIC_SPAN.finditer(text)]
    spans = [span for span in spans if re.search(r"[+\-*/^×xX÷·−–]", span)]
    if len(spans) != 1:
        return None
    rest = text.replace(spans[0], " ")
    if _NUMBER.search(rest):
        return None  # more numbers outside it: the field holds more than one value
    value = evaluate_arithmetic(spans[0])
    return float(value) if value is not None else None


def parse_int(text: str) -> int:
    value = parse_number(text)
    if value != int(value):
        raise ValueProblem(Bilingual(f"expected a whole number, got {value:g}", f"عدد صحیح انتظار می‌رفت، نه {value:g}"))
    return int(value)


_SHAPE_SEPARATORS = re.compile(r"\s*(?:,|،|x|X|×|\*|by|در)\s*")
_EMBEDDED_SHAPE = re.compile(
    r"(?<![\d.])(\d{1,4})\s*(?:,|،|x|X|×|\*|در)\s*(\d{1,4})\s*(?:,|،|x|X|×|\*|در)\s*(\d{1,4})(?![\d.])"
)


_LEADING_SHAPE = re.compile(
    r"^\s*[(\[]?\s*(?:none\s*,\s*)?\d{1,4}\s*(?:,|،|x|X|×|\*)\s*\d{1,4}\s*(?:,|،|x|X|×|\*)\s*\d{1,4}", re.IGNORECASE
)


def parse_shape(text: str) -> tuple[int, ...] | NotApplicable:
    """'(124, 124, 32)', '124x124x32', '124×124×32', '[None, 124, 124, 32]', '۱۲۴×۱۲۴×۳۲', or n/a."""
    if is_not_applicable(text) and not _LEADING_SHAPE.match(normalize_digits(text)):
        # "n/a: the 2×2×64 input is smaller than the 3×3 filter" says n/a; a field that opens with a shape
        # ("(62, 62, 32); pooling that does not exist here...") answers with the shape.
        return NotApplicable(text.strip())
    body = normalize_digits(text).strip()
    body = body.strip("()[]{} ")
    parts = _SHAPE_SEPARATORS.split(body)
    if parts and parts[0].lower() == "none":  # Keras prints the batch dimension as None
        parts = parts[1:]
    if not parts or not all(re.fullmatch(r"\d+", p) for p in parts):
        embedded = {tuple(int(n) for n in m.groups()) for m in _EMBEDDED_SHAPE.finditer(normalize_digits(text))}
        if len(embedded) == 1:  # '(62, 62, 32) چون 124/2': one shape, explained
            return embedded.pop()
        raise ValueProblem(
            Bilingual(
                f"cannot read {text.strip()!r} as a shape: write (height, width, channels) like "
                "(124, 124, 32) or 124x124x32, or n/a",
                f"«{text.strip()}» به شکل ابعاد خوانده نمی‌شود: مانند (124, 124, 32) یا 124x124x32 "
                "بنویسید، یا «غیرقابل اعمال»",
            )
        )
    return tuple(int(p) for p in parts)


def parse_int_or_na(text: str) -> int | NotApplicable:
    """A parameter count, '0' said in words («پارامتر ندارد», «صفر»), or n/a for a layer that cannot be applied."""
    if _NO_PARAMETERS.search(normalize_text(text).strip(" .!")):
        return 0
    if is_not_applicable(text):
        if re.match(r"\s*\d", normalize_digits(text)):  # "1792; the pooling after it is not possible": 1792
            try:
                return parse_int(text)
            except ValueProblem:
                pass
        return NotApplicable(text.strip())
    return parse_int(text)


def parse_int_set(text: str) -> frozenset[int]:
    """Statement numbers: '2', '2, 3', '[1, 3]', '۲ و ۳', 'none', or prose: «فقط عبارت ۲ درست است»."""
    from grader.statements import read_statements

    canon = normalize_text(text)
    if canon in {"none", "هیچکدام", "هیچ کدام", "[]", "-"}:
        return frozenset()
    found = re.findall(r"\d+", normalize_digits(text))
    leftover = re.sub(r"[\d\s,،\[\]()و]|and", "", canon)
    if found and not leftover:
        return frozenset(int(n) for n in found)
    reading = read_statements(text)
    if reading is not None:
        return reading.true_ones
    raise ValueProblem(
        Bilingual(
            f"expected statement numbers like [2] or [1, 3] (or none), got {text.strip()!r}",
            f"شمارهٔ عبارت‌ها مانند [2] یا [1, 3] (یا «هیچکدام») انتظار می‌رفت، نه «{text.strip()}»",
        )
    )

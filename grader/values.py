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


# Normalised spellings (see grader.persian.normalize_text) meaning "cannot be applied".
_NOT_APPLICABLE = {
    "n/a", "na", "none", "-", "—", "x", "invalid", "impossible", "undefined",
    "not applicable", "cannot be applied", "can't be applied", "not possible",
    "غیرقابل اعمال", "غیر قابل اعمال", "قابل اعمال نیست", "اعمال نمیشود", "نامعتبر",
    "ندارد", "تعریف نشده", "امکانپذیر نیست", "امکان پذیر نیست", "ممکن نیست",
}  # fmt: skip


_NOT_APPLICABLE_CANON = frozenset(normalize_text(s) for s in _NOT_APPLICABLE)


def is_not_applicable(text: str) -> bool:
    return normalize_text(text).strip(" .!()") in _NOT_APPLICABLE_CANON


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float:
    """One number; '۲۶۰', '1,792', '260 params', '220 + 40 = 260' (the result after '=')."""
    cleaned = normalize_number_text(text)
    if "=" in cleaned:
        cleaned = cleaned.rsplit("=", 1)[1]
    cleaned = re.sub(r"(?<=\d),(?=\d{3}\b)", "", cleaned)
    found = _NUMBER.findall(cleaned)
    if len(found) != 1:
        raise ValueProblem(
            Bilingual(
                f"expected one number, found {len(found)} in {text.strip()!r}",
                f"یک عدد انتظار می‌رفت ولی {len(found)} عدد در «{text.strip()}» پیدا شد",
            )
        )
    return float(found[0])


def parse_int(text: str) -> int:
    value = parse_number(text)
    if value != int(value):
        raise ValueProblem(Bilingual(f"expected a whole number, got {value:g}", f"عدد صحیح انتظار می‌رفت، نه {value:g}"))
    return int(value)


_SHAPE_SEPARATORS = re.compile(r"\s*(?:,|،|x|X|×|\*|by|در)\s*")


def parse_shape(text: str) -> tuple[int, ...] | NotApplicable:
    """'(124, 124, 32)', '124x124x32', '124×124×32', '[None, 124, 124, 32]', '۱۲۴×۱۲۴×۳۲', or n/a."""
    if is_not_applicable(text):
        return NotApplicable(text.strip())
    body = normalize_digits(text).strip()
    body = body.strip("()[]{} ")
    parts = _SHAPE_SEPARATORS.split(body)
    if parts and parts[0].lower() == "none":  # Keras prints the batch dimension as None
        parts = parts[1:]
    if not parts or not all(re.fullmatch(r"\d+", p) for p in parts):
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
    if is_not_applicable(text):
        return NotApplicable(text.strip())
    return parse_int(text)


def parse_int_set(text: str) -> frozenset[int]:
    """Statement numbers: '2', '2, 3', '[1, 3]', '۲ و ۳', or 'none' for the empty set."""
    canon = normalize_text(text)
    if canon in {"none", "هیچکدام", "هیچ کدام", "[]", "-"}:
        return frozenset()
    found = re.findall(r"\d+", normalize_digits(text))
    leftover = re.sub(r"[\d\s,،\[\]()و]|and", "", canon)
    if not found or leftover:
        raise ValueProblem(
            Bilingual(
                f"expected statement numbers like [2] or [1, 3] (or none), got {text.strip()!r}",
                f"شمارهٔ عبارت‌ها مانند [2] یا [1, 3] (یا «هیچکدام») انتظار می‌رفت، نه «{text.strip()}»",
            )
        )
    return frozenset(int(n) for n in found)

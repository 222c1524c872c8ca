"""Numbers written in words, Persian and English: «صفر», «دویست و شصت», "zero", "two hundred sixty".

Students answer a count in words as often as in digits, above all zero («صفر»,
«هیچ») for a pooling layer. A phrase is read only when every word of it is a
number word (or «و» / "and" between them), so prose is never mistaken for a
number: «نه» alone is nine here only because the whole field is «نه».
"""

from __future__ import annotations

import re

from grader.persian import normalize_text

_PERSIAN = {
    "صفر": 0, "یک": 1, "یه": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "شیش": 6, "هفت": 7, "هشت": 8,
    "نه": 9, "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15, "پونزده": 15,
    "شانزده": 16, "شونزده": 16, "هفده": 17, "هیفده": 17, "هجده": 18, "هیجده": 18, "نوزده": 19, "بیست": 20,
    "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90, "صد": 100, "یکصد": 100,
    "دویست": 200, "سیصد": 300, "چهارصد": 400, "پانصد": 500, "پونصد": 500, "ششصد": 600, "هفتصد": 700,
    "هشتصد": 800, "نهصد": 900,
}  # fmt: skip
_ENGLISH = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_SCALES = {"هزار": 1000, "thousand": 1000, "میلیون": 1_000_000, "million": 1_000_000}
_JOINERS = {"و", "and"}
# Words that may follow a count without changing it: «۲۶۰ پارامتر»، «صفر تا»، "zero parameters".
_UNITS = re.compile(r"\b(?:پارامتر\w*|params?|parameters?|weights?|تا|عدد|تاست|است|هست|میباشد)\b")


def words_to_number(text: str) -> int | None:
    """The number a phrase made only of number words spells, or None: «دویست و شصت» -> 260."""
    canon = normalize_text(text).replace("-", " ").replace("‐", " ")
    canon = _UNITS.sub(" ", canon).strip(" .،,!")
    words = canon.split()
    if not words or all(w in _JOINERS for w in words):
        return None
    total = current = 0
    seen_number = False
    previous_joiner = True
    for word in words:
        if word in _JOINERS:
            if previous_joiner:
                return None
            previous_joiner = True
            continue
        if word in _SCALES:
            if not seen_number and word not in ("هزار", "thousand"):
                return None
            total += (current or 1) * _SCALES[word]
            current = 0
        elif word in ("صد", "hundred") and 0 < current < 10:
            current *= 100  # «سه صد», "two hundred"
        elif word in _PERSIAN or word in _ENGLISH:
            value = _PERSIAN.get(word, _ENGLISH.get(word, 0))
            if current and value >= current % 1000 and current % 10 and value < 100:
                return None  # «پنج شش»: two numbers, not one
            current += value
        else:
            return None
        seen_number = True
        previous_joiner = False
    return total + current if seen_number and not previous_joiner else None

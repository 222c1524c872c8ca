"""Persian text normalisation for reading student answers.

Students type on Persian, Arabic and English keyboards; the same word can come
with Arabic yeh/kaf, zero-width non-joiners, diacritics, and three digit sets.
Everything that reads a student's text goes through here first.
"""

from __future__ import annotations

import re
import unicodedata

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_DIGITS = str.maketrans(
    PERSIAN_DIGITS + ARABIC_INDIC_DIGITS + "٫٬",
    "0123456789" * 2 + ".,",
)
_LETTERS = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh -> Persian yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf -> Persian keheh
        "ة": "ه",
        "ۀ": "ه",
        "ە": "ه",  # what NFKD leaves of ۀ (heh with yeh above) once the hamza mark is dropped
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ؤ": "و",
    }
)
# Zero-width joiner/non-joiner, bidi marks, tatweel: invisible or decorative.
_INVISIBLE = re.compile("[\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\u0640\ufeff]")
_SPACES = re.compile(r"\s+")


def normalize_digits(text: str) -> str:
    """Persian (۰-۹) and Arabic-Indic (٠-٩) digits, and the Arabic decimal/thousands marks, to ASCII."""
    return text.translate(_DIGITS)


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def normalize_text(text: str) -> str:
    """A canonical form for matching: lower case, one letter form, no ZWNJ, single spaces.

    A ZWNJ becomes nothing, so "می‌شود", "میشود" and "می شود" compare equal
    only through the space rule below: spaces are also removed around the
    common Persian prefixes and suffixes that students attach either way.
    """
    text = normalize_digits(text)
    text = strip_diacritics(unicodedata.normalize("NFKC", text))
    text = text.translate(_LETTERS)
    text = _INVISIBLE.sub("", text)
    text = text.lower()
    text = re.sub(r"(?<![^\W\d_])(ن?می) (?=\w)", r"\1", text)  # "می شود" -> "میشود"
    text = re.sub(r"(?<=\w) (ها|های|تر|ترین)(?![^\W\d_])", r"\1", text)  # "لایه ها" -> "لایهها"
    return _SPACES.sub(" ", text).strip()


def normalize_number_text(text: str) -> str:
    """Digits to ASCII, thousands separators removed: '۲۶۰', '1,792', '1 792' -> '260', '1792', '1792'."""
    text = normalize_digits(text).strip()
    text = text.replace("\u066c", "").replace("،", ",")
    if re.fullmatch(r"[+-]?\d{1,3}([, ]\d{3})+(\.\d+)?", text):
        text = text.replace(",", "").replace(" ", "")
    return text


# -- the form written answers are matched in (grader/written) ------------------------------------
# Colloquial and spoken spellings students type, as whole words, to their written form. Measured on
# the agreement set's answers and the seed's sheet (docs/rubrics.md): «میشه», «نمیشه», «یه», ...
COLLOQUIAL = {
    "میشه": "میشود", "نمیشه": "نمیشود", "میشن": "میشوند", "نمیشن": "نمیشوند", "میکنه": "میکند",
    "نمیکنه": "نمیکند", "میکنن": "میکنند", "نمیکنن": "نمیکنند", "میده": "میدهد", "نمیده": "نمیدهد",
    "میدن": "میدهند", "نمیدن": "نمیدهند", "داره": "دارد", "نداره": "ندارد", "دارن": "دارند", "ندارن": "ندارند",
    "میره": "میرود", "نمیره": "نمیرود", "میاد": "میاید", "نمیاد": "نمیاید", "میگیره": "میگیرد",
    "نمیگیره": "نمیگیرد", "میتونه": "میتواند", "نمیتونه": "نمیتواند", "میتونیم": "میتوانیم",
    "نمیتونیم": "نمیتوانیم", "میخوره": "میخورد", "میذاره": "میگذارد", "میزاره": "میگذارد", "میذاریم": "میگذاریم",
    "میزاریم": "میگذاریم", "بذاریم": "بگذاریم", "بزاریم": "بگذاریم", "هستش": "است", "هستن": "هستند",
    "نیس": "نیست", "نشه": "نشود", "بشه": "بشود", "باشه": "باشد", "نباشه": "نباشد", "کنه": "کند", "نکنه": "نکند",
    "بکنه": "بکند", "یه": "یک", "یدونه": "یک", "اینو": "این را", "اونو": "آن را", "اون": "آن", "اونا": "آنها",
    "اینا": "اینها", "بهش": "به آن", "ازش": "از آن", "کوچیک": "کوچک", "کوچیکه": "کوچک است",
    "همون": "همان", "همین": "همین", "چجوری": "چگونه", "واسه": "برای", "بخاطر": "به خاطر",
}  # fmt: skip
_CONTRACTIONS = ((re.compile(r"\bcan'?t\b"), "cannot"), (re.compile(r"\bwon't\b"), "will not"),
                 (re.compile(r"(\w)n't\b"), r"\1 not"))  # fmt: skip
# Suffixes students attach with a space, a half-space or nothing: joined to their word.
_SUFFIX = re.compile(r"(?<=[^\W\d_]) (ها|های|هایی|تر|ترین|تری|ای|ی|اند|ایم|اید)(?![^\W\d_])")
_PREFIX = re.compile(r"(?<![^\W\d_])(ن?می|ن?همی) (?=[^\W\d_])")


def normalize_for_matching(text: str) -> str:
    """The form rubric concepts are matched in: like normalize_text, but a half-space separates words.

    «نرمال‌سازی» and «نرمال سازی» both give "نرمال سازی" and «نرمالسازی» stays whole, so a concept
    written «نرمال سازی» (words joined by optional space) matches all three, and «کم‌واریانس» still
    contains the word «واریانس». «می‌شود», «می شود», «میشود» and «میشه» all give "میشود"; plural
    and ezafe suffixes join their word («لایه ها» -> "لایهها"). The characters and positions of the
    result are what concept patterns see; feedback quotes the student's own text.
    """
    text = normalize_digits(text)
    text = strip_diacritics(unicodedata.normalize("NFKC", text))
    text = text.translate(_LETTERS).replace("\u200c", " ")
    text = _INVISIBLE.sub("", text).lower().replace("’", "'")
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _PREFIX.sub(r"\1", text)
    text = _SUFFIX.sub(r"\1", text)
    words = [COLLOQUIAL.get(word, word) for word in text.split(" ")]
    return _SPACES.sub(" ", " ".join(words)).strip()

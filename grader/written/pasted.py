"""A review signal for text that reads as pasted: never a penalty, the TA decides.

Two signs, each measured on the agreement set (docs/rubrics.md): a chatbot's
own phrases («با توجه به سؤال شما», «جواب Bard», «امیدوارم این توضیحات مفید باشد»,
"As an AI", "I hope this helps"), and a long answer mostly in English from a
student who writes the rest of the submission in Persian. The score is
unchanged; the check is flagged for manual review with a note saying why.
"""

from __future__ import annotations

import re

from grader.persian import normalize_for_matching
from grader.results import Bilingual

_CHATBOT = re.compile(
    r"با توجه به سوال شما|در پاسخ به سوال شما|جواب\s*(?:chat\s*gpt|چت\s*جی\s*پی\s*تی|bard|بارد|gemini|claude)|"
    r"پاسخ\s*(?:chat\s*gpt|bard|gemini)|امیدوارم (?:این )?(?:توضیحات|پاسخ) (?:مفید|کمک)|"
    r"به عنوان یک (?:مدل زبانی|هوش مصنوعی)|به عنوان یک دستیار|"
    r"\bas an ai\b|as a language model|i hope (?:this|that) helps|certainly!|great question|"
    r"(?:chat\s*gpt|bard|gemini|claude)(?:'s)? (?:answer|response)|here(?:'s| is) (?:a|the) (?:detailed|brief) "
    r"(?:explanation|answer)|in summary, |feel free to ask"
)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_PERSIAN_WORD = re.compile(r"[\u0600-\u06FF]{2,}")
LONG = 40  # words: a short English answer is a student's own choice, not a sign of pasting
MOSTLY = 0.7  # share of the answer's words that are English


def english_share(text: str) -> tuple[int, float]:
    """(words, share of them in Latin script) of a text."""
    latin, persian = len(_LATIN_WORD.findall(text)), len(_PERSIAN_WORD.findall(text))
    words = latin + persian
    return words, (latin / words if words else 0.0)


def pasted_signal(text: str, submission_text: str = "") -> Bilingual | None:
    """Why this answer reads as pasted (for a TA's review), or None.

    `submission_text` is the student's other written answers: an English answer is
    flagged only when the student otherwise writes Persian.
    """
    phrase = _CHATBOT.search(normalize_for_matching(text))
    if phrase is not None:
        return Bilingual(f"Reads as pasted from a chatbot («{phrase.group(0)}»); please check it is the "
                         "student's own work. The score is not changed by this.",
                         f"به نظر می‌رسد از یک چت‌بات کپی شده است («{phrase.group(0)}»)؛ لطفاً بررسی کنید که کار "
                         "خود دانشجو باشد. این موضوع نمره را تغییر نمی‌دهد.")  # fmt: skip
    words, share = english_share(text)
    if words >= LONG and share >= MOSTLY:
        others, other_share = english_share(submission_text)
        if others >= LONG and other_share < 0.5:
            return Bilingual(f"Mostly English ({share:.0%} of {words} words) in a submission otherwise written in "
                             "Persian: it may be pasted; please check. The score is not changed by this.",
                             f"بیشتر انگلیسی است ({share:.0%} از {words} کلمه) در حالی که بقیهٔ پاسخ‌ها فارسی است: "
                             "ممکن است کپی شده باشد؛ لطفاً بررسی کنید. این موضوع نمره را تغییر نمی‌دهد.")  # fmt: skip
    return None

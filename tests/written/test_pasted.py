"""The pasted-text review signal (grader/written/pasted.py): a note for a TA, never a penalty."""

from __future__ import annotations

import pytest

from grader.written import pasted_signal

PERSIAN_REST = "در این سوال از شبکه‌ی کانولوشنی استفاده کردم و دقت مدل روی داده‌ی آزمون نود و نه درصد شد. " * 8
ENGLISH = ("Batch normalization standardizes each feature over the mini-batch, then scales and shifts it with "
           "learnable parameters gamma and beta. With a batch of one example the mean equals the example and the "
           "variance is zero, so the normalized activations are all zero and the layer outputs beta.")  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["با توجه به سؤال شما، اپسیلون یک مقدار ثابت کوچک است.", "جواب Bard:\nاستفاده از BN با دسته‌ی ۱ چالش دارد.",
     "جواب ChatGPT: ...", "As an AI language model, I can explain epsilon.", "امیدوارم این توضیحات مفید باشد.",
     "Certainly! Here is a detailed explanation."],
)  # fmt: skip
def test_chatbot_phrases_are_flagged_with_the_phrase(text: str) -> None:
    note = pasted_signal(text)
    assert note is not None and "not changed" in note.en and "تغییر نمی‌دهد" in note.fa


def test_mostly_english_in_a_persian_submission_is_flagged() -> None:
    assert pasted_signal(ENGLISH, PERSIAN_REST) is not None


def test_an_english_submission_and_short_english_are_not_flagged() -> None:
    assert pasted_signal(ENGLISH, ENGLISH * 3) is None  # the student writes English throughout
    assert pasted_signal("Epsilon avoids a division by zero.", PERSIAN_REST) is None
    assert pasted_signal("اپسیلون از تقسیم بر صفر جلوگیری می‌کند و پایداری عددی می‌دهد.", PERSIAN_REST) is None

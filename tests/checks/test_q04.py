"""Q4: the two written parts graded with the rubrics of answers/q04.yaml (docs/rubrics.md)."""

from pathlib import Path

import pytest

from grader import answers
from grader.results import CheckResult, Status
from grader.written import load_rubric
from tests.helpers import arabic_keyboard, grade_folder, written_sheet

FIELDS = ("definitions_and_uses", "parameters_and_parallelism")

ENGLISH = {
    "definitions_and_uses": """\
A CNN stacks convolution layers: small learned kernels slide over the input and detect local features,
followed by pooling. An RNN reads a sequence one element at a time and keeps a hidden state that carries
information from the previous step to the next. CNNs are best for images and video, because the patterns
are local and the same filter finds them anywhere (translation invariance). RNNs are best for text,
speech and time series, because the order of the elements matters and the input can have any length.
""",
    "parameters_and_parallelism": """\
Both share their weights (a kernel across positions, the recurrent matrices across time steps), so the
number of parameters is independent of the image size or the sequence length. Conv2D has
(kh*kw*c_in + 1)*f parameters, a SimpleRNN h(h + n + 1) and an LSTM 4 times that. Convolution outputs
at different positions can be computed in parallel on a GPU; an RNN must wait for the previous hidden
state, so its time steps are sequential and training is slower for long sequences.
""",
}

PERSIAN = {
    "definitions_and_uses": """\
شبکه‌های کانولوشنی با فیلترهای کوچکی که روی ورودی حرکت می‌کنند ویژگی‌ها را استخراج می‌کنند و بعد از
آن معمولاً لایهٔ pooling می‌آید. شبکه‌های بازگشتی ورودی را به صورت دنباله پردازش می‌کنند و با حالت
پنهان اطلاعات گام‌های قبلی را نگه می‌دارند. CNN برای تصاویر و ویدیو بهتر است، چون الگوها محلی‌اند و
یک فیلتر مشترک آن‌ها را در هر مکانی پیدا می‌کند. RNN برای متن، گفتار و سری‌های زمانی بهتر است، چون
ترتیب داده‌ها مهم است و طول ورودی می‌تواند متغیر باشد.
""",
    "parameters_and_parallelism": """\
در هر دو وزن‌ها به اشتراک گذاشته می‌شوند، پس تعداد پارامترها به طول ورودی بستگی ندارد. برای Conv2D
تعداد پارامترها (k×k×c_in + 1)×f است و برای SimpleRNN برابر u(d + u + 1)؛ LSTM چهار دروازه دارد.
محاسبات کانولوشن در مکان‌های مختلف مستقل‌اند و به صورت موازی روی GPU انجام می‌شوند، اما در RNN هر گام
باید منتظر حالت پنهان گام قبلی بماند، پس محاسبه ترتیبی و برای دنباله‌های بلند کندتر است.
""",
}


def _sheet(tmp_path: Path, fields: dict[str, str]) -> Path:
    return written_sheet(tmp_path, "q04", FIELDS, fields)


def _graded(tmp_path: Path, fields: dict[str, str]) -> dict[str, CheckResult]:
    report = grade_folder(_sheet(tmp_path, fields), only=("q04",))
    return {c.check_id.removeprefix("q04."): c for c in report.question("q04").checks}


def test_points_rubrics_and_checks_agree() -> None:
    data = answers.load("q04")
    assert data["points"] == 10 and data["bonus"] == 0 and sum(data["parts"].values()) == 10
    for name in FIELDS:
        assert load_rubric("q04", name).points == 5


@pytest.mark.parametrize("fields", [ENGLISH, PERSIAN], ids=["english", "persian"])
def test_full_answer_gets_full_marks(tmp_path: Path, fields: dict[str, str]) -> None:
    checks = _graded(tmp_path, fields)
    assert set(checks) == set(FIELDS)
    for check in checks.values():
        assert check.status is Status.PASSED and check.score == check.max_score == 5, check.feedback.en
        assert not check.manual_review
        assert "5 of 5 points" in check.feedback.en and "5 از 5 نمره" in check.feedback.fa


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_model_answers_get_full_marks(tmp_path: Path, lang: str) -> None:
    model = answers.load("q04")["model_answers"]
    checks = _graded(
        tmp_path, {"definitions_and_uses": model["a"][lang], "parameters_and_parallelism": model["b"][lang]}
    )
    assert all(c.score == 5 for c in checks.values()), {k: c.feedback.en for k, c in checks.items()}


def test_empty_sheet_is_not_answered(tmp_path: Path) -> None:
    for check in _graded(tmp_path, {}).values():
        assert check.score == 0 and check.status is Status.FAILED
        assert "Not answered yet" in check.feedback.en and "هنوز پاسخ داده نشده" in check.feedback.fa
        assert not check.manual_review


def test_off_topic_answer_scores_low_and_is_flagged(tmp_path: Path) -> None:
    text = "Batch normalization normalizes every feature over the mini-batch and allows larger learning rates."
    checks = _graded(tmp_path, {"definitions_and_uses": text, "parameters_and_parallelism": text})
    for check in checks.values():
        assert check.score <= 1 and check.manual_review
        assert "Missing:" in check.feedback.en and "جا افتاده" in check.feedback.fa


def test_half_answer_is_partial_and_names_what_is_missing(tmp_path: Path) -> None:
    only_parallelism = ENGLISH["parameters_and_parallelism"].split("Convolution outputs")[1]
    checks = _graded(tmp_path, {"parameters_and_parallelism": "Convolution outputs" + only_parallelism})
    check = checks["parameters_and_parallelism"]
    assert check.status is Status.PARTIAL and check.manual_review and 0 < check.score < 5
    assert "parameter count depends on the kernel size" in check.feedback.en  # the missing idea, in the rubric's words


def test_the_right_words_on_the_wrong_network_are_wrong(tmp_path: Path) -> None:
    swapped = ("شبکه‌ی کانولوشنی دارای حافظه و hidden state است و داده‌ها را به ترتیب زمانی پردازش می‌کند. "
               "شبکه‌ی بازگشتی با فیلترها و pooling کار می‌کند و برای تصویر مناسب‌تر است.")  # fmt: skip
    check = _graded(tmp_path, {"definitions_and_uses": swapped})["definitions_and_uses"]
    assert check.score <= 0.5 and "Wrong" in check.feedback.en


def test_arabic_letters_and_zwnj_variants_score_like_clean_persian(tmp_path: Path) -> None:
    variant = {name: arabic_keyboard(text) for name, text in PERSIAN.items()}
    assert all("ي" in t and "ك" in t and "\u200c" not in t for t in variant.values())
    assert any(" ها" in t for t in variant.values())  # a ZWNJ typed as a space
    clean = _graded(tmp_path / "clean", PERSIAN)
    typed = _graded(tmp_path / "variant", variant)
    assert {k: c.score for k, c in typed.items()} == {k: c.score for k, c in clean.items()} == dict.fromkeys(FIELDS, 5)


def test_perfect_submission_gets_full_marks() -> None:
    from tests.helpers import SUBMISSIONS

    report = grade_folder(SUBMISSIONS / "perfect", only=("q04",))
    assert report.question("q04").score == 10

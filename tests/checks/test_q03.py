"""Q3: the written diagnosis and fix graded with the rubrics of answers/q03.yaml (docs/rubrics.md).

No TensorFlow: the sheets graded here hold no code. The engine lists q03 among the Keras
questions (a student's fixed pipeline may be run later) and skips it where TensorFlow is not
installed, so these tests report TensorFlow as available to grade the written answers anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from grader import answers
from grader.registry import collect
from grader.results import CheckResult, Status
from grader.written import load_rubric, mark
from tests.helpers import arabic_keyboard, grade_folder, written_sheet

FIELDS = ("diagnosis", "fix")
POINTS = {"diagnosis": 6, "fix": 4}
# The diagnosis rubric's ideas: the three real causes and the minor points (NaN, no validation, R²).
CAUSES = ("no_time_window", "unused_scaler", "distribution_shift", "minor_point")

ENGLISH = {
    "diagnosis": """\
MinMaxScaler is imported but never applied, so the raw date (a number in the hundreds of thousands) sits
next to the hour and the temperature and saturates the LSTM. The model gets input_shape=(4, 1): the four
features of a single hour are read as four time steps, so it never sees previous hours or past consumption.
The chronological split leaves a colder, later period for testing whose distribution differs from the
training data, and the model cannot extrapolate to it. dropna() is applied to the training part only, and
there is no validation set or early stopping.
""",
    "fix": """\
Fit the scaler on the training data only and inverse_transform the predictions. Build sliding windows of
the past 24 hours of all features, consumption included, with shape (samples, 24, features). Keep the last
part of the training windows for validation (in time order) with EarlyStopping. Forward-fill short gaps and
drop the windows that still hold NaN. Compare R² on the same test split with a persistence baseline.
""",
}

PERSIAN = {
    "diagnosis": """\
MinMaxScaler وارد شده ولی استفاده نشده و داده‌ها مقیاس‌بندی نشده‌اند؛ تاریخ یک عدد خیلی بزرگ است. ویژگی‌های
یک ساعت به صورت دنباله‌ای از گام‌های زمانی به LSTM داده می‌شوند و مدل مصرف ساعت‌های قبل را نمی‌بیند. چون
تقسیم به ترتیب زمانی است، داده‌های آزمون از فصل دیگری‌اند و توزیعشان با داده‌های آموزش متفاوت است. مقادیر
گم‌شده فقط از داده‌های آموزش حذف شده‌اند و هیچ داده‌ی اعتبارسنجی یا توقف زودهنگامی وجود ندارد.
""",
    "fix": """\
مقیاس‌بندی را فقط روی داده‌های آموزش fit می‌کنیم و خروجی را با inverse_transform برمی‌گردانیم. پنجره‌هایی از
۲۴ ساعت گذشته‌ی همه‌ی ویژگی‌ها، از جمله مصرف، با شکل (samples, 24, features) می‌سازیم. بخش آخر داده‌های آموزش
را به ترتیب زمانی برای اعتبارسنجی و توقف زودهنگام نگه می‌داریم. شکاف‌های کوتاه را فقط از گذشته پر می‌کنیم و
در پایان R² را روی همان بخش آزمون با پیش‌بینی ماندگاری مقایسه می‌کنیم.
""",
}

# /work/shared/seed/student_answer_sheet.fa.txt, "سوال سوم", as extracted (the typo "مین" for "همین" kept).
SEED_Q3 = (
    "از رو نمودار مشخص هست که مدل تغییرات یاد گرفته ولی biased شده به مین علت باید بعد از آخرین "
    "batch normalization یک لایه LSTM"
)

# One cause per sentence, in English and Persian: each earns its own group and nothing else.
ONE_CAUSE: list[tuple[str, str]] = [
    ("unused_scaler", "MinMaxScaler is imported but never used, so the inputs and the target are not scaled."),
    ("unused_scaler", "MinMaxScaler ایمپورت شده ولی هیچ‌وقت استفاده نشده؛ داده‌ها مقیاس‌بندی نشده‌اند."),
    ("unused_scaler", "The date is fed as a huge raw number and saturates the LSTM."),
    ("no_time_window", "Each row's features are treated as a sequence of 4 time steps; no previous hours are seen."),
    ("no_time_window", "مدل فقط ویژگی‌های همان ساعت را می‌بیند و مصرف ساعت‌های قبل را نمی‌بیند."),
    ("distribution_shift", "The test period comes later and its distribution differs, so the model must extrapolate."),
    ("distribution_shift", "داده‌های تست از فصل دیگری هستند و توزیعشان با داده‌های آموزش فرق دارد."),
    ("minor_point", "Rows with NaN are removed only from the training set."),
    ("minor_point", "مقادیر گمشده فقط از داده آموزش حذف شده‌اند."),
    ("minor_point", "There is no validation set or early stopping, so the model overfits."),
    ("minor_point", "هیچ داده اعتبارسنجی یا توقف زودهنگام ندارد."),
]  # fmt: skip


def _sheet(tmp_path: Path, fields: dict[str, str]) -> Path:
    return written_sheet(tmp_path, "q03", FIELDS, fields)


def _checks(folder: Path) -> dict[str, CheckResult]:
    report = grade_folder(folder, only=("q03",))
    return {c.check_id.removeprefix("q03."): c for c in report.question("q03").checks}


def _graded(tmp_path: Path, fields: dict[str, str]) -> dict[str, CheckResult]:
    return _checks(_sheet(tmp_path, fields))


def _causes(text: str) -> set[str]:
    return {e.idea.id for e in mark(text, load_rubric("q03", "diagnosis")).found}


# --- points ---------------------------------------------------------------------------------------


def test_points_rubrics_and_checks_agree() -> None:
    data = answers.load("q03")
    assert data["points"] == 10 and data["bonus"] == 0 and data["parts"] == POINTS
    assert set(data["rubrics"]) == set(FIELDS)
    for name in FIELDS:
        assert load_rubric("q03", name).points == POINTS[name]
    assert {i.id for i in load_rubric("q03", "diagnosis").ideas} == set(CAUSES)
    specs = {s.check_id: s.points for s in collect()["q03"]}
    assert specs == {f"q03.{name}": points for name, points in POINTS.items()}


# --- full marks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fields", [ENGLISH, PERSIAN], ids=["english", "persian"])
def test_full_answer_gets_full_marks(tmp_path: Path, fields: dict[str, str]) -> None:
    checks = _graded(tmp_path, fields)
    assert set(checks) == set(FIELDS)
    for name, check in checks.items():
        assert check.status is Status.PASSED and check.score == check.max_score == POINTS[name], check.feedback.en
        assert not check.manual_review and f"{POINTS[name]} of {POINTS[name]} points" in check.feedback.en


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_model_answers_get_full_marks(tmp_path: Path, lang: str) -> None:
    model = answers.load("q03")["model_answers"]
    checks = _graded(tmp_path, {name: model[name][lang] for name in FIELDS})
    assert {k: c.score for k, c in checks.items()} == POINTS, {k: c.feedback.en for k, c in checks.items()}


def test_perfect_submission_gets_full_marks(submission: Callable[..., Path]) -> None:
    checks = _checks(submission({}, sheet_from="perfect"))
    assert {k: c.score for k, c in checks.items()} == POINTS, {k: c.feedback.en for k, c in checks.items()}
    assert not any(c.manual_review for c in checks.values())


# --- empty, off-topic, the seed student -----------------------------------------------------------


def test_empty_sheet_is_not_answered(tmp_path: Path) -> None:
    checks = _graded(tmp_path, {})
    assert set(checks) == set(FIELDS)
    for check in checks.values():
        assert check.score == 0 and check.status is Status.FAILED
        assert "Not answered yet" in check.feedback.en and "هنوز پاسخ داده نشده" in check.feedback.fa
        assert not check.manual_review


@pytest.mark.parametrize(
    "text",
    [
        "Batch normalization normalizes every feature over the mini-batch and allows larger learning rates.",
        "CNNs are good for images; RNNs keep a hidden state. I liked this homework.",
        "این تمرین جالب بود و چیزهای زیادی یاد گرفتم.",
    ],
)
def test_off_topic_answer_scores_zero_and_is_flagged(tmp_path: Path, text: str) -> None:
    for check in _graded(tmp_path, dict.fromkeys(FIELDS, text)).values():
        assert check.score == 0 and check.status is Status.FAILED and check.manual_review
        assert "Missing:" in check.feedback.en and "جا افتاده" in check.feedback.fa


def test_seed_student_earns_no_diagnosis_points(tmp_path: Path) -> None:
    # "The plot shows the model learned the changes but is biased, so an LSTM layer should be added
    # after the last batch normalization": no cause of this code (it has no batch normalization).
    assert _causes(SEED_Q3) == set()
    checks = _graded(tmp_path, {"diagnosis": SEED_Q3})
    assert checks["diagnosis"].score == 0 and checks["diagnosis"].manual_review
    assert all(cause in checks["diagnosis"].feedback.en for cause in ("MinMaxScaler", "time steps", "chronological"))
    assert checks["fix"].score == 0 and "Not answered yet" in checks["fix"].feedback.en


def test_seed_student_fixture_earns_no_diagnosis_points(submission: Callable[..., Path]) -> None:
    checks = _checks(submission({}, sheet_from="seed_student"))
    assert checks["diagnosis"].score == 0 and checks["diagnosis"].status is Status.FAILED
    assert checks["fix"].score == 0


# --- each cause earns its own group ---------------------------------------------------------------


@pytest.mark.parametrize(("cause", "text"), ONE_CAUSE, ids=[f"{c}-{i}" for i, (c, _) in enumerate(ONE_CAUSE)])
def test_each_cause_earns_its_own_group(cause: str, text: str) -> None:
    assert _causes(text) == {cause}


@pytest.mark.parametrize("text", [ONE_CAUSE[0][1], ONE_CAUSE[1][1]], ids=["english", "persian"])
def test_naming_only_the_unused_scaler_earns_exactly_its_points(tmp_path: Path, text: str) -> None:
    scaler = next(i for i in load_rubric("q03", "diagnosis").ideas if i.id == "unused_scaler")
    check = _graded(tmp_path, {"diagnosis": text})["diagnosis"]
    assert check.score == scaler.points == 1.5
    assert check.status is Status.PARTIAL and check.manual_review
    assert "1.5 of 6 points" in check.feedback.en and "«" in check.feedback.en  # the sentence that earned it


@pytest.mark.parametrize(
    "text",
    ["مشکل از پنجره‌ی زمانی یا sequence نیست و نرمال‌سازی هم تأثیری ندارد.",
     "The problem is not the missing window, and scaling does not matter."],
)  # fmt: skip
def test_a_cause_stated_only_to_be_denied_earns_nothing(tmp_path: Path, text: str) -> None:
    check = _graded(tmp_path, {"diagnosis": text})["diagnosis"]
    assert check.score == 0 and "Wrong" in check.feedback.en


# --- keyboards ------------------------------------------------------------------------------------


def test_arabic_letters_and_zwnj_variants_score_like_clean_persian(tmp_path: Path) -> None:
    model = answers.load("q03")["model_answers"]
    for i, clean in enumerate([PERSIAN, {name: model[name]["fa"] for name in FIELDS}]):
        variant = {name: arabic_keyboard(text) for name, text in clean.items()}
        assert all("ي" in t and "ك" in t and "\u200c" not in t for t in variant.values())
        assert any(" ها" in t for t in variant.values())  # a ZWNJ typed as a space
        clean_scores = {k: c.score for k, c in _graded(tmp_path / f"clean{i}", clean).items()}
        typed_scores = {k: c.score for k, c in _graded(tmp_path / f"variant{i}", variant).items()}
        assert typed_scores == clean_scores == POINTS

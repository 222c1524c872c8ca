"""Marking a written answer (grader/written/match.py), on a small rubric built here."""

from __future__ import annotations

from typing import Any

from grader.written import mark
from grader.written.schema import Rubric, build_rubric, compile_concepts

CONCEPTS = compile_concepts({
    "mean": ["میانگین", "mean"], "sample": ["نمونه", "sample", "خود داده"], "equal": ["برابر", "equal", "همان"],
    "zero": ["صفر", "zero", "re:(?<![\\d.])0(?![\\d.])"], "variance": ["واریانس", "variance"],
    "scaler": ["minmaxscaler", "scaler"], "used": ["استفاده", "used", "applied"], "problem": ["مشکل", "problem"],
    "digit": ["re:(?<![\\d.])[0-9](?![\\d.])"], "part": ["حلقه", "loop", "خط", "line"],
}, "test")  # fmt: skip


def rubric(ideas: list[dict[str, Any]], wrong: list[dict[str, Any]] | None = None, points: float = 2) -> Rubric:
    for item in [*ideas, *(wrong or [])]:
        item.setdefault("en", f"idea {item['id']}")
        item.setdefault("fa", f"ایدهٔ {item['id']}")
    return build_rubric("test", {"points": points, "ideas": ideas, "wrong": wrong or []}, CONCEPTS, "test")


MEAN_IS_SAMPLE = {"id": "mean_is_sample", "points": 1, "any": [["mean", "equal", "sample"]]}
VARIANCE_ZERO = {"id": "variance_zero", "points": 1, "any": [["variance", "zero"]]}


def test_an_idea_is_found_in_any_word_order_and_inflection() -> None:
    r = rubric([MEAN_IS_SAMPLE, VARIANCE_ZERO])
    for text in ("مقدار میانگین با خود داده برابر میشود و واریانس هم صفر است.",
                 "واریانس‌ها صفر می‌شوند؛ نمونه و میانگین برابرند.", "The variance is 0 and the mean equals the sample."):  # fmt: skip
        assert mark(text, r).points == 2, text


def test_an_idea_said_only_in_a_negative_clause_earns_nothing_and_is_reported() -> None:
    r = rubric([MEAN_IS_SAMPLE, VARIANCE_ZERO])
    result = mark("میانگین با نمونه برابر نیست و واریانس هم صفر نمی‌شود.", r)
    assert result.points == 0
    assert {e.idea.id for e in result.denied} == {"mean_is_sample", "variance_zero"}
    assert "the answer denies it" in result.feedback().en and "پاسخ آن را رد می‌کند" in result.feedback().fa


def test_an_idea_that_is_itself_a_negation() -> None:
    unused = {"id": "unused", "points": 1, "any": [["scaler", "!used"]]}
    r = rubric([unused], points=1)
    assert mark("MinMaxScaler ایمپورت شده ولی هیچ‌جا استفاده نشده.", r).points == 1
    assert mark("The scaler is applied to every column.", r).points == 0
    either = rubric([{"id": "either", "points": 1, "any": [{"all": ["scaler", "used"], "negated": "any"}]}], points=1)
    assert mark("The scaler is applied.", either).points == mark("The scaler is not applied.", either).points == 1


def test_every_awarded_point_quotes_the_sentence_that_earned_it() -> None:
    result = mark("مقدمه‌ای بی‌ربط. مقدار میانگین با خود داده برابر میشود.", rubric([MEAN_IS_SAMPLE, VARIANCE_ZERO]))
    (evidence,) = result.found
    assert evidence.sentence.original == "مقدار میانگین با خود داده برابر میشود."
    assert "«مقدار میانگین با خود داده برابر میشود.»" in result.feedback().en
    assert "idea variance_zero" in result.feedback().en and "ایدهٔ variance_zero" in result.feedback().fa  # missing


def test_windows_near_and_count() -> None:
    split = "میانگین برابر است. با خود داده."
    assert mark(split, rubric([MEAN_IS_SAMPLE], points=1)).points == 0
    window = dict(MEAN_IS_SAMPLE, any=[{"all": ["mean", "equal", "sample"], "within": "2"}])
    assert mark(split, rubric([window], points=1)).points == 1
    near = {"id": "near", "points": 1, "any": [{"all": ["digit", "part"], "near": 3}]}
    assert mark("حلقه‌ی بالای ۹ روشن است", rubric([near], points=1)).points == 1
    assert mark("حلقه در تصویر اول از ده تصویری که دیدیم روشن بود ۹", rubric([near], points=1)).points == 0
    two = {"id": "two", "points": 1, "any": [{"all": ["digit", "part"], "count": 2, "near": 3}]}
    assert mark("حلقه‌ی ۹ روشن است.", rubric([two], points=1)).points == 0
    assert mark("حلقه‌ی ۹ و خط ۱ روشن‌اند.", rubric([two], points=1)).points == 1


def test_partial_credit_wrong_claims_cancels_requires_and_extras() -> None:
    partial = dict(MEAN_IS_SAMPLE, partial=[{"credit": 0.5, "any": [["mean", "sample"]]}])
    assert mark("میانگین از یک نمونه حساب می‌شود.", rubric([partial], points=1)).points == 0.5
    wrong = [{"id": "no_problem", "points": 0.5, "cancels": ["mean_is_sample"], "any": [["!problem"]]}]
    result = mark(
        "میانگین با نمونه برابر است، پس هیچ مشکلی نیست. واریانس صفر است.",
        rubric([MEAN_IS_SAMPLE, VARIANCE_ZERO], wrong),
    )
    assert result.points == 0.5 and [e.idea.id for e in result.wrong] == ["no_problem"]
    assert "Wrong (−0.5)" in result.feedback().en and "نادرست (−0.5)" in result.feedback().fa
    needs = dict(VARIANCE_ZERO, requires=["mean_is_sample"])
    assert mark("واریانس صفر است.", rubric([MEAN_IS_SAMPLE, needs])).points == 0
    extra = dict(VARIANCE_ZERO, extra=True)
    assert mark("میانگین با نمونه برابر است و واریانس صفر است.", rubric([MEAN_IS_SAMPLE, extra], points=1)).points == 1


def test_a_list_of_bare_terms_earns_nothing_and_says_so() -> None:
    result = mark("میانگین، نمونه، برابر، واریانس، صفر.", rubric([MEAN_IS_SAMPLE, VARIANCE_ZERO]))
    assert result.points == 0 and result.lists
    assert "A list of terms is not an explanation" in result.feedback().en


def test_marking_is_deterministic() -> None:
    text = "مقدار میانگین با خود داده برابر میشود و واریانس هم صفر است."
    r = rubric([MEAN_IS_SAMPLE, VARIANCE_ZERO])
    assert mark(text, r) == mark(text, r) and mark(text, r).feedback() == mark(text, r).feedback()

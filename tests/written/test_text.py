"""Sentences, clauses, negations and lists of bare terms in a written answer (grader/written/text.py)."""

from __future__ import annotations

import pytest

from grader.written.text import quote, sentences


def test_sentences_end_at_full_stops_but_not_inside_numbers() -> None:
    found = [s.original for s in sentences("Accuracy was 0.99. It overfits a little! Why? Because.")]
    assert found == ["Accuracy was 0.99.", "It overfits a little!", "Why?", "Because."]


def test_hand_wrapped_prose_is_one_sentence_but_items_and_headings_are_not() -> None:
    wrapped = "Convolution outputs at different positions can be computed\nin parallel on a GPU while an RNN waits."
    assert len(sentences(wrapped)) == 1
    items = "Dropout:\n- random units are switched off\n- it regularises\n۱. مورد اول\n۲. مورد دوم"
    assert [s.original for s in sentences(items)] == ["Dropout:", "random units are switched off", "it regularises",
                                                       "۱. مورد اول", "۲. مورد دوم"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "negative"),
    [("اپسیلون برای جلوگیری از تقسیم بر صفر نیست", True), ("ایمپورت شده ولی استفاده نشده", True),
     ("واریانس هیچ‌وقت صفر نمی‌شود", True), ("مدل نمیتونه یاد بگیره", True), ("it does not converge", True),
     ("it doesn't converge", True), ("without epsilon", True), ("بدون اپسیلون", True),
     ("نمونه‌ها نرمال می‌شوند و نزدیک صفرند", False), ("نقشه نشان می‌دهد", False),
     ("نبودن خط در این محل شاهد است", False), ("the constant is small", False)],
)  # fmt: skip
def test_negations_are_verbs_and_particles_not_words_that_start_alike(text: str, negative: bool) -> None:
    (sentence,) = sentences(text)
    assert any(sentence.negated(c) for c in range(len(sentence.clause_starts))) is negative


def test_a_negation_belongs_to_its_own_clause() -> None:
    (sentence,) = sentences("MinMaxScaler ایمپورت شده ولی هیچ‌جا استفاده نشده")
    first, second = (sentence.clause_of(sentence.canon.index(w)) for w in ("minmaxscaler", "استفاده"))
    assert first != second and not sentence.negated(first) and sentence.negated(second)
    (sentence,) = sentences("The denominator is never zero, so training is stable.")
    assert sentence.negated(sentence.clause_of(0)) and not sentence.negated(
        sentence.clause_of(sentence.canon.index("training"))
    )


def test_a_negation_inside_a_matched_term_is_owned_by_it() -> None:
    (sentence,) = sentences("استفاده نشده")
    start = sentence.canon.index("نشده")
    assert sentence.negated(0) and not sentence.negated(0, owned=((start, start + 4),))


@pytest.mark.parametrize(
    ("text", "is_list"),
    [("علت‌ها: scaler، MinMaxScaler، نرمال‌سازی، window، sequence، time step، فصل.", True),
     ("Dropout, Pooling, overfitting, regularization, MaxPooling, generalization.", True),
     ("KerasTuner تیونرهای RandomSearch، Hyperband و BayesianOptimization را دارد.", False),
     ("در تابع build_model تعداد لایه‌ها، تعداد فیلترها، نرخ یادگیری و dropout را هایپرپارامتر تعریف می‌کنیم.", False)],
)  # fmt: skip
def test_a_list_of_bare_terms_is_told_from_a_sentence_with_an_enumeration(text: str, is_list: bool) -> None:
    (sentence,) = sentences(text)
    assert sentence.is_term_list is is_list


def test_quotes_are_the_students_own_words_shortened() -> None:
    (sentence,) = sentences("اپسيلون يه عدد خيلي كوچيكه " * 10)
    quoted = quote(sentence, 40)
    assert quoted.startswith("اپسيلون يه عدد") and quoted.endswith("…") and len(quoted) == 40

"""Rubrics as data (grader/written/schema.py): every rubric of answers/ loads; bad data is refused clearly."""

from __future__ import annotations

from typing import Any

import pytest

from grader import answers
from grader.answers import AnswersError
from grader.registry import collect
from grader.results import QUESTION_IDS
from grader.written.schema import build_rubric, compile_concepts, concepts, load_rubric

# Each rubric of answers/ and the check that grades with it; Q5(b)'s words and Q6's helpers are parts of a check.
CHECK_OF = {
    ("q01", "keras_tuner"): "q01.a_keras_tuner", ("q01", "tuners"): "q01.a_tuners",
    ("q01", "tuner_reason"): "q01.a_tuner_reason", ("q01", "mnist"): "q01.b_mnist",
    ("q01", "dropout_pooling_effect"): "q01.b_dropout_pooling", ("q01", "filter_size"): "q01.c_filter_size",
    ("q01", "overfitting"): "q01.c_overfitting", ("q01", "results_analysis"): "q01.c_results_analysis",
    ("q02", "analysis"): "q02.analysis", ("q03", "diagnosis"): "q03.diagnosis", ("q03", "fix"): "q03.fix",
    ("q04", "definitions_and_uses"): "q04.definitions_and_uses",
    ("q04", "parameters_and_parallelism"): "q04.parameters_and_parallelism",
    ("q05", "padding_words"): "q05.padding_relation", ("q06", "epsilon"): "q06.c_epsilon",
    ("q06", "batch_size_one"): "q06.d_batch_size_one", ("q07", "analysis"): "q07.analysis",
}  # fmt: skip
HELPERS = {("q06", "argued_statement_2"), ("q06", "trainable_params_working")}  # their points are shares


def all_rubrics() -> list[tuple[str, str]]:
    return [(q, name) for q in QUESTION_IDS for name in answers.load(q).get("rubrics", {})]


@pytest.mark.parametrize(("question", "name"), all_rubrics())
def test_every_rubric_loads_and_its_points_are_its_checks(question: str, name: str) -> None:
    rubric = load_rubric(question, name)
    assert rubric.ideas and all(i.phrasings and i.text.en and i.text.fa for i in (*rubric.ideas, *rubric.wrong))
    assert ((question, name) in HELPERS) != ((question, name) in CHECK_OF)
    if (question, name) in CHECK_OF:
        spec = next(s for s in collect()[question] if s.check_id == CHECK_OF[(question, name)])
        assert rubric.points == spec.points


def test_concept_terms_match_as_students_write_them() -> None:
    known = compile_concepts({"x": ["نرمال سازی", "=یک", "normaliz", "re:1e-?\\d", "early stopping"]}, "test")
    pattern = known["x"].pattern
    for text in (
        "نرمالسازی",
        "نرمال سازی",
        "نرمال-سازی",
        "normalization",
        "1e-5",
        "early-stopping",
        "earlystopping",
        "یک",
    ):
        assert pattern.search(text), text
    for text in ("یکسان", "unnormalized"):  # a whole word only; a stem at the start of a word only
        assert not pattern.search(text), text


def _rubric(data: dict[str, Any]) -> None:
    build_rubric("test", data, compile_concepts({"a": ["alpha"], "b": ["beta"]}, "test"), "test rubric")


@pytest.mark.parametrize(
    ("data", "message"),
    [({"points": 1, "ideas": [{"id": "i", "points": 1, "en": "e", "fa": "ف", "any": [["c"]]}]}, "unknown concept 'c'"),
     ({"points": 2, "ideas": [{"id": "i", "points": 1, "en": "e", "fa": "ف", "any": [["a"]]}]}, "add up to 1, less than 2"),
     ({"points": 1, "ideas": [{"id": "i", "points": 1, "en": "e", "fa": "ف", "any": [["a"]],
                               "partial": [{"credit": 1.5, "any": [["b"]]}]}]}, "between 0 and 1"),
     ({"points": 1, "ideas": [{"id": "i", "points": 1, "en": "e", "fa": "ف", "any": [["a"]], "weight": 2}]}, "unknown keys"),
     ({"points": 1, "ideas": [{"id": "i", "points": 1, "en": "e", "fa": "ف", "any": [{"all": ["a"], "within": "x"}]}]},
      "within must be"),
     ({"points": 1, "ideas": [{"id": "i", "points": 1, "en": "e", "fa": "ف", "any": [["a"]], "requires": ["z"]}]},
      "unknown ideas"),
     ({"points": 1, "ideas": [{"id": "i", "points": 1, "en": "e", "any": [["a"]]}]}, "needs id, en, fa and any")],
)  # fmt: skip
def test_bad_rubric_data_is_refused_with_where_and_why(data: dict[str, Any], message: str) -> None:
    with pytest.raises(AnswersError, match="test rubric") as error:
        _rubric(data)
    assert message in str(error.value)


def test_a_question_may_not_redefine_a_shared_concept() -> None:
    shared = set(concepts("q06")) & {"zero", "equal", "prevent"}
    assert shared == {"zero", "equal", "prevent"}  # the lexicon's, available to every question

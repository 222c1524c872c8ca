"""Rubrics for written answers, as data: loaded from answers/*.yaml and checked (docs/rubrics.md).

A rubric lists the ideas the question asks for, each worth points, each said in
several phrasings of both languages. A phrasing is a list of concepts that must
all occur in one sentence, in any order; a concept is a list of terms (words,
stems, or `re:` patterns) from the question's `concepts:` or the shared
answers/lexicon.yaml. Ideas may carry weaker `partial` phrasings worth a share of
their points; `wrong` claims cost points; `extra` ideas (model-answer detail the
sheet does not ask for) can make up for a missed idea but never raise the
maximum. The ideas may add up to more than the part's points when a complete
answer need not hold every one of them (the total is capped at the part's
points). Every problem in the data is our mistake, so it raises AnswersError.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from grader import answers
from grader.answers import AnswersError
from grader.persian import normalize_for_matching
from grader.results import Bilingual

_WINDOWS = {"sentence": 1, "2": 2, "3": 3, "text": 0}  # 0: the whole answer


@dataclass(frozen=True)
class Concept:
    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Slot:
    concept: Concept
    polarity: bool | None  # False: in an affirmative clause; True: in a negative one; None: either


@dataclass(frozen=True)
class Phrasing:
    slots: tuple[Slot, ...]
    needs_negation: bool = False  # `negated: true`: at least one of the concepts in a negative clause
    window: int = 1  # sentences that may hold the concepts together (0: anywhere in the answer)
    unless: tuple[Concept, ...] = ()  # no match in a window that also holds one of these
    near: int = 0  # the concepts within this many words of each other (0: anywhere in the window)
    count: int = 1  # shown in at least this many different sentences («three digits described»)


@dataclass(frozen=True)
class Idea:
    id: str
    points: float
    text: Bilingual
    phrasings: tuple[Phrasing, ...]
    partial: tuple[tuple[float, tuple[Phrasing, ...]], ...] = ()  # (share of the points, phrasings)
    requires: tuple[str, ...] = ()  # ideas that must be found for this one to count
    extra: bool = False  # not asked by the sheet: may make up for a missed idea, never above the maximum
    cancels: tuple[str, ...] = ()  # a wrong claim: the ideas it contradicts are not credited


@dataclass(frozen=True)
class Rubric:
    name: str
    points: float
    ideas: tuple[Idea, ...]
    wrong: tuple[Idea, ...]


def _term_pattern(term: str) -> str:
    """One term as a regex over the matching form: a word start, then the term (open at its end)."""
    if term.startswith("re:"):
        return f"(?:{term[3:]})"
    whole = term.startswith("=")
    words = normalize_for_matching(term.lstrip("=")).split()
    if not words:
        raise AnswersError(f"empty term {term!r}")
    body = r"[\s\-_]*".join(re.escape(w) for w in words)
    start = r"(?<![^\W\d_])" if words[0][0].isalnum() else ""
    end = r"(?![^\W\d_])" if whole else ""
    return f"{start}{body}{end}"


def _compile_concept(name: str, terms: Any, where: str) -> Concept:
    if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
        raise AnswersError(f"{where}: concept {name!r} must be a non-empty list of strings")
    try:
        return Concept(name, re.compile("|".join(_term_pattern(t) for t in terms)))
    except re.error as error:
        raise AnswersError(f"{where}: concept {name!r}: {error}") from error


@functools.cache
def _lexicon() -> dict[str, Any]:
    resource = resources.files("hw4_answers") / "lexicon.yaml"
    try:
        data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AnswersError(f"answers/lexicon.yaml: {error}") from error
    return dict(data.get("concepts", {}))


def compile_concepts(terms: dict[str, Any], where: str) -> dict[str, Concept]:
    return {name: _compile_concept(name, value, where) for name, value in terms.items()}


@functools.cache
def concepts(question_id: str) -> dict[str, Concept]:
    """The shared lexicon's concepts and the question's own (a name may not be defined twice)."""
    shared = _lexicon()
    own = dict(answers.load(question_id).get("concepts", {}))
    clash = sorted(set(shared) & set(own))
    if clash:
        raise AnswersError(f"answers/{question_id}.yaml: concepts {clash} are already in answers/lexicon.yaml")
    return compile_concepts({**shared, **own}, f"answers/{question_id}.yaml")


def _concept(item: Any, known: dict[str, Concept], where: str) -> Concept:
    if isinstance(item, list):  # inline terms
        return _compile_concept("(" + ", ".join(map(str, item)) + ")", item, where)
    if not isinstance(item, str) or item not in known:
        raise AnswersError(f"{where}: unknown concept {item!r}")
    return known[item]


def _slot(item: Any, default: bool | None, known: dict[str, Concept], where: str) -> Slot:
    """'name' (affirmed, or as the phrasing's `negated` says), '!name' (denied), '?name' (either)."""
    if isinstance(item, str) and item[:1] in ("!", "?"):
        return Slot(_concept(item[1:], known, where), True if item[0] == "!" else None)
    return Slot(_concept(item, known, where), default)


def _phrasing(item: Any, known: dict[str, Concept], where: str) -> Phrasing:
    if isinstance(item, list):
        item = {"all": item}
    if not isinstance(item, dict) or not isinstance(item.get("all"), list) or not item["all"]:
        raise AnswersError(f"{where}: a phrasing is a list of concepts or {{all: [...], ...}}, got {item!r}")
    unknown = set(item) - {"all", "negated", "within", "unless", "near", "count"}
    if unknown:
        raise AnswersError(f"{where}: unknown keys {sorted(unknown)} in a phrasing")
    negated = item.get("negated", False)
    if negated not in (True, False, "any"):
        raise AnswersError(f"{where}: negated must be true, false or any")
    window = str(item.get("within", "sentence"))
    if window not in _WINDOWS:
        raise AnswersError(f"{where}: within must be one of {sorted(_WINDOWS)}")
    default = False if negated is False else None
    return Phrasing(tuple(_slot(s, default, known, where) for s in item["all"]), negated is True, _WINDOWS[window],
                    tuple(_concept(s, known, where) for s in item.get("unless", [])),
                    int(item.get("near", 0)), int(item.get("count", 1)))  # fmt: skip


def _idea(data: Any, known: dict[str, Concept], where: str) -> Idea:
    if not isinstance(data, dict):
        raise AnswersError(f"{where}: an idea is a mapping")
    unknown = set(data) - {"id", "points", "en", "fa", "any", "partial", "requires", "extra", "cancels"}
    if unknown:
        raise AnswersError(f"{where}: unknown keys {sorted(unknown)}")
    where = f"{where} {data.get('id')!r}"
    if not data.get("id") or not data.get("en") or not data.get("fa") or not data.get("any"):
        raise AnswersError(f"{where}: an idea needs id, en, fa and any")
    points = float(data.get("points", 0))
    partial = []
    for entry in data.get("partial", []):
        credit = float(entry["credit"])
        if not 0 < credit < 1:
            raise AnswersError(f"{where}: partial credit must be between 0 and 1, got {credit}")
        partial.append((credit, tuple(_phrasing(p, known, where) for p in entry["any"])))
    return Idea(str(data["id"]), points, Bilingual(str(data["en"]), str(data["fa"])),
                tuple(_phrasing(p, known, where) for p in data["any"]), tuple(partial),
                tuple(data.get("requires", [])), bool(data.get("extra", False)),
                tuple(data.get("cancels", [])))  # fmt: skip


@functools.cache
def load_rubric(question_id: str, name: str) -> Rubric:
    data = answers.load(question_id).get("rubrics", {}).get(name)
    return build_rubric(name, data, concepts(question_id), f"answers/{question_id}.yaml, rubric {name}")


def build_rubric(name: str, data: Any, known: dict[str, Concept], where: str) -> Rubric:
    """A rubric from its data (one entry of a question's `rubrics:`), checked; `known`: its concepts."""
    if not isinstance(data, dict):
        raise AnswersError(f"{where}: missing")
    ideas = tuple(_idea(d, known, where) for d in data.get("ideas", []))
    wrong = tuple(_idea(d, known, f"{where}, wrong") for d in data.get("wrong", []))
    points = float(data["points"])
    asked = sum(i.points for i in ideas if not i.extra)
    if asked < points - 1e-9:  # more is allowed: several routes to full marks, the total is capped
        raise AnswersError(f"{where}: the ideas the sheet asks for add up to {asked:g}, less than {points:g}")
    ids = [i.id for i in (*ideas, *wrong)]
    if len(ids) != len(set(ids)):
        raise AnswersError(f"{where}: idea ids must be unique")
    for idea in (*ideas, *wrong):
        unknown_ids = (set(idea.requires) | set(idea.cancels)) - {i.id for i in ideas}
        if unknown_ids:
            raise AnswersError(f"{where}: {idea.id} refers to unknown ideas {sorted(unknown_ids)}")
    return Rubric(name, points, ideas, wrong)

"""Access to the answer-key data in answers/ (installed as the package hw4_answers)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from grader.results import QUESTION_IDS, Bilingual


@dataclass(frozen=True)
class Points:
    points: float
    bonus: float


class AnswersError(Exception):
    """The answer-key data is missing or malformed: our mistake, never a student's."""


@functools.cache
def load(question_id: str) -> dict[str, Any]:
    if question_id not in QUESTION_IDS:
        raise AnswersError(f"unknown question {question_id!r}")
    resource = resources.files("hw4_answers") / f"{question_id}.yaml"
    try:
        data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AnswersError(f"answers/{question_id}.yaml: {error}") from error
    if not isinstance(data, dict) or data.get("question") != question_id:
        raise AnswersError(f"answers/{question_id}.yaml must be a mapping with question: {question_id}")
    return data


def question_points(question_id: str) -> Points:
    data = load(question_id)
    return Points(float(data["points"]), float(data.get("bonus", 0)))


def question_title(question_id: str) -> Bilingual:
    title = load(question_id)["title"]
    return Bilingual(str(title["en"]), str(title["fa"]))

"""Scoring free-text answers against bilingual keyword rubrics kept in answers/.

A rubric is a list of groups; a group earns its points when any of its
patterns occurs in the normalised answer. The result is a suggestion: a
written answer that is not empty and misses points is flagged for a TA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from grader.persian import normalize_text
from grader.results import Bilingual

_LETTERS_ONLY = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u200c": ""})


@dataclass(frozen=True)
class RubricGroup:
    points: float
    idea: Bilingual
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class RubricScore:
    fraction: Fraction
    matched: tuple[RubricGroup, ...]
    missed: tuple[RubricGroup, ...]

    def feedback(self) -> Bilingual:
        total = len(self.matched) + len(self.missed)
        if not self.missed:
            return Bilingual(f"All {total} key ideas are present.", f"هر {total} نکتهٔ کلیدی آمده است.")
        summary = Bilingual(f"{len(self.matched)} of {total} key ideas found.",
                            f"{len(self.matched)} نکتهٔ کلیدی از {total} نکته پیدا شد.")  # fmt: skip
        return summary + Bilingual(
            "Missing: " + "; ".join(g.idea.en for g in self.missed) + ".",
            "جا افتاده: " + "؛ ".join(g.idea.fa for g in self.missed) + ".",
        )


def load_rubric(data: list[dict[str, Any]]) -> tuple[RubricGroup, ...]:
    groups = []
    for group in data:
        patterns = tuple(re.compile(str(p).translate(_LETTERS_ONLY)) for p in group["any"])
        groups.append(RubricGroup(float(group["points"]), Bilingual(group["en"], group["fa"]), patterns))
    return tuple(groups)


def score_text(text: str, groups: tuple[RubricGroup, ...]) -> RubricScore:
    canon = normalize_text(text)
    matched = tuple(g for g in groups if any(p.search(canon) for p in g.patterns))
    missed = tuple(g for g in groups if g not in matched)
    total = sum(g.points for g in groups)
    earned = sum(g.points for g in matched)
    return RubricScore(Fraction(earned).limit_denominator(1000) / Fraction(total).limit_denominator(1000),
                       matched, missed)  # fmt: skip

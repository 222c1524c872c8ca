"""Scoring a written answer with a rubric: every awarded point is explained by the sentence that earned it.

An idea is found when one of its phrasings has all its concepts in one sentence
(or the phrasing's window), each affirmed: a concept whose only occurrences sit
in a negative clause does not count («اپسیلون برای جلوگیری از تقسیم بر صفر
نیست»). Phrasings marked `negated: true` need the negation («استفاده نشده»).
Lists of bare terms are set aside. Wrong claims cost their points, and the
total stays within 0 and the rubric's points. Deterministic: no model, no
randomness; the same text always gets the same marking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from grader.results import Bilingual
from grader.written.schema import Concept, Idea, Phrasing, Rubric
from grader.written.text import Sentence, quote, sentences


@dataclass(frozen=True)
class Evidence:
    idea: Idea
    credit: float  # share of the idea's points: 1, or a partial phrasing's share
    sentence: Sentence

    @property
    def points(self) -> float:
        return self.credit * self.idea.points


@dataclass(frozen=True)
class Marking:
    rubric: Rubric
    found: tuple[Evidence, ...]
    missed: tuple[Idea, ...]
    denied: tuple[Evidence, ...]  # ideas the answer states only to deny them
    wrong: tuple[Evidence, ...]
    lists: tuple[Sentence, ...]  # lists of bare terms, set aside
    points: float

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.points / self.rubric.points).limit_denominator(1000)

    def feedback(self) -> Bilingual:
        return _feedback(self)


@dataclass
class _Text:
    sentences: list[Sentence]
    cache: dict[tuple[int, str], list[tuple[int, int]]] = field(default_factory=dict)

    def spans(self, sentence: Sentence, concept: Concept) -> list[tuple[int, int]]:
        key = (sentence.index, concept.pattern.pattern)
        if key not in self.cache:
            self.cache[key] = [m.span() for m in concept.pattern.finditer(sentence.canon) if m.end() > m.start()]
        return self.cache[key]


def _close_together(phrasing: Phrasing, text: _Text, sentence: Sentence) -> bool:
    """Whether one occurrence of every concept lies within `near` words of the others («CNN برای تصویر»)."""
    words = sentence.word_numbers
    positions = [[words[a] for a, _ in text.spans(sentence, slot.concept)] for slot in phrasing.slots]
    if not all(positions):
        return False
    return any(all(any(abs(p - anchor) <= phrasing.near for p in ps) for ps in positions) for anchor in positions[0])


def _windows(phrasing: Phrasing, text: _Text) -> list[list[Sentence]]:
    usable = [s for s in text.sentences if not s.is_term_list]
    if phrasing.window == 0:
        return [usable] if usable else []
    return [usable[i : i + phrasing.window] for i in range(len(usable))]


def _match(phrasing: Phrasing, text: _Text, strict: bool = True) -> Sentence | None:
    """The sentence that shows the phrasing, or None.

    With strict=False the clauses' polarity is ignored: used to tell an idea that is stated
    only to be denied from one that is absent.
    """
    shown_in: list[Sentence] = []
    anchors: set[tuple[int, tuple[int, int]]] = set()
    for window in _windows(phrasing, text):
        owned = {s.index: tuple(span for t in phrasing.slots for span in text.spans(s, t.concept)) for s in window}
        shown = True
        any_denied = False
        fixed: list[tuple[int, tuple[int, int]]] = []  # an earlier concept's only occurrence: not another's words
        for slot in phrasing.slots:
            hits = [(s, span) for s in window for span in text.spans(s, slot.concept)
                    if not any(i == s.index and span[0] < e and b < span[1] for i, (b, e) in fixed)]  # fmt: skip
            if len(hits) == 1:
                fixed.append((hits[0][0].index, hits[0][1]))
            denied = [s.negated(s.clause_of(span[0]), owned[s.index]) for s, span in hits]
            any_denied = any_denied or any(denied)
            wanted = None if not strict else slot.polarity
            if not hits or (wanted is not None and wanted not in denied):
                shown = False
                break
        if not shown or (strict and phrasing.needs_negation and not any_denied):
            continue
        if any(text.spans(s, c) for s in window for c in phrasing.unless):
            continue
        if phrasing.near and not any(_close_together(phrasing, text, s) for s in window):
            continue
        best = max(window, key=lambda s: sum(bool(text.spans(s, t.concept)) for t in phrasing.slots))
        if phrasing.count == 1:
            return best
        # «حلقهٔ ۹ و خط عمودی ۱»: every occurrence of the first concept is one instance
        anchors.update((s.index, span) for s in window for span in text.spans(s, phrasing.slots[0].concept))
        shown_in.append(best)
        if len(anchors) >= phrasing.count:
            return shown_in[0]
    return None


def _find(idea: Idea, text: _Text) -> tuple[Evidence | None, Evidence | None]:
    """(evidence for the idea, full or partial; evidence that it is stated only to be denied)."""
    for phrasing in idea.phrasings:
        sentence = _match(phrasing, text)
        if sentence is not None:
            return Evidence(idea, 1.0, sentence), None
    best: Evidence | None = None
    for credit, phrasings in idea.partial:
        for phrasing in phrasings:
            sentence = _match(phrasing, text)
            if sentence is not None and (best is None or credit > best.credit):
                best = Evidence(idea, credit, sentence)
    if best is not None:
        return best, None
    for phrasing in idea.phrasings:  # one word in a negative clause is no denial: two concepts together are
        if len(phrasing.slots) > 1 and all(s.polarity is False for s in phrasing.slots) and not phrasing.needs_negation:
            sentence = _match(phrasing, text, strict=False)
            if sentence is not None:
                return None, Evidence(idea, 0.0, sentence)
    return None, None


def mark(text: str, rubric: Rubric) -> Marking:
    analysed = _Text(sentences(text))
    found: dict[str, Evidence] = {}
    denied: list[Evidence] = []
    for idea in rubric.ideas:
        evidence, denial = _find(idea, analysed)
        if evidence is not None:
            found[idea.id] = evidence
        elif denial is not None:
            denied.append(denial)
    wrong = [e for e in (_find(w, analysed)[0] for w in rubric.wrong) if e is not None]
    wrong = [e for e in wrong if all(r in found for r in e.idea.requires)]  # a claim about the student's own choice
    for evidence in wrong:  # a contradicted idea is not credited («مشکل از پنجره نیست»)
        for idea_id in evidence.idea.cancels:
            if idea_id in found:
                denied.append(Evidence(found.pop(idea_id).idea, 0.0, evidence.sentence))
    changed = True
    while changed:  # an idea that requires another one counts only with it
        changed = False
        for idea_id, evidence in list(found.items()):
            if any(r not in found for r in evidence.idea.requires):
                del found[idea_id]
                changed = True
    earned = sum(e.points for e in found.values()) - sum(e.points for e in wrong)
    points = min(max(earned, 0.0), rubric.points)
    missed = tuple(i for i in rubric.ideas if i.id not in found and not i.extra)
    lists = tuple(s for s in analysed.sentences if s.is_term_list)
    return Marking(rubric, tuple(found.values()), missed, tuple(denied), tuple(wrong), lists, round(points, 4))


def _feedback(marking: Marking) -> Bilingual:
    parts_en = [f"{marking.points:g} of {marking.rubric.points:g} points."]
    parts_fa = [f"{marking.points:g} از {marking.rubric.points:g} نمره."]
    for evidence in marking.found:
        share_en = "" if evidence.credit == 1 else f" (partly: {evidence.points:g} of {evidence.idea.points:g})"
        share_fa = "" if evidence.credit == 1 else f" (تا حدی: {evidence.points:g} از {evidence.idea.points:g})"
        parts_en.append(f"Found{share_en}: {evidence.idea.text.en} — «{quote(evidence.sentence)}».")
        parts_fa.append(f"آمده است{share_fa}: {evidence.idea.text.fa} — «{quote(evidence.sentence)}».")
    for evidence in marking.denied:
        parts_en.append(f"Not credited, the answer denies it: {evidence.idea.text.en} — «{quote(evidence.sentence)}».")
        parts_fa.append(
            f"امتیاز ندارد، چون پاسخ آن را رد می‌کند: {evidence.idea.text.fa} — «{quote(evidence.sentence)}»."
        )
    for evidence in marking.wrong:
        cost_en = f" (−{evidence.points:g})" if evidence.points else ""
        cost_fa = f" (−{evidence.points:g})" if evidence.points else ""
        parts_en.append(f"Wrong{cost_en}: {evidence.idea.text.en} — «{quote(evidence.sentence)}».")
        parts_fa.append(f"نادرست{cost_fa}: {evidence.idea.text.fa} — «{quote(evidence.sentence)}».")
    denied = {e.idea.id for e in marking.denied}
    missing = [i for i in marking.missed if i.id not in denied]
    if missing:
        parts_en.append("Missing: " + "; ".join(i.text.en for i in missing) + ".")
        parts_fa.append("جا افتاده: " + "؛ ".join(i.text.fa for i in missing) + ".")
    for sentence in marking.lists:
        parts_en.append(f"A list of terms is not an explanation and earns nothing: «{quote(sentence)}».")
        parts_fa.append(f"فهرستی از اصطلاحات توضیح به حساب نمی‌آید و نمره‌ای ندارد: «{quote(sentence)}».")
    return Bilingual("\n".join(parts_en), "\n".join(parts_fa))

"""Re-grading the checks that read only the answers, in this process, without the student's code.

When a TA corrects an answer read from a report (grader/corrections.py), the
checks that read it are run again right away if they need nothing but the
answers: no sandbox is started and no student code runs. NO_CODE_CHECKS is the
explicit list of such checks; tests/test_regrade.py proves, check by check,
that each one listed runs with a context whose sandbox, definitions and shared
results all refuse to be touched, and that every check left out does touch
them. A check that needs the student's code (its model, its function, its
source) is named in `needs_code`, to be re-run with `grader check`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.context import QuestionContext
from grader.corrections import Correction
from grader.engine import run_check
from grader.registry import CheckSpec, collect
from grader.results import CheckResult
from grader.student_answers import read_answers

NO_CODE_CHECKS: frozenset[str] = frozenset({
    # Q1's written parts and its reported accuracy (q01.c_tuner reads the student's source: not here).
    "q01.a_keras_tuner", "q01.a_tuners", "q01.a_tuner_reason", "q01.b_mnist", "q01.b_dropout_pooling",
    "q01.c_filter_size", "q01.c_reported_accuracy", "q01.c_results_analysis", "q01.c_overfitting",
    # Q2's table and analysis (q02.table_parameters builds the student's define_model: not here).
    "q02.table_complete", "q02.table_sensible", "q02.better_model", "q02.analysis",
    # Q3's diagnosis (q03.fix may run the student's pipeline: not here), Q4 and Q5 whole.
    "q03.diagnosis",
    "q04.definitions_and_uses", "q04.parameters_and_parallelism",
    "q05.layer_table", "q05.padding_relation",
    # Q6's written parts (b runs the student's forward_batchnorm).
    "q06.a_statements", "q06.c_epsilon", "q06.d_batch_size_one", "q06.e_trainable_params",
    # Q7's reported accuracy and analysis (q07.target_layer compares with the student's own model).
    "q07.test_accuracy", "q07.analysis",
})  # fmt: skip


@dataclass
class Regraded:
    results: dict[str, CheckResult] = field(default_factory=dict)  # check id -> its new result
    needs_code: list[str] = field(default_factory=list)  # asked for, but they run the student's code
    internal: list[str] = field(default_factory=list)  # our own errors, as grade() reports them


def specs(check_ids: Iterable[str]) -> list[CheckSpec]:
    """The registered checks with these ids, in the order the engine runs them; an unknown id is a KeyError."""
    wanted = set(check_ids)
    found = [spec for question in collect().values() for spec in question if spec.check_id in wanted]
    missing = wanted - {spec.check_id for spec in found}
    if missing:
        raise KeyError(f"no such checks: {', '.join(sorted(missing))}")
    return found


def regrade(root: Path, check_ids: Iterable[str], corrections: dict[str, Correction]) -> Regraded:
    """Run the asked checks that need no student code on the submission in `root`, with the corrections.

    The answers are read as `grade()` reads them (sheet, then reports, then corrections); each
    question's checks share one context, as in a full run."""
    outcome = Regraded()
    chosen = specs(check_ids)
    outcome.needs_code = [s.check_id for s in chosen if s.check_id not in NO_CODE_CHECKS]
    runnable = [s for s in chosen if s.check_id in NO_CODE_CHECKS]
    if not runnable:
        return outcome
    sheet, _ = read_answers(root, corrections)
    contexts: dict[str, QuestionContext] = {}
    for spec in runnable:
        ctx = contexts.setdefault(spec.question_id, QuestionContext(spec.question_id, sheet, None, ()))
        outcome.results[spec.check_id] = run_check(spec, ctx, outcome.internal)
    return outcome

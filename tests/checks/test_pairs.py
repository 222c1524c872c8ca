"""The same student's work handed in as a real notebook and written to the template contract earns the same.

tests/fixtures/pairs/<name>/notebook is how the work was really handed in (a model built at top level and
trained in cells, keras.io's function called as keras.io calls it, a HyperModel whose constructor takes
arguments, a second module imported by name); .../contract is the same architecture, Grad-CAM and search
space written as create_model(), generate_gradcam(...) and build_model(hp). Every check of the code must
score the two alike. (The written checks differ on purpose: the notebooks carry answers in markdown.)
"""

from __future__ import annotations

import pytest

from tests.helpers import FIXTURES, grade_folder

pytestmark = [pytest.mark.tf, pytest.mark.slow]

CODE_CHECKS = {
    "q07": ("q07.model_layers", "q07.model_parameters", "q07.model_compile", "q07.gradcam_functional",
            "q07.gradcam_sequential", "q07.gradcam_output", "q07.gradcam_constant"),
    "q01": ("q01.c_search_space", "q01.c_learning_rate", "q01.c_builds_everywhere", "q01.c_output_and_loss",
            "q01.c_smoke_training", "q01.c_tuner"),
}  # fmt: skip
PAIRS = {"q7_kerasio": "q07", "q7_tfkerasvis": "q07", "q7_batched_tape": "q07", "q7_per_image": "q07",
         "q1_tuner": "q01", "two_modules": "q01"}  # fmt: skip


def _scores(folder: str, question: str) -> dict[str, float]:
    report = grade_folder(FIXTURES / "pairs" / folder, only=(question,))
    return {c.check_id: c.score for c in report.question(question).checks if c.check_id in CODE_CHECKS[question]}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_a_notebook_and_its_contract_version_score_alike(name: str) -> None:
    question = PAIRS[name]
    notebook, contract = _scores(f"{name}/notebook", question), _scores(f"{name}/contract", question)
    assert notebook == contract
    # ...and both really graded (the model and the Grad-CAM, or the builder), not both left unanswered.
    assert sum(notebook.values()) >= {"q07": 12, "q01": 4}[question]

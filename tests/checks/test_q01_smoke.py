"""Q1 smoke training judged against the baseline CNN, and "no conv layer: not a CNN" (tests/fixtures/q01_builders).

The fixtures are real styles: three correct builders that learn slowly in a
three-epoch smoke training (BatchNorm + Dropout, the smallest learning rate as
the default, a narrow first layer), one that cannot learn (SGD at 1e-8..1e-6),
and two spaces that are not (or not everywhere) a CNN.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from grader.checks._q01_smoke import BASELINE_FLOOR, BASELINE_SPEC, FULL_WITHIN, judge, learned
from grader.results import GradeReport
from tests.helpers import FIXTURES, grade_folder


@pytest.mark.parametrize(
    ("accuracy", "baseline", "expected"),
    [
        (0.96, 0.959, Fraction(1)),  # as good as the baseline
        (0.80, 0.959, Fraction(1)),  # within 20 points
        (0.75, 0.959, Fraction(1, 2)),  # learns, slowly: above the midpoint (0.5295) between chance and baseline
        (0.53, 0.959, Fraction(1, 2)),
        (0.52, 0.959, Fraction(0)),  # barely above chance
        (0.10, 0.959, Fraction(0)),
        (0.72, None, Fraction(1)),  # no baseline: the floor (0.90) is the line
        (0.72, 0.30, Fraction(1)),  # a disturbed baseline never lowers the bar below the floor
        (0.69, 0.30, Fraction(1, 2)),
    ],
)
def test_the_rule(accuracy: float, baseline: float | None, expected: Fraction) -> None:
    judgement = judge(accuracy, baseline)
    assert judgement.fraction == expected
    assert judgement.line == max(baseline or 0, BASELINE_FLOOR)
    assert FULL_WITHIN == 0.20


def test_batch_statistics_count_only_when_better() -> None:
    assert learned({"accuracy": 0.52, "batch_statistics_accuracy": 0.92}) == 0.92
    assert learned({"accuracy": 0.95, "batch_statistics_accuracy": 0.90}) == 0.95
    assert learned({"accuracy": 0.95, "batch_statistics_accuracy": None}) == 0.95


@pytest.mark.tf
def test_baseline_is_the_reference_builder_at_its_defaults() -> None:
    keras_tuner = pytest.importorskip("keras_tuner")
    from reference.q01_keras_tuner import build_model

    model = build_model(keras_tuner.HyperParameters())
    made = [[type(layer).__name__, layer.get_config()] for layer in model.layers]
    assert [kind for kind, _ in made] == [kind for kind, _ in BASELINE_SPEC]
    for (_, config), (_, settings) in zip(made, BASELINE_SPEC, strict=True):
        for key, value in settings.items():
            got = config[key]
            assert (list(got) if isinstance(got, tuple) else got) in (value, [value, value]), (key, got, value)
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)


@pytest.mark.tf
def test_median_corner_is_the_middle_of_each_range() -> None:
    keras_tuner = pytest.importorskip("keras_tuner")
    from grader.sandbox.probe_keras import _corner_value

    hp = keras_tuner.HyperParameters()
    hp.Int("layers", 1, 5)
    hp.Int("filters", 32, 96, step=32)
    hp.Int("blocks", 1, 2)
    hp.Float("dropout", 0.0, 0.5, step=0.1)
    hp.Float("lr", 1e-5, 1e-3, sampling="log")
    hp.Choice("rate", [1e-5, 1e-4, 1e-3])
    hp.Choice("units", [128, 64])
    hp.Choice("activation", ["relu", "tanh", "elu"])
    middle = {p.name: _corner_value(p, "median") for p in hp.space}
    assert middle["layers"] == 3 and middle["filters"] == 64 and middle["blocks"] == 2
    assert middle["dropout"] == pytest.approx(0.3) and middle["lr"] == pytest.approx(1e-4)
    assert middle["rate"] == 1e-4 and middle["units"] == 128 and middle["activation"] == "tanh"


# fixture -> (smoke training fraction, search-space fraction, phrases in the smoke or search-space feedback)
FIXTURE_SCORES = {
    "batchnorm_dropout": (1, 1, ["With batch statistics (model(x, training=True))", "full credit"]),
    "small_default_learning_rate": (1, 1, ["the middle of your search space", "that one counts"]),
    "narrow_first_layer": (1, 1, ["88.", "full credit"]),
    "tiny_learning_rate": (0, 1, ["does not really learn", "learning rate is not tiny"]),
    "dense_only": (1, 0, ["No conv layer anywhere in your space: not a CNN"]),
    # np.mean patched to 1.0 in the child: the score is computed by the grader, from the predicted classes
    "patches_its_score": (0, 1, ["does not really learn"]),
    "optional_conv": (1, 0.75, ["the default and smallest models of your space have no conv layer: not a CNN there"]),
}


@pytest.mark.tf
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIXTURE_SCORES))
def test_fixture_scores(name: str) -> None:
    smoke_fraction, space_fraction, phrases = FIXTURE_SCORES[name]
    report: GradeReport = grade_folder(FIXTURES / "q01_builders" / name, only=("q01",))
    checks = {c.check_id: c for c in report.question("q01").checks}
    smoke, space = checks["q01.c_smoke_training"], checks["q01.c_search_space"]
    assert smoke.score == pytest.approx(smoke_fraction * smoke.max_score)
    assert space.score == pytest.approx(space_fraction * space.max_score)
    text = smoke.feedback.en + " " + space.feedback.en
    assert all(phrase in text for phrase in phrases), text
    assert "plain CNN" in smoke.feedback.en and "CNN سادهٔ تصحیح‌گر" in smoke.feedback.fa
    assert "OVER the limit 5" not in space.feedback.en  # no conv layer is not 'over' a limit
    for check in (smoke, space):
        assert check.feedback.fa.strip() and check.feedback.fa != check.feedback.en

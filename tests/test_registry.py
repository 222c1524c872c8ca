import pytest

from grader import registry
from grader.answers import Points
from grader.registry import RegistryError, check, collect
from grader.results import QUESTION_IDS


def test_collected_checks_match_the_points_in_answers() -> None:
    checks = collect()
    assert {"q05", "q06"} <= set(checks)
    assert set(checks) <= set(QUESTION_IDS)
    assert sum(s.points for s in checks["q05"]) == 10


def test_marker_returns_the_function_unchanged() -> None:
    def f(ctx):  # type: ignore[no-untyped-def]
        return None

    assert check("q05.x", points=1, en="x", fa="ایکس")(f) is f


def test_points_mismatch_is_our_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "question_points", lambda qid: Points(99.0, 0.0))
    with pytest.raises(RegistryError, match="99"):
        collect()

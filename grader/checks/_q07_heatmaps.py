"""Comparing Grad-CAM heatmaps: resizing, normalising and the agreement metric (numpy only).

The metric is the Pearson correlation of each student heatmap with the
reference one, both brought to 28x28. Why correlation and not an absolute
tolerance: correct implementations differ in ways the question leaves open -
upsampling (bilinear in tf.image.resize, spline order 1 in tf-keras-vis' zoom,
nearest in a hand-written np.kron), and min-max versus divide-by-max scaling -
which change values by up to ~0.1 but not where the map is bright. The
mistakes the check exists for (the wrong layer, the softmax score, a missing
ReLU, the wrong class) change the pattern itself. Measured on the committed
probe set (tests/checks/test_q07_heatmaps.py): tf-keras-vis' own output has a
median correlation of 0.95 (lowest image 0.91) with the reference, nearest
upsampling 0.91 (0.89); the softmax score 0.46, the first conv layer 0.11, the
wrong class below 0. Full credit from a median of 0.85, half from 0.6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZE = (28, 28)
AGREE = 0.85  # median correlation for full credit
RELATED = 0.6  # median correlation for half credit
FLAT = 1e-6  # a map whose range is below this is constant


def resize_bilinear(maps: np.ndarray, size: tuple[int, int] = SIZE) -> np.ndarray:
    """Bilinear resize of (n, h, w) maps with half-pixel centres, as tf.image.resize does."""
    maps = np.asarray(maps, dtype=np.float64)
    _, height, width = maps.shape
    if (height, width) == size:
        return maps.copy()

    def axis(out: int, source: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        position = (np.arange(out) + 0.5) * source / out - 0.5
        position = np.clip(position, 0, source - 1)
        low = np.floor(position).astype(int)
        high = np.minimum(low + 1, source - 1)
        return low, high, position - low

    top, bottom, dy = axis(size[0], height)
    left, right, dx = axis(size[1], width)
    rows = maps[:, top, :] * (1 - dy)[None, :, None] + maps[:, bottom, :] * dy[None, :, None]
    resized: np.ndarray = rows[:, :, left] * (1 - dx)[None, None, :] + rows[:, :, right] * dx[None, None, :]
    return resized


def normalise(maps: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1] per map; a constant map becomes zeros (the reference's documented choice)."""
    maps = np.asarray(maps, dtype=np.float64)
    low = maps.min(axis=(1, 2), keepdims=True)
    span = maps.max(axis=(1, 2), keepdims=True) - low
    varies = span > FLAT * np.abs(maps).max(axis=(1, 2), keepdims=True)  # relative: a CAM can be ~1e-8 overall
    return np.where(varies, (maps - low) / np.where(varies, span, 1.0), 0.0)


def reference_maps(raw: np.ndarray) -> np.ndarray:
    """A raw reference CAM at its layer's resolution, as the student is asked to return it."""
    return normalise(resize_bilinear(raw))


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two maps; two constant maps agree (1), one constant map does not (0)."""
    a, b = a.ravel() - a.mean(), b.ravel() - b.mean()
    flat_a, flat_b = (bool(np.ptp(m) <= FLAT * max(float(np.abs(m).max()), 1e-300)) for m in (a, b))
    if flat_a or flat_b:
        return 1.0 if flat_a and flat_b else 0.0
    return float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))


@dataclass(frozen=True)
class Agreement:
    per_image: tuple[float, ...]

    @property
    def median(self) -> float:
        return float(np.median(self.per_image))


def agreement(student: np.ndarray, reference: np.ndarray) -> Agreement:
    """Per-image correlation of (n, 28, 28) student maps (any size; resized here) with reference maps."""
    student = resize_bilinear(student) if student.shape[1:] != SIZE else np.asarray(student, dtype=np.float64)
    return Agreement(tuple(round(correlation(s, r), 4) for s, r in zip(student, reference, strict=True)))

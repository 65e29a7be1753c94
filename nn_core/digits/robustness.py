"""How robust: test digits damaged on purpose (noise, rotation, shift, stroke thickness).

Each change is a plain NumPy function of a batch of (n, 28, 28) digits in [0, 1], exact
at its zero (no change at all), so that a curve of accuracy against the amount of
change starts at the model's own test accuracy:

- ``add_noise``: Gaussian noise of a given standard deviation, clipped to [0, 1] (seeded);
- ``rotate``: anticlockwise about the picture's centre, bilinear, black outside;
- ``shift``: whole pixels right (or left) and down (or up), black coming in;
- ``thicken``: grey-level dilation (positive steps) or erosion (negative steps) with a
  plus-shaped neighbourhood, one pixel of stroke per step.

``robustness_curve`` measures accuracy at every level of one change, batched through the
model's compiled call; ``cached_curve`` keeps each curve per trained model.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nn_core.digits.inference import predict_batch

if TYPE_CHECKING:
    import keras

NOISE_SEED = 7
"""The noise is the same at every call, so a curve and the pictures beside it agree."""


def add_noise(images: np.ndarray, amount: float, seed: int = NOISE_SEED) -> np.ndarray:
    """Each pixel plus Gaussian noise of standard deviation ``amount``, clipped to [0, 1]."""
    images = np.asarray(images, dtype=np.float32)
    if amount <= 0:
        return images.copy()
    noise = np.random.default_rng(seed).standard_normal(images.shape).astype(np.float32)
    return np.clip(images + amount * noise, 0.0, 1.0)


def rotate(images: np.ndarray, degrees: float) -> np.ndarray:
    """Digits turned ``degrees`` anticlockwise about the picture's centre (bilinear, black outside).

    Each output pixel reads the input at the point the rotation brought there (the
    inverse rotation of its own place), between the four pixels around that point.
    """
    images = np.asarray(images, dtype=np.float32)
    n, height, width = images.shape
    centre_row, centre_col = (height - 1) / 2, (width - 1) / 2
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)  # (h, w) each
    x, y = cols - centre_col, centre_row - rows  # y points up, as angles are measured
    source_col = centre_col + (x * cos + y * sin)
    source_row = centre_row - (-x * sin + y * cos)
    top, left = np.floor(source_row).astype(int), np.floor(source_col).astype(int)
    down, right = (source_row - top).astype(np.float32), (source_col - left).astype(np.float32)
    # A border of zeros, one pixel wide, stands for everything outside the picture.
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))  # (n, h + 2, w + 2)

    def pixel(row: np.ndarray, col: np.ndarray) -> np.ndarray:
        return padded[:, np.clip(row + 1, 0, height + 1), np.clip(col + 1, 0, width + 1)]  # (n, h, w)

    result = ((1 - down) * (1 - right) * pixel(top, left) + (1 - down) * right * pixel(top, left + 1)
              + down * (1 - right) * pixel(top + 1, left) + down * right * pixel(top + 1, left + 1))
    return result.astype(np.float32)


def shift(images: np.ndarray, right: int, down: int = 0) -> np.ndarray:
    """Digits moved by whole pixels (negative: left or up); black fills what comes in."""
    images = np.asarray(images, dtype=np.float32)
    _, height, width = images.shape
    result = np.zeros_like(images)
    right, down = int(right), int(down)
    if abs(right) >= width or abs(down) >= height:
        return result
    source_rows = slice(max(0, -down), height - max(0, down))
    source_cols = slice(max(0, -right), width - max(0, right))
    target_rows = slice(max(0, down), height - max(0, -down))
    target_cols = slice(max(0, right), width - max(0, -right))
    result[:, target_rows, target_cols] = images[:, source_rows, source_cols]
    return result


def thicken(images: np.ndarray, steps: int) -> np.ndarray:
    """Strokes made thicker (``steps`` > 0, dilation) or thinner (``steps`` < 0, erosion).

    Each step replaces every pixel by the largest (dilation) or smallest (erosion) value
    of itself and its four neighbours; outside the picture counts as black.
    """
    result = np.asarray(images, dtype=np.float32).copy()
    combine = np.maximum if steps > 0 else np.minimum
    for _ in range(abs(int(steps))):
        padded = np.pad(result, ((0, 0), (1, 1), (1, 1)))  # (n, h + 2, w + 2), black around
        neighbours = (padded[:, :-2, 1:-1], padded[:, 2:, 1:-1], padded[:, 1:-1, :-2], padded[:, 1:-1, 2:])
        for neighbour in neighbours:
            result = combine(result, neighbour)
    return result


@dataclass(frozen=True)
class Damage:
    """How much of each change to apply (all zero: none)."""

    noise: float = 0.0  # standard deviation of the added noise
    rotation: float = 0.0  # degrees, anticlockwise
    shift: int = 0  # pixels to the right (negative: left)
    thickness: int = 0  # pixel steps of dilation (negative: erosion)

    def apply(self, images: np.ndarray) -> np.ndarray:
        """(n, 28, 28) digits -> the same digits damaged: thickness, then rotation, shift and noise."""
        result = np.asarray(images, dtype=np.float32)
        if self.thickness:
            result = thicken(result, self.thickness)
        if self.rotation:
            result = rotate(result, self.rotation)
        if self.shift:
            result = shift(result, self.shift)
        if self.noise:
            result = add_noise(result, self.noise)
        return result

    @property
    def none(self) -> bool:
        """Whether nothing is changed."""
        return self == Damage()


@dataclass(frozen=True)
class Change:
    """One kind of damage: its name, the levels its curve is measured at, and its slider's range."""

    name: str
    label: str  # for the slider and the curve's axis
    levels: tuple[float, ...]  # where the curve is measured
    low: float  # the slider's range
    high: float
    step: float
    strip: tuple[float, ...] = ()  # a few levels to show one digit at, side by side

    def damage(self, level: float) -> Damage:
        """This change alone, at ``level``."""
        value = int(round(level)) if self.name in ("shift", "thickness") else float(level)
        return Damage(**{self.name: value})


CHANGES = {
    "noise": Change("noise", "Noise (standard deviation)", tuple(np.round(np.arange(0, 0.81, 0.1), 2)), 0.0, 1.0,
                    0.05, (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8)),
    "rotation": Change("rotation", "Rotation (degrees, anticlockwise)", tuple(range(-90, 91, 15)), -180, 180, 5,
                       (-90, -60, -30, 0, 30, 60, 90)),
    "shift": Change("shift", "Shift (pixels to the right)", tuple(range(-10, 11, 2)), -14, 14, 1,
                    (-9, -6, -3, 0, 3, 6, 9)),
    "thickness": Change("thickness", "Stroke thickness (pixels; negative: thinner)", tuple(range(-2, 4)), -2, 3, 1,
                        (-2, -1, 0, 1, 2, 3)),
}
"""The four changes, by name."""


@dataclass(frozen=True)
class Curve:
    """Accuracy against the amount of one change.

    Attributes:
        change: the change's name.
        levels: (k,) amounts.
        accuracy: (k,) share of the digits read right at each.
    """

    change: str
    levels: np.ndarray
    accuracy: np.ndarray


def accuracy(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> float:
    """Share of ``images`` the model reads as ``labels``."""
    if not len(images):
        return float("nan")
    return float(np.mean(np.argmax(predict_batch(model, images), axis=1) == np.asarray(labels)))


def robustness_curve(model: keras.Model, images: np.ndarray, labels: np.ndarray, change: str) -> Curve:
    """Accuracy on ``images`` at each of a change's levels.

    Args:
        model: a trained digit model.
        images: (n, 28, 28) float32 test digits in [0, 1].
        labels: (n,) their labels.
        change: a key of ``CHANGES``.

    Returns:
        The curve, one accuracy per level.
    """
    kind = CHANGES[change]
    values = [accuracy(model, kind.damage(level).apply(images), labels) for level in kind.levels]
    return Curve(change, np.asarray(kind.levels, dtype=float), np.asarray(values, dtype=float))


_CURVES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CURVES_LOCK = threading.Lock()


def cached_curve(model: keras.Model, images: np.ndarray, labels: np.ndarray, change: str) -> Curve:
    """``robustness_curve`` once per finished model, digits and change (the cache holds arrays, not the model)."""
    key = (change, len(images), int(np.asarray(labels[:64], dtype=np.int64).sum()))
    with _CURVES_LOCK:
        cached = _CURVES.get(model, {}).get(key)
    if cached is None:
        cached = robustness_curve(model, images, labels, change)
        with _CURVES_LOCK:
            _CURVES.setdefault(model, {})[key] = cached
    return cached


def known_curves(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> dict[str, Curve]:
    """The curves already measured for this model and digits, by change (none is measured here)."""
    data = (len(images), int(np.asarray(labels[:64], dtype=np.int64).sum()))
    with _CURVES_LOCK:
        entries = dict(_CURVES.get(model, {}))
    return {key[0]: curve for key, curve in entries.items() if key[1:] == data}

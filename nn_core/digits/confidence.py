""""I don't know": a model that answers only when it is sure enough.

A confidence threshold turns a classifier into one that may abstain: it gives its most
likely digit only when that digit's probability reaches the threshold, and says "I don't
know" otherwise. Raising the threshold answers fewer digits, usually more accurately:
``threshold_curve`` measures both on the test digits from probabilities already computed
(``nn_core.digits.analysis.cached_evaluation``), so it costs no model call at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

THRESHOLDS = np.round(np.linspace(0.0, 1.0, 101), 2)
"""Where the curve is measured: every percent."""


@dataclass(frozen=True)
class ThresholdCurve:
    """What a threshold does to a model's answers.

    Attributes:
        thresholds: (k,) confidence thresholds.
        answered: (k,) share of the digits whose top probability reaches each threshold.
        accuracy: (k,) share of those answered digits read right (NaN where none is answered).
    """

    thresholds: np.ndarray
    answered: np.ndarray
    accuracy: np.ndarray


@dataclass(frozen=True)
class AtThreshold:
    """The model's answers at one threshold.

    Attributes:
        threshold: the confidence needed to answer.
        answered: how many digits are answered.
        right: how many of those are right.
        total: how many digits there are.
    """

    threshold: float
    answered: int
    right: int
    total: int

    @property
    def answered_share(self) -> float:
        """Share of all digits answered."""
        return self.answered / self.total if self.total else float("nan")

    @property
    def accuracy(self) -> float:
        """Share of the answered digits read right (NaN when none is answered)."""
        return self.right / self.answered if self.answered else float("nan")


def _confidence_and_correct(probabilities: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    if probabilities.ndim != 2 or len(probabilities) != len(labels):
        raise ValueError(f"expected (n, classes) probabilities for n labels, got {probabilities.shape} "
                         f"for {labels.shape}")
    return probabilities.max(axis=1), np.argmax(probabilities, axis=1) == labels  # (n,), (n,)


def at_threshold(probabilities: np.ndarray, labels: np.ndarray, threshold: float) -> AtThreshold:
    """How many digits a threshold answers, and how many of those right.

    Args:
        probabilities: (n, 10) the model's probabilities.
        labels: (n,) the truth.
        threshold: a digit is answered when its top probability is at least this.

    Returns:
        The counts.
    """
    confidence, correct = _confidence_and_correct(probabilities, labels)
    answered = confidence >= threshold
    return AtThreshold(float(threshold), int(answered.sum()), int((answered & correct).sum()), len(labels))


def threshold_curve(probabilities: np.ndarray, labels: np.ndarray,
                    thresholds: np.ndarray = THRESHOLDS) -> ThresholdCurve:
    """Share answered and accuracy of the answered, at every threshold.

    Args:
        probabilities: (n, 10) the model's probabilities.
        labels: (n,) the truth.
        thresholds: (k,) where to measure.

    Returns:
        The curve.
    """
    confidence, correct = _confidence_and_correct(probabilities, labels)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    answered = confidence[None, :] >= thresholds[:, None]  # (k, n)
    counts = answered.sum(axis=1)
    right = (answered & correct[None, :]).sum(axis=1)
    total = max(len(confidence), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.where(counts > 0, right / np.maximum(counts, 1), np.nan)
    return ThresholdCurve(thresholds, counts / total, accuracy)


def verdict(probabilities: np.ndarray, threshold: float) -> int | None:
    """One digit's answer at a threshold: the most likely digit, or None ("I don't know")."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    best = int(np.argmax(probabilities))
    return best if probabilities[best] >= threshold else None

"""Looking inside a trained digit model: what it gets wrong, and what its hidden layers do.

Every function takes a trained model (perceptron, MLP or CNN) or its predictions and
returns plain NumPy data; ``nn_core.digits.figures`` draws them. Predictions come from direct
model calls (``nn_core.digits.inference.predict_batch``), never ``model.predict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nn_core.digits import NUM_CLASSES
from nn_core.digits.inference import model_input, predict_batch
from nn_core.per_model import remember



def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Counts of (true label, predicted label) pairs.

    Args:
        y_true: (n,) integer labels.
        y_pred: (n,) integer predictions.
        num_classes: labels run from 0 to ``num_classes - 1``.

    Returns:
        (num_classes, num_classes) int64: row = true label, column = prediction, so the
        diagonal holds the digits read right.
    """
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {y_true.shape} and {y_pred.shape}")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
            raise ValueError(f"{name} holds labels outside 0..{num_classes - 1}")
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def per_class_accuracy(matrix: np.ndarray) -> np.ndarray:
    """Share of each true label read right, from a confusion matrix.

    Args:
        matrix: (k, k) counts, row = true label.

    Returns:
        (k,) float64: diagonal / row total; NaN for a label with no examples.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    totals = matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(matrix) / np.where(totals > 0, totals, 1.0), np.nan)


@dataclass(frozen=True)
class Mistake:
    """One test digit the model got wrong.

    Attributes:
        index: its position in the test set.
        image: (28, 28) float32 pixels in [0, 1].
        true_label: what it is.
        predicted: what the model said.
        top3: the three most likely (digit, probability) pairs, most likely first.
    """

    index: int
    image: np.ndarray
    true_label: int
    predicted: int
    top3: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class Evaluation:
    """A model's answers on a set of digits.

    Attributes:
        probabilities: (n, 10) per digit.
        predictions: (n,) the most likely digit.
        labels: (n,) the truth.
        matrix: (10, 10) confusion matrix, row = true label.
    """

    probabilities: np.ndarray
    predictions: np.ndarray
    labels: np.ndarray
    matrix: np.ndarray

    @property
    def accuracy(self) -> float:
        """Share of digits read right."""
        return float(np.mean(self.predictions == self.labels)) if len(self.labels) else float("nan")

    @property
    def per_class(self) -> np.ndarray:
        """(10,) share of each digit read right."""
        return per_class_accuracy(self.matrix)


def evaluate(model: Any, images: np.ndarray, labels: np.ndarray) -> Evaluation:
    """A model's probabilities, predictions and confusion matrix on some digits.

    Args:
        model: a trained digit model.
        images: (n, 28, 28) float32 in [0, 1].
        labels: (n,) integer labels.

    Returns:
        The ``Evaluation``.
    """
    probabilities = predict_batch(model, images)  # (n, 10)
    predictions = np.argmax(probabilities, axis=1)
    labels = np.asarray(labels, dtype=np.int64)
    return Evaluation(probabilities, predictions, labels, confusion_matrix(labels, predictions))


def cached_evaluation(model: Any, images: np.ndarray, labels: np.ndarray) -> Evaluation:
    """``evaluate`` once per trained model and set of digits, then the same answer again (``nn_core.per_model``)."""
    key = ("evaluation", len(images), int(np.asarray(labels[:64], dtype=np.int64).sum()))
    return remember(model, key, lambda: evaluate(model, images, labels))


def mistakes(evaluation: Evaluation, images: np.ndarray, limit: int = 12) -> list[Mistake]:
    """The misclassified digits the model was surest about, with their top-3 guesses.

    Args:
        evaluation: from ``evaluate`` on ``images``.
        images: (n, 28, 28) the same digits.
        limit: at most this many.

    Returns:
        Up to ``limit`` mistakes, the most confidently wrong first (those are the
        interesting ones: sloppy digits, or labels a person would dispute).
    """
    wrong = np.flatnonzero(evaluation.predictions != evaluation.labels)
    confidence = evaluation.probabilities[wrong, evaluation.predictions[wrong]]
    chosen = wrong[np.argsort(-confidence, kind="stable")][:limit]
    result = []
    for index in chosen:
        probabilities = evaluation.probabilities[index]
        order = np.argsort(-probabilities, kind="stable")[:3]
        result.append(Mistake(
            index=int(index),
            image=np.asarray(images[index], dtype=np.float32),
            true_label=int(evaluation.labels[index]),
            predicted=int(evaluation.predictions[index]),
            top3=tuple((int(digit), float(probabilities[digit])) for digit in order),
        ))
    return result


def hidden_activations(model: Any, image: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """What each hidden Dense layer outputs for one digit.

    The digit is passed through the model's layers one by one with direct calls
    (``training=False``, so dropout is off), keeping the output of every Dense layer
    except the last, which is the output layer.

    Args:
        model: a trained ``keras.Sequential`` digit model.
        image: (28, 28) float32 in [0, 1].

    Returns:
        (layer name, (units,) float32 activations) per hidden Dense layer, input side
        first; empty for a network without hidden Dense layers.
    """
    x = model_input(model, np.asarray(image, dtype=np.float32)[None])  # (1, *input shape)
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    hidden = {id(layer) for layer in dense[:-1]}
    result = []
    for layer in model.layers:
        x = layer(x, training=False)
        if id(layer) in hidden:
            result.append((layer.name, np.asarray(x)[0].astype(np.float32)))  # (units,)
    return result

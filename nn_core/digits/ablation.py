"""What one neuron does: switch hidden units or CNN filters off and measure again, without retraining.

Switching a unit off sets its output to zero for every digit: the digits go through the
layers one by one (``nn_core.digits.probes.layer_outputs``) and the chosen layer's output
is multiplied by a mask of ones and zeros along its units (a Dense layer's neurons, a
pooling layer's filter channels). Nothing is retrained, so the drop in accuracy shows
how much the rest of the network leaned on those units. With every unit of a layer off,
the layers after it see only their biases: every digit gets the same answer, and the
accuracy falls to about one in ten.

Results are cached per trained model (arrays only, never the model) for the latest few
choices of units, so going back and forth between choices costs nothing.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from nn_core.digits.analysis import Evaluation, confusion_matrix
from nn_core.digits.inference import normalise
from nn_core.digits.probes import PIXELS, DeeperError, layer_outputs, probe

if TYPE_CHECKING:
    import keras

KEPT_PER_MODEL = 8
"""Choices of units remembered per model."""


def unit_mask(units: int, off: Iterable[int]) -> np.ndarray:
    """(units,) float32 ones, with zeros at the units switched ``off``.

    Raises:
        DeeperError: a unit number outside 0..units-1.
    """
    mask = np.ones(int(units), dtype=np.float32)
    for unit in off:
        if not 0 <= int(unit) < units:
            raise DeeperError(f"unit {unit} does not exist: this layer has units 0 to {units - 1}")
        mask[int(unit)] = 0.0
    return mask


def ablated_probabilities(model: keras.Model, images: np.ndarray, layer: str, off: Iterable[int]) -> np.ndarray:
    """The model's probabilities with the units ``off`` of ``layer`` switched off.

    Args:
        model: a trained ``keras.Sequential`` digit model.
        images: (n, 28, 28) float32 digits in [0, 1].
        layer: a hidden layer's probe name (not the input pixels).
        off: unit (neuron or filter) numbers, from 0.

    Returns:
        (n, 10) probabilities.
    """
    if layer == PIXELS:
        raise DeeperError("pixels are the input, not units of the network: choose a hidden layer")
    mask = unit_mask(probe(model, layer).units, off)
    return normalise(layer_outputs(model, images, layer, mask=mask))


def ablated_evaluation(model: keras.Model, images: np.ndarray, labels: np.ndarray, layer: str,
                       off: Iterable[int]) -> Evaluation:
    """Probabilities, predictions and confusion matrix with some units switched off.

    Args:
        model: a trained ``keras.Sequential`` digit model.
        images: (n, 28, 28) float32 digits in [0, 1].
        labels: (n,) their labels.
        layer: a hidden layer's probe name.
        off: unit numbers to switch off.

    Returns:
        The ``Evaluation`` (its ``accuracy`` and ``per_class`` say what changed).
    """
    probabilities = ablated_probabilities(model, images, layer, off)
    predictions = np.argmax(probabilities, axis=1)
    labels = np.asarray(labels, dtype=np.int64)
    return Evaluation(probabilities, predictions, labels, confusion_matrix(labels, predictions))


_ABLATIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_ABLATIONS_LOCK = threading.Lock()


def cached_ablation(model: keras.Model, images: np.ndarray, labels: np.ndarray, layer: str,
                    off: Iterable[int]) -> Evaluation:
    """``ablated_evaluation`` remembered per finished model for its latest ``KEPT_PER_MODEL`` choices."""
    off = tuple(sorted({int(unit) for unit in off}))
    key = (layer, off, len(images), int(np.asarray(labels[:64], dtype=np.int64).sum()))
    with _ABLATIONS_LOCK:
        entries = _ABLATIONS.get(model)
        cached = entries.get(key) if entries is not None else None
        if cached is not None:
            entries.move_to_end(key)
    if cached is None:
        cached = ablated_evaluation(model, images, labels, layer, off)
        with _ABLATIONS_LOCK:
            entries = _ABLATIONS.setdefault(model, OrderedDict())
            entries[key] = cached
            while len(entries) > KEPT_PER_MODEL:
                entries.popitem(last=False)
    return cached

"""Which pixels decided: saliency maps of one digit for one class.

Two ways to ask a trained model which pixels mattered to its answer:

- ``gradient_saliency``: the gradient of the class's score with respect to each pixel
  (Simonyan, Vedaldi and Zisserman, 2013). The score is the output layer's value before
  its softmax, so the map says how the evidence for that class would change if the pixel
  were a little brighter, however sure the model already is. Positive: more ink here
  speaks for the class; negative: against it.
- ``occlusion_saliency``: hide one square patch at a time (paint it black, as the
  background) and measure how much the class's probability drops (Zeiler and Fergus,
  2014). Slower but model-agnostic; each pixel gets the mean drop over the patches that
  cover it. Positive: hiding it hurts the class; negative: hiding it helps.

Both take a few milliseconds for the playground's networks: one gradient through the
layers, and one batch of every occluded copy through the model's compiled call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from nn_core.digits import IMAGE_SIDE, NUM_CLASSES
from nn_core.digits.inference import model_input, predict_batch
from nn_core.digits.probes import DeeperError

if TYPE_CHECKING:
    import keras

PATCH = 4
"""Occlusion hides squares of this many pixels a side (a stroke is about two wide)..."""
STRIDE = 2
"""...moved this many pixels at a time: 13 x 13 = 169 occluded copies of the digit."""


def _check(image: np.ndarray, digit: int) -> np.ndarray:
    image = np.asarray(image, dtype=np.float32)
    if image.shape != (IMAGE_SIDE, IMAGE_SIDE):
        raise ValueError(f"expected a (28, 28) image, got shape {image.shape}")
    if not 0 <= int(digit) < NUM_CLASSES:
        raise ValueError(f"digit must be 0..{NUM_CLASSES - 1}, got {digit}")
    return image


def _scores(model: keras.Model, x: Any) -> Any:
    """The model's class scores for a batch: the last layer's values before a softmax, if it has one."""
    import keras

    layers = list(model.layers) if isinstance(model, keras.Sequential) else None
    last = layers[-1] if layers else None
    activation = getattr(getattr(last, "activation", None), "__name__", "")
    if layers is None or type(last).__name__ != "Dense" or activation != "softmax":
        return model(x, training=False)  # a model without a softmax head: its outputs are the scores
    for layer in layers[:-1]:
        x = layer(x, training=False)
    scores = keras.ops.matmul(x, last.kernel)  # (batch, 10): softmax's input
    return scores + last.bias if last.bias is not None else scores


def gradient_saliency(model: keras.Model, image: np.ndarray, digit: int) -> np.ndarray:
    """How the score of ``digit`` changes with each pixel of ``image``.

    Args:
        model: a trained digit model (TensorFlow backend).
        image: (28, 28) float32 in [0, 1].
        digit: the class asked about, 0..9.

    Returns:
        (28, 28) float32: d score[digit] / d pixel.
    """
    import tensorflow as tf

    image = _check(image, digit)
    x = tf.convert_to_tensor(model_input(model, image[None]))  # (1, *input shape)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = _scores(model, x)[0, int(digit)]
    gradient = tape.gradient(score, x)
    if gradient is None:
        raise DeeperError("this model's answer does not depend on its pixels, so there is no gradient to show")
    return np.asarray(gradient, dtype=np.float32).reshape(IMAGE_SIDE, IMAGE_SIDE)


def occluded_copies(image: np.ndarray, patch: int = PATCH, stride: int = STRIDE,
                    fill: float = 0.0) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Copies of ``image``, each with one square patch painted ``fill``.

    Args:
        image: (28, 28).
        patch: the square's side in pixels.
        stride: step between squares; the last row and column of squares touch the edge.
        fill: the value painted (0: the black background).

    Returns:
        ((m, 28, 28) copies, [(top, left)] of each copy's square).
    """
    image = np.asarray(image, dtype=np.float32)
    side = image.shape[0]
    starts = list(range(0, side - patch + 1, stride))
    if starts[-1] != side - patch:
        starts.append(side - patch)  # cover the far edge too
    corners = [(top, left) for top in starts for left in starts]
    copies = np.repeat(image[None], len(corners), axis=0)  # (m, 28, 28)
    for index, (top, left) in enumerate(corners):
        copies[index, top : top + patch, left : left + patch] = fill
    return copies, corners


def occlusion_saliency(model: keras.Model, image: np.ndarray, digit: int, patch: int = PATCH,
                       stride: int = STRIDE) -> np.ndarray:
    """How much hiding each part of ``image`` lowers the probability of ``digit``.

    Args:
        model: a trained digit model.
        image: (28, 28) float32 in [0, 1].
        digit: the class asked about, 0..9.
        patch: side of the hidden square, in pixels.
        stride: step between squares.

    Returns:
        (28, 28) float32: per pixel, the mean of (probability of ``digit`` with the image
        whole - with the square hidden) over the squares covering that pixel.
    """
    image = _check(image, digit)
    copies, corners = occluded_copies(image, patch, stride)
    probabilities = predict_batch(model, np.concatenate([image[None], copies]))[:, int(digit)]  # (1 + m,)
    drops = probabilities[0] - probabilities[1:]  # (m,)
    total = np.zeros(image.shape, dtype=np.float64)
    count = np.zeros(image.shape, dtype=np.float64)
    for drop, (top, left) in zip(drops, corners):
        total[top : top + patch, left : left + patch] += drop
        count[top : top + patch, left : left + patch] += 1
    return (total / np.maximum(count, 1)).astype(np.float32)


def model_sees(model: keras.Model) -> str:
    """What ``gradient_saliency`` differentiates, in words, for captions."""
    import keras

    last = model.layers[-1] if isinstance(model, keras.Sequential) and model.layers else None
    if type(last).__name__ == "Dense" and getattr(getattr(last, "activation", None), "__name__", "") == "softmax":
        return "the class's score before the softmax"
    return "the class's output"

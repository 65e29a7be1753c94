"""Classifying one digit fast: a compiled call of the model, never ``model.predict``.

``model.predict`` sets up a whole data pipeline for every call, about 40 ms here even for
one image. A direct eager call costs a few milliseconds; the same call compiled once per
model into a TensorFlow graph costs about half a millisecond, so a drawn digit is
classified as the pen lifts.

The compiled call is cached per model in a ``WeakKeyDictionary`` whose values hold the
model only weakly: a cache entry must never keep its own key alive, or every model a
student ever trained would stay in the server's memory.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import keras


def model_input(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """Reshape (n, 28, 28) digits to whatever per-digit shape ``model`` takes.

    Args:
        model: a built model whose input is (784,), (28, 28) or (28, 28, 1).
        images: (n, 28, 28) float32 digits in [0, 1].

    Returns:
        (n, *model_input_shape) float32.
    """
    shape = tuple(model.input_shape[1:])
    images = np.asarray(images, dtype=np.float32)
    if int(np.prod(shape)) != 784:
        raise ValueError(f"this model takes inputs of shape {shape}, not 28x28 digits")
    return images.reshape((len(images),) + shape)


_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_COMPILE_LOCK = threading.Lock()


def compiled_call(model: keras.Model) -> Callable[[np.ndarray], np.ndarray]:
    """``model(x, training=False)`` compiled once per model (weights are read live).

    Args:
        model: any built Keras model.

    Returns:
        A function from a float32 batch to the model's outputs as a NumPy array.
    """
    with _COMPILE_LOCK:
        function = _COMPILED.get(model)
        if function is None:
            function = _compile(weakref.ref(model), tuple(model.input_shape[1:]))
            _COMPILED[model] = function
    return function


def _compile(model_ref: weakref.ref, input_shape: tuple[int, ...]) -> Callable[[np.ndarray], np.ndarray]:
    """The compiled call, holding the model only through ``model_ref`` (see the module's note)."""
    import keras

    def call(x: np.ndarray) -> np.ndarray:
        model = model_ref()
        if model is None:  # cannot happen while a caller holds the model
            raise ReferenceError("the model is gone")
        return model(x, training=False)

    if keras.backend.backend() != "tensorflow":
        return lambda x: np.asarray(call(x))
    import tensorflow as tf

    # One trace for every batch size: the batch dimension is left open.
    graph = tf.function(call, input_signature=[tf.TensorSpec((None,) + input_shape, tf.float32)])
    return lambda x: graph(x).numpy()


def warm_up(model: keras.Model) -> None:
    """Trace ``model``'s compiled call now, so the first drawn digit does not pay for it.

    Tracing costs tens of milliseconds once per model; the training job calls this on its
    own thread right after evaluating, while the user is still reading the curves.
    """
    compiled_call(model)(np.zeros((1,) + tuple(model.input_shape[1:]), dtype=np.float32))


def normalise(outputs: np.ndarray) -> np.ndarray:
    """Outputs as probabilities summing to 1 along the last axis.

    A softmax output already sums to 1; sigmoid outputs (the perceptron article's) are
    divided by their sum, which is how Keras' cross-entropy reads them too.
    """
    outputs = np.clip(np.asarray(outputs, dtype=np.float64), 0.0, None)
    totals = outputs.sum(axis=-1, keepdims=True)
    uniform = np.full_like(outputs, 1.0 / outputs.shape[-1])
    return np.where(totals > 0, outputs / np.where(totals > 0, totals, 1.0), uniform)


def read_digit(model: keras.Model, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The model's ten raw outputs for one image, and the same as probabilities summing to 1.

    For a softmax output the two are the same. A sigmoid output (the perceptron article's)
    is ten separate yes/no answers between 0 and 1 that need not add up to 1; the
    probabilities divide them by their sum.

    Args:
        model: any of the playground's digit models.
        image: (28, 28) float32 in [0, 1].

    Returns:
        ((10,) raw outputs, (10,) probabilities).
    """
    image = np.asarray(image, dtype=np.float32)
    if image.shape != (28, 28):
        raise ValueError(f"expected a (28, 28) image, got shape {image.shape}")
    outputs = compiled_call(model)(model_input(model, image[None]))[0]  # (10,)
    return np.asarray(outputs, dtype=np.float64), normalise(outputs)


def predict_digit(model: keras.Model, image: np.ndarray) -> np.ndarray:
    """Probabilities of the ten digits for one image.

    Args:
        model: any of the playground's digit models (perceptron, MLP, CNN).
        image: (28, 28) float32 in [0, 1], e.g. from ``canvas_to_mnist``.

    Returns:
        (10,) float64 probabilities summing to 1.
    """
    return read_digit(model, image)[1]


def predict_batch(model: keras.Model, images: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Probabilities for many digits, in batches of direct calls.

    Args:
        model: a digit model.
        images: (n, 28, 28) float32 in [0, 1].
        batch_size: digits per call.

    Returns:
        (n, 10) probabilities.
    """
    call = compiled_call(model)
    parts = [call(model_input(model, images[start : start + batch_size]))
             for start in range(0, len(images), batch_size)]
    return normalise(np.concatenate(parts)) if parts else np.zeros((0, 10))

"""Reading a digit model layer by layer: which layers can be looked at, and what they output.

The "look deeper" views need more than the model's answer: the numbers a hidden layer
holds for each digit (to map the digits as that layer sees them) and the answers the
model gives when some of its units are switched off. Both come from one pass through the
layers of a ``keras.Sequential`` digit model, called directly (``training=False``, so
dropout is off), in batches, never through ``model.predict``.

A *probe* is a place in the network where such numbers can be read: the input pixels,
each hidden ``Dense`` layer (its neurons) and each pooling layer of a CNN (its filters,
each a small map). The output layer is not a probe: it is the answer itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nn_core.digits.inference import model_input
from nn_core.errors import PlaygroundError

if TYPE_CHECKING:
    import keras

PIXELS = "pixels"
"""The probe name of the input itself."""
BATCH = 1024
"""Digits per direct call: large enough to be quick, small enough for a CNN's maps."""


class DeeperError(PlaygroundError):
    """A look-deeper view that cannot be drawn for this model or these settings, said plainly."""


@dataclass(frozen=True)
class Probe:
    """A layer whose output can be mapped or switched off.

    Attributes:
        name: the layer's name, or ``PIXELS`` for the input.
        title: how the pages name it, e.g. "hidden_1: 256 neurons".
        units: neurons (``Dense``) or filters (pooling) that can be switched off; pixels for the input.
        size: numbers per digit once flattened (a filter of a CNN holds a whole map).
        kind: "pixels", "neurons" or "filters".
    """

    name: str
    title: str
    units: int
    size: int
    kind: str


def _layers(model: keras.Model) -> list[Any]:
    """The model's layers in order, once it is known to be a plain stack of them."""
    import keras

    if not isinstance(model, keras.Sequential):
        raise DeeperError("this model is not a plain stack of layers (a keras.Sequential), so its layers cannot "
                          "be read one by one; models trained or saved on this page can")
    return list(model.layers)


def probes(model: keras.Model) -> list[Probe]:
    """Every place in the model the pages can look at, input side first.

    Args:
        model: a built ``keras.Sequential`` digit model.

    Returns:
        The input pixels, then each hidden ``Dense`` layer and each pooling layer.

    Raises:
        DeeperError: the model is not a ``keras.Sequential``.
    """
    layers = _layers(model)
    dense = [layer for layer in layers if type(layer).__name__ == "Dense"]
    hidden = {id(layer) for layer in dense[:-1]}  # the last Dense layer gives the answer
    found = [Probe(PIXELS, "input pixels: 28x28 = 784 numbers", 784, 784, "pixels")]
    for layer in layers:
        shape = tuple(layer.output.shape[1:])
        size = int(np.prod(shape))
        if id(layer) in hidden:
            units = int(shape[-1])
            found.append(Probe(layer.name, f"{layer.name}: {units} neuron{'s' if units != 1 else ''}", units, size,
                               "neurons"))
        elif "Pooling2D" in type(layer).__name__ and len(shape) == 3:
            height, width, filters = shape
            found.append(Probe(layer.name, f"{layer.name}: {filters} filter{'s' if filters != 1 else ''} of "
                                           f"{height}x{width} = {size} numbers", int(filters), size, "filters"))
    return found


def probe(model: keras.Model, name: str) -> Probe:
    """The probe called ``name``.

    Raises:
        DeeperError: the model has no such layer to look at.
    """
    for candidate in probes(model):
        if candidate.name == name:
            return candidate
    raise DeeperError(f"this model has no layer called {name!r} to look at")


def layer_outputs(model: keras.Model, images: np.ndarray, name: str = "", mask: np.ndarray | None = None,
                  stop: bool = False) -> np.ndarray:
    """Digits through the model's layers one by one, optionally switching units of one layer off.

    Args:
        model: a built ``keras.Sequential`` digit model.
        images: (n, 28, 28) float32 digits in [0, 1].
        name: a probe's name: where to stop or where ``mask`` applies ("" for neither).
        mask: (units,) 0/1 float32: the output of layer ``name`` is multiplied by it along
            its last axis (its neurons, or its filters' channels).
        stop: return layer ``name``'s output, flattened, instead of the model's output.

    Returns:
        (n, 10) the model's outputs, or (n, size) float32 the layer's outputs when ``stop``.
    """
    layers = _layers(model)
    names = [layer.name for layer in layers]
    if name and name != PIXELS and name not in names:
        raise DeeperError(f"this model has no layer called {name!r}")
    images = np.asarray(images, dtype=np.float32)
    if stop and name == PIXELS:
        return images.reshape(len(images), -1)  # (n, 784)
    parts = []
    for start in range(0, len(images), BATCH):
        x = model_input(model, images[start : start + BATCH])  # (batch, *input shape)
        for layer in layers:
            x = layer(x, training=False)
            if layer.name == name:
                if mask is not None:
                    x = x * np.asarray(mask, dtype=np.float32)  # broadcast over the last (unit) axis
                if stop:
                    break
        parts.append(np.asarray(x).reshape(len(x), -1))  # (batch, size)
    if not parts:
        size = probe(model, name).size if stop else int(model.output_shape[-1])
        return np.zeros((0, size), dtype=np.float32)
    return np.concatenate(parts).astype(np.float32)

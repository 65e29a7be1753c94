"""What every neuron computes over the plane, from one batched call of the network.

The live pictures need each layer's output at every point of a grid over the plane. A
tiny network costs almost nothing per point; what costs is the call itself, so the whole
grid goes through every layer in one compiled call (``layer_outputs``) that returns all
layers' outputs at once. It is compiled once per model into a TensorFlow graph and cached
in a ``WeakKeyDictionary`` whose values hold the model only weakly: a cache entry must not
keep its own key alive, or every network a student trained would stay in memory.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nn_core.plane.data import PLANE, feature_columns

if TYPE_CHECKING:
    import keras

REGION_RESOLUTION = 100
"""The decision regions are computed on this many points a side."""
NEURON_STRIDE = 2
"""Each neuron's map keeps every second grid point a side: 50x50."""

_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def grid(resolution: int = REGION_RESOLUTION) -> np.ndarray:
    """Points covering the plane, row by row from the bottom (x2 = -6) up.

    Returns:
        (resolution * resolution, 2) float32; row ``r`` holds x2 = axis[r], x1 running along it.
    """
    axis = np.linspace(-PLANE, PLANE, resolution, dtype=np.float32)
    x1, x2 = np.meshgrid(axis, axis)  # (resolution, resolution) each
    return np.stack([x1.ravel(), x2.ravel()], axis=1)


def layer_outputs(model: keras.Model, x: np.ndarray) -> list[np.ndarray]:
    """Every layer's output for a batch of inputs, from one compiled call.

    Args:
        model: a plane network (a chain of Dense layers).
        x: (n, features) float32 inputs.

    Returns:
        One (n, units) array per layer, the output layer last.
    """
    with _LOCK:
        function = _COMPILED.get(model)
        if function is None:
            function = _compile(weakref.ref(model), int(model.input_shape[-1]))
            _COMPILED[model] = function
    return function(np.asarray(x, dtype=np.float32))


def _compile(model_ref: weakref.ref, width: int) -> Callable[[np.ndarray], list[np.ndarray]]:
    """The compiled call, holding the model only through ``model_ref`` (see the module's note)."""
    import keras

    def call(x):
        model = model_ref()
        if model is None:  # cannot happen while a caller holds the model
            raise ReferenceError("the model is gone")
        outputs = []
        for layer in model.layers:  # the Input is not among them
            x = layer(x)
            outputs.append(x)
        return outputs

    if keras.backend.backend() != "tensorflow":
        return lambda x: [np.asarray(output) for output in call(x)]
    import tensorflow as tf

    # One trace for every batch size: the grid, the test points and anything else.
    graph = tf.function(call, input_signature=[tf.TensorSpec((None, width), tf.float32)])
    return lambda x: [output.numpy() for output in graph(x)]


@dataclass
class PlaneMaps:
    """The network over the plane: what each input, hidden neuron and output computes.

    Attributes:
        inputs: (features, 50, 50) each feature's value.
        hidden: per hidden layer, (units, 50, 50) each neuron's output.
        outputs: (outputs, 100, 100) each output neuron's value.
        kernels: per layer, its (inputs, units) weights, input side first.
    """

    inputs: np.ndarray
    hidden: list[np.ndarray]
    outputs: np.ndarray
    kernels: list[np.ndarray]


def feature_maps(features: tuple[str, ...], resolution: int = REGION_RESOLUTION) -> np.ndarray:
    """Each feature over the plane, on the neurons' grid: (features, 50, 50)."""
    columns = feature_columns(grid(resolution), features)  # (resolution², features)
    return _as_maps(columns, resolution)[:, ::NEURON_STRIDE, ::NEURON_STRIDE]


def plane_maps(model: keras.Model, features: tuple[str, ...], resolution: int = REGION_RESOLUTION) -> PlaneMaps:
    """What every neuron of ``model`` computes over the plane, with one call of the network.

    Args:
        model: a plane network whose inputs are ``features``.
        features: the names of its input features, in order.
        resolution: grid points a side for the outputs; neurons get every second one.

    Returns:
        The maps, rows running from x2 = -6 at the bottom (row 0) to 6 at the top.
    """
    columns = feature_columns(grid(resolution), features)  # (resolution², features)
    outputs = layer_outputs(model, columns)  # one (resolution², units) per layer
    hidden = [_as_maps(output, resolution)[:, ::NEURON_STRIDE, ::NEURON_STRIDE] for output in outputs[:-1]]
    kernels = [np.asarray(layer.get_weights()[0]) for layer in model.layers]
    return PlaneMaps(_as_maps(columns, resolution)[:, ::NEURON_STRIDE, ::NEURON_STRIDE], hidden,
                     _as_maps(outputs[-1], resolution), kernels)


def _as_maps(values: np.ndarray, resolution: int) -> np.ndarray:
    """(resolution², units) values on the grid -> (units, resolution, resolution) maps."""
    return values.T.reshape(-1, resolution, resolution)

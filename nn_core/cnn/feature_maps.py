"""Inside a trained CNN: what every convolution, activation and pooling layer makes of a digit.

``layer_maps`` runs one digit through a Keras sub-model whose outputs are the outputs of
every block's layers (``conv_1``, ``activation_1``, ``pool_1``, ``conv_2``, ...), called
directly rather than through ``model.predict`` (which costs tens of milliseconds of set-up
for a single digit). ``first_layer_kernels`` reads the filters the first convolution
learned.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nn_core.cnn.config import STAGES
from nn_core.errors import PlaygroundError


class NotAPlaygroundCNN(PlaygroundError):
    """A model (an upload) whose layers are not named as the playground's CNNs name theirs."""

if TYPE_CHECKING:
    import keras

_STAGE_NAME = re.compile(rf"^({'|'.join(STAGES)})_(\d+)$")
# One sub-model per trained model, built on first use and dropped with the model. Every
# session of a server may read it, hence the lock.
_SUB_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SUB_MODELS_LOCK = threading.Lock()


@dataclass(frozen=True)
class LayerMaps:
    """The feature maps one layer made of one digit.

    Attributes:
        name: the layer's name, e.g. "conv_1".
        stage: "conv", "activation" or "pool".
        block: the block's number, from 1.
        maps: (height, width, filters) float32.
    """

    name: str
    stage: str
    block: int
    maps: np.ndarray

    @property
    def shape_text(self) -> str:
        """The maps' shape as height x width x filters, e.g. "28x28x16"."""
        height, width, filters = self.maps.shape
        return f"{height}x{width}x{filters}"


def stage_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's convolution, activation and pooling layers, input side first.

    Args:
        model: a model built by ``CNNConfig.build``.

    Returns:
        Layers named ``{stage}_{block}``.

    Raises:
        NotAPlaygroundCNN: the model has none (it is not one of the playground's CNNs).
    """
    layers = [layer for layer in model.layers if _STAGE_NAME.match(layer.name)]
    if not layers:
        raise NotAPlaygroundCNN(f"{model.name} has no conv_/activation_/pool_ layers to look into")
    return layers


def _sub_model(model: keras.Model) -> keras.Model:
    """A model from the digit to the outputs of every stage layer, sharing ``model``'s weights."""
    import keras

    with _SUB_MODELS_LOCK:
        try:
            return _SUB_MODELS[model]
        except (KeyError, TypeError):
            pass
        layers = stage_layers(model)
        sub_model = keras.Model(inputs=model.inputs[0], outputs=[layer.output for layer in layers],
                                name=f"{model.name}_stages")
        try:
            _SUB_MODELS[model] = sub_model
        except TypeError:  # a model that cannot be weakly referenced is simply not cached
            pass
        return sub_model


def layer_maps(model: keras.Model, image: np.ndarray) -> list[LayerMaps]:
    """Every block's feature maps of one digit: conv_1, activation_1, pool_1, conv_2, ...

    Args:
        model: a trained model built by ``CNNConfig.build``.
        image: (28, 28) float32 in [0, 1], e.g. from ``canvas_to_mnist``.

    Returns:
        One ``LayerMaps`` per layer, in the order the digit goes through them.
    """
    image = np.asarray(image, dtype=np.float32)
    if image.shape != (28, 28):
        raise ValueError(f"expected a (28, 28) image, got shape {image.shape}")
    outputs = _sub_model(model)(image.reshape(1, 28, 28, 1), training=False)  # list of (1, h, w, filters)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    result = []
    for layer, output in zip(stage_layers(model), outputs):
        stage, block = _STAGE_NAME.match(layer.name).groups()  # type: ignore[union-attr]
        result.append(LayerMaps(layer.name, stage, int(block), np.asarray(output)[0]))
    return result


def first_layer_kernels(model: keras.Model) -> np.ndarray:
    """The kernels the first convolution learned, one per filter.

    Args:
        model: a model built by ``CNNConfig.build`` (one input channel).

    Returns:
        (filters, k, k) float32: each filter's k x k weights on the digit's pixels.
    """
    if "conv_1" not in [layer.name for layer in model.layers]:
        raise NotAPlaygroundCNN(f"{model.name} has no layer conv_1 whose kernels could be shown")
    kernel = model.get_layer("conv_1").get_weights()[0]  # (k, k, 1, filters)
    return np.transpose(kernel[:, :, 0, :], (2, 0, 1)).astype(np.float32)

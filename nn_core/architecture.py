"""A model's architecture read from its ``config.json``, its weights counted without making any.

Keras builds every layer of a saved model from its ``config.json`` before it reads a single
weight, so a file of a few kB declaring ``Dense(50_000_000)`` asks for gigabytes.
``read_architecture`` walks the layers itself, knows only the layers the pages build
(``LAYERS``), works out each layer's output shape and weights from its input, and refuses a
network larger than the page's own settings could make (``NetworkLimits``; each model's
config class carries its page's as ``network_limits``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nn_core.errors import ModelFileError

MAX_LAYERS = 64


@dataclass(frozen=True)
class NetworkLimits:
    """The largest network a page's sidebar can make: an uploaded one may not be larger.

    Attributes:
        weighted_layers: layers with weights (dense, convolution, recurrent, embedding).
        width: the most units, filters, embedding length or one-hot depth of any one layer.
        parameters: weights and biases in all.
        input_values: numbers in one input (784 for a digit).
    """

    weighted_layers: int
    width: int
    parameters: int
    input_values: int


def dense_parameters(widths: list[int]) -> int:
    """Weights and biases of a chain of Dense layers, e.g. [784, 256, 10] -> 784*256+256 + 256*10+10."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(widths[:-1], widths[1:]))


ANY_PAGE = NetworkLimits(weighted_layers=16, width=100_000, parameters=60_000_000, input_values=100_000)
"""Limits for a model with no page to fit (a copy of the app's own model)."""


@dataclass(frozen=True)
class Architecture:
    """What ``read_architecture`` found: the input's shape, the weights, the layers with weights."""

    input_shape: tuple[int, ...]
    parameters: int
    weighted_layers: int


def read_architecture(config: Any, limits: NetworkLimits = ANY_PAGE,
                      input_shape: tuple[int, ...] | None = None) -> Architecture:
    """Walk a model's ``config.json`` as Keras would build it, counting weights without making any.

    Only a chain of the layers the pages build is known (``LAYERS``); each layer's output
    shape is worked out from its input, and a layer's own ``build_config`` must agree with
    it (Keras builds each layer from it).

    Args:
        config: the parsed ``config.json``.
        limits: the page's largest network.
        input_shape: the per-sample input the page feeds (None: any within ``limits``).

    Returns:
        The architecture.

    Raises:
        ModelFileError: anything unknown, inconsistent or beyond ``limits``, in a sentence.
    """
    if not isinstance(config, dict) or config.get("class_name") not in ("Sequential", "Functional"):
        raise ModelFileError("the file holds no Sequential or Functional Keras model")
    body = config.get("config")
    layers = body.get("layers") if isinstance(body, dict) else None
    if not isinstance(layers, list) or not 2 <= len(layers) <= MAX_LAYERS:
        raise ModelFileError("the model's layers cannot be read")
    if any(not isinstance(layer, dict) or not isinstance(layer.get("config"), dict) for layer in layers):
        raise ModelFileError("the model's layers cannot be read")
    if config["class_name"] == "Functional":
        _check_chain(body, layers)
    first = layers[0]
    if first.get("class_name") != "InputLayer":
        raise ModelFileError("the model does not start with an input layer")
    batch_shape = first["config"].get("batch_shape")
    if not isinstance(batch_shape, list) or len(batch_shape) < 2 or batch_shape[0] is not None:
        raise ModelFileError("the model's input shape cannot be read")
    declared_input = _shape_of(batch_shape)
    if input_shape is not None and declared_input != tuple(input_shape):
        readable = declared_input is not None and len(declared_input) < 8
        shown = f"of shape {declared_input}" if readable else "of another kind"
        raise ModelFileError(f"this model takes inputs {shown}, but this page feeds it {tuple(input_shape)}: "
                             "it was made for another page")
    shape = tuple(_size(value, "input size", limits.input_values) for value in batch_shape[1:])
    if math.prod(shape) > limits.input_values:
        raise ModelFileError(f"the model takes inputs of {math.prod(shape):,} numbers; this page's take at most "
                             f"{limits.input_values:,}")
    declared = (body.get("build_input_shape") or (config.get("build_config") or {}).get("input_shape"))
    if declared is not None and _shape_of(declared) != shape:
        raise ModelFileError("the model's declared input shape does not match its input layer")
    input_shape, parameters, weighted = shape, 0, 0
    for layer in layers[1:]:
        kind = layer.get("class_name")
        rule = LAYERS.get(kind) if isinstance(kind, str) else None
        if kind == "Lambda":
            raise ModelFileError("the model contains code (a Lambda layer), which is never loaded here")
        if rule is None:
            raise ModelFileError(f"the model has a layer this page does not use ({str(kind)[:40]})")
        build = (layer.get("build_config") or {}).get("input_shape")
        if build is not None and _shape_of(build) != shape:
            raise ModelFileError(f"the model's {kind} layer declares an input that its previous layer does not give")
        shape, weights = rule(layer["config"], shape, limits)
        parameters += weights
        weighted += weights > 0
        if parameters > limits.parameters or weighted > limits.weighted_layers:
            break
    if weighted > limits.weighted_layers:
        raise ModelFileError(f"the model has more layers with weights than this page's largest network "
                             f"({limits.weighted_layers})")
    if parameters > limits.parameters:
        raise ModelFileError(f"the model declares more than {limits.parameters:,} weights, more than this page's "
                             "largest network has, so it was not built")
    return Architecture(input_shape, parameters, weighted)


def _check_chain(body: dict, layers: list[dict]) -> None:
    """A Functional model must be a chain: each layer called once, on the layer before it."""
    names = [layer["config"].get("name") for layer in layers]
    for previous, layer in zip(names, layers[1:]):
        nodes = layer.get("inbound_nodes")
        try:
            (node,) = nodes
            (tensor,) = node["args"]
            source = tensor["config"]["keras_history"][0]
        except (TypeError, ValueError, KeyError, IndexError):
            raise ModelFileError("the model is not a chain of layers, as this page's networks are") from None
        options = node.get("kwargs") or {}
        tensors = not isinstance(options, dict) or any(isinstance(value, (dict, list)) for value in options.values())
        if source != previous or tensors:  # plain options (training=False, mask=None) only, no second input
            raise ModelFileError("the model is not a chain of layers, as this page's networks are")
    try:
        inputs, outputs = body["input_layers"], body["output_layers"]
        ends = (_first_name(inputs), _first_name(outputs))
    except (TypeError, KeyError, IndexError):
        raise ModelFileError("the model's inputs and outputs cannot be read") from None
    if ends != (names[0], names[-1]):
        raise ModelFileError("the model is not a chain of layers, as this page's networks are")


def _first_name(value: Any) -> Any:
    """A Functional config's input or output: ``[name, 0, 0]`` or ``[[name, 0, 0]]``."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        value = value[0]
    return value[0]


def _shape_of(value: Any) -> tuple[int, ...] | None:
    if not isinstance(value, list) or not value or value[0] is not None:
        return None
    if not all(isinstance(size, int) and not isinstance(size, bool) for size in value[1:]):
        return None
    return tuple(value[1:])


def _size(value: Any, what: str, largest: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value:
        raise ModelFileError(f"the model's {what} is not a positive whole number")
    if value > largest:
        raise ModelFileError(f"the model's {what} is {value:,}; this page's largest is {largest:,}")
    return value


def _pair(value: Any, what: str, largest: int) -> tuple[int, int]:
    if isinstance(value, int):
        value = [value, value]
    if not isinstance(value, list) or len(value) != 2:
        raise ModelFileError(f"the model's {what} cannot be read")
    return _size(value[0], what, largest), _size(value[1], what, largest)


def _dense(config: dict, shape: tuple[int, ...], limits: NetworkLimits) -> tuple[tuple[int, ...], int]:
    units = _size(config.get("units"), "layer width", limits.width)
    bias = units if config.get("use_bias", True) else 0
    return (*shape[:-1], units), shape[-1] * units + bias


def _conv2d(config: dict, shape: tuple[int, ...], limits: NetworkLimits) -> tuple[tuple[int, ...], int]:
    if len(shape) != 3 or config.get("data_format", "channels_last") != "channels_last":
        raise ModelFileError("the model has a convolution this page does not use")
    if config.get("groups", 1) != 1 or _pair(config.get("dilation_rate", 1), "dilation", 1) != (1, 1):
        raise ModelFileError("the model has a convolution this page does not use (grouped or dilated)")
    filters = _size(config.get("filters"), "number of filters", limits.width)
    kernel = _pair(config.get("kernel_size"), "kernel size", 32)
    height, width = _windows(shape, kernel, config.get("strides", 1), config.get("padding"))
    bias = filters if config.get("use_bias", True) else 0
    return (height, width, filters), kernel[0] * kernel[1] * shape[2] * filters + bias


def _pooling(config: dict, shape: tuple[int, ...], limits: NetworkLimits) -> tuple[tuple[int, ...], int]:
    if len(shape) != 3 or config.get("data_format", "channels_last") not in ("channels_last", None):
        raise ModelFileError("the model has a pooling layer this page does not use")
    pool = _pair(config.get("pool_size"), "pooling window", 32)
    height, width = _windows(shape, pool, config.get("strides") or pool, config.get("padding"))
    return (height, width, shape[2]), 0


def _windows(shape: tuple[int, ...], window: tuple[int, int], strides: Any, padding: Any) -> tuple[int, int]:
    step = _pair(list(strides) if isinstance(strides, (list, tuple)) else strides, "stride", 32)
    if padding == "same":
        return math.ceil(shape[0] / step[0]), math.ceil(shape[1] / step[1])
    if padding == "valid" and shape[0] >= window[0] and shape[1] >= window[1]:
        return (shape[0] - window[0]) // step[0] + 1, (shape[1] - window[1]) // step[1] + 1
    raise ModelFileError("the model has a convolution or pooling window that does not fit its input")


def _flatten(config: dict, shape: tuple[int, ...], limits: NetworkLimits) -> tuple[tuple[int, ...], int]:
    return (math.prod(shape),), 0


def _same(config: dict, shape: tuple[int, ...], limits: NetworkLimits) -> tuple[tuple[int, ...], int]:
    return shape, 0


def _recurrent(gates: int) -> Callable[[dict, tuple[int, ...], NetworkLimits], tuple[tuple[int, ...], int]]:
    def rule(config: dict, shape: tuple[int, ...], limits: NetworkLimits) -> tuple[tuple[int, ...], int]:
        if len(shape) != 2 or config.get("stateful"):
            raise ModelFileError("the model has a recurrent layer this page does not use")
        units = _size(config.get("units"), "hidden state size", limits.width)
        biases = gates * units * (2 if gates == 3 and config.get("reset_after", True) else 1)
        weights = gates * units * (shape[1] + units) + (biases if config.get("use_bias", True) else 0)
        return ((shape[0], units) if config.get("return_sequences") else (units,)), weights

    return rule


def _embedding(config: dict, shape: tuple[int, ...], limits: NetworkLimits) -> tuple[tuple[int, ...], int]:
    characters = _size(config.get("input_dim"), "vocabulary", limits.width)
    length = _size(config.get("output_dim"), "embedding length", limits.width)
    return (*shape, length), characters * length


def _one_hot(config: dict, shape: tuple[int, ...], limits: NetworkLimits) -> tuple[tuple[int, ...], int]:
    return (*shape, _size(config.get("depth"), "vocabulary", limits.width)), 0


LAYERS: Mapping[str, Callable[[dict, tuple[int, ...], NetworkLimits], tuple[tuple[int, ...], int]]] = {
    "Dense": _dense, "Conv2D": _conv2d, "MaxPooling2D": _pooling, "AveragePooling2D": _pooling,
    "Flatten": _flatten, "Dropout": _same, "Activation": _same,
    "SimpleRNN": _recurrent(1), "LSTM": _recurrent(4), "GRU": _recurrent(3),
    "Embedding": _embedding, "OneHot": _one_hot,
}
"""The layers the pages build: class name -> (config, input shape, limits) -> (output shape, weights)."""

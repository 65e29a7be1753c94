"""The code behind every click: Keras source read from the network a config builds.

``model_code`` writes a built model as ``keras.Sequential([...])`` and ``layer_code`` one
layer with its non-default arguments, so a code box and the app cannot drift apart:
whatever the app builds is what the code says. The lessons' whole scripts are templates
around these (``nn_core.digits.script``, ``nn_core.rnn.script``).
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Any

from nn_core.config import TrainingConfig
from nn_core.networks import MOMENTUM

OPTIMIZER_CODE = {
    "adam": "keras.optimizers.Adam(learning_rate={lr})",
    "sgd": f"keras.optimizers.SGD(learning_rate={{lr}}, momentum={MOMENTUM})",
    "rmsprop": "keras.optimizers.RMSprop(learning_rate={lr})",
}
# Values Keras fills in for arguments left at their default (None).
IMPLIED_ARGUMENTS = {("data_format", "channels_last"), ("activation", "linear")}
# Arguments that say nothing a reader needs (names, dtypes, bookkeeping).
SKIPPED_ARGUMENTS = {"name", "dtype", "trainable", "batch_input_shape", "batch_shape", "input_shape"}


def optimizer_code(config: TrainingConfig) -> str:
    """The Python expression that makes the config's optimizer."""
    return OPTIMIZER_CODE[config.optimizer].format(lr=repr(config.learning_rate))


def compile_code(config: TrainingConfig) -> str:
    """The statements that compile ``model`` as the app does and print its summary."""
    return (f"model.compile(\n    optimizer={optimizer_code(config)},\n    loss=\"{config.loss}\",\n"
            "    metrics=[\"accuracy\"],\n)\nmodel.summary()")


def _value_code(value: Any) -> str | None:
    """Python source for a layer argument, or None when it cannot be written simply."""
    if isinstance(value, dict) and value.get("class_name") in {"L2", "L1", "L1L2"}:
        arguments = ", ".join(f"{name}={number!r}" for name, number in value["config"].items() if number)
        return f"keras.regularizers.{value['class_name']}({arguments})"
    if isinstance(value, (list, tuple)):
        value = tuple(value)
    if value is None or isinstance(value, (bool, int, float, str, tuple)):
        return repr(value)
    return None


def layer_code(layer: Any) -> str:
    """``keras.layers.Name(arg=value, ...)`` with the layer's non-default arguments."""
    parameters = inspect.signature(type(layer).__init__).parameters
    config = layer.get_config()
    arguments = []
    for name in parameters:  # in the constructor's order: units before its options
        if name in SKIPPED_ARGUMENTS or name not in config:
            continue
        value = config[name]
        default = parameters[name].default
        if isinstance(value, list):
            value = tuple(value)
        if default is not inspect.Parameter.empty and value == default:
            continue
        if isinstance(value, str) and (name, value) in IMPLIED_ARGUMENTS:
            continue
        if isinstance(value, dict) and value.get("module", "").startswith("keras.initializers"):
            continue  # initial weights come from the seed set at the top of the script
        code = _value_code(value)
        if code is not None:
            arguments.append(f"{name}={code}")
    return f"keras.layers.{type(layer).__name__}({', '.join(arguments)})"


@lru_cache(maxsize=64)
def network_code(config: TrainingConfig) -> str:
    """``model_code`` of the network a config builds (built once per setting, then remembered)."""
    return model_code(config.build())  # type: ignore[attr-defined]


def model_code(model: Any, first: str | None = None, skip: tuple[str, ...] = ()) -> str:
    """``keras.Sequential([...])`` source for a built model whose layers run one after the other.

    Args:
        model: a built Sequential model (or a functional one that is a chain of layers).
        first: the input line; ``keras.Input(shape=...)`` of the model's input by default.
        skip: class names of layers to leave out (e.g. a layer the script replaces).

    Returns:
        Python source.
    """
    lines = [first or f"keras.Input(shape={tuple(model.input_shape[1:])!r})"]
    lines += [layer_code(layer) for layer in model.layers
              if type(layer).__name__ not in ("InputLayer", *skip)]
    body = ",\n".join(f"    {line}" for line in lines)
    return f"keras.Sequential([\n{body}\n])"

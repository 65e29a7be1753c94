"""What every model shares: the activation and optimizer vocabularies, compiling, building."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nn_core.config import TrainingConfig

if TYPE_CHECKING:
    import keras

ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "selu", "gelu", "swish", "softplus", "linear")
"""Hidden-layer activations Keras offers that make sense in a classroom network."""


def make_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """A fresh Keras optimizer for one of ``nn_core.config.OPTIMIZERS``.

    Args:
        name: "adam", "sgd" (with momentum 0.9) or "rmsprop".
        learning_rate: the step size.

    Returns:
        A new optimizer (optimizers hold state, so every model gets its own).
    """
    import keras

    if name == "adam":
        return keras.optimizers.Adam(learning_rate)
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=0.9)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    raise ValueError(f"unknown optimizer {name!r}")


def compile_model(model: keras.Model, config: TrainingConfig) -> keras.Model:
    """Compile ``model`` with the config's optimizer, learning rate and loss, tracking accuracy."""
    model.compile(
        optimizer=make_optimizer(config.optimizer, config.learning_rate),
        loss=config.loss,
        metrics=["accuracy"],
    )
    return model


def build_model(config: TrainingConfig) -> keras.Model:
    """A compiled Keras model for any model config (``PerceptronConfig``, ``MLPConfig``, ...).

    Args:
        config: the settings; its ``seed`` fixes the initial weights.

    Returns:
        The compiled model, untrained.
    """
    import keras

    build = getattr(config, "build", None)
    if build is None:
        raise ValueError(f"{type(config).__name__} does not describe a network")
    keras.utils.set_random_seed(config.seed)
    return compile_model(build(), config)

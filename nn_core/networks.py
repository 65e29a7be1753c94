"""What every network shares: the activation and optimizer vocabularies, seeds, compiling.

Randomness is owned by each run, never by the process: ``Seeds(config.seed)`` hands out
one seed per layer for its initial weights and its dropout masks, so two students who
train the same settings at the same time get the same network, weight for weight.
(``keras.utils.set_random_seed`` would seed the whole process, which every session of a
server shares.) The training loop shuffles with the run's seed too
(``nn_core.training``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from nn_core.config import OPTIMIZERS, TrainingConfig

if TYPE_CHECKING:
    import keras

ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "selu", "gelu", "swish", "softplus", "linear")
"""Hidden-layer activations Keras offers that make sense in a classroom network."""

MOMENTUM = 0.9
"""SGD's momentum, here and in every generated script."""


class Seeds:
    """A stream of seeds for the layers of one network, all drawn from the run's seed.

    Args:
        seed: the config's seed.
    """

    def __init__(self, seed: int) -> None:
        self._sequence = np.random.SeedSequence(seed)

    def next(self) -> int:
        """A new seed, different from every one before it and the same on every machine."""
        child = self._sequence.spawn(1)[0]
        return int(child.generate_state(1)[0] % (2**31 - 1))

    def glorot(self) -> keras.initializers.Initializer:
        """Keras' default kernel initializer, seeded."""
        import keras

        return keras.initializers.GlorotUniform(seed=self.next())

    def orthogonal(self) -> keras.initializers.Initializer:
        """Keras' default recurrent initializer, seeded."""
        import keras

        return keras.initializers.Orthogonal(seed=self.next())

    def uniform(self) -> keras.initializers.Initializer:
        """Keras' default embedding initializer, seeded."""
        import keras

        return keras.initializers.RandomUniform(-0.05, 0.05, seed=self.next())

    def dense(self, units: int, **options: Any) -> keras.layers.Dense:
        """A ``Dense`` layer whose initial weights come from this stream."""
        import keras

        return keras.layers.Dense(units, kernel_initializer=self.glorot(), **options)

    def dropout(self, rate: float, **options: Any) -> keras.layers.Dropout:
        """A ``Dropout`` layer whose masks come from this stream."""
        import keras

        return keras.layers.Dropout(rate, seed=self.next(), **options)


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
        return keras.optimizers.SGD(learning_rate, momentum=MOMENTUM)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}")


def compile_model(model: keras.Model, config: TrainingConfig) -> keras.Model:
    """Compile ``model`` with the config's optimizer, learning rate and loss, tracking accuracy."""
    model.compile(
        optimizer=make_optimizer(config.optimizer, config.learning_rate),
        loss=config.loss,
        metrics=["accuracy"],
    )
    return model


def build_model(config: TrainingConfig, *args: Any) -> keras.Model:
    """A compiled Keras model for any model config (``PerceptronConfig``, ``MLPConfig``, ...).

    Args:
        config: the settings; its ``seed`` fixes the initial weights and dropout masks.
        *args: what the config's ``build`` needs besides itself (a text model's vocabulary size).

    Returns:
        The compiled model, untrained.
    """
    build = getattr(config, "build", None)
    if build is None:
        raise ValueError(f"{type(config).__name__} does not describe a network")
    return compile_model(build(*args), config)

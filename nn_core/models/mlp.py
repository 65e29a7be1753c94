"""The multi-layer perceptron: flattened pixels through hidden Dense layers to ten outputs.

The defaults are the seed lesson's network: Flatten -> Dense 256 sigmoid -> Dense 128
sigmoid -> Dense 10 softmax, Adam, batch size 2000, validation split 0.2, 10 epochs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from nn_core.config import TrainingConfig, choice, number
from nn_core.models.common import ACTIVATIONS

if TYPE_CHECKING:
    import keras


@dataclass(frozen=True)
class MLPConfig(TrainingConfig):
    """Settings of the multi-layer perceptron and its training (the article's by default)."""

    input_shape: ClassVar[tuple[int, ...]] = (28, 28)  # what one digit looks like to the network

    hidden_units: tuple[int, ...] = number(
        (256, 128), 1, 2048, "Neurons in each hidden layer, input side first.", length=(1, 4)
    )
    activations: tuple[str, ...] = choice(
        ("sigmoid", "sigmoid"), ACTIVATIONS, "Activation of each hidden layer.", length=(1, 4)
    )
    batch_size: int = number(2000, 1, 10_000, "Digits per weight update.")
    epochs: int = number(10, 1, 200, "Passes over the training digits.")
    validation_split: float = number(0.2, 0.0, 0.5, "Share of training digits held back.")

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.hidden_units) != len(self.activations):
            raise ValueError("hidden_units and activations must have one entry per layer")

    def build(self) -> keras.Model:
        """The uncompiled network: (28, 28) -> Flatten -> hidden Dense layers -> Dense(10)."""
        import keras

        layers = [keras.Input(shape=(28, 28), name="digit"), keras.layers.Flatten(name="flatten")]
        for index, (units, activation) in enumerate(zip(self.hidden_units, self.activations)):
            layers.append(keras.layers.Dense(units, activation=activation, name=f"hidden_{index + 1}"))
        layers.append(keras.layers.Dense(10, activation="softmax", name="output"))
        return keras.Sequential(layers, name="mlp")

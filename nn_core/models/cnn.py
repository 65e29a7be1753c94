"""The convolutional network: convolution -> activation -> pooling blocks, then Dense.

A plain default for now: two blocks of 3x3 convolutions (16 and 32 filters) with ReLU and
2x2 max pooling, then Dense(10) softmax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from nn_core.config import TrainingConfig, number

if TYPE_CHECKING:
    import keras


@dataclass(frozen=True)
class CNNConfig(TrainingConfig):
    """Settings of the convolutional network and its training."""

    input_shape: ClassVar[tuple[int, ...]] = (28, 28, 1)  # what one digit looks like to the network

    filters: tuple[int, ...] = number(
        (16, 32), 1, 256, "Filters in each convolution block.", length=(1, 3)
    )
    kernel_size: int = number(3, 1, 7, "Width and height of each convolution kernel.")
    epochs: int = number(3, 1, 200, "Passes over the training digits.")
    batch_size: int = number(64, 1, 10_000, "Digits per weight update.")

    def build(self) -> keras.Model:
        """The uncompiled network: (28, 28, 1) -> conv blocks -> Flatten -> Dense(10)."""
        import keras

        layers = [keras.Input(shape=(28, 28, 1), name="digit")]
        for index, count in enumerate(self.filters):
            layers.append(
                keras.layers.Conv2D(count, self.kernel_size, padding="same", name=f"conv_{index + 1}")
            )
            layers.append(keras.layers.Activation("relu", name=f"relu_{index + 1}"))
            layers.append(keras.layers.MaxPooling2D(2, name=f"pool_{index + 1}"))
        layers += [keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax", name="output")]
        return keras.Sequential(layers, name="cnn")

"""The convolutional network: convolution -> activation -> pooling blocks, then Dense layers.

Each block is three named layers, so the maps a digit makes at every stage can be read
back (``nn_core.cnn.feature_maps``): ``conv_1`` (the linear convolution, "same" padding),
``activation_1`` and ``pool_1``, then ``conv_2``... After the last block come
``flatten``, an optional hidden ``dense`` layer, ``dropout`` and the ``output`` softmax.

The defaults (two blocks of 16 and 32 3x3 filters, ReLU, 2x2 max pooling, Dense 128,
dropout 0.5, Adam 0.002, batch 64, 6 epochs, a tenth held back for validation) reach about
98% on the bundled 2,000 test digits after training on the 8,000 others, in 12-30 s on two
CPU cores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from nn_core.config import TrainingConfig, choice, number
from nn_core.digits import IMAGE_SIDE, NUM_CLASSES, PIXELS
from nn_core.architecture import NetworkLimits
from nn_core.networks import ACTIVATIONS, Seeds

if TYPE_CHECKING:
    import keras

POOLINGS = ("max", "average")
"""How a pooling window is summarised: its largest value or its mean (the filter lab's too)."""

MAX_BLOCKS = 3
POOL_SIZE = 2  # every block halves the maps: 28 -> 14 -> 7 -> 3
STAGES = ("conv", "activation", "pool")
"""The layers of one block, in order; layer names are ``f"{stage}_{block}"``, blocks from 1."""


@dataclass(frozen=True)
class CNNConfig(TrainingConfig):
    """Settings of the convolutional network and its training."""

    input_shape: ClassVar[tuple[int, ...]] = (IMAGE_SIDE, IMAGE_SIDE, 1)  # what one digit looks like to the network

    conv_blocks: int = number(
        2, 1, MAX_BLOCKS, "Convolution -> activation -> pooling blocks, one after the other."
    )
    # One field per block (not a tuple) so that each gets its own widget and URL value;
    # blocks past ``conv_blocks`` are ignored.
    filters_1: int = number(16, 1, 256, "Filters (feature maps) in the first block.")
    filters_2: int = number(32, 1, 256, "Filters in the second block (when there is one).")
    filters_3: int = number(64, 1, 256, "Filters in the third block (when there is one).")
    kernel_size: int = number(3, 1, 7, "Width and height of each convolution kernel, in pixels.")
    activation: str = choice("relu", ACTIVATIONS, "Activation after each convolution and in the dense layer.")
    pooling: str = choice("max", POOLINGS, "Pooling keeps the largest value of each 2x2 window, or their mean.")
    dense_units: int = number(
        128, 0, 1024, "Neurons in the hidden dense layer after the convolutions (0: none)."
    )
    dropout_rate: float = number(
        0.5, 0.0, 0.9, "Share of the last features dropped at random while training, against overfitting."
    )
    learning_rate: float = number(
        0.002, 1e-5, 10.0, "Size of each update step: too small learns slowly, too large diverges."
    )
    epochs: int = number(6, 1, 200, "Passes over the training digits.")
    batch_size: int = number(64, 1, 10_000, "Digits per weight update.")

    @property
    def filters(self) -> tuple[int, ...]:
        """Filters of the blocks in use, first block first, e.g. (16, 32)."""
        return (self.filters_1, self.filters_2, self.filters_3)[: self.conv_blocks]

    def layer_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        """Each layer's name and output shape (no batch axis), worked out without Keras.

        Returns:
            e.g. [("digit", (28, 28, 1)), ("conv_1", (28, 28, 16)), ..., ("output", (10,))].
        """
        side = self.input_shape[0]
        shapes: list[tuple[str, tuple[int, ...]]] = [("digit", self.input_shape)]
        for block, count in enumerate(self.filters, start=1):
            shapes += [(f"conv_{block}", (side, side, count)), (f"activation_{block}", (side, side, count))]
            side //= POOL_SIZE  # "valid" pooling drops an odd last row and column
            shapes.append((f"pool_{block}", (side, side, count)))
        features = side * side * self.filters[-1]
        shapes.append(("flatten", (features,)))
        if self.dense_units:
            shapes.append(("dense", (self.dense_units,)))
        shapes += [("dropout", (self.dense_units or features,)), ("output", (NUM_CLASSES,))]
        return shapes

    def parameter_count(self) -> int:
        """Weights plus biases, counted from ``layer_shapes`` without building the network.

        A convolution has a kernel of kernel_size x kernel_size x (its input's channels) per
        filter plus a bias per filter; a Dense layer n_in * n_out + n_out.
        """
        count, previous = 0, self.input_shape
        for name, shape in self.layer_shapes()[1:]:
            if name.startswith("conv_"):
                count += self.kernel_size ** 2 * previous[-1] * shape[-1] + shape[-1]
            elif name in ("dense", "output"):
                count += previous[-1] * shape[-1] + shape[-1]
            previous = shape
        return count

    def build(self) -> keras.Model:
        """The uncompiled network: (28, 28, 1) -> conv blocks -> Flatten -> Dense -> Dense(10)."""
        import keras

        seeds = Seeds(self.seed)  # initial weights and dropout masks, this run's own
        layers = [keras.Input(shape=self.input_shape, name="digit")]  # (batch, 28, 28, 1)
        for block, count in enumerate(self.filters, start=1):
            # The convolution is linear and the activation a layer of its own, so that
            # both stages can be looked at. "same" padding keeps the map's size.
            layers.append(keras.layers.Conv2D(count, self.kernel_size, padding="same", kernel_initializer=seeds.glorot(),
                                              name=f"conv_{block}"))
            layers.append(keras.layers.Activation(self.activation, name=f"activation_{block}"))
            pool = keras.layers.MaxPooling2D if self.pooling == "max" else keras.layers.AveragePooling2D
            layers.append(pool(POOL_SIZE, name=f"pool_{block}"))  # (batch, h/2, w/2, count)
        layers.append(keras.layers.Flatten(name="flatten"))
        if self.dense_units:
            layers.append(seeds.dense(self.dense_units, activation=self.activation, name="dense"))
        layers.append(seeds.dropout(self.dropout_rate, name="dropout"))
        layers.append(seeds.dense(NUM_CLASSES, activation="softmax", name="output"))
        return keras.Sequential(layers, name="cnn")


def _largest_network() -> NetworkLimits:
    """The largest CNN the settings make: every field at its most, with one, two or three blocks."""
    most = {name: CNNConfig.most(name) for name in ("filters_1", "filters_2", "filters_3", "kernel_size",
                                                      "dense_units")}
    parameters = max(CNNConfig(conv_blocks=blocks, **most).parameter_count() for blocks in range(1, MAX_BLOCKS + 1))
    return NetworkLimits(weighted_layers=MAX_BLOCKS + 2, width=max(most["dense_units"], most["filters_1"]),
                         parameters=parameters, input_values=PIXELS)


CNNConfig.network_limits = _largest_network()

PRESETS = {
    # The article's stages for digits: one block of 3x3 convolutions, ReLU, 2x2 max pooling,
    # straight into the softmax (the article stops at the stages; this is their smallest
    # trainable network).
    "As in the article": CNNConfig(conv_blocks=1, filters_1=16, dense_units=0, dropout_rate=0.0,
                                   learning_rate=0.001, epochs=5),
    # A few seconds in a classroom: few digits, small blocks.
    "Fast demo": CNNConfig(conv_blocks=2, filters_1=8, filters_2=16, dense_units=64, train_samples=3_000,
                           epochs=4, batch_size=64),
    # Two more epochs than the defaults: about 98% on the bundled test digits.
    "Best accuracy": CNNConfig(epochs=8),
}
"""Named settings for the page's preset buttons."""

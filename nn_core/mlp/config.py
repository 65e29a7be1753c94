"""The multi-layer perceptron's settings: flattened pixels through hidden Dense layers to ten outputs.

``MLPConfig`` describes the network and its training; its defaults are a setting that
learns well in seconds (ReLU, dropout, small batches). ``PRESETS["As in the article"]``
is the seed lesson's network exactly: Flatten -> Dense 256 sigmoid -> Dense 128 sigmoid
-> Dense 10 softmax, Adam 0.001, batch size 2000, validation split 0.2, 10 epochs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from nn_core.config import TrainingConfig, choice, flag, number
from nn_core.digits import IMAGE_SIDE, NUM_CLASSES, PIXELS
from nn_core.errors import SettingsError
from nn_core.architecture import NetworkLimits, dense_parameters
from nn_core.networks import ACTIVATIONS, Seeds

if TYPE_CHECKING:
    import keras

MAX_LAYERS = 4
"""Hidden layers the sidebar offers."""
MAX_UNITS = 2048
"""Neurons a hidden layer may have."""


@dataclass(frozen=True)
class MLPConfig(TrainingConfig):
    """Settings of the multi-layer perceptron and its training (a quick, accurate default)."""

    input_shape: ClassVar[tuple[int, ...]] = (IMAGE_SIDE, IMAGE_SIDE)  # what one digit looks like to the network
    # The sidebar's largest: four hidden layers of MAX_UNITS.
    network_limits: ClassVar[NetworkLimits] = NetworkLimits(
        weighted_layers=MAX_LAYERS + 1, width=MAX_UNITS, input_values=PIXELS,
        parameters=dense_parameters([PIXELS, *[MAX_UNITS] * MAX_LAYERS, NUM_CLASSES]))

    hidden_units: tuple[int, ...] = number(
        (256, 128), 1, MAX_UNITS, "Neurons in each hidden layer, input side first.", length=(1, MAX_LAYERS)
    )
    activations: tuple[str, ...] = choice(
        ("relu", "relu"), ACTIVATIONS, "Activation of each hidden layer.", length=(1, MAX_LAYERS)
    )
    dropout_rate: float = number(
        0.2, 0.0, 0.8,
        "Share of hidden neurons switched off at random in each training step (0 = no dropout): "
        "the network cannot lean on any single neuron, which fights overfitting.",
    )
    l2: float = number(
        0.0, 0.0, 0.1,
        "L2 weight decay: a penalty of this size times the sum of squared weights is added to "
        "the loss, pulling weights towards zero (0 = none).",
    )
    learning_rate: float = number(
        0.001, 1e-5, 10.0, "Size of each update step: too small learns slowly, too large diverges."
    )
    batch_size: int = number(
        128, 1, 10_000, "Digits per weight update: larger is faster per epoch but updates less often."
    )
    epochs: int = number(10, 1, 200, "How many times training goes through all the training digits.")
    validation_split: float = number(
        0.1, 0.0, 0.5, "Share of the training digits held back to watch for overfitting."
    )
    early_stopping: bool = flag(
        False,
        "Stop when the validation loss has not improved for 'patience' epochs, and keep the "
        "weights of the best epoch.",
    )
    patience: int = number(3, 1, 50, "Epochs without a better validation loss before early stopping.")

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.hidden_units) != len(self.activations):
            raise SettingsError("hidden_units and activations must have one entry per layer")
        if self.early_stopping and self.validation_split <= 0:
            raise SettingsError(
                "early stopping watches the validation digits, so it needs a validation share above 0"
            )

    def layer_widths(self) -> list[int]:
        """Neurons per layer from input to output, e.g. [784, 256, 128, 10]."""
        return [PIXELS, *self.hidden_units, NUM_CLASSES]

    def parameter_count(self) -> int:
        """Weights plus biases of the network, counted without building it.

        Each Dense layer from ``n_in`` to ``n_out`` neurons holds an (n_in, n_out) kernel
        and n_out biases; Flatten and Dropout hold none.
        """
        widths = self.layer_widths()
        return sum(n_in * n_out + n_out for n_in, n_out in zip(widths[:-1], widths[1:]))

    def build(self) -> keras.Model:
        """The uncompiled network.

        (28, 28) -> Flatten (784,) -> [Dense(units, activation) -> Dropout] per hidden layer
        -> Dense(10, softmax). Dropout layers appear only when ``dropout_rate`` > 0, and
        every Dense kernel gets an L2 penalty only when ``l2`` > 0.
        """
        import keras

        def regulariser() -> keras.regularizers.Regularizer | None:
            return keras.regularizers.L2(self.l2) if self.l2 > 0 else None

        seeds = Seeds(self.seed)  # initial weights and dropout masks, this run's own
        layers: list[Any] = [keras.Input(shape=self.input_shape, name="digit"), keras.layers.Flatten(name="flatten")]
        for index, (units, activation) in enumerate(zip(self.hidden_units, self.activations)):
            layers.append(seeds.dense(units, activation=activation, kernel_regularizer=regulariser(),
                                      name=f"hidden_{index + 1}"))  # (batch, units)
            if self.dropout_rate > 0:
                layers.append(seeds.dropout(self.dropout_rate, name=f"dropout_{index + 1}"))
        layers.append(seeds.dense(NUM_CLASSES, activation="softmax", kernel_regularizer=regulariser(),
                                  name="output"))  # (batch, 10)
        return keras.Sequential(layers, name="mlp")


PRESETS = {
    # The seed article's model and training, exactly; it trains on every digit loaded
    # (60,000 in full MNIST; the slider caps it to what this server has).
    "As in the article": MLPConfig(
        hidden_units=(256, 128), activations=("sigmoid", "sigmoid"), dropout_rate=0.0, l2=0.0,
        optimizer="adam", learning_rate=0.001, batch_size=2000, epochs=10, validation_split=0.2,
        train_samples=60_000, early_stopping=False,
    ),
    # The defaults: ReLU, dropout and 128-digit batches learn far more in about the same time.
    "Better defaults": MLPConfig(),
    # A few seconds in a classroom.
    "Fast demo": MLPConfig(hidden_units=(128,), activations=("relu",), train_samples=3_000, epochs=3,
                           batch_size=64, validation_split=0.1),
    # Wider layers, more dropout, more epochs, and early stopping to keep the best epoch.
    "Best accuracy": MLPConfig(hidden_units=(512, 256), activations=("relu", "relu"), dropout_rate=0.3,
                               train_samples=60_000, epochs=20, batch_size=128, validation_split=0.1,
                               early_stopping=True, patience=4),
}
"""Named settings for the page's preset buttons."""


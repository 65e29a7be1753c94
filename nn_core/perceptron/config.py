"""The single-layer perceptron: every pixel wired straight to ten output neurons.

As in the seed lesson: ``Dense(10)`` on the 784 flattened pixels, sigmoid, Adam, sparse
categorical cross-entropy, 5 epochs. Keras 3 computes that loss from the layer's raw sums
(its logits) whether the activation is sigmoid or softmax, so both train identically;
they differ in the outputs a person reads: softmax outputs sum to 1, sigmoid outputs do
not (each is its own yes/no), and ``nn_core.digits.inference`` divides them by their sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from nn_core.config import TrainingConfig, choice
from nn_core.digits import NUM_CLASSES, PIXELS
from nn_core.architecture import NetworkLimits, dense_parameters
from nn_core.networks import Seeds

if TYPE_CHECKING:
    import keras

OUTPUT_ACTIVATIONS = ("sigmoid", "softmax")


@dataclass(frozen=True)
class PerceptronConfig(TrainingConfig):
    """Settings of the single-layer perceptron and its training (the article's by default)."""

    input_shape: ClassVar[tuple[int, ...]] = (PIXELS,)  # what one digit looks like to the network
    network_limits: ClassVar[NetworkLimits] = NetworkLimits(
        weighted_layers=1, width=NUM_CLASSES, parameters=dense_parameters([PIXELS, NUM_CLASSES]), input_values=PIXELS)

    activation: str = choice(
        "sigmoid", OUTPUT_ACTIVATIONS, "Sigmoid as in the article, or softmax (sums to 1)."
    )

    def build(self) -> keras.Model:
        """The uncompiled network: input (784,) -> Dense(10), its weights drawn from the seed."""
        import keras

        return keras.Sequential(
            [
                keras.Input(shape=self.input_shape, name="pixels"),  # (batch, 784) flattened digits
                Seeds(self.seed).dense(NUM_CLASSES, activation=self.activation, name="output"),
            ],
            name="perceptron",
        )


PRESETS = {
    # The article's settings (it trains on 60,000 digits; here on as many as are loaded).
    "As in the article": PerceptronConfig(),
    # A few seconds in a classroom.
    "Fast demo": PerceptronConfig(train_samples=2_000, epochs=3, batch_size=64),
    # More passes with a softmax output and a slightly larger step.
    "Best accuracy": PerceptronConfig(activation="softmax", epochs=15, batch_size=64, learning_rate=0.003,
                                      validation_split=0.1),
}
"""Named settings for the page's preset buttons."""

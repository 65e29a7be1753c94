"""The plane's settings: the points, the features fed in, the layers, and how it is trained.

``PlaneConfig`` is one frozen dataclass; its fields drive the sidebar, the link, the
settings file and the generated script. Its defaults are TensorFlow Playground's first
lesson grown a little: the circle, x1 and x2, two hidden layers of tanh neurons, batches
of ten. ``PRESETS`` are the lessons the page offers in one click (XOR without and with a
hidden layer, XOR from the product feature alone, spirals, five clusters, regression).

What the network must output depends on the points: a number (the regression surface),
one sigmoid neuron for two classes (as Playground does) or one softmax neuron per class.
``build(classes)`` takes the count, since a student's own points bring their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nn_core.config import TrainingConfig, choice, number
from nn_core.errors import SettingsError
from nn_core.architecture import NetworkLimits, dense_parameters
from nn_core.networks import ACTIVATIONS, Seeds
from nn_core.plane.data import DATASETS, FEATURES

if TYPE_CHECKING:
    import keras

MAX_LAYERS = 6
"""Hidden layers the plane offers (as many as TensorFlow Playground)."""
MAX_UNITS = 64
"""Neurons a hidden layer may have (Playground stops at 8)."""


@dataclass(frozen=True)
class PlaneConfig(TrainingConfig):
    """Settings of the points, the network and its training on the plane."""

    dataset: str = choice("circle", DATASETS, "Which points to learn: each data set needs a different boundary.")
    classes: int = number(
        2, 2, 5, "How many classes the circle (rings), the Gaussian clusters and the spirals have. XOR and "
        "the moons always have two; the regression surface has none (it is a number to learn).")
    noise: float = number(
        0.2, 0.0, 2.0, "How far each point is pushed at random from where its class put it (the standard "
        "deviation, in the plane's units; the plane runs from -6 to 6).")
    train_samples: int = number(500, 20, 5_000, "How many points to make, training and test points together.")
    validation_split: float = number(
        0.3, 0.1, 0.9, "Share of the points held back as test points: never trained on, drawn with a dark rim, "
        "measured after every epoch (the curves' validation line).")
    features: tuple[str, ...] = choice(
        ("x1", "x2"), FEATURES, "What the network is given about each point: its coordinates, or things "
        "computed from them (squares, their product, sines).", length=(1, len(FEATURES)))
    hidden_units: tuple[int, ...] = number(
        (8, 8), 1, MAX_UNITS, "Neurons in each hidden layer, input side first.", length=(0, MAX_LAYERS))
    activations: tuple[str, ...] = choice(
        ("tanh", "tanh"), ACTIVATIONS, "Activation of each hidden layer.", length=(0, MAX_LAYERS))
    two_class_output: str = choice(
        "sigmoid", ("sigmoid", "softmax"), "With two classes: one sigmoid neuron giving the chance of class 1 "
        "(binary cross-entropy, as TensorFlow Playground), or one softmax neuron per class (cross-entropy, as "
        "with three to five classes).")
    l1: float = number(0.0, 0.0, 0.1, "L1 penalty: this times the sum of the weights' sizes is added to the loss, "
                                      "pushing unneeded weights to exactly zero (0 = none).")
    l2: float = number(0.0, 0.0, 0.1, "L2 penalty: this times the sum of the squared weights is added to the loss, "
                                      "keeping every weight small (0 = none).")
    learning_rate: float = number(0.03, 1e-5, 10.0, "Size of each update step: too small learns slowly, too large "
                                                    "jumps about or diverges.")
    batch_size: int = number(10, 1, 5_000, "Points per weight update: smaller batches make more, noisier updates.")
    epochs: int = number(100, 1, 200, "How many times training goes through all the training points.")
    seed: int = number(0, 0, 2**31 - 1, "Fixes the points, the initial weights and the order of the points, so a "
                                        "run repeats.")

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.hidden_units) != len(self.activations):
            raise SettingsError("hidden_units and activations must have one entry per layer")
        if len(set(self.features)) != len(self.features):
            raise SettingsError("each feature may be given once")

    def class_count(self) -> int | None:
        """Classes of the chosen data set (0: a number to learn; None: the student's own points decide)."""
        if self.dataset not in DATASETS or DATASETS[self.dataset].make is None:
            return None
        return DATASETS[self.dataset].classes(self.classes)

    def outputs(self, classes: int) -> int:
        """Output neurons for ``classes`` classes: 1 for a number or a sigmoid pair, else one per class."""
        return 1 if classes == 0 or (classes == 2 and self.two_class_output == "sigmoid") else classes

    def loss_for(self, classes: int) -> str:
        """The Keras loss for ``classes`` classes (0: mean squared error)."""
        if classes == 0:
            return "mean_squared_error"
        return "binary_crossentropy" if self.outputs(classes) == 1 else "sparse_categorical_crossentropy"

    def output_activation(self, classes: int) -> str:
        """The output layer's activation for ``classes`` classes."""
        if classes == 0:
            return "linear"
        return "sigmoid" if self.outputs(classes) == 1 else "softmax"

    def layer_widths(self, classes: int) -> list[int]:
        """Neurons per layer from the features to the output, e.g. [2, 8, 8, 1]."""
        return [len(self.features), *self.hidden_units, self.outputs(classes)]

    def parameter_count(self, classes: int) -> int:
        """Weights plus biases, counted without building: n_in * n_out + n_out per Dense layer."""
        widths = self.layer_widths(classes)
        return sum(n_in * n_out + n_out for n_in, n_out in zip(widths[:-1], widths[1:]))

    def build(self, classes: int) -> keras.Model:
        """The uncompiled network for ``classes`` classes (0: a number to learn).

        (batch, features) -> [Dense(units, activation)] per hidden layer -> Dense(outputs).
        Each kernel gets the L1/L2 penalty when either is above zero; every layer's initial
        weights come from the run's seed.
        """
        import keras

        def penalty() -> keras.regularizers.Regularizer | None:
            return keras.regularizers.L1L2(l1=self.l1, l2=self.l2) if self.l1 > 0 or self.l2 > 0 else None

        seeds = Seeds(self.seed)
        layers: list = [keras.Input(shape=(len(self.features),), name="features")]
        for index, (units, activation) in enumerate(zip(self.hidden_units, self.activations)):
            layers.append(seeds.dense(units, activation=activation, kernel_regularizer=penalty(),
                                      name=f"hidden_{index + 1}"))  # (batch, units)
        layers.append(seeds.dense(self.outputs(classes), activation=self.output_activation(classes),
                                  kernel_regularizer=penalty(), name="output"))  # (batch, outputs)
        return keras.Sequential(layers, name="plane")


PlaneConfig.network_limits = NetworkLimits(
    weighted_layers=MAX_LAYERS + 1, width=MAX_UNITS, input_values=len(FEATURES),
    parameters=dense_parameters([len(FEATURES), *[MAX_UNITS] * MAX_LAYERS, PlaneConfig.most("classes")]))
"""The largest network on the plane: every feature, six layers of the most neurons, a softmax of five classes."""

PRESETS = {
    # TensorFlow Playground's opening setting: the circle from x1 and x2.
    "Circle": PlaneConfig(),
    # The perceptron page's failure: one layer draws one straight line, and XOR needs two.
    "XOR, no hidden layer": PlaneConfig(dataset="xor", hidden_units=(), activations=(), epochs=40),
    # One hidden layer of four neurons bends the boundary around the quadrants.
    "XOR, one hidden layer": PlaneConfig(dataset="xor", hidden_units=(4,), activations=("tanh",), epochs=60),
    # Or give the network the product x1*x2: XOR becomes one straight cut, no hidden layer needed.
    "XOR from x1·x2 alone": PlaneConfig(dataset="xor", features=("x1_x2",), hidden_units=(), activations=(),
                                        epochs=40),
    # The hardest: two spirals, from the coordinates alone, with two wider layers.
    "Two spirals": PlaneConfig(dataset="spiral", noise=0.1, hidden_units=(16, 16), activations=("tanh", "tanh"),
                               learning_rate=0.01, epochs=200),
    # Three classes: one softmax output per class, cross-entropy.
    "Three spirals": PlaneConfig(dataset="spiral", classes=3, noise=0.1, hidden_units=(24, 24),
                                 activations=("tanh", "tanh"), learning_rate=0.01, epochs=200),
    # Five clusters: a softmax without hidden layers cuts the plane into five convex pieces.
    "Five clusters": PlaneConfig(dataset="gauss", classes=5, noise=0.3, hidden_units=(), activations=(),
                                 epochs=40),
    # A number to learn: the output is linear, the loss is the mean squared error.
    "Regression": PlaneConfig(dataset="surface", noise=0.0, hidden_units=(8, 8), activations=("tanh", "tanh"),
                              learning_rate=0.01),
}
"""Named settings for the page's preset buttons."""

"""The multi-layer perceptron: flattened pixels through hidden Dense layers to ten outputs.

``MLPConfig`` describes the network and its training; its defaults are a setting that
learns well in seconds (ReLU, dropout, small batches). ``PRESETS["As in the article"]``
is the seed lesson's network exactly: Flatten -> Dense 256 sigmoid -> Dense 128 sigmoid
-> Dense 10 softmax, Adam 0.001, batch size 2000, validation split 0.2, 10 epochs.

``EarlyStopping`` and ``mlp_job`` add patience to the one training loop without a loop of
their own: after each epoch the stopper measures the validation loss, keeps the best
weights, and asks Keras to end training after that epoch once the loss has not improved
for ``patience`` epochs, putting the best weights back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from nn_core.config import TrainingConfig, choice, flag, number
from nn_core.models.common import ACTIVATIONS

if TYPE_CHECKING:
    import keras

    from nn_core.data import MnistData
    from nn_core.training import TrainingJob

NUM_CLASSES = 10
INPUT_PIXELS = 28 * 28


@dataclass(frozen=True)
class MLPConfig(TrainingConfig):
    """Settings of the multi-layer perceptron and its training (a quick, accurate default)."""

    input_shape: ClassVar[tuple[int, ...]] = (28, 28)  # what one digit looks like to the network

    hidden_units: tuple[int, ...] = number(
        (256, 128), 1, 2048, "Neurons in each hidden layer, input side first.", length=(1, 4)
    )
    activations: tuple[str, ...] = choice(
        ("relu", "relu"), ACTIVATIONS, "Activation of each hidden layer.", length=(1, 4)
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
            raise ValueError("hidden_units and activations must have one entry per layer")
        if self.early_stopping and self.validation_split <= 0:
            raise ValueError(
                "early stopping watches the validation digits, so it needs a validation share above 0"
            )

    def layer_widths(self) -> list[int]:
        """Neurons per layer from input to output, e.g. [784, 256, 128, 10]."""
        return [INPUT_PIXELS, *self.hidden_units, NUM_CLASSES]

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

        layers: list[Any] = [keras.Input(shape=(28, 28), name="digit"), keras.layers.Flatten(name="flatten")]
        for index, (units, activation) in enumerate(zip(self.hidden_units, self.activations)):
            layers.append(keras.layers.Dense(units, activation=activation, kernel_regularizer=regulariser(),
                                             name=f"hidden_{index + 1}"))  # (batch, units)
            if self.dropout_rate > 0:
                layers.append(keras.layers.Dropout(self.dropout_rate, name=f"dropout_{index + 1}"))
        layers.append(keras.layers.Dense(NUM_CLASSES, activation="softmax", kernel_regularizer=regulariser(),
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


def validation_loss(model: Any, x_val: np.ndarray, y_val: np.ndarray) -> float:
    """Mean cross-entropy of ``model`` on validation digits, by direct model calls.

    Args:
        model: a digit model with a probability output.
        x_val: (n, 28, 28) float32 digits in [0, 1].
        y_val: (n,) integer labels.

    Returns:
        The mean of -log(probability of the true label), as Keras' loss (without any
        weight penalty) computes it.
    """
    from nn_core.inference import predict_batch

    probabilities = predict_batch(model, x_val)  # (n, 10)
    true = probabilities[np.arange(len(y_val)), np.asarray(y_val, dtype=int)]
    return float(-np.mean(np.log(np.clip(true, 1e-7, 1.0))))


class EarlyStopping:
    """Patience on the validation loss, run from ``TrainingJob``'s ``after_epoch`` hook.

    Called after every epoch with (model, epoch). It keeps the weights of the epoch with
    the lowest validation loss; once ``patience`` epochs in a row bring no improvement, or
    when the last planned epoch ends, it puts those weights back. On a patience stop it
    also sets ``model.stop_training``, which makes Keras end ``fit`` after the current
    epoch: the one training loop stops by itself, without a batch more.

    Args:
        x_val: (n, 28, 28) validation digits, float32 in [0, 1].
        y_val: (n,) labels.
        patience: epochs without improvement before stopping.
        total_epochs: the planned number of epochs (the best weights are restored after
            the last one even without a stop).
    """

    def __init__(self, x_val: np.ndarray, y_val: np.ndarray, patience: int, total_epochs: int) -> None:
        if len(x_val) == 0:
            raise ValueError("early stopping needs validation digits")
        if patience < 1:
            raise ValueError(f"patience must be at least 1, got {patience}")
        self.x_val, self.y_val = x_val, y_val
        self.patience, self.total_epochs = patience, total_epochs
        self.best_loss = math.inf
        self.best_epoch = -1
        self.best_weights: list[np.ndarray] | None = None
        self.stopped_epoch: int | None = None

    def __call__(self, model: Any, epoch: int) -> dict[str, Any]:
        loss = validation_loss(model, self.x_val, self.y_val)
        if loss < self.best_loss:
            self.best_loss, self.best_epoch = loss, epoch
            self.best_weights = model.get_weights()
        waited = epoch - self.best_epoch
        if waited >= self.patience:
            self.stopped_epoch = epoch
            model.stop_training = True  # Keras ends fit after this epoch
        if (self.stopped_epoch is not None or epoch + 1 >= self.total_epochs) and self.best_weights is not None:
            model.set_weights(self.best_weights)
        return {
            "val_loss": loss,
            "best_epoch": self.best_epoch + 1,  # counted from 1, as people count epochs
            "stopped_early": self.stopped_epoch is not None,
        }


def mlp_job(
    config: MLPConfig, data: MnistData, keep_going: Callable[[], bool] | None = None, model: Any = None
) -> TrainingJob:
    """A training job (not started) for the MLP, with early stopping when the config asks.

    Args:
        config: the network's and the training's settings.
        data: the loaded digits.
        keep_going: see ``nn_core.training.TrainingJob``.
        model: a compiled model to train further instead of a new one.

    Returns:
        The job from ``nn_core.digits.digit_job``, its ``after_epoch`` hook set to an
        ``EarlyStopping`` on the job's own validation digits when early stopping is on.
    """
    from nn_core.digits import digit_job

    job = digit_job(config, data, model=model, keep_going=keep_going)
    if config.early_stopping:
        job.after_epoch = EarlyStopping(job.data.x_val, job.data.y_val, config.patience, config.epochs)
    return job

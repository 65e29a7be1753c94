"""Training the digit models (perceptron, MLP, CNN) on MNIST: samples, shapes, evaluation.

``digit_job`` turns a config and the loaded digits into a ready ``TrainingJob``: it picks
the config's number of training samples (seeded), holds back its validation share,
scales pixels to [0, 1], shapes them as the network expects, and evaluates on the test
digits at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nn_core.config import TrainingConfig
from nn_core.data import MnistData, to_float, training_subset
from nn_core.inference import warm_up
from nn_core.models import build_model
from nn_core.training import TrainingData, TrainingJob


def split_training(
    data: MnistData, config: TrainingConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The config's training and validation digits.

    Args:
        data: the loaded digits.
        config: gives ``train_samples``, ``validation_split`` and ``seed``.

    Returns:
        (x_train, y_train, x_val, y_val); x as (n, 28, 28) float32 in [0, 1].

    Raises:
        ValueError: too few samples to hold back a validation share and still train.
    """
    x, y = training_subset(data.x_train, data.y_train, config.train_samples, config.seed)
    n_val = int(round(len(x) * config.validation_split))
    if len(x) - n_val < 1:
        raise ValueError("no digits are left for training after the validation share")
    x = to_float(x)  # (n, 28, 28)
    return x[n_val:], y[n_val:], x[:n_val], y[:n_val]


def shape_for(config: TrainingConfig, x: np.ndarray) -> np.ndarray:
    """(n, 28, 28) digits reshaped to the config's network input, e.g. (n, 784)."""
    return x.reshape((len(x),) + tuple(config.input_shape))  # type: ignore[attr-defined]


def evaluate_digits(model: Any, config: TrainingConfig, data: MnistData) -> dict[str, float]:
    """Test loss and accuracy of ``model`` on the test digits; then its digit call is traced."""
    x_test = shape_for(config, to_float(data.x_test))
    loss, accuracy = model.evaluate(x_test, data.y_test, batch_size=1024, verbose=0)
    warm_up(model)
    return {"test_loss": float(loss), "test_accuracy": float(accuracy)}


def digit_job(
    config: TrainingConfig,
    data: MnistData,
    model: Any = None,
    keep_going: Callable[[], bool] | None = None,
) -> TrainingJob:
    """A training job (not started) for a digit model.

    Args:
        config: the model's settings, training ones included.
        data: the loaded digits.
        model: a compiled model to train further; by default a new one is built from
            ``config`` on the job's thread.
        keep_going: see ``TrainingJob``.

    Returns:
        The job; call ``start()``.
    """
    x_train, y_train, x_val, y_val = split_training(data, config)
    return TrainingJob(
        model=model if model is not None else (lambda: build_model(config)),
        data=TrainingData(shape_for(config, x_train), y_train, shape_for(config, x_val), y_val),
        epochs=config.epochs,
        batch_size=config.batch_size,
        evaluate=lambda trained: evaluate_digits(trained, config, data),
        keep_going=keep_going,
    )

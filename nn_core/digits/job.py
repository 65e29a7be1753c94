"""Training a digit model (perceptron, MLP, CNN) on MNIST: samples, shapes, evaluation.

``digit_job`` turns a config and the loaded digits into a ready ``TrainingJob``: it picks
the config's number of training samples (seeded), holds back its validation share,
scales pixels to [0, 1], shapes them as the network expects, and evaluates on the test
digits at the end. ``split_sizes`` says how many digits train and how many are held
back, so a page can count weight updates before anything is built.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nn_core.config import TrainingConfig
from nn_core.digits.data import MnistData, to_float, training_subset
from nn_core.digits.inference import warm_up
from nn_core.errors import SettingsError
from nn_core.estimate import check_training_memory
from nn_core.networks import build_model
from nn_core.persistence import copy_model
from nn_core.training import Callback, TrainingData, TrainingJob


def split_sizes(config: TrainingConfig, available: int) -> tuple[int, int]:
    """How many digits a config trains on and how many it holds back for validation.

    Args:
        config: gives ``train_samples`` and ``validation_split``.
        available: training digits loaded.

    Returns:
        (training digits, validation digits).
    """
    samples = min(config.train_samples, available)
    held_back = int(round(samples * config.validation_split))
    return samples - held_back, held_back


def updates_per_epoch(config: TrainingConfig, available: int) -> int:
    """Weight updates (batches) in one epoch of this config."""
    training, _ = split_sizes(config, available)
    return max(1, math.ceil(training / config.batch_size))


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
        SettingsError: too few samples to hold back a validation share and still train.
    """
    training, held_back = split_sizes(config, len(data.x_train))
    if training < 1:
        raise SettingsError("no digits are left for training after the validation share")
    x, y = training_subset(data.x_train, data.y_train, training + held_back, config.seed)
    x = to_float(x)  # (n, 28, 28)
    return x[held_back:], y[held_back:], x[:held_back], y[:held_back]


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
    *,
    continue_from: Any = None,
    first_epoch: int = 0,
    keep_going: Callable[[], bool] | None = None,
    callbacks: Sequence[Callback] = (),
) -> TrainingJob:
    """A training job (not started) for a digit model.

    Args:
        config: the model's settings, training ones included.
        data: the loaded digits.
        continue_from: a compiled model to train further: a copy of it is trained (made on
            the job's thread), so the model and its run stay as they were. By default a new
            model is built from ``config``.
        first_epoch: epochs ``continue_from`` has had already (the curves go on from there).
        keep_going: see ``TrainingJob``.
        callbacks: the lesson's training callbacks.

    Returns:
        The job; call ``start()``.

    Raises:
        LimitError: the training is beyond the server's limits (its memory included).
    """
    x_train, y_train, x_val, y_val = split_training(data, config)
    check_training_memory(config, len(x_train), model=continue_from)
    return TrainingJob(
        TrainingData(shape_for(config, x_train), y_train, shape_for(config, x_val), y_val),
        config.epochs,
        config.batch_size,
        build=(lambda: build_model(config)) if continue_from is None else (lambda: copy_model(continue_from)),
        seed=config.seed,
        first_epoch=first_epoch,
        evaluate=lambda trained: evaluate_digits(trained, config, data),
        callbacks=callbacks,
        keep_going=keep_going,
    )

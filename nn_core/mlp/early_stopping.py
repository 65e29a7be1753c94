"""Early stopping for the MLP: patience on the validation loss, as a callback of the one training loop.

After each epoch ``EarlyStopping`` measures the validation loss, keeps the best weights,
and once the loss has not improved for ``patience`` epochs it ends the training after
that epoch (``job.end_after_epoch``) and puts the best weights back. No loop of its own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nn_core.digits.inference import predict_batch
from nn_core.training import Callback, TrainingJob


def validation_loss(model: Any, x_val: np.ndarray, y_val: np.ndarray) -> float:
    """Mean cross-entropy of ``model`` on validation digits, by direct model calls.

    Args:
        model: a digit model with a probability output.
        x_val: (n, 28, 28) float32 digits in [0, 1], or shaped as the model takes them.
        y_val: (n,) integer labels.

    Returns:
        The mean of -log(probability of the true label), as Keras' loss (without any
        weight penalty) computes it.
    """
    images = np.asarray(x_val, dtype=np.float32).reshape(len(x_val), 28, 28)
    probabilities = predict_batch(model, images)  # (n, 10)
    true = probabilities[np.arange(len(y_val)), np.asarray(y_val, dtype=int)]
    return float(-np.mean(np.log(np.clip(true, 1e-7, 1.0))))


class EarlyStopping(Callback):
    """Patience on the validation loss, keeping the weights of the best epoch.

    Once ``patience`` epochs in a row bring no improvement, or when the last planned
    epoch ends, the best weights are put back. Each epoch's extra says what it knows:
    ``{"val_loss", "best_epoch", "stopped_early"}`` (epochs counted from 1).

    Args:
        patience: epochs without improvement before stopping.
    """

    def __init__(self, patience: int) -> None:
        if patience < 1:
            raise ValueError(f"patience must be at least 1, got {patience}")
        self.patience = patience
        self.best_loss = math.inf
        self.best_epoch = -1
        self.best_weights: list[np.ndarray] | None = None
        self.stopped_epoch: int | None = None

    def on_start(self, job: TrainingJob) -> None:
        if job.data.x_val is None or len(job.data.x_val) == 0:
            raise ValueError("early stopping needs validation digits")

    def on_epoch_end(self, job: TrainingJob, epoch: int, logs: dict[str, float]) -> dict[str, Any]:
        model = job.model
        loss = validation_loss(model, job.data.x_val, job.data.y_val)
        if loss < self.best_loss:
            self.best_loss, self.best_epoch = loss, epoch
            self.best_weights = model.get_weights()
        if epoch - self.best_epoch >= self.patience:
            self.stopped_epoch = epoch
            job.end_after_epoch()
        last = epoch + 1 >= job.first_epoch + job.epochs
        if (self.stopped_epoch is not None or last) and self.best_weights is not None:
            model.set_weights(self.best_weights)
        return {"val_loss": loss, "best_epoch": self.best_epoch + 1, "stopped_early": self.stopped_epoch is not None}

"""The MLP's training job: the digit lessons' job, with early stopping when the settings ask for it."""

from __future__ import annotations

from typing import Any

from nn_core.digits.data import MnistData
from nn_core.digits.job import digit_job
from nn_core.mlp.config import MLPConfig
from nn_core.mlp.early_stopping import EarlyStopping
from nn_core.training import TrainingJob


def mlp_job(config: MLPConfig, data: MnistData, **options: Any) -> TrainingJob:
    """A training job (not started) for the MLP.

    Args:
        config: the network's and the training's settings.
        data: the loaded digits.
        **options: as for ``nn_core.digits.job.digit_job`` (continue_from, first_epoch, keep_going).

    Returns:
        The digit job, with an ``EarlyStopping`` callback when ``config.early_stopping``.
    """
    callbacks = [EarlyStopping(config.patience)] if config.early_stopping else []
    return digit_job(config, data, callbacks=callbacks, **options)

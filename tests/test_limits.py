"""Server limits come from the environment and are enforced by the engine."""

import numpy as np
import pytest

from nn_core import limits
from nn_core.training import TrainingData, TrainingJob


def test_defaults_and_bad_values(monkeypatch):
    monkeypatch.delenv("PLAYGROUND_MAX_EPOCHS", raising=False)
    assert limits.max_epochs() == 200
    monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "nonsense")
    assert limits.max_epochs() == 200
    monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "-3")
    assert limits.max_epochs() == 200
    monkeypatch.setenv("PLAYGROUND_MAX_SAMPLES", "500")
    assert limits.max_samples() == 500


def test_jobs_beyond_the_limits_are_refused(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "3")
    monkeypatch.setenv("PLAYGROUND_MAX_SAMPLES", "10")
    data = TrainingData(np.zeros((10, 784), np.float32), np.zeros(10))
    TrainingJob(model=None, data=data, epochs=3, batch_size=2)  # at the limits: fine
    with pytest.raises(ValueError, match="at most 3 epochs"):
        TrainingJob(model=None, data=data, epochs=4, batch_size=2)
    with pytest.raises(ValueError, match="at most 10 training samples"):
        TrainingJob(model=None, data=TrainingData(np.zeros((11, 784)), np.zeros(11)), epochs=1, batch_size=2)

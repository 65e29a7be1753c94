"""Server limits come from the environment and are enforced by the engine."""

import numpy as np
import pytest

from nn_core import limits
from nn_core.errors import LimitError
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
    TrainingJob(data, 3, 2, build=lambda: None)  # at the limits: fine
    with pytest.raises(LimitError, match="at most 3 epochs"):
        TrainingJob(data, 4, 2, build=lambda: None)
    with pytest.raises(LimitError, match="at most 10 training samples"):
        TrainingJob(TrainingData(np.zeros((11, 784)), np.zeros(11)), 1, 2, build=lambda: None)


def test_durations_in_words():
    assert limits.describe_seconds(45) == "45 seconds"
    assert limits.describe_seconds(1) == "1 second"
    assert limits.describe_seconds(1800) == "30 minutes"
    assert limits.describe_seconds(5400) == "1 hour 30 minutes"
    assert limits.describe_seconds(7200) == "2 hours"

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


def test_a_training_that_needs_more_memory_than_the_server_gives_is_refused_in_a_sentence(mnist, monkeypatch):
    import importlib

    from nn_core.cnn import CNNConfig
    from nn_core.digits.job import digit_job
    from nn_core.estimate import memory_problem, workload
    from nn_core.lessons import LESSONS
    from nn_core.rnn import RNNConfig
    from nn_core.rnn.training import text_training

    monkeypatch.delenv("PLAYGROUND_MAX_TRAINING_MB", raising=False)
    greedy = CNNConfig(conv_blocks=1, filters_1=256, batch_size=4096)  # every value on the sidebar's menus
    with pytest.raises(LimitError, match=r"about 12\.5 GB of memory .* use batches of at most \d{3},"):
        digit_job(greedy, mnist)
    digit_job(CNNConfig(conv_blocks=1, filters_1=256, batch_size=512), mnist)  # 1.6 GB: taken
    # A batch larger than the data holds only the data: 270 digits in one batch are taken.
    digit_job(CNNConfig(conv_blocks=1, filters_1=256, batch_size=4096, train_samples=300), mnist)
    with pytest.raises(LimitError, match="GB of memory"):
        text_training(RNNConfig(cell="LSTM", units=512, recurrent_layers=2, sequence_length=100, batch_size=4096),
                      "a text of a few characters, long enough. " * 200)
    # The pages' presets and defaults are far within it.
    for entry in LESSONS:
        presets = importlib.import_module(f"nn_core.{entry.slug}.config").PRESETS
        for config in [entry.config_class(), *presets.values()]:
            build_args = {"rnn": (100,), "plane": (5,)}.get(entry.slug, ())
            assert memory_problem(workload(config, 60_000, 0, *build_args)) is None, (entry.slug, config)
    monkeypatch.setenv("PLAYGROUND_MAX_TRAINING_MB", "100")  # a smaller server says so for less
    with pytest.raises(LimitError, match="at most 0.1 GB"):
        digit_job(CNNConfig(conv_blocks=1, filters_1=256, batch_size=512), mnist)

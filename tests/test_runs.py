"""The run history: bounded, oldest dropped, and the settings that differ between runs."""

from dataclasses import dataclass

import pytest

from nn_core.models import MLPConfig, PerceptronConfig
from nn_core.runs import RunHistory, comparison_rows, differing_settings, settings_of


def _history(accuracy):
    return {"loss": [1.0, 0.5], "accuracy": [0.5, accuracy], "val_loss": [1.1, 0.6], "val_accuracy": [0.4, accuracy]}


def test_history_is_bounded_and_drops_the_oldest():
    history = RunHistory(capacity=3)
    for epochs in range(1, 6):
        history.add(MLPConfig(epochs=epochs), _history(0.9), {"test_accuracy": 0.9})
    assert len(history) == 3
    assert history.names == ["Run 3", "Run 4", "Run 5"]  # names are never reused
    assert [run.config.epochs for run in history] == [3, 4, 5]
    with pytest.raises(KeyError):
        history["Run 1"]
    assert history["Run 4"].config.epochs == 4


def test_history_copies_what_it_is_given():
    curves = _history(0.8)
    run = RunHistory().add(MLPConfig(), curves, {"test_accuracy": 0.8}, status="stopped", seconds=3.25)
    curves["loss"].append(99.0)
    assert run.history["loss"] == [1.0, 0.5] and run.epochs_done == 2
    assert (run.status, run.seconds) == ("stopped", 3.25)


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        RunHistory(capacity=0)


def test_differing_settings_lists_only_what_changed():
    base = MLPConfig()
    configs = [base, base.changed(epochs=3), base.changed(epochs=3, hidden_units=(64,), activations=("relu",))]
    assert differing_settings(configs) == ["epochs", "hidden_units", "activations"]  # field order
    assert differing_settings([base, base]) == []
    assert differing_settings([base]) == []


def test_differing_settings_works_for_any_config_kind():
    @dataclass(frozen=True)
    class Toy:
        size: int
        name: str

    assert differing_settings([Toy(1, "a"), Toy(2, "a")]) == ["size"]
    assert differing_settings([{"a": 1, "b": 2}, {"a": 1, "b": 3}]) == ["b"]
    # Different models: settings one of them lacks count as differing.
    assert "hidden_units" in differing_settings([MLPConfig(), PerceptronConfig()])
    assert settings_of({"x": 1.5}) == {"x": "1.5"}
    with pytest.raises(ValueError):
        settings_of(42)


def test_comparison_rows_show_accuracy_and_the_differing_settings():
    history = RunHistory()
    history.add(MLPConfig(), _history(0.9), {"test_accuracy": 0.9571}, seconds=5.04)
    history.add(MLPConfig(learning_rate=0.01), _history(0.7), {}, status="diverged")
    rows = comparison_rows(list(history), extra=["optimizer"])
    assert rows[0]["run"] == "Run 1" and rows[0]["test accuracy"] == 95.7 and rows[0]["seconds"] == 5.0
    assert rows[1]["test accuracy"] is None and rows[1]["outcome"] == "diverged"
    assert rows[0]["learning_rate"] == "0.001" and rows[1]["learning_rate"] == "0.01"
    assert rows[1]["optimizer"] == "adam" and rows[0]["epochs done"] == 2 and "epochs" not in rows[0]

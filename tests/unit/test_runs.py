"""Runs: their ids, their record from a snapshot and back, and the settings that differ between runs."""

from dataclasses import dataclass

import pytest

from nn_core.mlp import MLPConfig
from nn_core.perceptron import PerceptronConfig
from nn_core.runs import RUN_ID, Run, comparison_rows, differing_settings, new_run_id, settings_of
from nn_core.training import Snapshot, Status


def _history(accuracy):
    return {"loss": [1.0, 0.5], "accuracy": [0.5, accuracy], "val_loss": [1.1, 0.6], "val_accuracy": [0.4, accuracy]}


def _run(number, config, accuracy, results=None, status="finished", seconds=0.0):
    return Run(id=new_run_id(), owner="someone", lesson="mlp", number=number, config=config,
               history=_history(accuracy), results=results or {}, status=status, seconds=seconds)


def test_run_ids_are_unguessable_and_checked():
    ids = {new_run_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(RUN_ID.match(run_id) for run_id in ids)
    assert not RUN_ID.match("../../etc/passwd") and not RUN_ID.match("short") and not RUN_ID.match("")


def test_a_run_takes_its_record_from_a_snapshot_and_gives_it_back():
    snapshot = Snapshot(status=Status.STOPPED, epoch=2, total_epochs=5, batch=7, steps_per_epoch=20, elapsed=3.25,
                        waiting_ahead=0, history=_history(0.8), batch_curve=[(0.5, 2.0, 0.3)],
                        extras=[{"epoch": 1}], results={"test_accuracy": 0.8}, message="Stopped.", first_epoch=3)
    run = _run(1, MLPConfig(), 0.1)
    run.update(snapshot)
    assert run.epochs_done == 2 and run.partial_batches == 7 and run.first_epoch == 3
    again = run.snapshot()
    assert again.status == Status.STOPPED and again.history == snapshot.history and again.partial_batches == 7
    assert again.elapsed == 3.25 and again.results == {"test_accuracy": 0.8} and again.first_epoch == 3
    assert run.name == "Run 1"


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
    runs = [_run(1, MLPConfig(), 0.9, {"test_accuracy": 0.9571}, seconds=5.04),
            _run(2, MLPConfig(learning_rate=0.01), 0.7, {}, status="diverged")]
    rows = comparison_rows(runs, extra=["optimizer"])
    assert rows[0]["run"] == "Run 1" and rows[0]["test accuracy"] == 95.7 and rows[0]["seconds"] == 5.0
    assert rows[1]["test accuracy"] is None and rows[1]["outcome"] == "diverged"
    assert rows[0]["learning_rate"] == "0.001" and rows[1]["learning_rate"] == "0.01"
    assert rows[1]["optimizer"] == "adam" and rows[0]["epochs done"] == 2 and "epochs" not in rows[0]


def test_a_run_keeps_the_changes_made_while_it_trained_and_its_probes():
    snapshot = Snapshot(status=Status.FINISHED, epoch=2, total_epochs=2, batch=0, steps_per_epoch=20, elapsed=1.0,
                        waiting_ahead=0, history={**_history(0.9), "learning_rate": [0.001, 0.01]}, batch_curve=[],
                        extras=[], results={}, message="", events=[(1.5, "lr 0.01")],
                        probes={"digit": [{"epoch": 1, "probabilities": [0.1] * 10}]})
    run = _run(1, MLPConfig(), 0.1)
    run.update(snapshot)
    again = run.snapshot()
    assert again.events == [(1.5, "lr 0.01")] and again.probes == snapshot.probes and again.learning_rate == 0.01

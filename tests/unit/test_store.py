"""The run store, on SQLite and on a real PostgreSQL: runs and their models outlive the server.

Every test runs against both databases (``store`` is parametrised); nothing stands in for them.
"""

import os
import sqlite3

import numpy as np
import pytest

from nn_core.errors import LimitError, ModelFileError, StoreError
from nn_core.lessons import lesson
from nn_core.mlp import MLPConfig
from nn_core.networks import build_model
from nn_core.persistence import model_to_bytes
from nn_core.runs import Run, new_run_id
from nn_core.store import RunStore


def make_run(owner="alice", lesson_slug="mlp", number=1, **fields):
    config = fields.pop("config", MLPConfig(hidden_units=(8,), activations=("relu",), epochs=2))
    return Run(id=new_run_id(), owner=owner, lesson=lesson_slug, number=number, config=config, status="finished",
               history={"loss": [1.2, 0.8], "accuracy": [0.6, 0.8], "val_loss": [float("nan")] * 2,
                        "val_accuracy": [float("nan")] * 2},
               results={"test_accuracy": 0.81}, extras=[{"best_epoch": 2}], batch_curve=[(0.5, 1.5, 0.4)],
               seconds=2.5, total_epochs=2, steps_per_epoch=10, **fields)


def small_model_file():
    return model_to_bytes(build_model(MLPConfig(hidden_units=(8,), activations=("relu",))))


def test_a_saved_run_comes_back_whole(store):
    run = make_run(notes={"kind": "digits"}, drawing={"objects": [{"type": "path"}]})
    data = small_model_file()
    store.save(run, data)
    again = store.get(run.id)
    assert again.config == run.config and again.status == "finished" and again.number == 1
    assert again.history["loss"] == [1.2, 0.8] and np.isnan(again.history["val_loss"]).all()
    assert again.results == {"test_accuracy": 0.81} and again.extras == [{"best_epoch": 2}]
    assert again.batch_curve == [(0.5, 1.5, 0.4)] and again.seconds == 2.5 and again.notes == {"kind": "digits"}
    assert again.drawing == {"objects": [{"type": "path"}]} and again.model_bytes == len(data)
    model = lesson("mlp").load_model(store.model_file(again))
    assert model.count_params() == build_model(run.config).count_params()


def test_runs_are_listed_per_owner_and_lesson_in_order(store):
    for number in (1, 2, 3):
        store.save(make_run(number=number), None)
    store.save(make_run(owner="bob"), None)
    store.save(make_run(lesson_slug="cnn"), None)
    assert [run.number for run in store.runs("alice", "mlp")] == [1, 2, 3]
    assert [run.number for run in store.runs("alice", "mlp", limit=2)] == [2, 3]
    assert store.next_number("alice", "mlp") == 4 and store.next_number("carol", "mlp") == 1
    assert [run.owner for run in store.runs("bob", "mlp")] == ["bob"]


def test_malformed_or_unknown_run_ids_find_nothing(store):
    assert store.get(new_run_id()) is None
    for bad in ("", "../../etc/passwd", "x" * 500, "'; DROP TABLE runs; --"):
        assert store.get(bad) is None


def test_deleting_runs_takes_their_model_files(store):
    runs = [make_run(number=number) for number in (1, 2, 3)]
    for run in runs:
        store.save(run, b"PK fake model")
    assert store.delete("alice", [runs[0].id]) == 1
    assert store.get(runs[0].id) is None and not (store.model_dir / f"{runs[0].id}.keras").exists()
    assert store.delete("mallory") == 0  # nobody else's runs
    assert store.delete("alice") == 2 and store.usage("alice") == (0, 0)


def test_quotas_say_what_to_do(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_RUNS_PER_USER", "2")
    store.save(make_run(number=1), b"x" * 1000)
    store.check_room("alice")
    store.save(make_run(number=2), b"x" * 1000)
    with pytest.raises(LimitError, match="Delete some of your runs"):
        store.check_room("alice")
    store.check_room("bob")  # others are not affected
    monkeypatch.setenv("PLAYGROUND_MAX_RUNS_PER_USER", "100")
    monkeypatch.setenv("PLAYGROUND_MAX_MB_PER_USER", "0.001")  # 1,000 bytes
    with pytest.raises(LimitError, match="MB"):
        store.check_room("alice")
    monkeypatch.setenv("PLAYGROUND_MAX_MB_PER_USER", "100")
    monkeypatch.setenv("PLAYGROUND_MAX_TOTAL_MB", "0.001")
    with pytest.raises(LimitError, match="storage for runs is full"):
        store.check_room("bob")


def test_old_runs_expire(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUN_DAYS", "30")
    old, new = make_run(number=1), make_run(number=2)
    old.created -= 31 * 86_400
    store.save(old, b"old")
    store.save(new, b"new")
    assert store.expire() == 1
    assert store.get(old.id) is None and store.get(new.id) is not None


def test_a_missing_or_damaged_model_file_is_a_plain_error(store):
    run = make_run()
    store.save(run, b"this is no zip")
    with pytest.raises(ModelFileError):
        lesson("mlp").load_model(store.model_file(store.get(run.id)))
    os.remove(store.model_dir / f"{run.id}.keras")
    with pytest.raises(ModelFileError, match="missing"):
        store.model_file(store.get(run.id))
    saved_without = make_run(number=2)
    store.save(saved_without, None)
    with pytest.raises(ModelFileError):
        store.model_file(store.get(saved_without.id))


def test_a_failed_write_leaves_nothing_half_written(store, monkeypatch):
    earlier = make_run(number=1)
    store.save(earlier, b"earlier model")
    run = make_run(number=2)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("nn_core.store.os.replace", disk_full)  # the model file cannot be put in place
    with pytest.raises(StoreError, match="No space left"):
        store.save(run, b"model bytes")
    monkeypatch.undo()
    assert store.get(run.id) is None  # the row went back with the file
    assert not list(store.model_dir.glob(".incoming-*"))
    assert [found.id for found in store.runs("alice", "mlp")] == [earlier.id]  # the earlier run is untouched
    assert store.model_file(store.get(earlier.id)) == b"earlier model"


def test_an_unreachable_database_is_a_store_error(tmp_path):
    store = RunStore("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2", tmp_path / "models", {})
    with pytest.raises(StoreError, match="cannot be reached"):
        store.runs("alice", "mlp")
    with pytest.raises(StoreError):
        store.save(make_run(), None)


def test_a_locked_database_is_a_store_error_and_the_store_recovers(tmp_path):
    path = tmp_path / "runs.db"
    store = RunStore(f"sqlite:///{path}", tmp_path / "models", {"MLPConfig": MLPConfig}, lock_timeout=0.5)
    store.save(make_run(number=1), None)
    locker = sqlite3.connect(path, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the file
    with pytest.raises(StoreError, match="busy"):
        store.save(make_run(number=2), None)
    locker.rollback()
    locker.close()
    store.save(make_run(number=2), None)
    assert [run.number for run in store.runs("alice", "mlp")] == [1, 2]


def test_changes_by_hand_and_probes_come_back_with_the_run(store):
    run = make_run(events=[(1.25, "lr 0.01")], probes={"digit": [{"epoch": 1, "probabilities": [0.1] * 10}]})
    run.history["learning_rate"] = [0.001, 0.01]
    store.save(run, small_model_file())
    again = store.get(run.id)
    assert again.events == [(1.25, "lr 0.01")] and again.probes == run.probes
    snapshot = again.snapshot()
    assert snapshot.events == [(1.25, "lr 0.01")] and snapshot.learning_rate == 0.01


def test_a_commit_that_fails_takes_the_new_model_file_with_it_and_keeps_an_earlier_save(store):
    import sqlalchemy as sa

    run = make_run()
    store.save(run, b"first save")

    def refuse(connection):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("the database is unreachable"))

    sa.event.listen(store.engine, "commit", refuse)
    try:
        with pytest.raises(StoreError):
            store.save(make_run(owner="bob"), b"never committed")  # a new run: no file may stay behind
        with pytest.raises(StoreError):
            store.save(run, b"second save")  # the run saved before keeps its committed file
    finally:
        sa.event.remove(store.engine, "commit", refuse)
    assert [path.name for path in store.model_dir.iterdir()] == [f"{run.id}.keras"]
    assert store.model_file(store.get(run.id)) == b"first save"
    assert store.runs("bob", "mlp") == []


def test_a_store_starting_sweeps_old_model_files_no_run_names(store, tmp_path):
    kept = make_run()
    store.save(kept, b"a saved run")
    orphan, fresh = store.model_dir / f"{new_run_id()}.keras", store.model_dir / f"{new_run_id()}.keras"
    leftover, set_aside = store.model_dir / ".incoming-x.keras", store.model_dir / f".previous-ab.{kept.id}.keras"
    lost = make_run(number=2)
    store.save(lost, b"its save set this aside")
    (store.model_dir / f"{lost.id}.keras").replace(store.model_dir / f".previous-cd.{lost.id}.keras")
    for path in (orphan, fresh, leftover, set_aside):
        path.write_bytes(b"x")
    hour_ago = os.path.getmtime(orphan) - 3600
    for path in (orphan, leftover, set_aside, store.model_dir / f".previous-cd.{lost.id}.keras",
                 store.model_dir / f"{kept.id}.keras"):
        os.utime(path, (hour_ago, hour_ago))
    again = RunStore(store.url, store.model_dir, store.config_classes)  # the server starting anew
    again.get(kept.id)
    assert sorted(path.name for path in store.model_dir.iterdir()) == sorted(
        [f"{kept.id}.keras", f"{lost.id}.keras", fresh.name])  # the orphan too recent to be sure of stays
    assert again.model_file(again.get(kept.id)) == b"a saved run"
    assert again.model_file(again.get(lost.id)) == b"its save set this aside"  # put back
    again.engine.dispose()

"""The run registry: runs outlive their page and their server, orphans stop, memory is given back."""

import gc
import threading
import time
import weakref

import numpy as np
import pytest

from nn_core.checkpoints import crash_message
from nn_core.digits.analysis import evaluate
from nn_core.digits.data import to_float
from nn_core.digits.inference import predict_digit
from nn_core.digits.job import digit_job
from nn_core.errors import LimitError
from nn_core.lessons import LESSONS
from nn_core.perceptron import PerceptronConfig
from nn_core.registry import RunRegistry
from nn_core.store import RunStore
from nn_core.training import Callback, Status, TrainingSlots

LESSON_MAP = {entry.slug: entry for entry in LESSONS}
SMALL = PerceptronConfig(train_samples=600, epochs=1)
LONG = PerceptronConfig(train_samples=8000, epochs=50, batch_size=8)  # a minute or more: stopped by the test


class Clock:
    """Seconds that move only when the test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def start(registry, mnist, owner="alice", config=SMALL, **options):
    job = digit_job(config, mnist, **options)
    job.slots = TrainingSlots(4)
    return registry.start(owner, "perceptron", config, job)


def test_a_run_outlives_its_page_and_its_server(store, mnist):
    registry = RunRegistry(store, LESSON_MAP)
    live = start(registry, mnist)
    assert live.job.wait(60) and live.saved and not live.save_error
    digit = to_float(mnist.x_test[0])
    before = predict_digit(registry.payload(live), digit)

    restarted = RunRegistry(store, LESSON_MAP)  # a new server process: nothing in memory
    found = restarted.latest("alice", "perceptron")
    assert found is not None and found.id == live.id and found.job is None
    snapshot = found.snapshot()
    assert snapshot.status == Status.FINISHED and snapshot.history == live.snapshot().history
    assert snapshot.results["test_accuracy"] == live.snapshot().results["test_accuracy"]
    np.testing.assert_allclose(predict_digit(restarted.payload(found), digit), before, rtol=1e-5)
    assert [run.id for run in restarted.runs("alice", "perceptron")] == [live.id]
    assert restarted.latest("bob", "perceptron") is None and restarted.runs("bob", "perceptron") == []


def test_runs_are_numbered_per_owner_and_lesson(store, mnist):
    registry = RunRegistry(store, LESSON_MAP)
    first, second = start(registry, mnist), start(registry, mnist)
    other = start(registry, mnist, owner="bob")
    for live in (first, second, other):
        assert live.job.wait(60)
    assert (first.record.number, second.record.number, other.record.number) == (1, 2, 1)
    assert registry.latest("alice", "perceptron").id == second.id


def test_a_training_no_page_shows_any_more_stops_and_keeps_what_it_learned(store, mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ORPHAN_SECONDS", "1")
    registry = RunRegistry(store, LESSON_MAP)
    connected = threading.Event()
    connected.set()
    live = start(registry, mnist, config=LONG)
    live.seen("tab-1", connected.is_set)
    time.sleep(3)
    assert not live.done  # a page shows it: it trains on
    connected.clear()  # the tab is closed, or the network dropped
    assert live.job.wait(30)
    snapshot = live.snapshot()
    assert snapshot.status == Status.STOPPED and "no page showed this training" in snapshot.message
    assert live.saved and store.get(live.id).status == "stopped"


def test_a_server_that_stops_stops_its_trainings_and_saves_them(store, mnist):
    registry = RunRegistry(store, LESSON_MAP)
    runs = [start(registry, mnist, owner, config=LONG) for owner in ("alice", "bob")]
    for live in runs:
        while not live.snapshot().batch_curve:  # each has learned something
            time.sleep(0.05)
    assert registry.stop_all("Stopped because the server was restarted.", wait_seconds=30) == 2
    assert registry.stop_all("again", wait_seconds=1) == 0  # nothing left running

    restarted = RunRegistry(store, LESSON_MAP)
    for owner, live in zip(("alice", "bob"), runs):
        found = restarted.latest(owner, "perceptron")
        assert found.id == live.id and found.snapshot().status == Status.STOPPED
        assert found.snapshot().message == "Stopped because the server was restarted."
        assert restarted.payload(found) is not None  # its model came back


def first_checkpoint(store, live, timeout: float = 60):
    """The run as the store holds it, once a first checkpoint is written (the training still going on)."""
    deadline = time.time() + timeout
    while (found := store.get(live.id)) is None:
        assert time.time() < deadline and not live.done, "no checkpoint was written"
        time.sleep(0.05)
    return found


def test_a_training_is_saved_as_it_runs_so_a_server_killed_without_warning_keeps_it(store, mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CHECKPOINT_SECONDS", "1.5")  # the first batch alone (tracing) takes 0.5 s
    registry = RunRegistry(store, LESSON_MAP)
    live = start(registry, mnist, config=LONG)
    try:
        first_checkpoint(store, live)
        assert registry.runs("alice", "perceptron") == []  # still training here: not in its history yet
        assert registry.latest("alice", "perceptron") is live

        crashed = RunRegistry(store, LESSON_MAP)  # a server started after a kill -9: nothing in memory
        found = crashed.latest("alice", "perceptron")
        snapshot = found.snapshot()
        assert found.id == live.id and found.job is None
        assert [run.id for run in crashed.runs("alice", "perceptron")] == [live.id]
        assert snapshot.status == Status.STOPPED and snapshot.message == crash_message()
        assert snapshot.epoch * snapshot.steps_per_epoch + snapshot.partial_batches > 0 and snapshot.batch_curve
        model = crashed.payload(found)
        # What it learned, not a new model (one digit in ten): a loaded machine gets few batches
        # into its first 1.5 s (0.43 once under CI's parallel tests; 0.8 alone).
        assert evaluate(model, to_float(mnist.x_test), mnist.y_test).accuracy > 0.25
    finally:
        live.job.stop("Stopped by hand.")  # even after a failure: a training left running would skew later tests
        assert live.job.wait(120)
    final = store.get(live.id)  # the run's own save replaced the checkpoint
    assert final.message == "Stopped by hand." and "test_accuracy" in final.results


def test_a_text_training_saved_as_it_runs_comes_back_with_its_vocabulary(store, monkeypatch):
    from nn_core.rnn import RNNConfig
    from nn_core.rnn.training import text_training

    monkeypatch.setenv("PLAYGROUND_CHECKPOINT_SECONDS", "0.3")
    registry = RunRegistry(store, LESSON_MAP)
    config = RNNConfig(epochs=200, units=16)
    run = text_training(config, "the quick brown fox jumps over the lazy dog. " * 40)
    run.job.slots = TrainingSlots(4)
    live = registry.start("alice", "rnn", config, run.job, payload=run, notes=run.model_notes)
    first_checkpoint(store, live)
    crashed = RunRegistry(store, LESSON_MAP)  # while it still trains here
    found = crashed.get(live.id)
    assert found.snapshot().status == Status.STOPPED and found.snapshot().message == crash_message()
    loaded = crashed.payload(found)
    assert loaded.vocabulary.characters == run.vocabulary.characters and loaded.start == run.start
    live.job.stop()
    assert live.job.wait(30)


def test_a_run_deleted_while_it_trains_is_never_saved_again(store, mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CHECKPOINT_SECONDS", "0.2")
    registry = RunRegistry(store, LESSON_MAP)
    live = start(registry, mnist, config=LONG)
    first_checkpoint(store, live)
    assert registry.delete("alice", [live.id]) == 1
    assert live.job.wait(30)
    time.sleep(0.5)
    assert store.get(live.id) is None and registry.latest("alice", "perceptron") is None


def test_a_run_deleted_while_a_checkpoint_is_being_written_stays_deleted(store, mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CHECKPOINT_SECONDS", "0.2")
    writing, real_save = threading.Event(), store.save

    def slow_save(run, model_file):  # a checkpoint that takes a second to reach the database
        writing.set()
        time.sleep(1.0)
        real_save(run, model_file)

    monkeypatch.setattr(store, "save", slow_save)
    registry = RunRegistry(store, LESSON_MAP)
    live = start(registry, mnist, config=LONG)
    assert writing.wait(60)
    assert registry.delete("alice", [live.id]) == 1  # while the checkpoint is on its way
    assert live.job.wait(30)
    time.sleep(0.5)
    assert store.get(live.id) is None and registry.latest("alice", "perceptron") is None


class FailsAfterACheckpoint(Callback):
    def __init__(self, store):
        self.store = store

    def on_batch_end(self, job, batch, logs):
        if self.store.runs("alice", "perceptron"):
            raise RuntimeError("a bug in a callback")


def test_a_training_that_fails_leaves_no_checkpoint_behind(store, mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CHECKPOINT_SECONDS", "0.2")
    registry = RunRegistry(store, LESSON_MAP)
    job = digit_job(LONG, mnist)
    job.slots = TrainingSlots(4)
    job.callbacks.append(FailsAfterACheckpoint(store))
    live = registry.start("alice", "perceptron", LONG, job)
    assert live.job.wait(60) and live.snapshot().status == Status.FAILED
    assert store.get(live.id) is None  # a failed run shows nothing after a restart, not a "crashed" one


def test_a_reload_within_the_grace_period_keeps_the_training_going(store, mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ORPHAN_SECONDS", "3")
    registry = RunRegistry(store, LESSON_MAP)
    live = start(registry, mnist, config=LONG)
    live.seen("tab-1", lambda: False)  # the first tab is gone at once...
    time.sleep(1.5)
    again = registry.get(live.id)  # ...and the reloaded page finds the run and shows it
    again.seen("tab-2", lambda: True)
    time.sleep(3)
    assert not live.done
    live.job.stop()
    assert live.job.wait(120)  # the stop, the evaluation and the save: seconds, more on a loaded machine


def test_memory_is_given_back_when_a_run_is_replaced_or_left_unseen(store, mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_IDLE_MODEL_SECONDS", "60")
    clock = Clock()
    registry = RunRegistry(store, LESSON_MAP, clock=clock)
    first = start(registry, mnist)
    assert first.job.wait(60)
    first.seen("tab", lambda: True)
    model = weakref.ref(registry.payload(first))
    predict_digit(model(), to_float(mnist.x_test[0]))  # the compiled call is cached for the model
    second = start(registry, mnist)
    assert second.job.wait(60)
    assert registry.sweep() == []  # the first run was seen a moment ago
    clock.now += 20
    assert registry.sweep() == [first.id]  # replaced by a newer run and unseen for a while
    first_job = weakref.ref(first.job)
    del first
    gc.collect()
    assert model() is None and first_job() is None  # nothing else held the model
    clock.now += 61
    assert registry.sweep() == [second.id] and registry.in_memory() == 0  # the session left: idle too long
    found = registry.latest("alice", "perceptron")  # and it comes back from the store when asked for
    assert found.id == second.id and registry.payload(found) is not None


def test_a_full_quota_refuses_a_new_run_with_a_plain_sentence(store, mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_RUNS_PER_USER", "1")
    registry = RunRegistry(store, LESSON_MAP)
    assert start(registry, mnist).job.wait(60)
    with pytest.raises(LimitError, match="Delete some of your runs"):
        start(registry, mnist)
    assert registry.delete("alice") == 1
    assert start(registry, mnist).job.wait(60)


def test_runs_train_on_when_the_database_is_down(tmp_path, mnist):
    broken = RunStore("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1", tmp_path / "models",
                      {"PerceptronConfig": PerceptronConfig})
    registry = RunRegistry(broken, LESSON_MAP)
    live = start(registry, mnist)
    assert live.job.wait(60) and live.snapshot().status == Status.FINISHED
    assert not live.saved and "cannot be reached" in live.save_error
    assert registry.get(live.id) is live and registry.payload(live) is not None


def test_a_link_to_a_run_that_does_not_exist_finds_nothing(store):
    registry = RunRegistry(store, LESSON_MAP)
    for bad in ("nonsense", "a" * 22, "../../etc", "", None):
        assert registry.get(bad) is None

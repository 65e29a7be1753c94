"""The one training loop and its background job: hooks, stopping, divergence, slots."""

import threading

import numpy as np
import pytest

from nn_core.digits import digit_job, split_training
from nn_core.models import MLPConfig, PerceptronConfig, build_model
from nn_core.training import Diverged, TrainingData, TrainingJob, TrainingSlots, fit


def small_data(mnist, n=600):
    x = mnist.x_train[:n].reshape(n, 784).astype(np.float32) / 255
    return x, mnist.y_train[:n]


def test_fit_calls_hooks_and_returns_history(mnist):
    x, y = small_data(mnist)
    epochs, batches = [], []
    history = fit(build_model(PerceptronConfig()), x, y, epochs=2, batch_size=100,
                  validation_data=(x[:100], y[:100]),
                  on_epoch_end=lambda epoch, logs: epochs.append((epoch, logs)),
                  on_batch_end=lambda batch, logs: batches.append(batch))
    assert [epoch for epoch, _ in epochs] == [0, 1]
    assert set(epochs[0][1]) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert batches == list(range(6)) * 2
    assert len(history["loss"]) == 2 and history["loss"][1] < history["loss"][0]


def test_should_stop_stops_after_the_current_batch(mnist):
    x, y = small_data(mnist)
    seen = []
    history = fit(build_model(PerceptronConfig()), x, y, epochs=5, batch_size=50,
                  on_batch_end=lambda batch, logs: seen.append(batch),
                  should_stop=lambda: len(seen) >= 3)
    assert len(seen) == 3
    assert len(history["loss"]) == 1  # the interrupted epoch is closed early and reported


def test_divergence_is_detected(mnist):
    x, y = small_data(mnist)
    model = build_model(MLPConfig(hidden_units=(64,), activations=("relu",), optimizer="sgd",
                                  learning_rate=10.0, batch_size=32))
    with pytest.raises(Diverged):
        fit(model, x.reshape(-1, 28, 28), y, epochs=3, batch_size=32)


def test_job_trains_and_evaluates(mnist):
    config = PerceptronConfig(train_samples=1000, epochs=2)
    job = digit_job(config, mnist).start()
    assert job.wait(120)
    snapshot = job.snapshot()
    assert snapshot.status == "finished" and snapshot.epoch == 2
    assert len(snapshot.history["val_accuracy"]) == 2
    assert snapshot.batch_curve[-1][0] == pytest.approx(2.0)
    assert 0.7 < snapshot.results["test_accuracy"] <= 1.0
    assert snapshot.fraction == 1.0 and snapshot.elapsed > 0


def test_stopped_job_keeps_what_it_learned(mnist):
    config = PerceptronConfig(train_samples=8000, epochs=50, batch_size=8)
    first_epoch = threading.Event()
    job = digit_job(config, mnist)
    job.after_epoch = lambda model, epoch: first_epoch.set() or {}
    job.start()
    assert first_epoch.wait(120)
    job.stop()
    assert job.wait(60)
    snapshot = job.snapshot()
    assert snapshot.status == "stopped" and 1 <= snapshot.epoch < 50
    assert snapshot.results["test_accuracy"] > 0.8  # what it learned is still there
    assert "keeps what it learned" in snapshot.message


def test_diverged_job_reports_and_restores_good_weights(mnist):
    config = MLPConfig(hidden_units=(64,), activations=("relu",), optimizer="sgd",
                       learning_rate=10.0, batch_size=32, train_samples=600, epochs=2)
    job = digit_job(config, mnist).start()
    assert job.wait(120)
    snapshot = job.snapshot()
    assert snapshot.status == "diverged" and "diverged" in snapshot.message
    assert all(np.isfinite(w).all() for w in job.model.get_weights())


def test_keep_going_false_stops_the_job(mnist):
    job = digit_job(PerceptronConfig(train_samples=8000, epochs=50, batch_size=8), mnist,
                    keep_going=lambda: False).start()
    assert job.wait(60)
    assert job.snapshot().status == "stopped"


def test_failed_build_is_reported_not_raised():
    def broken():
        raise RuntimeError("no such layer")

    job = TrainingJob(model=broken, data=TrainingData(np.zeros((4, 784)), np.zeros(4)),
                      epochs=1, batch_size=2, slots=TrainingSlots(1)).start()
    assert job.wait(30)
    assert job.snapshot().status == "failed" and "no such layer" in job.snapshot().message


def test_slots_queue_in_order():
    slots = TrainingSlots(1)
    assert slots.acquire("a", give_up=lambda: False)
    got = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire("b", give_up=lambda: False)))
    waiter.start()
    for _ in range(50):
        if slots.ahead_of("b") == 0 and "b" in slots._queue:
            break
        threading.Event().wait(0.02)
    assert slots.running == 1 and got == []
    slots.release()
    waiter.join(5)
    assert got == [True] and slots.running == 1
    assert not slots.acquire("c", give_up=lambda: True)  # gives up while waiting


def test_split_training_holds_back_validation(mnist):
    x_train, y_train, x_val, y_val = split_training(mnist, PerceptronConfig(train_samples=1000, validation_split=0.2))
    assert (len(x_train), len(x_val)) == (800, 200)
    assert x_train.dtype == np.float32 and x_train.max() <= 1.0
    x_train, _, x_val, _ = split_training(mnist, PerceptronConfig(train_samples=10, validation_split=0.5))
    assert (len(x_train), len(x_val)) == (5, 5)

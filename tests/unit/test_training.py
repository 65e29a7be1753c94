"""The one training loop and its background job: hooks, stopping, divergence, slots."""

import threading

import numpy as np
import pytest

from nn_core.digits.job import digit_job, split_training
from nn_core.mlp import MLPConfig
from nn_core.perceptron import PerceptronConfig
from nn_core.networks import build_model
from nn_core.training import Callback, Diverged, TrainingData, TrainingJob, TrainingSlots, fit


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
    ends = []
    history = fit(build_model(PerceptronConfig()), x, y, epochs=5, batch_size=50,
                  on_batch_end=lambda batch, logs: seen.append(batch),
                  on_epoch_end=lambda epoch, logs: ends.append(epoch),
                  should_stop=lambda: len(seen) >= 3)
    assert len(seen) == 3
    assert history == {} and ends == []  # the interrupted epoch is not an epoch


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

    class Signal(Callback):
        def on_epoch_end(self, job, epoch, logs):
            first_epoch.set()

    job = digit_job(config, mnist, callbacks=[Signal()])
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
    # It blew up in its first epoch: no good epoch to speak of, and no number the hint would contradict.
    assert snapshot.epoch == 0 and "learned nothing yet" in snapshot.message
    assert "last good epoch" not in snapshot.message and "ten times" not in snapshot.message


def test_a_run_that_blows_up_after_a_good_epoch_keeps_that_epoch(mnist):
    class RaiseTheRate(Callback):
        def on_epoch_end(self, job, epoch, logs):
            job.steering.set_learning_rate(10.0)  # after a good first epoch, a step far too large

    config = MLPConfig(hidden_units=(64,), activations=("relu",), optimizer="sgd",
                       learning_rate=0.01, batch_size=32, train_samples=600, epochs=3)
    job = digit_job(config, mnist, callbacks=[RaiseTheRate()]).start()
    assert job.wait(120)
    snapshot = job.snapshot()
    assert snapshot.status == "diverged" and snapshot.epoch >= 1
    assert f"last good epoch, epoch {snapshot.epoch}." in snapshot.message


def test_keep_going_false_stops_the_job(mnist):
    job = digit_job(PerceptronConfig(train_samples=8000, epochs=50, batch_size=8), mnist,
                    keep_going=lambda: False).start()
    assert job.wait(60)
    assert job.snapshot().status == "stopped"


def test_failed_build_is_reported_not_raised():
    def broken():
        raise RuntimeError("no such layer")

    job = TrainingJob(TrainingData(np.zeros((4, 784)), np.zeros(4)), 1, 2, build=broken,
                      slots=TrainingSlots(1)).start()
    assert job.wait(30)
    assert job.snapshot().status == "failed" and "no such layer" in job.snapshot().message


def test_slots_queue_in_order():
    slots = TrainingSlots(1)
    assert slots.acquire("a", give_up=lambda: False)
    got = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire("b", give_up=lambda: False)))
    waiter.start()
    for _ in range(50):
        if slots.ahead_of("b") == 0 and slots.waiting == 1:
            break
        threading.Event().wait(0.02)
    assert slots.running == 1 and got == []
    slots.release("a")
    waiter.join(5)
    assert got == [True] and slots.running == 1
    assert not slots.acquire("c", give_up=lambda: True)  # gives up while waiting


def test_split_training_holds_back_validation(mnist):
    x_train, y_train, x_val, y_val = split_training(mnist, PerceptronConfig(train_samples=1000, validation_split=0.2))
    assert (len(x_train), len(x_val)) == (800, 200)
    assert x_train.dtype == np.float32 and x_train.max() <= 1.0
    x_train, _, x_val, _ = split_training(mnist, PerceptronConfig(train_samples=10, validation_split=0.5))
    assert (len(x_train), len(x_val)) == (5, 5)


def test_the_same_settings_give_the_same_weights_alone_and_three_at_once(mnist):
    """Each run owns its randomness: initial weights, dropout masks and the order of the digits."""
    import keras

    from nn_core.mlp import MLPConfig as Config

    config = Config(hidden_units=(32,), activations=("relu",), dropout_rate=0.3, train_samples=1500, epochs=2,
                    batch_size=64, seed=7)
    alone = digit_job(config, mnist)
    alone.slots = TrainingSlots(1)
    assert alone.start().wait(120)
    slots = TrainingSlots(3)
    together = [digit_job(config, mnist) for _ in range(3)]
    other = digit_job(config.changed(seed=8), mnist)  # a different student, training at the same time
    for job in [*together, other]:
        job.slots = slots
        job.start()
    keras.utils.set_random_seed(123)  # someone reseeding the whole process meanwhile changes nothing
    for job in [*together, other]:
        assert job.wait(120) and job.snapshot().status == "finished"
    for job in together:
        for expected, got in zip(alone.model.get_weights(), job.model.get_weights()):
            np.testing.assert_array_equal(expected, got)
        assert job.snapshot().history == alone.snapshot().history
    assert not np.array_equal(alone.model.get_weights()[0], other.model.get_weights()[0])


def test_a_stop_mid_epoch_is_kept_as_batches_not_as_an_epoch(mnist):
    config = PerceptronConfig(train_samples=8000, epochs=5, batch_size=8)
    stopped = threading.Event()

    class StopInSecondEpoch(Callback):
        def on_epoch_end(self, job, epoch, logs):
            threading.Timer(0.3, job.stop).start()
            stopped.set()

    job = digit_job(config, mnist, callbacks=[StopInSecondEpoch()])
    job.slots = TrainingSlots(1)
    assert job.start().wait(120) and stopped.is_set()
    snapshot = job.snapshot()
    assert snapshot.status == "stopped" and snapshot.epoch == 1
    assert all(len(values) == 1 for values in snapshot.history.values())  # one row, for the one whole epoch
    assert 0 < snapshot.partial_batches < snapshot.steps_per_epoch
    assert "1 of 5 epochs complete" in snapshot.epochs_text() and "not counted" in snapshot.epochs_text()
    assert snapshot.results["test_accuracy"] > 0.5  # the interrupted epoch's learning is kept


def test_a_continued_run_counts_its_epochs_on(mnist):
    config = PerceptronConfig(train_samples=1000, epochs=2)
    first = digit_job(config, mnist)
    first.slots = TrainingSlots(1)
    assert first.start().wait(60)
    weights_before = first.model.get_weights()
    second = digit_job(config.changed(epochs=3), mnist, continue_from=first.model, first_epoch=2)
    second.slots = TrainingSlots(1)
    assert second.start().wait(60)
    snapshot = second.snapshot()
    assert snapshot.first_epoch == 2 and snapshot.epoch == 3 and len(snapshot.history["loss"]) == 3
    assert snapshot.batch_curve[-1][0] == 5.0  # the curves go on at epoch 5
    assert snapshot.history["loss"][0] < first.snapshot().history["loss"][0]  # it started trained
    for before, after in zip(weights_before, first.model.get_weights()):
        np.testing.assert_array_equal(before, after)  # the first run's model stayed as it was

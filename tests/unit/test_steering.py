"""Steering a training while it runs: pause, step, resume, more epochs, a new learning rate, slots."""

import threading
import time

import numpy as np
import pytest

from nn_core.digits.job import digit_job
from nn_core.errors import LimitError, SettingsError
from nn_core.perceptron import PerceptronConfig
from nn_core.training import Callback, Status, TrainingSlots, learning_rate_value, steering_comment

LONG = PerceptronConfig(train_samples=2000, epochs=2, batch_size=8)  # 225 batches an epoch, a few ms each


class PauseAt(Callback):
    """Pauses the job from its own thread after a given batch of the first epoch: a deterministic pause."""

    def __init__(self, batch: int = 5) -> None:
        self.batch = batch

    def on_batch_end(self, job, batch, logs):
        if batch == self.batch and job.snapshot().epoch == 0 and not job.snapshot().events:
            job.steering.pause()


def until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def paused_job(mnist, config=LONG, slots=None, **options):
    job = digit_job(config, mnist, callbacks=[PauseAt()], **options)
    job.slots = slots or TrainingSlots(1)
    job.start()
    until(lambda: job.status == Status.PAUSED)
    return job


def test_pause_holds_the_batch_counter_and_the_clock_still_then_resume_finishes(mnist):
    job = paused_job(mnist)
    held = job.snapshot()
    assert held.batch == 6 and held.epoch == 0 and not held.done
    time.sleep(0.4)
    later = job.snapshot()
    assert (later.batch, later.epoch, later.status) == (6, 0, Status.PAUSED)
    assert later.elapsed == pytest.approx(held.elapsed, abs=0.01)  # a pause is not training time
    job.steering.step()
    until(lambda: job.snapshot().batch == 7)
    time.sleep(0.2)
    assert job.snapshot().batch == 7 and job.status == Status.PAUSED  # one batch, then held again
    job.steering.step()
    job.steering.step()  # two quick presses: two batches
    until(lambda: job.snapshot().batch == 9)
    job.steering.resume()
    assert job.wait(120)
    snapshot = job.snapshot()
    assert snapshot.status == Status.FINISHED and snapshot.epoch == 2 and len(snapshot.history["loss"]) == 2


def test_a_paused_job_gives_its_slot_back_and_queues_for_one_on_resume(mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_PAUSED_SLOT_SECONDS", "0.3")
    slots = TrainingSlots(1)
    job = paused_job(mnist, slots=slots)
    assert slots.running == 1
    until(lambda: job.snapshot().slot_released)
    assert slots.running == 0 and job.status == Status.PAUSED
    assert slots.acquire("another training", give_up=lambda: False)  # someone else takes the slot
    job.steering.resume()
    until(lambda: job.status == Status.WAITING)
    time.sleep(0.3)
    assert job.snapshot().batch == 6  # it waits its turn without training
    slots.release("another training")
    assert job.wait(120) and job.snapshot().status == Status.FINISHED
    assert slots.running == 0  # given back exactly once


def test_stop_while_paused_or_while_waiting_again_keeps_the_model_and_frees_no_slot_twice(mnist, monkeypatch):
    slots = TrainingSlots(1)
    job = paused_job(mnist, slots=slots)
    job.stop()
    assert job.wait(60)
    snapshot = job.snapshot()
    assert snapshot.status == Status.STOPPED and snapshot.results["test_accuracy"] > 0.2 and slots.running == 0
    assert "keeps what it learned" in snapshot.message

    monkeypatch.setenv("PLAYGROUND_PAUSED_SLOT_SECONDS", "0.1")
    job = paused_job(mnist, slots=slots)
    until(lambda: job.snapshot().slot_released)
    assert slots.acquire("another training", give_up=lambda: False)
    job.steering.resume()
    until(lambda: job.status == Status.WAITING)
    job.stop()
    assert job.wait(60) and job.snapshot().status == Status.STOPPED
    assert slots.running == 1  # the other training's slot, untouched
    slots.release("another training")


def test_a_paused_run_no_page_shows_is_stopped(mnist):
    shown = [True]
    job = paused_job(mnist, keep_going=lambda: shown[0])
    shown[0] = False  # the page went away
    assert job.wait(10)
    assert job.snapshot().status == Status.STOPPED and "no page showed" in job.snapshot().message


def test_learning_rate_changes_at_the_next_batch_and_is_kept(mnist):
    job = paused_job(mnist)
    assert job.snapshot().learning_rate == pytest.approx(0.001)
    assert job.steering.set_learning_rate("0.01") == 0.01
    until(lambda: job.snapshot().events)  # applied while held, between two batches
    [(progress, label)] = job.snapshot().events
    assert progress == pytest.approx(6 / 225, abs=1e-4) and label == "lr 0.01"
    assert float(np.asarray(job.model.optimizer.learning_rate)) == pytest.approx(0.01)
    job.steering.set_learning_rate(0.01)  # the same again: no new event
    job.steering.resume()
    assert job.wait(120)
    snapshot = job.snapshot()
    assert snapshot.history["learning_rate"] == pytest.approx([0.01, 0.01])
    assert len(snapshot.events) == 1 and snapshot.learning_rate == pytest.approx(0.01)


@pytest.mark.parametrize("typed", [0, -1, "-0.5", 1e9, "1e9", "abc", "", "nan", float("inf")])
def test_a_learning_rate_that_cannot_be_used_is_refused_in_a_sentence(typed):
    with pytest.raises(SettingsError) as error:
        learning_rate_value(typed)
    said = str(error.value)
    assert said and "Traceback" not in said and ("number" in said or "learning rate" in said)


def test_one_more_epoch_while_running_and_none_once_it_is_over(mnist, monkeypatch):
    job = paused_job(mnist, config=PerceptronConfig(train_samples=600, epochs=1, batch_size=8))
    assert job.extend(1) and job.snapshot().total_epochs == 2
    monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "2")
    with pytest.raises(LimitError):
        job.extend(1)
    job.steering.resume()
    assert job.wait(60)
    snapshot = job.snapshot()
    assert snapshot.status == Status.FINISHED and snapshot.epoch == 2 and len(snapshot.history["loss"]) == 2
    # Presses on a finished run change nothing and raise nothing.
    assert not job.extend(1)
    job.steering.pause(), job.steering.step(), job.steering.resume(), job.stop()
    assert job.snapshot().status == Status.FINISHED and job.snapshot().total_epochs == 2


def test_quick_presses_in_any_order_from_two_threads_end_cleanly(mnist):
    """Two tabs pressing every button at once: the run ends, keeps its model, and frees its slot."""
    slots = TrainingSlots(1)
    job = paused_job(mnist, config=PerceptronConfig(train_samples=1000, epochs=2, batch_size=8), slots=slots)

    def press(seed):
        rng = np.random.default_rng(seed)
        actions = [job.steering.pause, job.steering.resume, job.steering.step, lambda: job.extend(1),
                   lambda: job.steering.set_learning_rate(0.003)]
        for _ in range(200):
            actions[rng.integers(len(actions))]()
            time.sleep(0.001)

    tabs = [threading.Thread(target=press, args=(seed,)) for seed in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    job.stop()
    assert job.wait(60)
    assert job.snapshot().status == Status.STOPPED and slots.running == 0
    assert all(np.isfinite(weights).all() for weights in job.model.get_weights())


def test_the_compiled_step_reads_the_learning_rate_but_not_dropout_or_momentum():
    """Why only the learning rate can change mid-run (see nn_core.training.steering)."""
    import keras
    import tensorflow as tf

    weight = keras.Variable(1.0)
    optimizer = keras.optimizers.SGD(0.1, momentum=0.9)
    optimizer.build([weight])
    step = tf.function(lambda: optimizer.apply([tf.constant(1.0)], [weight]))
    step()  # traced: w = 0.9, velocity -0.1
    optimizer.momentum = 0.0  # a Python number, written into the trace: ignored
    step()
    assert float(weight.numpy()) == pytest.approx(1.0 - 0.1 - 0.19)  # still momentum 0.9
    optimizer.learning_rate = 1.0  # a variable the trace reads: used at once
    step()
    assert float(weight.numpy()) == pytest.approx(0.71 - (0.9 * 0.19 + 1.0))

    dropout = keras.layers.Dropout(0.0, seed=1)
    dropped = tf.function(lambda x: dropout(x, training=True))
    ones = tf.ones((1, 1000))
    assert float(tf.reduce_sum(dropped(ones))) == 1000.0
    dropout.rate = 0.5
    assert float(tf.reduce_sum(dropped(ones))) == 1000.0  # the traced step never drops anything


def test_steering_comment_for_scripts():
    assert steering_comment([]) == ""
    comment = steering_comment([(1.5, "lr 0.01")])
    assert "after 1.50 epochs: learning rate 0.01" in comment
    assert all(line.startswith("#") for line in comment.splitlines())

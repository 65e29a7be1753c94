"""Steering a training from the console (AppTest): pause, step, a learning rate typed badly and well, stop,
one more epoch, and the hints' Apply."""

import time

from support.apptest import button, current_job, finish_training, key, open_page, texts

from nn_core.training import Status

# Batches of one digit: thousands of quick batches an epoch, so a press lands while it trains.
SLOW = {"train_samples": "4000", "epochs": "2", "batch_size": "1"}


def until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def messages(app, kind):
    return " ".join(element.value for element in app.get(kind))


def set_rate(app, typed):
    app.text_input(key=key("perceptron", "steer", "rate")).input(typed)
    return button(app, "Set learning rate").click().run()


def test_pause_step_rate_stop_then_one_more_epoch():
    app = open_page("pages/perceptron.py", SLOW)
    button(app, "Train").click().run()
    job = current_job(app, "perceptron")
    button(app, "Pause").click().run()
    until(lambda: job.status == Status.PAUSED)
    held = job.snapshot().batch
    app.run()
    assert "Paused at epoch 1/2" in texts(app) + " ".join(p.proto.text for p in app.get("progress"))
    assert next(b for b in app.button if b.label == "Pause").disabled
    button(app, "Step one batch").click().run()
    until(lambda: job.snapshot().batch == held + 1)
    for typed in ("0", "-1", "1e9", "abc"):
        set_rate(app, typed)
        assert not app.exception and messages(app, "error"), typed
        assert job.snapshot().events == []
    set_rate(app, "0.01")
    assert "becomes 0.01 from the next batch" in messages(app, "success")
    until(lambda: job.snapshot().events)
    button(app, "Stop training").click().run()
    finish_training(app, "perceptron")
    snapshot = job.snapshot()
    assert snapshot.status == Status.STOPPED and not app.exception
    assert "Test accuracy:" in messages(app, "success")
    first_run = app.session_state[key("perceptron", "run")]

    # A stopped run goes on with one click: a new run of one epoch whose epochs count on.
    button(app, "One more epoch").click().run()
    assert app.session_state[key("perceptron", "run")] != first_run
    following = current_job(app, "perceptron")
    assert following.epochs == 1 and following.first_epoch == snapshot.epoch
    following.stop()
    finish_training(app, "perceptron")
    assert not app.exception


def test_the_divergence_hint_applies_a_learning_rate_that_trains():
    app = open_page("pages/mlp.py", {"train_samples": "1000", "epochs": "1", "learning_rate": "5.0",
                                     "hidden_units": "32", "activations": "relu"})
    button(app, "Train").click().run()
    finish_training(app, "mlp")
    assert "Training diverged" in messages(app, "error")
    assert "The learning rate is too high" in texts(app)
    button(app, "Apply: learning rate 0.003").click().run()
    assert app.sidebar.select_slider(key=key("mlp", "setting", "learning_rate")).value == 0.003
    assert app.query_params["learning_rate"] in ("0.003", ["0.003"])
    assert next(b for b in app.button if b.key == key("mlp", "hint", "too_high")).disabled  # already applied
    button(app, "Train").click().run()
    finish_training(app, "mlp")
    assert current_job(app, "mlp").snapshot().status == Status.FINISHED and not app.exception
    assert "The learning rate is too high" not in texts(app)


def test_the_plane_steps_one_keras_call_of_many_batches():
    # 500 points, some held back for testing, batches of 10: one Keras call runs a whole epoch's batches.
    app = open_page("pages/plane.py", {"train_samples": "500", "batch_size": "10", "epochs": "200"})
    button(app, "Train").click().run()
    job = current_job(app, "plane")
    button(app, "Pause").click().run()
    until(lambda: job.status == Status.PAUSED)
    app.run()
    per_call = job.model.steps_per_execution
    labels = [b.label for b in app.button]
    assert per_call > 1 and f"Step {per_call} batches" in labels and "Step one batch" not in labels
    held = job.snapshot().progress
    button(app, f"Step {per_call} batches").click().run()
    until(lambda: job.snapshot().progress > held)
    until(lambda: job.status == Status.PAUSED)  # and holds again
    button(app, "Stop training").click().run()
    finish_training(app, "plane")
    assert not app.exception


def test_a_hint_applied_on_a_run_shared_by_a_link_leaves_its_owners_training_alone():
    owner = open_page("pages/perceptron.py", {"train_samples": "600", "epochs": "200", "batch_size": "8",
                                              "optimizer": "sgd", "learning_rate": "0.00001"})
    button(owner, "Train").click().run()
    job = current_job(owner, "perceptron")
    # 68 updates an epoch; past 200 updates that barely moved the loss, the hint is a learning rate.
    until(lambda: job.snapshot().epoch >= 4, timeout=60)
    try:
        visitor = open_page("pages/perceptron.py", {"run": owner.session_state[key("perceptron", "run")]})
        assert "of another browser" in texts(visitor)
        apply = next(b for b in visitor.button if b.label.startswith("Apply: learning rate"))
        apply.click().run()
        assert not visitor.exception
        time.sleep(1.0)  # a steered rate would be taken at the next batch
        assert job.snapshot().events == [] and job.snapshot().learning_rate == 0.00001
        assert job.steering.take_learning_rate() is None
    finally:
        job.stop()
        assert job.wait(30)

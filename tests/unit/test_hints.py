"""Hints that fix: each rule on a training that shows its problem, and on one that does not."""

import math

import numpy as np
import pytest

from nn_core import hints
from nn_core.cnn import CNNConfig
from nn_core.digits.activity import unit_activity
from nn_core.mlp import MLPConfig
from nn_core.networks import build_model
from nn_core.perceptron import PerceptronConfig
from nn_core.rnn import RNNConfig
from nn_core.training import Snapshot, Status

HEALTHY = {"loss": [0.6, 0.3, 0.2, 0.15], "accuracy": [0.82, 0.91, 0.94, 0.95],
           "val_loss": [0.35, 0.25, 0.2, 0.19], "val_accuracy": [0.9, 0.93, 0.94, 0.95]}


def snapshot(history=None, status=Status.FINISHED, steps=60, curve=None, activity=None, batch=0):
    history = HEALTHY if history is None else history
    epochs = max((len(values) for values in history.values()), default=0)
    if curve is None:
        curve = [(0.1, 2.3, 0.1)] + [(index + 1.0, loss, 0.5) for index, loss in enumerate(history.get("loss", []))]
    return Snapshot(status=status, epoch=epochs, total_epochs=max(epochs, 1), batch=batch, steps_per_epoch=steps,
                    elapsed=1.0, waiting_ahead=0, history=history, batch_curve=curve, extras=[], results={},
                    message="", probes={"activity": [activity]} if activity else {})


def names(found):
    return [hint.name for hint in found]


def test_a_healthy_training_gets_no_hint():
    for config in (MLPConfig(), CNNConfig(), PerceptronConfig()):
        assert hints.hints(snapshot(), config, classes=10) == []
    assert hints.hints(None, MLPConfig()) == []
    assert hints.hints(snapshot(status=Status.FAILED), MLPConfig()) == []


def test_a_diverged_or_climbing_loss_says_the_learning_rate_is_too_high():
    diverged = hints.hints(snapshot({}, status=Status.DIVERGED), MLPConfig(learning_rate=5.0), 10)
    assert names(diverged) == ["too_high"] and diverged[0].fix == {"learning_rate": 0.003}
    assert "5" in diverged[0].reason and "0.003" in diverged[0].reason
    climbing = {**HEALTHY, "loss": [0.6, 0.9, 1.4]}
    assert names(hints.hints(snapshot(climbing, status=Status.RUNNING), MLPConfig(), 10)) == ["too_high"]
    nan_now = snapshot(status=Status.RUNNING, curve=[(0.5, math.nan, math.nan)])
    assert names(hints.hints(nan_now, MLPConfig(optimizer="sgd", learning_rate=10.0), 10)) == ["too_high"]
    assert hints.hints(nan_now, MLPConfig(optimizer="sgd", learning_rate=10.0))[0].fix == {"learning_rate": 0.03}
    falling_then_noisy = {**HEALTHY, "loss": [0.6, 0.3, 0.35]}  # a little noise is not a climb
    assert hints.too_high(snapshot(falling_then_noisy), MLPConfig()) is None


def test_a_loss_that_barely_moves_asks_for_a_larger_learning_rate():
    flat = {"loss": [2.352, 2.339, 2.326], "accuracy": [0.11, 0.117, 0.119],
            "val_loss": [2.29, 2.27, 2.25], "val_accuracy": [0.17, 0.19, 0.21]}
    found = hints.hints(snapshot(flat, steps=100), MLPConfig(learning_rate=1e-5), 10)
    assert names(found) == ["barely_moves"] and found[0].fix == {"learning_rate": 0.001}
    slow_but_learning = {**flat, "loss": [2.3, 1.9, 1.6], "accuracy": [0.3, 0.5, 0.6]}
    assert hints.barely_moves(snapshot(slow_but_learning, steps=100), MLPConfig(learning_rate=1e-4)) is None


def test_few_updates_ask_for_smaller_batches():
    article = {"loss": [2.4, 2.2, 1.9, 1.6, 1.4], "accuracy": [0.1, 0.3, 0.5, 0.6, 0.7],
               "val_loss": [2.2, 2.0, 1.8, 1.5, 1.3], "val_accuracy": [0.15, 0.4, 0.6, 0.68, 0.73]}
    config = MLPConfig(batch_size=2000, epochs=5)
    found = hints.hints(snapshot(article, steps=4), config, 10)
    assert names(found) == ["few_updates"] and found[0].fix == {"batch_size": 64}  # 8,000 digits x 5 / 500 = 80
    assert "20 weight updates" in found[0].reason
    assert hints.few_updates(snapshot(article, steps=4, status=Status.RUNNING), config) is None  # not over yet
    assert hints.few_updates(snapshot(article, steps=100), config) is None  # 500 updates
    early = snapshot({name: values[:1] for name, values in article.items()}, steps=4, status=Status.RUNNING,
                     curve=[(0.25, 2.5, 0.1), (1.0, 2.4, 0.1)])
    assert names(hints.hints(early, config, 10)) == ["few_updates"]  # barely moved, with few updates: the same cause


def test_training_and_validation_parting_is_overfitting():
    parting = {"loss": [1.6, 0.6, 0.3, 0.1, 0.05], "accuracy": [0.5, 0.83, 0.9, 0.97, 1.0],
               "val_loss": [0.84, 0.56, 0.63, 0.68, 0.87], "val_accuracy": [0.82, 0.82, 0.84, 0.84, 0.86]}
    found = hints.hints(snapshot(parting), MLPConfig(dropout_rate=0.0), 10)
    assert names(found) == ["overfitting"]
    assert found[0].fix == {"dropout_rate": 0.2, "early_stopping": True} and "epoch 2" in found[0].reason
    no_dropout_field = hints.overfitting(snapshot(parting), PerceptronConfig(train_samples=1000))
    assert no_dropout_field.fix == {"train_samples": 2000}
    assert hints.overfitting(snapshot(parting), MLPConfig(dropout_rate=0.5, early_stopping=True)).fix == {"l2": 1e-4}
    close = {**parting, "accuracy": [0.5, 0.8, 0.84, 0.86, 0.88]}  # the curves stay together
    assert hints.overfitting(snapshot(close), MLPConfig()) is None


def test_validation_at_chance_is_said_once_nothing_else_explains_it():
    memorising = {"loss": [2.3, 1.5, 0.8], "accuracy": [0.2, 0.5, 0.8], "val_loss": [2.3, 2.31, 2.3],
                  "val_accuracy": [0.1, 0.1, 0.11]}
    found = hints.hints(snapshot(memorising, steps=100), MLPConfig(optimizer="sgd", learning_rate=0.3), classes=10)
    assert "chance" in names(found) and found[-1].fix == {"optimizer": "adam", "learning_rate": 0.001}
    assert hints.chance(snapshot(memorising), MLPConfig(), 10).fix == {"epochs": 30}
    assert hints.chance(snapshot(memorising), MLPConfig(), None) is None  # unknown classes: no rule
    assert hints.chance(snapshot(), MLPConfig(), 10) is None
    text = {"loss": [3.0, 2.0], "accuracy": [0.2, 0.4], "val_loss": [3.0, 3.1], "val_accuracy": [0.05, 0.06]}
    assert hints.chance(snapshot(text), RNNConfig(), classes=30) is not None  # 1/30 + 5%


def dead_model():
    """An MLP whose first hidden layer's biases are so negative that no digit ever fires it."""
    model = build_model(MLPConfig(hidden_units=(32, 16), activations=("relu", "relu")))
    kernel, bias = model.get_layer("hidden_1").get_weights()
    model.get_layer("hidden_1").set_weights([kernel, bias - 100.0])
    return model


def saturated_model():
    """A sigmoid MLP with huge weights: every unit sits at 0 or 1."""
    model = build_model(MLPConfig(hidden_units=(32,), activations=("sigmoid",), dropout_rate=0.0))
    kernel, bias = model.get_layer("hidden_1").get_weights()
    model.get_layer("hidden_1").set_weights([kernel * 500.0, bias])
    return model


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.x_test[:200].astype(np.float32) / 255


def test_dead_relu_units_are_found_and_fixed(digits):
    dead = unit_activity(dead_model(), digits)
    assert dead["relu_units"] == 48 and dead["dead_relu_units"] >= 32 and dead["dead_relu_share"] >= 0.66
    found = hints.hints(snapshot(activity=dead), MLPConfig(learning_rate=0.05), 10)
    assert names(found) == ["dead_relu"] and found[0].fix == {"learning_rate": 0.003}
    assert hints.dead_relu(snapshot(activity=dead), MLPConfig()).fix == {"activations": ("elu", "elu")}
    alive = unit_activity(build_model(MLPConfig(hidden_units=(32, 16), activations=("relu", "relu"))), digits)
    assert alive["dead_relu_share"] < 0.3 and hints.dead_relu(snapshot(activity=alive), MLPConfig()) is None


def test_saturated_sigmoids_are_found_and_fixed(digits):
    stuck = unit_activity(saturated_model(), digits)
    assert stuck["squashing_units"] == 32 and stuck["saturated_share"] > 0.5
    config = MLPConfig(hidden_units=(32,), activations=("sigmoid",))
    found = hints.hints(snapshot(activity=stuck), config, 10)
    assert names(found) == ["saturated"] and found[0].fix == {"activations": ("relu",)}
    calm = unit_activity(build_model(config), digits)
    assert calm["saturated_share"] < 0.5 and hints.saturated(snapshot(activity=calm), config) is None
    assert hints.saturated(snapshot(activity=stuck), CNNConfig(activation="sigmoid")).fix == {"activation": "relu"}


def test_every_fix_makes_settings_the_config_accepts():
    found = [hints.too_high(snapshot({}, status=Status.DIVERGED), MLPConfig(learning_rate=10.0)),
             hints.barely_moves(snapshot({"loss": [2.3, 2.3], "accuracy": [0.1, 0.1]}, steps=200),
                                MLPConfig(learning_rate=1e-5))]
    for hint in found:
        MLPConfig().changed(**hint.fix)  # raises SettingsError if not

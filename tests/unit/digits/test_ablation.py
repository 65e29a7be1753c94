"""Switching units off, against a NumPy forward pass; every unit off gives chance accuracy."""

import numpy as np
import pytest

from nn_core.cnn import CNNConfig
from nn_core.digits.ablation import ablated_evaluation, ablated_probabilities, cached_ablation, unit_mask
from nn_core.digits.data import to_float
from nn_core.digits.inference import predict_batch
from nn_core.digits.probes import DeeperError, layer_outputs, probes
from nn_core.mlp import MLPConfig
from nn_core.networks import build_model


def softmax(scores):
    scores = scores - scores.max(axis=1, keepdims=True)
    return np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)


@pytest.fixture(scope="module")
def mlp():
    return build_model(MLPConfig(hidden_units=(8, 6), activations=("relu", "tanh"), dropout_rate=0.4, seed=4))


def test_no_unit_off_is_the_model_itself(mlp):
    images = np.random.default_rng(0).random((30, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(ablated_probabilities(mlp, images, "hidden_1", []), predict_batch(mlp, images),
                               atol=1e-5)


def test_switched_off_neurons_match_a_numpy_forward_pass(mlp):
    images = np.random.default_rng(1).random((30, 28, 28)).astype(np.float32)
    w1, b1 = mlp.get_layer("hidden_1").get_weights()
    w2, b2 = mlp.get_layer("hidden_2").get_weights()
    w3, b3 = mlp.get_layer("output").get_weights()
    first = np.maximum(images.reshape(30, -1) @ w1 + b1, 0) * unit_mask(8, [0, 3, 7])  # (30, 8)
    expected = softmax(np.tanh(first @ w2 + b2) @ w3 + b3)
    np.testing.assert_allclose(ablated_probabilities(mlp, images, "hidden_1", [0, 3, 7]), expected, atol=1e-5)


def test_switched_off_filters_are_zero_maps():
    model = build_model(CNNConfig(conv_blocks=2, filters_1=3, filters_2=4, dense_units=5, seed=2))
    assert [(p.name, p.units, p.kind) for p in probes(model)] == [
        ("pixels", 784, "pixels"), ("pool_1", 3, "filters"), ("pool_2", 4, "filters"), ("dense", 5, "neurons")]
    images = np.random.default_rng(2).random((6, 28, 28)).astype(np.float32)
    maps = layer_outputs(model, images, "pool_1", mask=unit_mask(3, [1]), stop=True).reshape(6, 14, 14, 3)
    assert not maps[..., 1].any() and maps[..., 0].any()
    whole = layer_outputs(model, images, "pool_1", stop=True).reshape(6, 14, 14, 3)
    np.testing.assert_allclose(maps[..., [0, 2]], whole[..., [0, 2]])


def test_every_unit_off_gives_chance_accuracy(mnist):
    model = build_model(MLPConfig(hidden_units=(16,), activations=("relu",), seed=1))
    images, labels = to_float(mnist.x_test), mnist.y_test
    everything = ablated_evaluation(model, images, labels, "hidden_1", range(16))
    answer = everything.predictions[0]
    assert (everything.predictions == answer).all()  # only the output's biases are left: one answer for all
    assert everything.accuracy == pytest.approx(np.mean(labels == answer))
    assert 0.05 < everything.accuracy < 0.15  # about one digit in ten
    assert np.nansum(everything.per_class > 0) == 1


def test_cache_and_bad_choices(mlp):
    images, labels = np.zeros((5, 28, 28), np.float32), np.arange(5)
    first = cached_ablation(mlp, images, labels, "hidden_2", [2, 1])
    assert cached_ablation(mlp, images, labels, "hidden_2", [1, 2, 2]) is first
    with pytest.raises(DeeperError, match="units 0 to 5"):
        cached_ablation(mlp, images, labels, "hidden_2", [6])
    with pytest.raises(DeeperError):
        ablated_probabilities(mlp, images, "pixels", [0])
    with pytest.raises(DeeperError):
        ablated_probabilities(mlp, images, "output", [0])

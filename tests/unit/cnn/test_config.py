"""The CNN's config and builder, and reading its feature maps, checked against NumPy."""

import numpy as np
import pytest

from nn_core.cnn import filters
from nn_core.digits.job import digit_job
from nn_core.cnn.feature_maps import first_layer_kernels, layer_maps, stage_layers
from nn_core.mlp import MLPConfig
from nn_core.networks import build_model
from nn_core.cnn.config import PRESETS, CNNConfig


def test_defaults_are_two_blocks_of_16_and_32():
    config = CNNConfig()
    assert config.filters == (16, 32)
    assert (config.kernel_size, config.activation, config.pooling) == (3, "relu", "max")
    assert (config.optimizer, config.batch_size, config.validation_split) == ("adam", 64, 0.1)


@pytest.mark.parametrize("changes", [
    {"conv_blocks": 0}, {"conv_blocks": 4}, {"filters_1": 0}, {"kernel_size": 8}, {"pooling": "median"},
    {"activation": "magic"}, {"dropout_rate": 1.0}, {"dense_units": -1},
])
def test_invalid_settings_raise_value_error(changes):
    with pytest.raises(ValueError):
        CNNConfig(**changes)


def test_query_round_trip_with_every_field_changed():
    config = CNNConfig(conv_blocks=3, filters_1=8, filters_2=12, filters_3=24, kernel_size=5, activation="tanh",
                       pooling="average", dense_units=0, dropout_rate=0.25)
    restored, warnings = CNNConfig.from_query(config.to_query())
    assert restored == config and warnings == []


@pytest.mark.parametrize("config", [
    CNNConfig(),
    CNNConfig(conv_blocks=1, filters_1=4, kernel_size=5, dense_units=0, dropout_rate=0.0),
    CNNConfig(conv_blocks=3, filters_1=4, filters_2=6, filters_3=8, pooling="average", activation="tanh"),
    *PRESETS.values(),
], ids=lambda config: f"{config.conv_blocks}blocks-{config.pooling}-{config.dense_units}dense")
def test_built_layers_have_the_announced_names_and_shapes(config):
    model = config.build()
    announced = config.layer_shapes()
    assert [name for name, _ in announced[1:]] == [layer.name for layer in model.layers]
    assert [tuple(layer.output.shape[1:]) for layer in model.layers] == [shape for _, shape in announced[1:]]
    pool = model.get_layer("pool_1")
    assert type(pool).__name__ == ("MaxPooling2D" if config.pooling == "max" else "AveragePooling2D")
    assert model.get_layer("conv_1").kernel_size == (config.kernel_size, config.kernel_size)
    assert model.get_layer("activation_1").activation.__name__ == config.activation
    assert model.get_layer("dropout").rate == pytest.approx(config.dropout_rate)


def test_unused_blocks_are_ignored():
    config = CNNConfig(conv_blocks=1, filters_2=7, filters_3=9)
    assert config.filters == (16,)
    assert [layer.name for layer in stage_layers(config.build())] == ["conv_1", "activation_1", "pool_1"]


def test_presets_are_cnn_configs_with_the_required_names():
    assert {"As in the article", "Fast demo", "Best accuracy"} <= set(PRESETS)
    assert all(isinstance(preset, CNNConfig) for preset in PRESETS.values())
    article = PRESETS["As in the article"]
    assert (article.kernel_size, article.activation, article.pooling) == (3, "relu", "max")


def test_feature_maps_match_numpy_convolution_of_the_learned_kernels():
    model = build_model(CNNConfig(conv_blocks=2, filters_1=4, filters_2=6, dense_units=16, seed=3))
    digit = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    layers = layer_maps(model, digit)
    assert [(layer.name, layer.stage, layer.block) for layer in layers] == [
        ("conv_1", "conv", 1), ("activation_1", "activation", 1), ("pool_1", "pool", 1),
        ("conv_2", "conv", 2), ("activation_2", "activation", 2), ("pool_2", "pool", 2)]
    assert [layer.shape_text for layer in layers] == ["28x28x4", "28x28x4", "14x14x4", "14x14x6", "14x14x6", "7x7x6"]
    kernel, bias = model.get_layer("conv_1").get_weights()  # (3, 3, 1, 4), (4,)
    kernels = first_layer_kernels(model)  # (4, 3, 3)
    assert kernels.shape == (4, 3, 3)
    for index in range(4):
        np.testing.assert_array_equal(kernels[index], kernel[:, :, 0, index])
        # The lab's NumPy stages are an independent reference for what Keras computed.
        convolution = filters.convolve(digit, kernels[index], padding="same") + bias[index]
        np.testing.assert_allclose(layers[0].maps[:, :, index], convolution, rtol=1e-4, atol=1e-5)
        activated = filters.activate(convolution, "relu")
        np.testing.assert_allclose(layers[1].maps[:, :, index], activated, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(layers[2].maps[:, :, index], filters.pool(activated, "max", 2), rtol=1e-4,
                                   atol=1e-5)
    # The last pooling feeds the dense layers: the model's own output from it must agree.
    flat = layers[-1].maps.reshape(1, -1)
    dense_w, dense_b = model.get_layer("dense").get_weights()
    out_w, out_b = model.get_layer("output").get_weights()
    logits = np.maximum(flat @ dense_w + dense_b, 0) @ out_w + out_b
    expected = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(np.asarray(model(digit.reshape(1, 28, 28, 1), training=False)), expected,
                               rtol=1e-4, atol=1e-6)


def test_average_pooling_maps_match_numpy():
    model = build_model(CNNConfig(conv_blocks=1, filters_1=2, pooling="average", activation="tanh", dense_units=0))
    digit = np.random.default_rng(1).random((28, 28)).astype(np.float32)
    conv, activation, pooled = layer_maps(model, digit)
    np.testing.assert_allclose(activation.maps, np.tanh(conv.maps), rtol=1e-5, atol=1e-6)
    for index in range(2):
        np.testing.assert_allclose(pooled.maps[:, :, index], filters.pool(activation.maps[:, :, index], "average", 2),
                                   rtol=1e-5, atol=1e-6)


def test_feature_maps_refuse_other_models_and_shapes():
    with pytest.raises(ValueError, match="conv_"):
        layer_maps(build_model(MLPConfig(hidden_units=(8,), activations=("relu",))), np.zeros((28, 28)))
    with pytest.raises(ValueError, match="28, 28"):
        layer_maps(build_model(CNNConfig(filters_1=2, filters_2=2)), np.zeros((20, 20)))


def test_a_tiny_cnn_learns_digits(mnist):
    config = CNNConfig(conv_blocks=1, filters_1=8, dense_units=32, train_samples=1500, epochs=2, batch_size=64)
    job = digit_job(config, mnist).start()
    assert job.wait(180)
    snapshot = job.snapshot()
    assert snapshot.status == "finished", snapshot.message
    assert snapshot.results["test_accuracy"] > 0.75  # chance is 0.1

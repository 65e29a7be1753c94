"""The plane's settings: links both ways (no hidden layer included), checks, outputs, the network built."""

import pytest

from nn_core.errors import SettingsError
from nn_core.plane import PRESETS, PlaneConfig


def test_a_link_round_trips_and_may_have_no_hidden_layer():
    config = PlaneConfig(dataset="spiral", classes=3, features=("x1", "sin_x2"), hidden_units=(), activations=(),
                         l1=0.001, two_class_output="softmax")
    query = config.to_query()
    assert query["hidden_units"] == "" and query["features"] == "x1,sin_x2"
    back, warnings = PlaneConfig.from_query(query)
    assert back == config and not warnings


def test_bad_link_values_fall_back_with_a_warning():
    config, warnings = PlaneConfig.from_query({"dataset": "banana", "features": "x1,x3", "classes": "50",
                                               "noise": "lots"})
    assert config == PlaneConfig()
    assert len(warnings) == 4 and all(warning.startswith("Ignored") for warning in warnings)


@pytest.mark.parametrize("changes, words", [
    ({"hidden_units": (4, 4), "activations": ("tanh",)}, "one entry per layer"),
    ({"features": ("x1", "x1")}, "each feature may be given once"),
    ({"features": ()}, "features must have 1 to 7 items"),
    ({"hidden_units": (8,) * 7, "activations": ("relu",) * 7}, "hidden_units must have 0 to 6 items"),
    ({"validation_split": 0.0}, "validation_split must be between"),
])
def test_impossible_settings_are_refused_in_words(changes, words):
    with pytest.raises(SettingsError, match=words):
        PlaneConfig(**changes)


@pytest.mark.parametrize("classes, sigmoid_outputs, softmax_outputs, loss", [
    (0, 1, 1, "mean_squared_error"),
    (2, 1, 2, "binary_crossentropy"),
    (3, 3, 3, "sparse_categorical_crossentropy"),
    (5, 5, 5, "sparse_categorical_crossentropy"),
])
def test_the_output_follows_the_classes(classes, sigmoid_outputs, softmax_outputs, loss):
    config = PlaneConfig()
    assert config.outputs(classes) == sigmoid_outputs
    assert config.changed(two_class_output="softmax").outputs(classes) == softmax_outputs
    assert config.loss_for(classes) == loss


def test_the_built_network_has_the_counted_parameters_and_the_seeds_fix_it():
    config = PlaneConfig(features=("x1", "x2", "x1_x2"), hidden_units=(6, 3), activations=("relu", "tanh"), l2=0.01)
    for classes in (0, 2, 4):
        model = config.build(classes)
        assert model.count_params() == config.parameter_count(classes)
        assert model.input_shape == (None, 3) and model.output_shape == (None, config.outputs(classes))
    assert [layer.get_config()["activation"] for layer in config.build(4).layers] == ["relu", "tanh", "softmax"]
    first, again = config.build(2).get_weights(), config.build(2).get_weights()
    assert all((a == b).all() for a, b in zip(first, again))
    assert config.build(2).layers[0].kernel_regularizer is not None


def test_presets_are_valid_and_xor_has_no_hidden_layer_and_one():
    assert PRESETS["XOR, no hidden layer"].hidden_units == ()
    assert PRESETS["XOR, one hidden layer"].hidden_units == (4,)
    assert PRESETS["Three spirals"].class_count() == 3 and PRESETS["Regression"].class_count() == 0
    assert PlaneConfig(dataset="custom").class_count() is None

"""Configs: defaults, validation, and the query-string round trip."""

import dataclasses

import pytest

from nn_core.cnn import CNNConfig
from nn_core.mlp import MLPConfig
from nn_core.perceptron import PerceptronConfig

CONFIGS = [PerceptronConfig, MLPConfig, CNNConfig]


@pytest.mark.parametrize("config_class", CONFIGS)
def test_defaults_are_valid_and_frozen(config_class):
    config = config_class()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.epochs = 3  # type: ignore[misc]


@pytest.mark.parametrize("config_class", CONFIGS)
def test_query_round_trip(config_class):
    config = config_class().changed(learning_rate=0.01, epochs=2, seed=7)
    query = config.to_query()
    assert all(isinstance(value, str) for value in query.values())
    restored, warnings = config_class.from_query(query)
    assert restored == config and warnings == []


def test_perceptron_article_defaults():
    config = PerceptronConfig()
    assert (config.activation, config.optimizer, config.epochs) == ("sigmoid", "adam", 5)


def test_mlp_tuple_fields_round_trip():
    config = MLPConfig(hidden_units=(64, 32, 16), activations=("relu", "tanh", "elu"))
    assert config.to_query()["hidden_units"] == "64,32,16"
    assert MLPConfig.from_query(config.to_query())[0] == config


@pytest.mark.parametrize("changes", [
    {"learning_rate": -1.0}, {"learning_rate": float("nan")}, {"epochs": 0},
    {"optimizer": "magic"}, {"activation": "relu"}, {"batch_size": 2.5}, {"seed": True},
])
def test_invalid_values_raise_value_error(changes):
    with pytest.raises(ValueError):
        PerceptronConfig(**changes)


def test_mismatched_layer_lists_raise():
    with pytest.raises(ValueError):
        MLPConfig(hidden_units=(10, 10), activations=("relu",))


def test_bad_link_values_fall_back_with_warnings():
    config, warnings = PerceptronConfig.from_query({
        "epochs": "many", "learning_rate": "1e9", "activation": "<script>", "seed": "5",
        "utm_source": "mail",
    })
    assert config == PerceptronConfig(seed=5)
    assert len(warnings) == 3 and all("using the default" in warning for warning in warnings)


def test_int_accepted_for_float_and_differences():
    config = PerceptronConfig(learning_rate=1)
    assert isinstance(config.learning_rate, float)
    assert set(config.differences(PerceptronConfig())) == {"learning_rate"}

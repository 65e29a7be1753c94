"""Hostile model files are refused before they cost memory, and genuine ones are read as Keras reads them."""

import io
import json
import zipfile

import pytest

from nn_core.errors import ModelFileError
from nn_core.lessons import LESSONS, lesson
from nn_core.architecture import read_architecture
from nn_core.persistence import model_to_bytes, read_notes
from support.hostile import PeakMemory, genuine_model_file, hostile_folder

PEAK_MEGABYTES = 300
SLUGS = [entry.slug for entry in LESSONS]
# Unreadable notes are no notes: a digit model needs none and loads without them; a text or plane model cannot.
LOADS_WITHOUT_NOTES = {"perceptron": {"deeply_nested_notes.keras"}, "mlp": {"deeply_nested_notes.keras"},
                       "cnn": {"deeply_nested_notes.keras"}}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return {slug: hostile_folder(slug, root) for slug in SLUGS}


@pytest.mark.parametrize("slug", SLUGS)
def test_every_hostile_file_is_refused_in_a_sentence_without_the_memory_it_asks_for(hostile, slug):
    load = lesson(slug).load_model
    refused = []
    for name, path in hostile[slug].items():
        data = path.read_bytes()
        with PeakMemory() as peak:
            try:
                read_notes(data)
                load(data)
            except ModelFileError as error:
                refused.append(name)
                assert str(error) and "\n" not in str(error) and len(str(error)) < 300, (name, str(error))
        assert peak.megabytes < PEAK_MEGABYTES, f"{slug}: {name} took {peak.megabytes:.0f} MB"
    assert set(hostile[slug]) - set(refused) <= LOADS_WITHOUT_NOTES.get(slug, set())


@pytest.mark.parametrize("slug", SLUGS)
def test_a_genuine_file_of_the_page_still_loads(slug):
    assert lesson(slug).load_model(genuine_model_file(slug)) is not None


def keras_config(model) -> dict:
    with zipfile.ZipFile(io.BytesIO(model_to_bytes(model))) as archive:
        return json.loads(archive.read("config.json"))


def test_weights_are_counted_as_keras_counts_them():
    from nn_core.cnn import CNNConfig
    from nn_core.mlp import MLPConfig
    from nn_core.networks import build_model
    from nn_core.plane import PlaneConfig
    from nn_core.rnn.config import RNNConfig

    models = [build_model(MLPConfig(hidden_units=(7, 5, 3), activations=("relu",) * 3, l2=0.1)),
              build_model(CNNConfig(conv_blocks=3, kernel_size=5, dense_units=0, pooling="average")),
              build_model(CNNConfig(conv_blocks=1, filters_1=3, kernel_size=2)),
              build_model(PlaneConfig(hidden_units=(), activations=()), 3)]
    models += [build_model(RNNConfig(cell=cell, units=6, recurrent_layers=layers, input_encoding=encoding,
                                     sequence_length=5), 11)
               for cell in ("SimpleRNN", "LSTM", "GRU") for layers in (1, 2) for encoding in ("one-hot", "embedding")]
    for model in models:
        assert read_architecture(keras_config(model)).parameters == model.count_params(), model.name


def test_the_largest_network_of_a_page_fits_its_limits_and_one_more_neuron_does_not():
    from nn_core.mlp import MLPConfig
    from nn_core.mlp.config import MAX_UNITS

    def config_of(units):
        layers = [{"class_name": "InputLayer", "config": {"batch_shape": [None, 28, 28]}},
                  {"class_name": "Flatten", "config": {}}]
        layers += [{"class_name": "Dense", "config": {"units": width}} for width in (*units, 10)]
        return {"class_name": "Sequential", "config": {"layers": layers}}

    limits = MLPConfig.network_limits
    largest = read_architecture(config_of([MAX_UNITS] * 4), limits, (28, 28))
    assert largest.parameters == limits.parameters == MLPConfig(hidden_units=(MAX_UNITS,) * 4,
                                                                activations=("relu",) * 4).parameter_count()
    for too_big in ([MAX_UNITS + 1], [8] * 5):
        with pytest.raises(ModelFileError):
            read_architecture(config_of(too_big), limits, (28, 28))
    with pytest.raises(ModelFileError, match="another page"):
        read_architecture(config_of([8]), limits, (784,))


def test_a_functional_model_must_be_a_chain():
    from nn_core.rnn.config import RNNConfig, build_text_model

    config = keras_config(build_text_model(RNNConfig(units=4), 6))
    read_architecture(config)
    layers = config["config"]["layers"]
    layers[-1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"][0] = layers[0]["config"]["name"]
    with pytest.raises(ModelFileError, match="chain"):
        read_architecture(config)

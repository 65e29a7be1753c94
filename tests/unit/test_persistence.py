"""Models, histories and settings survive the trip out of the app and back."""

import csv
import io
import zipfile

import numpy as np
import pytest

from nn_core.digits.inference import predict_digit
from nn_core.mlp import MLPConfig
from nn_core.perceptron import PerceptronConfig
from nn_core.networks import build_model
from nn_core.persistence import (config_from_json, config_to_json, history_to_csv, model_from_bytes,
                                 model_to_bytes, read_notes)


def test_saved_model_predicts_the_same():
    model = build_model(PerceptronConfig(seed=2))
    image = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    restored = model_from_bytes(model_to_bytes(model), input_shape=(784,), outputs=10)
    np.testing.assert_allclose(predict_digit(restored, image), predict_digit(model, image), rtol=1e-6)
    assert restored.optimizer is not None  # it can train further


def test_model_for_another_page_is_refused():
    data = model_to_bytes(build_model(MLPConfig()))
    with pytest.raises(ValueError, match="another page"):
        model_from_bytes(data, input_shape=(784,), outputs=10)


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04broken zip"])
def test_garbage_is_refused_with_a_sentence(data):
    with pytest.raises(ValueError):
        model_from_bytes(data)


def test_zip_that_is_not_a_model_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ValueError, match="a Keras model file does not"):
        model_from_bytes(buffer.getvalue())


def test_lambda_layer_is_refused_by_safe_mode():
    import keras

    model = keras.Sequential([keras.Input((784,)), keras.layers.Lambda(lambda x: x * 2), keras.layers.Dense(10)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="Lambda layer"):
        model_from_bytes(model_to_bytes(model))


def test_history_csv():
    text = history_to_csv({"loss": [1.0, 0.5], "accuracy": [0.5, 0.75], "val_loss": []})
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["epoch", "loss", "accuracy"], ["1", "1.0", "0.5"], ["2", "0.5", "0.75"]]


def test_settings_json_round_trip_and_refusals():
    config = PerceptronConfig(epochs=9, learning_rate=0.01)
    restored, warnings = config_from_json(config_to_json(config), PerceptronConfig)
    assert restored == config and warnings == []
    with pytest.raises(ValueError):
        config_from_json("{nope", PerceptronConfig)
    with pytest.raises(ValueError, match="not PerceptronConfig"):
        config_from_json(config_to_json(MLPConfig()), PerceptronConfig)


def test_text_model_travels_with_its_vocabulary():
    from nn_core.rnn.config import RNNConfig, build_text_model
    from nn_core.rnn.training import load_text_model, text_model_notes
    from nn_core.rnn.text import Vocabulary
    from nn_core.rnn.generation import TextGenerator

    text = "a tiny text, with its own vocabulary"
    config = RNNConfig(units=8)
    vocabulary = Vocabulary.of(text)
    model = build_text_model(config, vocabulary.size)
    data = model_to_bytes(model, text_model_notes(config, vocabulary, "a t"))
    assert read_notes(data)["vocabulary"] == list(vocabulary.characters)
    loaded = load_text_model(data)
    assert loaded.vocabulary == vocabulary and loaded.config == config and loaded.start == "a t"
    original = TextGenerator(model, vocabulary).generate("a t", 20, (0.0,), seed=0)[0].text
    assert loaded.generator().generate("a t", 20, (0.0,), seed=0)[0].text == original


def test_text_model_without_vocabulary_or_a_digit_model_is_refused():
    from nn_core.rnn.config import RNNConfig, build_text_model
    from nn_core.rnn.training import load_text_model

    with pytest.raises(ValueError, match="no vocabulary"):
        load_text_model(model_to_bytes(build_text_model(RNNConfig(units=4), 5)))
    with pytest.raises(ValueError, match="no vocabulary"):
        load_text_model(model_to_bytes(build_model(PerceptronConfig())))
    with pytest.raises(ValueError, match="not a Keras model file"):
        read_notes(b"garbage")


def test_deeply_nested_settings_are_no_settings_file():
    with pytest.raises(ValueError, match="not a JSON settings file"):
        config_from_json("[" * 1_000_000, PerceptronConfig)


def test_history_csv_has_the_learning_rate_in_force_at_each_epoch():
    text = history_to_csv({"loss": [1.0, 0.5], "learning_rate": [0.001, 0.01]}, first_epoch=2)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["epoch", "loss", "learning_rate"], ["3", "1.0", "0.001"], ["4", "0.5", "0.01"]]

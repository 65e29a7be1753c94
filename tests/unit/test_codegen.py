"""The generated Keras scripts are real: they match the app's networks and they train."""

import os
import subprocess
import sys

import pytest

from nn_core.codegen import model_code
from nn_core.digits.script import digit_script
from nn_core.digits.data import BUNDLED_PATH
from nn_core.cnn import CNNConfig
from nn_core.mlp import MLPConfig
from nn_core.perceptron import PerceptronConfig
from nn_core.plane import PlaneConfig
from nn_core.plane.script import plane_script
from nn_core.plane.training import plane_points
from nn_core.rnn import RNNConfig
from nn_core.rnn.script import text_script


def run_script(source: str, tmp_path) -> str:
    path = tmp_path / "script.py"
    path.write_text(source)
    env = {**os.environ, "MNIST_NPZ": str(BUNDLED_PATH), "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env,
                            timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize("config", [
    PerceptronConfig(epochs=1, train_samples=500),
    MLPConfig(epochs=1, train_samples=500, batch_size=64),
    MLPConfig(epochs=2, train_samples=500, batch_size=64, early_stopping=True, patience=1),
    CNNConfig(epochs=1, train_samples=300, batch_size=64),
])
def test_generated_digit_script_trains(config, tmp_path):
    output = run_script(digit_script(config, "test"), tmp_path)
    accuracy = float(output.split("test digits: ")[1].split("%")[0])
    assert 0 <= accuracy <= 100
    assert f"Total params: {config.build().count_params():,}" in output


def test_script_rebuilds_the_same_network():
    import keras

    for config in (PerceptronConfig(), MLPConfig(), CNNConfig()):
        original = config.build()
        rebuilt = eval(model_code(original), {"keras": keras})  # noqa: S307 (our own generated code)
        assert [type(layer).__name__ for layer in rebuilt.layers] == [type(layer).__name__ for layer in original.layers]
        assert rebuilt.count_params() == original.count_params()
        for mine, theirs in zip(original.layers, rebuilt.layers):
            for key in ("units", "activation", "rate", "filters", "kernel_size", "pool_size"):
                assert mine.get_config().get(key) == theirs.get_config().get(key)


@pytest.mark.parametrize("config", [
    RNNConfig(epochs=3),
    RNNConfig(cell="LSTM", input_encoding="embedding", embedding_dim=8, sequence_length=5, epochs=2,
              validation_split=0.2),
])
def test_generated_text_script_trains_and_generates(config, tmp_path):
    text = "This is a tiny sentence to learn, and learn again."
    output = run_script(text_script(config, text, "This", length=20), tmp_path)
    generated = output.split("The network writes: ")[1].strip()
    assert generated.startswith("This") and len(generated) == 24


def test_text_script_matches_the_app_network():
    config = RNNConfig(cell="GRU", recurrent_layers=2, units=16)
    source = text_script(config, "abcabcabd", "abc")
    assert "keras.layers.GRU(units=16, return_sequences=True)" in source
    assert "keras.layers.Dense(units=4, activation='softmax')" in source
    with pytest.raises(ValueError):
        text_script(config, "ab", "a")


def test_scripts_note_the_learning_rate_changed_by_hand():
    changes = ((1.5, "lr 0.01"),)
    digit = digit_script(PerceptronConfig(), "test", changes)
    text = text_script(RNNConfig(), "abcabcabd", "abc", changes=changes)
    plane_config = PlaneConfig(train_samples=40)
    plane = plane_script(plane_config, plane_points(plane_config), changes=changes)
    for source in (digit, text, plane):
        assert "#   after 1.50 epochs: learning rate 0.01" in source
        compile(source, "script.py", "exec")  # still a valid script
        assert source.index("after 1.50 epochs") < source.index("model.fit(")
    assert "changed by hand" not in digit_script(PerceptronConfig(), "test")

"""The generated Keras scripts are real: they match the app's networks and they train."""

import os
import subprocess
import sys

import pytest

from nn_core.codegen import digit_script, model_code
from nn_core.data import BUNDLED_PATH
from nn_core.models import CNNConfig, MLPConfig, PerceptronConfig


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

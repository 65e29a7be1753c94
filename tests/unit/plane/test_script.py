"""The plane's generated script makes the same points, features and network as the page, and trains."""

import os
import subprocess
import sys

import numpy as np
import pytest

from nn_core.plane import PlaneConfig
from nn_core.plane.points import OwnPoints
from nn_core.plane.script import plane_script
from nn_core.plane.training import plane_points

# Appended to the script in the test only: what it made, kept for comparison.
KEEP = '\nnp.savez("made.npz", points=points, targets=targets, is_test=is_test, x_train=x_train, y_train=y_train)\n'


def run_script(source: str, tmp_path) -> str:
    path = tmp_path / "plane_playground.py"
    path.write_text(source + KEEP)
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize("config, own", [
    (PlaneConfig(dataset="spiral", classes=3, train_samples=120, noise=0.3, features=("x1", "x2", "sin_x1"),
                 hidden_units=(5, 4), activations=("tanh", "relu"), l2=0.001, epochs=1, seed=11), None),
    (PlaneConfig(dataset="custom", hidden_units=(), activations=(), epochs=1, validation_split=0.25),
     OwnPoints(np.array([[1.5, 1], [2, 2.25], [-1, -1], [-2, -2], [1, -2], [-1, 2], [0, 0], [3, 3]], np.float32),
               np.array([0, 0, 1, 1, 0, 1, 0, 1]), ("cat", "dog"))),
])
def test_the_script_makes_the_same_points_and_network(config, own, tmp_path):
    data = plane_points(config, own)
    output = run_script(plane_script(config, data), tmp_path)
    made = np.load(tmp_path / "made.npz")
    assert np.array_equal(made["points"], data.points) and np.array_equal(made["targets"], data.targets)
    assert np.array_equal(made["is_test"], data.is_test)
    assert np.array_equal(made["x_train"], data.inputs(config.features, test=False))
    assert np.array_equal(made["y_train"], data.labels(test=False, outputs=config.outputs(data.classes)))
    assert f"Total params: {config.parameter_count(data.classes):,}" in output
    assert "Accuracy on the" in output and "test points" in output


def test_the_script_of_a_regression_reports_its_error():
    config = PlaneConfig(dataset="surface", train_samples=60, epochs=1)
    source = plane_script(config, plane_points(config))
    assert 'loss="mean_squared_error"' in source and "metrics=[]" in source
    assert "Mean squared error on the" in source and "keras.layers.Dense(units=1)" in source

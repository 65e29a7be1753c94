"""Every neuron over the plane from one compiled call, checked against a NumPy forward pass."""

import gc
import weakref

import numpy as np

from nn_core.plane import PlaneConfig
from nn_core.plane.data import feature_columns
from nn_core.plane.maps import _COMPILED, feature_maps, grid, layer_outputs, plane_maps

ACTIVATIONS = {"tanh": np.tanh, "relu": lambda x: np.maximum(x, 0), "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
               "linear": lambda x: x}


def numpy_forward(model, x):
    """Each Dense layer's output, computed by hand."""
    outputs = []
    for layer in model.layers:
        kernel, bias = layer.get_weights()
        x = ACTIVATIONS[layer.get_config()["activation"]](x @ kernel + bias)
        outputs.append(x)
    return outputs


def tiny_model(seed=1):
    config = PlaneConfig(features=("x1", "x2", "x1_x2"), hidden_units=(3, 2), activations=("tanh", "relu"), seed=seed)
    return config, config.build(2)


def test_grid_covers_the_plane_row_by_row_from_the_bottom():
    points = grid(5)
    assert points.shape == (25, 2)
    assert points[0].tolist() == [-6, -6] and points[4].tolist() == [6, -6] and points[-1].tolist() == [6, 6]


def test_layer_outputs_match_a_numpy_forward_pass():
    config, model = tiny_model()
    x = feature_columns(grid(7), config.features)
    for mine, theirs in zip(layer_outputs(model, x), numpy_forward(model, x.astype(np.float64))):
        assert mine.shape == theirs.shape
        assert np.allclose(mine, theirs, atol=1e-5)


def test_plane_maps_put_each_neuron_on_the_grid():
    config, model = tiny_model()
    maps = plane_maps(model, config.features, resolution=20)
    assert maps.inputs.shape == (3, 10, 10) and [hidden.shape for hidden in maps.hidden] == [(3, 10, 10), (2, 10, 10)]
    assert maps.outputs.shape == (1, 20, 20) and [kernel.shape for kernel in maps.kernels] == [(3, 3), (3, 2), (2, 1)]
    # Row r, column c of a map is the grid point x1 = axis[c], x2 = axis[r].
    axis = np.linspace(-6, 6, 20)
    point = np.array([[axis[14], axis[2]]], dtype=np.float32)
    expected = numpy_forward(model, feature_columns(point, config.features).astype(np.float64))
    assert np.isclose(maps.outputs[0, 2, 14], expected[-1][0, 0], atol=1e-5)
    assert np.isclose(maps.hidden[0][1, 1, 7], expected[0][0, 1], atol=1e-5)  # neurons keep every second point
    assert np.isclose(maps.inputs[2, 1, 7], axis[14] * axis[2], atol=1e-4)  # x1*x2 at the neurons' grid
    assert np.array_equal(feature_maps(config.features, resolution=20), maps.inputs)


def test_the_compiled_call_does_not_keep_its_model_alive():
    config, model = tiny_model()
    layer_outputs(model, np.zeros((2, 3), dtype=np.float32))
    assert model in _COMPILED
    reference = weakref.ref(model)
    del model
    gc.collect()
    assert reference() is None

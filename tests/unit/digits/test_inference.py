"""Builders and fast inference, checked against independent references."""

import numpy as np
import pytest

from nn_core.digits.inference import normalise, predict_batch, predict_digit
from nn_core.cnn import CNNConfig
from nn_core.mlp import MLPConfig
from nn_core.perceptron import PerceptronConfig
from nn_core.networks import build_model


def test_perceptron_is_dense_10_on_784_pixels():
    model = build_model(PerceptronConfig())
    assert model.input_shape == (None, 784) and model.output_shape == (None, 10)
    assert model.count_params() == 784 * 10 + 10
    assert model.optimizer.__class__.__name__ == "Adam"
    assert model.loss == "sparse_categorical_crossentropy"


def test_perceptron_output_is_sigmoid_of_numpy_matmul():
    model = build_model(PerceptronConfig(seed=1))
    kernel, bias = model.get_layer("output").get_weights()
    x = np.random.default_rng(0).random((5, 784)).astype(np.float32)
    expected = 1 / (1 + np.exp(-(x @ kernel + bias)))
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-5, atol=1e-6)


def test_seed_fixes_initial_weights():
    first = build_model(PerceptronConfig(seed=3)).get_weights()[0]
    again = build_model(PerceptronConfig(seed=3)).get_weights()[0]
    other = build_model(PerceptronConfig(seed=4)).get_weights()[0]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("config", [PerceptronConfig(), PerceptronConfig(activation="softmax"), MLPConfig(), CNNConfig()])
def test_predict_digit_equals_the_models_output(config):
    model = build_model(config)
    image = np.random.default_rng(1).random((28, 28)).astype(np.float32)
    probabilities = predict_digit(model, image)
    raw = model.predict(image.reshape((1,) + config.input_shape), verbose=0)[0]
    assert probabilities.shape == (10,)
    np.testing.assert_allclose(probabilities, raw / raw.sum(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(predict_batch(model, image[None]), probabilities[None], rtol=1e-5)


def test_predict_digit_rejects_wrong_shapes():
    model = build_model(PerceptronConfig())
    with pytest.raises(ValueError):
        predict_digit(model, np.zeros((20, 20), np.float32))


def test_normalise_handles_zero_outputs():
    np.testing.assert_allclose(normalise(np.zeros(4)), [0.25] * 4)
    np.testing.assert_allclose(normalise(np.array([1.0, 3.0])), [0.25, 0.75])


def test_evaluating_a_trained_digit_model_traces_its_digit_call(mnist):
    from nn_core.digits import inference
    from nn_core.digits.job import evaluate_digits

    config = PerceptronConfig()
    model = build_model(config)
    assert model not in inference._COMPILED
    results = evaluate_digits(model, config, mnist)
    assert model in inference._COMPILED  # the first drawn digit will not pay for the trace
    assert 0 <= results["test_accuracy"] <= 1
    probabilities = predict_digit(model, mnist.x_test[0] / 255.0)
    assert probabilities.shape == (10,) and abs(probabilities.sum() - 1) < 1e-6

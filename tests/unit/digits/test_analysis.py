"""Confusion matrix, per-digit accuracy, mistakes and hidden activations, against hand-made examples."""

import numpy as np
import pytest

from nn_core.digits.analysis import confusion_matrix, evaluate, hidden_activations, mistakes, per_class_accuracy
from nn_core.mlp import MLPConfig
from nn_core.networks import build_model


def test_confusion_matrix_of_a_hand_made_example():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 1, 2, 0]
    expected = np.array([
        [1, 1, 0],  # one 0 read as 0, one as 1
        [0, 2, 1],  # two 1s right, one read as 2
        [1, 0, 0],  # the 2 read as 0
    ])
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, num_classes=3), expected)


def test_confusion_matrix_rejects_bad_input():
    with pytest.raises(ValueError):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError):
        confusion_matrix([0, 10], [0, 1])


def test_per_class_accuracy_is_the_diagonal_over_the_rows():
    matrix = np.array([[3, 1, 0], [0, 2, 2], [0, 0, 0]])
    result = per_class_accuracy(matrix)
    np.testing.assert_allclose(result[:2], [0.75, 0.5])
    assert np.isnan(result[2])  # no examples of that label


def lookup_model(probabilities):
    """A real Keras model that answers ``probabilities[i]`` for the digit whose pixel i is lit.

    Flatten -> Dense(10, softmax) with zero bias and kernel row i = log(probabilities[i]):
    on a one-hot image the softmax gives back exactly that row.
    """
    import keras

    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    kernel = np.zeros((784, 10), np.float32)
    kernel[: len(probabilities)] = np.log(probabilities)
    model.layers[-1].set_weights([kernel, np.zeros(10, np.float32)])
    return model


def one_hot_images(count):
    images = np.zeros((count, 28, 28), np.float32)
    images.reshape(count, 784)[np.arange(count), np.arange(count)] = 1.0  # image i lights pixel i
    return images


def test_evaluate_and_mistakes_give_the_surest_errors_with_top3():
    probabilities = np.full((4, 10), 0.01, dtype=np.float32)
    probabilities[0, [3, 5, 8]] = [0.80, 0.10, 0.02]  # a 3 read right
    probabilities[1, [7, 1, 2]] = [0.60, 0.30, 0.03]  # a 1 read as 7, 60% sure
    probabilities[2, [4, 9, 0]] = [0.90, 0.05, 0.02]  # a 9 read as 4, 90% sure
    probabilities[3, [0, 6, 5]] = [0.50, 0.40, 0.03]  # a 6 read as 0, 50% sure
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    images = one_hot_images(4)
    evaluation = evaluate(lookup_model(probabilities), images, np.array([3, 1, 9, 6]))
    np.testing.assert_allclose(evaluation.probabilities, probabilities, rtol=1e-4)
    assert evaluation.accuracy == pytest.approx(0.25)
    assert evaluation.matrix.sum() == 4 and evaluation.matrix[1, 7] == 1 and evaluation.matrix[3, 3] == 1
    wrong = mistakes(evaluation, images, limit=2)
    assert [(m.index, m.true_label, m.predicted) for m in wrong] == [(2, 9, 4), (1, 1, 7)]
    assert [digit for digit, _ in wrong[0].top3] == [4, 9, 0]
    assert wrong[0].top3[0][1] == pytest.approx(probabilities[2, 4], rel=1e-4)
    np.testing.assert_array_equal(wrong[0].image, images[2])
    assert len(mistakes(evaluation, images)) == 3


def test_hidden_activations_match_numpy_layer_by_layer():
    config = MLPConfig(hidden_units=(6, 5), activations=("relu", "tanh"), dropout_rate=0.5, seed=2)
    model = build_model(config)
    image = np.random.default_rng(3).random((28, 28)).astype(np.float32)
    layers = hidden_activations(model, image)
    assert [name for name, _ in layers] == ["hidden_1", "hidden_2"]
    w1, b1 = model.get_layer("hidden_1").get_weights()
    w2, b2 = model.get_layer("hidden_2").get_weights()
    first = np.maximum(image.reshape(784) @ w1 + b1, 0)  # (6,) ReLU; dropout is off outside training
    second = np.tanh(first @ w2 + b2)  # (5,)
    np.testing.assert_allclose(layers[0][1], first, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layers[1][1], second, rtol=1e-5, atol=1e-6)

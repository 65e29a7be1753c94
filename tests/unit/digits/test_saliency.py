"""Saliency maps against what they must be: a linear model's weights, and occlusion worked out by hand."""

import numpy as np
import pytest

from nn_core.digits.saliency import gradient_saliency, model_sees, occluded_copies, occlusion_saliency


def linear_model(kernel, bias, activation):
    import keras

    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation=activation)])
    model.layers[-1].set_weights([kernel.astype(np.float32), bias.astype(np.float32)])
    return model


@pytest.mark.parametrize("activation", ["linear", "softmax"])
def test_gradient_of_a_linear_model_is_its_weights(activation):
    rng = np.random.default_rng(0)
    kernel, bias = rng.normal(size=(784, 10)), rng.normal(size=10)
    model = linear_model(kernel, bias, activation)
    image = rng.random((28, 28)).astype(np.float32)
    for digit in (0, 8):
        # d(x . w_c + b_c)/dx = w_c, whatever x is: before the softmax the model is linear.
        np.testing.assert_allclose(gradient_saliency(model, image, digit), kernel[:, digit].reshape(28, 28),
                                   rtol=1e-5, atol=1e-6)
    assert model_sees(model) == ("the class's score before the softmax" if activation == "softmax"
                                 else "the class's output")


def test_gradient_of_a_cnn_has_the_pictures_shape():
    from nn_core.cnn import CNNConfig
    from nn_core.networks import build_model

    model = build_model(CNNConfig(conv_blocks=1, filters_1=2, dense_units=0, seed=1))
    saliency = gradient_saliency(model, np.random.default_rng(1).random((28, 28)), 3)
    assert saliency.shape == (28, 28) and np.isfinite(saliency).all() and np.abs(saliency).sum() > 0


def test_saliency_refuses_a_bad_picture_or_class():
    model = linear_model(np.zeros((784, 10)), np.zeros(10), "softmax")
    with pytest.raises(ValueError):
        gradient_saliency(model, np.zeros((27, 28)), 1)
    with pytest.raises(ValueError):
        occlusion_saliency(model, np.zeros((28, 28)), 10)


def test_occluded_copies_cover_the_whole_picture():
    copies, corners = occluded_copies(np.ones((28, 28), np.float32), patch=4, stride=2)
    assert len(corners) == 13 * 13 and corners[-1] == (24, 24)
    assert (copies == 0).any(axis=0).all()  # every pixel is hidden by some copy
    assert all((copy == 0).sum() == 16 for copy in copies)


def softmax(scores):
    scores = scores - scores.max()
    return np.exp(scores) / np.exp(scores).sum()


def test_occlusion_on_a_hand_made_model_matches_a_brute_force_reference():
    # Class 3's score is 0.1 x the ink in a 6x6 square at rows 10-15, columns 12-17; the other
    # classes score nothing, so only patches touching that square change the answer.
    kernel = np.zeros((28, 28, 10))
    kernel[10:16, 12:18, 3] = 0.1
    model = linear_model(kernel.reshape(784, 10), np.zeros(10), "softmax")
    image = np.zeros((28, 28), np.float32)
    image[8:20, 8:20] = 1.0
    patch, stride = 4, 2
    result = occlusion_saliency(model, image, 3, patch, stride)

    whole = softmax(image.reshape(-1) @ kernel.reshape(784, 10))[3]
    total, count = np.zeros((28, 28)), np.zeros((28, 28))
    for top in list(range(0, 25, stride)):
        for left in list(range(0, 25, stride)):
            hidden = image.copy()
            hidden[top : top + patch, left : left + patch] = 0
            drop = whole - softmax(hidden.reshape(-1) @ kernel.reshape(784, 10))[3]
            total[top : top + patch, left : left + patch] += drop
            count[top : top + patch, left : left + patch] += 1
    np.testing.assert_allclose(result, total / count, atol=1e-5)
    assert result[12, 14] > 0.05  # inside the square: hiding it costs class 3
    assert abs(result[2, 2]) < 1e-7 and abs(result[25, 25]) < 1e-7  # far from it: no change

"""The MLP page's drawings: what each figure contains, counted from the data it was given."""

import numpy as np
import pytest

from nn_core.digits import figures as diagrams
from nn_core.mlp.figures import network_diagram
from nn_core.digits.analysis import Mistake


def _texts(figure):
    return [annotation.text for annotation in figure.layout.annotations]


def test_network_diagram_draws_each_layer_capped_and_counts_parameters():
    figure = network_diagram([784, 256, 4, 10], ["Input", "Hidden 1", "Hidden 2", "Output"],
                                      ["pixels", "relu", "tanh", "softmax"], max_drawn=10)
    nodes = figure.data[1]
    assert [list(nodes.x).count(index) for index in range(4)] == [10, 10, 4, 10]
    texts = _texts(figure)
    assert f"{784 * 256 + 256:,}<br>parameters" in texts and f"{256 * 4 + 4:,}<br>parameters" in texts
    assert texts.count("⋮") == 2  # the two layers wider than drawn
    assert any("Hidden 2" in text and "tanh" in text for text in texts)


def test_network_diagram_refuses_mismatched_input():
    with pytest.raises(ValueError):
        network_diagram([784, 10], ["Input"])
    with pytest.raises(ValueError):
        network_diagram([784, 0, 10], ["a", "b", "c"])


def test_confusion_heatmap_splits_right_and_wrong_cells():
    matrix = np.array([[5, 1, 0], [0, 4, 2], [0, 0, 3]])
    figure = diagrams.confusion_heatmap(matrix)
    diagonal, off = np.array(figure.data[0].z, dtype=float), np.array(figure.data[1].z, dtype=float)
    assert np.isfinite(np.diag(diagonal)).all() and np.isnan(diagonal[0, 1])  # green only on the diagonal
    assert off[0, 1] == 1 and off[1, 2] == 2 and np.isnan(off[0, 2])  # empty confusions stay blank
    assert np.isnan(np.diag(off)).all()
    assert sorted(_texts(figure)) == sorted(["5", "1", "4", "2", "3"])


def test_mistakes_gallery_titles_carry_truth_prediction_and_top3():
    image = np.zeros((28, 28), np.float32)
    wrong = [Mistake(7, image, 9, 4, ((4, 0.61), (9, 0.30), (7, 0.05)))]
    figure = diagrams.mistakes_gallery(wrong)
    assert "9 → 4" in _texts(figure)[0] and "4: 61% · 9: 30% · 7: 5%" in _texts(figure)[0]
    with pytest.raises(ValueError):
        diagrams.mistakes_gallery([])


def test_activation_maps_tile_each_layer_into_a_square():
    layers = [("hidden_1", np.arange(10, dtype=np.float32)), ("hidden_2", np.ones(4, np.float32))]
    figure = diagrams.activation_maps(layers, ["relu", "tanh"])
    first = np.array(figure.data[0].z, dtype=float)
    assert first.shape == (4, 4) and first[0, 3] == 3 and first[2, 1] == 9 and np.isnan(first[3, 3])
    assert np.array(figure.data[1].z).shape == (2, 2)
    assert "hidden_1 (10 neurons, relu)" in _texts(figure)


def test_per_digit_accuracy_marks_the_weakest_digit():
    figure = diagrams.per_digit_accuracy([0.99, 0.95, 0.80, 0.97])
    assert list(figure.data[0].marker.color).index("#d62728") == 2


def test_a_sheet_of_digits_tiles_them_and_writes_their_labels():
    from nn_core.digits.figures import digit_sheet

    images = np.zeros((12, 28, 28), np.float32)
    images[3, 10:20, 10:20] = 1.0  # a white square on the fourth digit
    sheet = digit_sheet(images, labels=list(range(12)), columns=5, scale=2)
    assert sheet.shape == (3 * 30 * 2, 5 * 30 * 2, 3) and sheet.dtype == np.uint8
    square = sheet[2 * (1 + 15), 2 * (3 * 30 + 1 + 15)]
    assert tuple(square) == (255, 255, 255)  # the fourth tile, in its middle
    plain = digit_sheet(images, labels=None, columns=5, scale=2)
    assert (sheet != plain).any() and (plain[..., 0] == plain[..., 2]).all()  # labels in colour, digits in grey

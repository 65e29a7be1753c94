"""The look-deeper figures: what each contains, counted from the data it was given."""

import numpy as np
import pytest

from nn_core.digits import deeper_figures as figures
from nn_core.digits.confidence import threshold_curve
from nn_core.digits.robustness import Curve


def test_layer_map_has_one_trace_per_digit_crosses_for_mistakes_and_a_star():
    labels = np.array([0, 0, 1, 1, 1])
    predictions = np.array([7, 0, 1, 1, 2])
    figure = figures.layer_map_figure(np.arange(10.0).reshape(5, 2), labels, predictions, np.array([10, 11, 12, 13, 14]),
                                      marked=np.array([1.0, 2.0]))
    assert [trace.name for trace in figure.data] == ["0", "1", "your digit"]
    zeros = figure.data[0]
    assert list(zeros.customdata) == [11, 10]  # the right one first: the legend shows its dot
    assert list(zeros.marker.symbol) == ["circle", "x"]
    assert "read as 7" in zeros.hovertext[1]
    assert figure.data[2].x == (1.0,) and figure.data[2].marker.symbol == "star"


def test_an_eight_is_an_eight_in_every_sentence():
    figure = figures.layer_map_figure(np.zeros((2, 2)), np.array([8, 3]), np.array([3, 3]))
    hovers = {trace.name: trace.hovertext[0] for trace in figure.data}
    assert hovers["8"].startswith("an 8, read as 3") and hovers["3"].startswith("a 3, read as 3")


def test_digit_tiles_caption_every_digit_and_colour_mistakes():
    figure = figures.digit_tiles(np.zeros((3, 28, 28)), ["a", "b", "c"], [False, True, False], columns=2)
    assert [annotation.text for annotation in figure.layout.annotations] == ["a", "b", "c"]
    assert figure.layout.annotations[1].font.color != figure.layout.annotations[0].font.color
    assert np.asarray(figure.data[0].z).shape == (2 * 42, 2 * 30)  # two rows and two columns of tiles
    with pytest.raises(ValueError):
        figures.digit_tiles(np.zeros((0, 28, 28)), [])


def test_saliency_figure_shows_the_digit_and_two_maps_with_its_outline():
    image = np.zeros((28, 28))
    image[10:18, 12:15] = 1
    figure = figures.saliency_figure(image, np.random.default_rng(0).normal(size=(28, 28)), np.zeros((28, 28)), 8)
    kinds = [trace.type for trace in figure.data]
    assert kinds == ["heatmap", "heatmap", "contour", "heatmap", "contour"]
    assert not any(trace.showlegend for trace in figure.data if trace.type == "contour")
    assert "'8'" in figure.layout.annotations[1].text
    gradient = figure.data[1]
    assert gradient.zmin == -gradient.zmax  # white is zero


def test_curves_threshold_ablation_and_clickable_confusion():
    curves = {"shift": Curve("shift", np.array([-2.0, 0.0, 2.0]), np.array([0.5, 0.9, 0.4]))}
    figure = figures.robustness_figure(curves, {"shift": 2}, 0.9)
    assert len(figure.data) == 1 and list(figure.data[0].y) == [0.5, 0.9, 0.4]
    with pytest.raises(ValueError):
        figures.robustness_figure({}, {}, 0.9)
    curve = threshold_curve(np.array([[0.9, 0.1], [0.6, 0.4]]), np.array([0, 1]))
    assert [trace.name for trace in figures.threshold_figure(curve, 0.5).data] == ["digits answered",
                                                                                 "of those, read right"]
    bars = figures.ablation_figure(np.full(10, 0.9), np.full(10, 0.5))
    assert [list(trace.y) for trace in bars.data] == [[0.9] * 10, [0.5] * 10]
    matrix = np.arange(9).reshape(3, 3)
    confusion = figures.clickable_confusion(matrix)
    cells = confusion.data[-1]
    assert cells.type == "scatter" and len(cells.x) == 9
    assert list(cells.customdata[5]) == [1, 2, 5]  # true 1, predicted 2: five digits
    assert confusion.layout.clickmode == "event+select"

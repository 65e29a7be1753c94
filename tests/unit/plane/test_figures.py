"""The plane's pictures: colours mean what the captions say, pictures stand the right way up, one picture per neuron."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from nn_core.figures import theme
from nn_core.plane import PlaneConfig
from nn_core.plane.figures import (MAX_DRAWN, NEGATIVE, POSITIVE, class_rgb, network_figure, plane_figure,
                                   png_source, region_picture, signed_rgb)
from nn_core.plane.maps import feature_maps, plane_maps
from nn_core.plane.training import plane_points


def test_signed_colours_are_white_at_zero_and_blue_below_red_above():
    rgb = signed_rgb(np.array([[-2.0, 0.0, 2.0]]))
    low, zero, high = rgb[0].astype(int)
    assert (zero > 240).all()  # white
    assert low[2] > low[0] and high[0] > high[2]  # blue negative, red positive
    assert signed_rgb(np.zeros((3, 3))).min() > 240  # a flat map is white, not a division by zero


def test_pictures_have_the_top_of_the_plane_first():
    values = np.zeros((4, 4))
    values[3] = 1.0  # row 3 is the top of the plane (x2 = 6)
    rgb = signed_rgb(values)
    assert rgb[0, 0, 0] > rgb[0, 0, 2] and (rgb[3] > 240).all()


def test_class_regions_take_the_likeliest_class_colour_stronger_when_sure():
    chances = np.zeros((3, 1, 3))
    chances[:, 0, 0] = [1.0, 0.0, 0.0]  # sure of class 0
    chances[:, 0, 1] = [0.2, 0.6, 0.2]  # leaning to class 1
    chances[:, 0, 2] = [1 / 3, 1 / 3, 1 / 3]  # undecided
    rgb = class_rgb(chances)[0].astype(int)
    blue = [int(theme.PRIMARY[i : i + 2], 16) for i in (1, 3, 5)]
    red = [int(theme.ALERT[i : i + 2], 16) for i in (1, 3, 5)]
    assert np.argmax(rgb[0]) == np.argmax(blue) and np.argmax(rgb[1]) == np.argmax(red)
    assert (rgb[2] == 255).all()
    assert np.abs(rgb[0] - 255).sum() > np.abs(rgb[1] - 255).sum()  # surer is stronger


def test_one_sigmoid_output_is_drawn_as_two_classes():
    sigmoid = region_picture(np.full((1, 2, 2), 0.9), classes=2)
    softmax = region_picture(np.stack([np.full((2, 2), 0.1), np.full((2, 2), 0.9)]), classes=2)
    assert np.array_equal(sigmoid, softmax)


def test_png_source_is_the_picture():
    rgb = signed_rgb(np.linspace(-1, 1, 12).reshape(3, 4))
    source = png_source(rgb)
    assert source.startswith("data:image/png;base64,")
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))))
    assert np.array_equal(decoded, rgb)


def test_the_network_has_a_picture_per_neuron_and_its_weights_as_lines():
    config = PlaneConfig(hidden_units=(3, 12), activations=("tanh", "relu"), features=("x1", "x2", "sin_x1"))
    data = plane_points(config.changed(train_samples=50))
    model = config.build(2)
    maps = plane_maps(model, config.features, resolution=20)
    figure = network_figure(config.features, config.hidden_units, config.activations, 1, data,
                            feature_maps(config.features, 20), maps)
    assert len(figure.layout.images) == 3 + 3 + MAX_DRAWN + 1  # the wide layer is cut to eight
    assert any(annotation.text == f"+{12 - MAX_DRAWN} more" for annotation in figure.layout.annotations)
    lines = [trace for trace in figure.data if trace.mode == "lines"]
    assert {trace.line.color for trace in lines} <= {POSITIVE, NEGATIVE}
    drawn_weights = sum(len(trace.x) // 3 for trace in lines)
    assert drawn_weights == 3 * 3 + 3 * MAX_DRAWN + MAX_DRAWN * 1
    empty = network_figure(config.features, config.hidden_units, config.activations, 1, data,
                           feature_maps(config.features, 20))
    assert len(empty.layout.images) == 3 and not [trace for trace in empty.data if trace.mode == "lines"]


@pytest.mark.parametrize("dataset, classes", [("circle", 2), ("spiral", 3), ("surface", 0)])
def test_the_plane_shows_training_and_test_points_and_a_click_grid(dataset, classes):
    data = plane_points(PlaneConfig(dataset=dataset, classes=max(classes, 2), train_samples=60))
    figure = plane_figure(data, np.zeros((max(classes, 1) if classes != 2 else 1, 10, 10)), clickable=True)
    assert len(figure.layout.images) == 1
    markers = [trace for trace in figure.data if trace.name != "add" and trace.x is not None and trace.x[0] is not None]
    assert sum(len(trace.x) for trace in markers) == 60
    assert figure.data[-1].name == "add" and len(figure.data[-1].x) == 40 * 40
    assert figure.layout.yaxis.scaleanchor == "x"

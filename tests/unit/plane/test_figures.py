"""The plane's pictures and figures: colours mean what the captions say, pictures stand the right way up,
one picture per neuron, the points where they are."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from nn_core.figures import theme
from nn_core.plane import PlaneConfig
from nn_core.plane.data import PLANE
from nn_core.plane.figures import MAX_DRAWN, network_figure, plane_figure, regions_figure
from nn_core.plane.pictures import (NEGATIVE, POSITIVE, REGION_PIXELS, class_rgb, jpeg_source, png_source,
                                    points_picture, region_picture, signed_rgb)
from nn_core.plane.maps import feature_maps, plane_maps
from nn_core.plane.points import OwnPoints
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
    labels = next(trace for trace in figure.data if trace.mode == "text").text
    assert f"+{12 - MAX_DRAWN} more" in labels and "x₁" in labels and "sin x₁" in labels and "P(1)" in labels
    lines = [trace for trace in figure.data if trace.mode == "lines"]
    assert {trace.line.color for trace in lines} <= {POSITIVE, NEGATIVE}
    drawn_weights = sum(len(trace.x) // 3 for trace in lines)
    assert drawn_weights == 3 * 3 + 3 * MAX_DRAWN + MAX_DRAWN * 1
    empty = network_figure(config.features, config.hidden_units, config.activations, 1, data,
                           feature_maps(config.features, 20))
    assert len(empty.layout.images) == 3 and not [trace for trace in empty.data if trace.mode == "lines"]


@pytest.mark.parametrize("dataset, classes", [("circle", 2), ("spiral", 3), ("surface", 0)])
def test_the_clickable_plane_has_every_point_and_a_click_grid(dataset, classes):
    data = plane_points(PlaneConfig(dataset=dataset, classes=max(classes, 2), train_samples=60))
    figure = plane_figure(data, clickable=True)
    markers = [trace for trace in figure.data if trace.name != "add" and trace.x is not None and trace.x[0] is not None]
    assert sum(len(trace.x) for trace in markers) == 60
    indices = sorted(index for trace in markers for index in trace.customdata)
    assert indices == list(range(60))  # a click on a point finds it
    assert figure.data[-1].name == "add" and len(figure.data[-1].x) == 40 * 40
    assert figure.layout.yaxis.scaleanchor == "x"


def test_the_regions_picture_has_its_points_painted_where_they_are():
    own = OwnPoints(np.array([[-4, 4], [3, 3], [-2, -5], [4.5, -1]], np.float32), np.array([0, 1, 2, 1]))
    data = plane_points(PlaneConfig(dataset="custom", validation_split=0.5), own)
    outputs = np.zeros((3, 10, 10))  # no class is likelier than another: a white plane
    picture = points_picture(data, outputs)
    assert picture.shape == (REGION_PIXELS, REGION_PIXELS, 3)
    for (x1, x2), label in zip(data.points.tolist(), data.targets.tolist()):
        column = int((x1 + PLANE) / (2 * PLANE) * REGION_PIXELS)
        row = int((PLANE - x2) / (2 * PLANE) * REGION_PIXELS)  # the top row is x2 = 6
        colour = [int(theme.CLASS_COLOURS[label][i : i + 2], 16) for i in (1, 3, 5)]
        assert np.abs(picture[row, column].astype(int) - colour).max() < 25
    blank = points_picture(data, None)
    assert (blank[0, 0] == 255).all()  # no regions: white


@pytest.mark.parametrize("dataset", ["circle", "spiral", "surface"])
def test_the_regions_figure_is_one_picture_and_a_legend(dataset):
    data = plane_points(PlaneConfig(dataset=dataset, classes=3, train_samples=60))
    figure = regions_figure(data, np.full((1 if data.classes != 3 else 3, 10, 10), 0.5))
    assert len(figure.layout.images) == 1 and figure.layout.images[0].source.startswith("data:image/jpeg;base64,")
    assert all(trace.x == (None,) for trace in figure.data)  # legend entries only: the points are in the picture
    names = [trace.name for trace in figure.data]
    assert names[-1] == "test point (dark rim)" and (data.classes == 0 or f"class {data.class_names[-1]}" in names)


def test_jpeg_source_is_close_to_the_picture():
    rgb = points_picture(plane_points(PlaneConfig(train_samples=40)), np.zeros((1, 10, 10)))
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(jpeg_source(rgb).split(",", 1)[1]))))
    assert decoded.shape == rgb.shape and np.abs(decoded.astype(int) - rgb).mean() < 3

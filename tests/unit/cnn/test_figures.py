"""The convolution page's pictures: colouring, enlarging, outlining, feature-map and kernel figures."""

import numpy as np
import pytest

from nn_core.cnn import filters
from nn_core.cnn.feature_maps import LayerMaps
from nn_core.cnn.figures import arithmetic_figure, enlarge, feature_map_figure, kernel_figure, outline, symmetric_limit, to_rgb


def test_grey_scale_maps_0_to_black_and_1_to_white():
    rgb = to_rgb(np.array([[0.0, 0.5, 1.0]]), "grey")
    assert rgb.dtype == np.uint8 and rgb.shape == (1, 3, 3)
    np.testing.assert_array_equal(rgb[0, 0], [0, 0, 0])
    np.testing.assert_array_equal(rgb[0, 2], [255, 255, 255])
    assert 120 <= rgb[0, 1, 0] <= 135


def test_diverging_scale_is_symmetric_with_black_zero():
    rgb = to_rgb(np.array([[-2.0, 0.0, 2.0, 1.0]]))
    np.testing.assert_array_equal(rgb[0, 1], [0, 0, 0])  # zero is black
    assert rgb[0, 0, 2] > rgb[0, 0, 0]  # negative is blue
    assert rgb[0, 2, 0] > rgb[0, 2, 2]  # positive is red to yellow
    assert rgb[0, 3, 0] < rgb[0, 2, 0]  # half as large: darker


def test_symmetric_limit_handles_zero_and_nan():
    assert symmetric_limit(np.zeros((3, 3))) == 1.0
    assert symmetric_limit(np.array([np.nan, -4.0, 2.0])) == 4.0


def test_enlarge_repeats_pixels_by_a_whole_factor():
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    big, factor = enlarge(rgb, min_side=10)
    assert factor == 3 and big.shape == (6, 9, 3)
    np.testing.assert_array_equal(big[::3, ::3], rgb)
    same, factor = enlarge(np.zeros((300, 300, 3), np.uint8), 256)
    assert factor == 1 and same.shape == (300, 300, 3)


def test_outline_draws_only_the_border_and_clips():
    rgb = np.zeros((6, 6, 3), np.uint8)
    marked = outline(rgb, 1, 1, 3, 3, (9, 9, 9))
    assert marked[1, 1, 0] == 9 and marked[3, 3, 0] == 9 and marked[2, 2, 0] == 0
    assert rgb.max() == 0  # the original is untouched
    clipped = outline(rgb, -1, -1, 3, 3, (9, 9, 9))  # top and left edges are off the picture
    assert clipped[1, 0, 0] == 9 and clipped[0, 1, 0] == 9 and clipped[0, 0, 0] == 0
    assert outline(rgb, 10, 10, 2, 2).max() == 0


def test_arithmetic_figure_labels_padding():
    picture = np.arange(16, dtype=np.float32).reshape(4, 4) / 16
    sums = filters.pixel_arithmetic(picture, filters.KERNELS["Sobel x (vertical edges)"], 0, 0)
    figure = arithmetic_figure(sums)
    assert len(figure.data) == 3
    patch_text = figure.data[0].text
    assert patch_text[0][0] == "pad 0" and patch_text[1][1] == "0.00"
    np.testing.assert_allclose(np.asarray(figure.data[2].z), sums.products)


def block(filters_count=3, side=6):
    rng = np.random.default_rng(0)
    conv = rng.standard_normal((side, side, filters_count)).astype(np.float32)
    activation = np.maximum(conv, 0)
    pooled = activation.reshape(side // 2, 2, side // 2, 2, filters_count).max(axis=(1, 3))
    return [LayerMaps("conv_1", "conv", 1, conv), LayerMaps("activation_1", "activation", 1, activation),
            LayerMaps("pool_1", "pool", 1, pooled)]


@pytest.mark.parametrize("shared", [True, False])
def test_feature_map_figure_keeps_real_values_for_hovering(shared):
    layers = block()
    figure = feature_map_figure(layers, shared_scale=shared, columns=2, tile=6)
    heatmap = figure.data[0]
    real, colour = np.asarray(heatmap.customdata, dtype=float), np.asarray(heatmap.z, dtype=float)
    # Filter 1's conv map sits at the top left, its pooled map (enlarged x2) third.
    np.testing.assert_allclose(real[:6, :6], layers[0].maps[:, :, 0])
    np.testing.assert_allclose(real[:6, 16:22:2][::2], layers[2].maps[:, :, 0])
    assert np.nanmax(np.abs(colour)) <= 1.0 + 1e-9
    limit = symmetric_limit(layers[0].maps) if shared else symmetric_limit(layers[0].maps[:, :, 0])
    np.testing.assert_allclose(colour[:6, :6], layers[0].maps[:, :, 0] / limit, rtol=1e-6)
    assert [annotation.text for annotation in figure.layout.annotations] == ["filter 1", "filter 2", "filter 3"]


def test_feature_map_figure_shows_at_most_max_filters():
    figure = feature_map_figure(block(filters_count=5), max_filters=2, columns=4, tile=6)
    assert len(figure.layout.annotations) == 2
    with pytest.raises(ValueError):
        feature_map_figure(block()[:2])


def test_kernel_figure_places_each_kernel():
    kernels = np.arange(5 * 3 * 3, dtype=np.float32).reshape(5, 3, 3) - 20
    figure = kernel_figure(kernels, columns=4)
    grid = np.asarray(figure.data[0].z, dtype=float)
    assert grid.shape == (7, 15)  # 2 rows and 4 columns of 3x3, one empty cell between
    np.testing.assert_array_equal(grid[0:3, 4:7], kernels[1])
    np.testing.assert_array_equal(grid[4:7, 0:3], kernels[4])
    assert figure.data[0].zmin == -24 and figure.data[0].zmax == 24  # symmetric: -20..24 -> +-24

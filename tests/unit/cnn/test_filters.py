"""The filter lab's stages, against hand computations on a 4x4 picture and against TensorFlow."""

import time

import numpy as np
import pytest

from nn_core.cnn import filters

# A 4x4 picture and the article's edge detector: 8 x centre - the 8 neighbours.
PICTURE = np.array([[1, 2, 3, 0],
                    [4, 5, 6, 1],
                    [7, 8, 9, 2],
                    [0, 1, 2, 3]], dtype=np.float32)
EDGE = filters.KERNELS["Edge detector (the article's)"]
# A signed 4x4 map for the pooling stage.
SIGNED = np.array([[1, -2, 3, 0],
                   [4, 5, -6, 1],
                   [7, 8, 9, 2],
                   [0, 1, 2, -3]], dtype=np.float32)


def test_valid_convolution_by_hand():
    # Top-left patch [[1,2,3],[4,5,6],[7,8,9]]: 8*5 - (45-5) = 0. Top-right [[2,3,0],[5,6,1],
    # [8,9,2]]: 8*6 - (36-6) = 18. Bottom-left [[4,5,6],[7,8,9],[0,1,2]]: 8*8 - (42-8) = 30.
    # Bottom-right [[5,6,1],[8,9,2],[1,2,3]]: 8*9 - (37-9) = 44.
    result = filters.convolve(PICTURE, EDGE, stride=1, padding="valid")
    np.testing.assert_allclose(result, [[0, 18], [30, 44]])


def test_same_convolution_with_stride_2_by_hand():
    # Output ceil(4/2) = 2 a side; total padding (2-1)*2 + 3 - 4 = 1, all of it after (bottom,
    # right), so the windows start at rows/cols 0 and 2. Window (0,1): [[3,0,p],[6,1,p],[9,2,p]],
    # centre 1: 8 - 20 = -12. Window (1,0): [[7,8,9],[0,1,2],[p,p,p]], centre 1: 8 - 26 = -18.
    # Window (1,1): [[9,2,p],[2,3,p],[p,p,p]], centre 3: 24 - 13 = 11.
    result = filters.convolve(PICTURE, EDGE, stride=2, padding="same")
    np.testing.assert_allclose(result, [[0, -12], [-18, 11]])


def test_same_convolution_keeps_the_size_and_pads_with_zeros():
    result = filters.convolve(PICTURE, EDGE, stride=1, padding="same")
    assert result.shape == (4, 4)
    # Corner: neighbours 2, 4, 5 inside, five zeros of padding: 8*1 - 11 = -3.
    assert result[0, 0] == pytest.approx(-3)
    assert result[1, 1] == pytest.approx(0)  # the valid convolution's top-left
    # Bottom-right corner: neighbours 9, 2, 2 inside: 8*3 - 13 = 11.
    assert result[3, 3] == pytest.approx(11)


def test_valid_convolution_with_stride_2_takes_every_other_position():
    result = filters.convolve(PICTURE, EDGE, stride=2, padding="valid")
    np.testing.assert_allclose(result, [[0]])  # (4 - 3) // 2 + 1 = 1 position a side


def test_pooling_by_hand():
    np.testing.assert_allclose(filters.pool(SIGNED, "max", 2), [[5, 3], [8, 9]])
    np.testing.assert_allclose(filters.pool(SIGNED, "average", 2),
                               [[(1 - 2 + 4 + 5) / 4, (3 + 0 - 6 + 1) / 4], [(7 + 8 + 0 + 1) / 4, (9 + 2 + 2 - 3) / 4]])


def test_same_pooling_ignores_the_padding_by_hand():
    # Window 3, stride 2: windows at rows/cols 0 and 2, one padded row/column after.
    # Averages count only real cells: 29/9, (3+0-6+1+9+2)/6, (7+8+9+0+1+2)/6, (9+2+2-3)/4.
    np.testing.assert_allclose(filters.pool(SIGNED, "average", 3, 2, "same"), [[29 / 9, 1.5], [4.5, 2.5]], rtol=1e-6)
    # Negative values stay negative: padding never wins a max.
    np.testing.assert_allclose(filters.pool(-np.abs(SIGNED), "max", 3, 2, "same"), [[-1, 0], [0, -2]])


def test_activations_by_hand():
    values = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(filters.activate(values, "relu"), [0, 0, 3])
    np.testing.assert_allclose(filters.activate(values, "leaky_relu"), [-0.4, 0, 3])
    np.testing.assert_allclose(filters.activate(values, "tanh"), np.tanh(values), rtol=1e-6)
    np.testing.assert_allclose(filters.activate(values, "none"), values)
    with pytest.raises(ValueError):
        filters.activate(values, "softmax")


def test_run_stages_chains_the_three_stages():
    stages = filters.run_stages(PICTURE, EDGE, padding="valid", activation="relu", pooling="max", pool_window=2)
    np.testing.assert_allclose(stages.convolution, [[0, 18], [30, 44]])
    np.testing.assert_allclose(stages.activation, [[0, 18], [30, 44]])
    np.testing.assert_allclose(stages.pooling, [[44]])
    assert [filters.shape_text(values) for _, values in stages.named()] == ["4x4x1", "2x2x1", "2x2x1", "1x1x1"]


def test_relu_removes_the_negative_responses():
    stages = filters.run_stages(PICTURE, EDGE, stride=2, padding="same", activation="relu", pooling="average")
    np.testing.assert_allclose(stages.activation, [[0, 0], [0, 11]])
    np.testing.assert_allclose(stages.pooling, [[11 / 4]])


@pytest.mark.parametrize("name", list(filters.KERNELS))
def test_preset_kernels_are_square_and_odd(name):
    kernel = filters.KERNELS[name]
    assert kernel.dtype == np.float32 and kernel.ndim == 2
    assert kernel.shape[0] == kernel.shape[1] and kernel.shape[0] in filters.KERNEL_SIZES
    assert np.all(np.isfinite(kernel))


def test_preset_kernels_do_what_their_names_say():
    flat = np.full((6, 6), 0.5, np.float32)
    # Edge detectors answer 0 on a flat picture, blurs and the identity keep its level.
    for name in ("Edge detector (the article's)", "Sobel x (vertical edges)", "Sobel y (horizontal edges)"):
        np.testing.assert_allclose(filters.convolve(flat, filters.KERNELS[name], padding="valid"), 0, atol=1e-6)
    for name in ("Box blur", "Gaussian blur", "Gaussian blur 5x5", "Identity", "Sharpen"):
        np.testing.assert_allclose(filters.convolve(flat, filters.KERNELS[name], padding="valid"), 0.5, rtol=1e-5)
    np.testing.assert_array_equal(filters.convolve(PICTURE, filters.KERNELS["Identity"]), PICTURE)


@pytest.mark.parametrize("shape", [(7, 9), (4, 4), (1, 1), (3, 2)])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_convolution_and_pooling_match_tensorflow(shape, stride, padding):
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(sum(shape) + stride)
    image = rng.standard_normal(shape).astype(np.float32)
    for kernel in (EDGE, filters.KERNELS["Gaussian blur 5x5"], rng.standard_normal((2, 2)).astype(np.float32)):
        if padding == "valid" and kernel.shape[0] > min(shape):
            with pytest.raises(ValueError):
                filters.convolve(image, kernel, stride, padding)
            continue
        ours = filters.convolve(image, kernel, stride, padding)
        theirs = tf.nn.conv2d(image[None, :, :, None], kernel[:, :, None, None], stride, padding.upper())
        np.testing.assert_allclose(ours, theirs.numpy()[0, :, :, 0], rtol=1e-5, atol=1e-5)
    for kind, tf_kind in (("max", "MAX"), ("average", "AVG")):
        for window in (2, 3):
            if padding == "valid" and window > min(shape) or stride > window:
                continue  # TensorFlow refuses strides larger than the window
            ours = filters.pool(image, kind, window, stride, padding)
            theirs = tf.nn.pool(image[None, :, :, None], (window, window), tf_kind, strides=(stride, stride),
                                padding=padding.upper())
            np.testing.assert_allclose(ours, theirs.numpy()[0, :, :, 0], rtol=1e-5, atol=1e-6)


def test_bad_settings_raise_plain_value_errors():
    with pytest.raises(ValueError, match="larger than the image"):
        filters.convolve(np.zeros((2, 2)), EDGE, padding="valid")
    with pytest.raises(ValueError, match="padding"):
        filters.convolve(PICTURE, EDGE, padding="full")
    with pytest.raises(ValueError, match="stride"):
        filters.convolve(PICTURE, EDGE, stride=0)
    with pytest.raises(ValueError, match="pooling"):
        filters.pool(PICTURE, "median")
    with pytest.raises(ValueError, match="2-D"):
        filters.convolve(np.zeros((2, 2, 3)), EDGE)


@pytest.mark.parametrize("text, expected", [
    ("-1 -1 -1\n-1 8 -1\n-1 -1 -1", EDGE),
    ("[[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]", EDGE),
    ("1/9, 1/9, 1/9\n1/9; 1/9; 1/9\n 1/9 1/9 1/9 ", np.full((3, 3), 1 / 9)),
    ("\n".join(" ".join(["0.04"] * 5) for _ in range(5)), np.full((5, 5), 0.04)),
    ("1e-1 0 0\n0 0 0\n0 0 -2.5", [[0.1, 0, 0], [0, 0, 0], [0, 0, -2.5]]),
])
def test_parse_kernel_reads_typed_numbers(text, expected):
    kernel = filters.parse_kernel(text)
    assert kernel.dtype == np.float32
    np.testing.assert_allclose(kernel, expected, rtol=1e-6)


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("banana", "not a number"),
    ("1 2 3\n4 five 6\n7 8 9", "'five' is not a number"),
    ("1 2\n3 4", "2 rows"),
    ("1 2 3\n4 5\n7 8 9", "row 2 has 2 numbers"),
    ("1 2 3\n4 5 6\n7 8 nan", "finite"),
    ("1 2 3\n4 5 6\n7 8 1/0", "not a number"),
    ("1 2 3\n4 5 6\n7 8 1e9", "between"),
    ("1 " * 3000, "too long"),
])
def test_parse_kernel_explains_nonsense(text, message):
    with pytest.raises(ValueError, match=message):
        filters.parse_kernel(text)


@pytest.mark.parametrize("name", list(filters.KERNELS))
def test_format_kernel_reads_back(name):
    kernel = filters.KERNELS[name]
    np.testing.assert_allclose(filters.parse_kernel(filters.format_kernel(kernel)), kernel, rtol=1e-5)


@pytest.mark.parametrize("padding, stride", [("same", 1), ("same", 2), ("valid", 1), ("valid", 2)])
def test_pixel_arithmetic_adds_up_to_the_convolution(padding, stride):
    convolution = filters.convolve(PICTURE, EDGE, stride, padding)
    for row in range(convolution.shape[0]):
        for col in range(convolution.shape[1]):
            sums = filters.pixel_arithmetic(PICTURE, EDGE, row, col, stride=stride, padding=padding)
            np.testing.assert_allclose(sums.products, sums.patch * EDGE)
            assert sums.total == pytest.approx(float(convolution[row, col]), abs=1e-5)
            assert sums.activated == pytest.approx(max(0.0, sums.total), abs=1e-5)


def test_pixel_arithmetic_shows_the_padding_at_a_corner():
    sums = filters.pixel_arithmetic(PICTURE, EDGE, 0, 0, padding="same")
    assert (sums.top, sums.left) == (-1, -1)
    np.testing.assert_array_equal(sums.inside, [[False, False, False], [False, True, True], [False, True, True]])
    np.testing.assert_array_equal(sums.patch, [[0, 0, 0], [0, 1, 2], [0, 4, 5]])
    assert sums.equation().endswith("= -3.00")
    assert sums.equation().startswith("(-1 × 0.00) + ")
    with pytest.raises(ValueError, match="outside"):
        filters.pixel_arithmetic(PICTURE, EDGE, 4, 0)


def test_stages_of_a_512x512_picture_take_well_under_a_second():
    image = np.random.default_rng(0).random((512, 512)).astype(np.float32)
    for kernel in filters.KERNELS.values():
        started = time.perf_counter()
        stages = filters.run_stages(image, kernel, padding="same", activation="relu", pooling="max")
        elapsed = time.perf_counter() - started
        assert stages.pooling.shape == (256, 256)
        # About 5 ms here; generous, as CI machines are shared.
        assert elapsed < 0.5, f"{elapsed:.3f} s"

"""Damaged digits against independent references: NumPy's rot90 and roll, a loop dilation, no change at zero."""

import numpy as np
import pytest

from nn_core.digits import robustness
from nn_core.digits.robustness import CHANGES, Damage, add_noise, rotate, shift, thicken


@pytest.fixture
def images():
    return np.random.default_rng(0).random((3, 28, 28)).astype(np.float32)


def test_rotation_by_zero_degrees_is_the_identity(images):
    np.testing.assert_array_equal(rotate(images, 0), images)


def test_rotation_by_quarter_turns_matches_numpys_rot90(images):
    np.testing.assert_allclose(rotate(images, 90), np.rot90(images, 1, axes=(1, 2)), atol=1e-5)
    np.testing.assert_allclose(rotate(images, -90), np.rot90(images, -1, axes=(1, 2)), atol=1e-5)
    np.testing.assert_allclose(rotate(images, 180), images[:, ::-1, ::-1], atol=1e-5)


def test_rotation_moves_a_point_anticlockwise_and_loses_nothing_inside():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 13:15, 22:24] = 1.0  # right of the centre
    turned = rotate(image, 90)[0]
    rows, cols = np.nonzero(turned > 0.5)
    assert rows.max() < 8 and 12 <= cols.min() and cols.max() <= 15  # now above the centre
    assert turned.sum() == pytest.approx(4.0, abs=1e-4)


def test_shift_matches_numpys_roll_with_black_coming_in(images):
    for right, down in [(3, 0), (-5, 0), (0, 2), (4, -1)]:
        expected = np.roll(images, (down, right), axis=(1, 2))
        if right > 0:
            expected[:, :, :right] = 0
        elif right < 0:
            expected[:, :, right:] = 0
        if down > 0:
            expected[:, :down, :] = 0
        elif down < 0:
            expected[:, down:, :] = 0
        np.testing.assert_array_equal(shift(images, right, down), expected)
    assert not shift(images, 28).any()


def loop_dilation(image, erode=False):
    """One step of grey dilation (or erosion) with a plus-shaped neighbourhood, pixel by pixel."""
    result = np.empty_like(image)
    for row in range(28):
        for col in range(28):
            values = [image[row, col]]
            for r, c in ((row - 1, col), (row + 1, col), (row, col - 1), (row, col + 1)):
                values.append(image[r, c] if 0 <= r < 28 and 0 <= c < 28 else 0.0)
            result[row, col] = min(values) if erode else max(values)
    return result


def test_thickness_matches_a_loop_dilation_and_erosion(images):
    np.testing.assert_array_equal(thicken(images, 0), images)
    np.testing.assert_array_equal(thicken(images[:1], 2)[0], loop_dilation(loop_dilation(images[0])))
    np.testing.assert_array_equal(thicken(images[:1], -1)[0], loop_dilation(images[0], erode=True))


def test_noise_is_seeded_clipped_and_nothing_at_zero(images):
    np.testing.assert_array_equal(add_noise(images, 0), images)
    noisy = add_noise(images, 0.3)
    assert noisy.min() >= 0 and noisy.max() <= 1 and not np.array_equal(noisy, images)
    np.testing.assert_array_equal(noisy, add_noise(images, 0.3))


def test_no_damage_changes_nothing_and_each_level_is_one_change(images):
    assert Damage().none and not Damage(rotation=5).none
    np.testing.assert_array_equal(Damage().apply(images), images)
    assert CHANGES["shift"].damage(3.6) == Damage(shift=4)
    for change in CHANGES.values():
        assert 0 in change.levels and change.low <= min(change.levels) and max(change.levels) <= change.high
        assert 0 in change.strip and change.low <= min(change.strip) and max(change.strip) <= change.high


def test_the_curve_starts_at_the_models_own_accuracy():
    import keras

    # A model that reads "is there ink left of the middle?" as 1, else 0.
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    kernel = np.zeros((28, 28, 10), np.float32)
    kernel[:, :14, 1] = 5.0
    kernel[:, 14:, 0] = 5.0
    model.layers[-1].set_weights([kernel.reshape(784, 10), np.zeros(10, np.float32)])
    images = np.zeros((4, 28, 28), np.float32)
    images[:2, 10:14, 4:8] = 1.0  # ink on the left: "1"
    images[2:, 10:14, 20:24] = 1.0  # on the right: "0"
    labels = np.array([1, 1, 0, 0])
    curve = robustness.robustness_curve(model, images, labels, "shift")
    levels = list(curve.levels)
    assert curve.accuracy[levels.index(0)] == 1.0
    assert curve.accuracy[levels.index(10)] == 0.5  # the left ink moved right: the 1s now read 0
    assert robustness.cached_curve(model, images, labels, "shift") is robustness.cached_curve(model, images, labels,
                                                                                               "shift")
    assert set(robustness.known_curves(model, images, labels)) == {"shift"}

"""The plane's data sets and features: shapes, classes, seeds, noise, and features computed by hand."""

import math

import numpy as np
import pytest

from nn_core.plane.data import DATASETS, FEATURE_FORMULAS, FEATURES, OWN_POINTS, PLANE, feature_columns, generate, split

GENERATED = [name for name, dataset in DATASETS.items() if dataset.make is not None]


@pytest.mark.parametrize("name", GENERATED)
@pytest.mark.parametrize("classes", [2, 3, 5])
def test_each_data_set_has_its_points_and_classes(name, classes):
    dataset = DATASETS[name]
    points, labels = generate(dataset.make, 301, dataset.classes(classes), 0.2, seed=4)
    assert points.shape == (301, 2) and points.dtype == np.float32 and labels.shape == (301,)
    assert np.all(np.abs(points) <= PLANE)
    if dataset.classes(classes) == 0:  # a number to learn, in [-1, 1]
        assert labels.dtype.kind == "f" and -1 <= labels.min() < 0 < labels.max() <= 1
    else:
        counts = np.bincount(labels, minlength=dataset.classes(classes))
        assert len(counts) == dataset.classes(classes) and counts.min() > 0  # every class has points
        if name not in ("xor",):  # made class by class: as many points of each, give or take one
            assert counts.max() - counts.min() <= 1


def test_fixed_and_free_class_counts():
    assert DATASETS["xor"].classes(4) == 2 and DATASETS["moons"].classes(5) == 2
    assert DATASETS["spiral"].classes(3) == 3 and DATASETS["gauss"].classes(5) == 5
    assert DATASETS["surface"].classes(3) == 0
    assert DATASETS[OWN_POINTS].make is None


@pytest.mark.parametrize("name", GENERATED)
def test_the_seed_fixes_the_points(name):
    make = DATASETS[name].make
    first, labels = generate(make, 200, 2, 0.3, seed=7)
    again, labels_again = generate(make, 200, 2, 0.3, seed=7)
    other, _ = generate(make, 200, 2, 0.3, seed=8)
    assert np.array_equal(first, again) and np.array_equal(labels, labels_again)
    assert not np.array_equal(first, other)


def test_noise_moves_points_by_its_standard_deviation_and_keeps_labels():
    clean, labels = generate(DATASETS["gauss"].make, 4000, 2, 0.0, seed=1)
    noisy, noisy_labels = generate(DATASETS["gauss"].make, 4000, 2, 0.5, seed=1)
    assert np.array_equal(labels, noisy_labels)
    shift = noisy - clean  # the same clean points, since noise is drawn after them
    assert shift.std() == pytest.approx(0.5, rel=0.05) and abs(shift.mean()) < 0.05


def test_data_sets_have_their_shapes():
    circle, labels = generate(DATASETS["circle"].make, 1000, 2, 0.0, seed=0)
    radius = np.hypot(circle[:, 0], circle[:, 1])
    assert radius[labels == 0].max() < radius[labels == 1].min()  # a disc inside a ring, with a gap
    xor, labels = generate(DATASETS["xor"].make, 1000, 2, 0.0, seed=0)
    assert np.array_equal(labels, (xor[:, 0] * xor[:, 1] > 0).astype(int))
    assert np.abs(xor).min() >= 0.3  # room along the axes
    spiral, labels = generate(DATASETS["spiral"].make, 1000, 3, 0.0, seed=0)
    assert np.hypot(spiral[:, 0], spiral[:, 1]).max() <= 5.0 + 1e-5


def test_split_holds_back_the_test_share_by_seed():
    is_test = split(500, 0.3, seed=3)
    assert is_test.sum() == 150 and is_test.dtype == bool
    assert np.array_equal(is_test, split(500, 0.3, seed=3))
    assert not np.array_equal(is_test, split(500, 0.3, seed=4))
    assert split(10, 0.25, seed=0).sum() == 2  # round(2.5) is 2


def test_features_against_hand_computation():
    points = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -1.5]], dtype=np.float32)
    columns = feature_columns(points, tuple(FEATURES))
    expected = [[x1, x2, x1 ** 2, x2 ** 2, x1 * x2, math.sin(x1), math.sin(x2)] for x1, x2 in points.tolist()]
    assert columns.shape == (3, 7) and columns.dtype == np.float32
    assert np.allclose(columns, expected, atol=1e-6)
    assert np.allclose(feature_columns(points, ("x1_x2", "x1")), [[2.0, 1.0], [-1.5, -3.0], [0.0, 0.0]])
    assert set(FEATURES) == set(FEATURE_FORMULAS)

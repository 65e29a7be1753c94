"""The digits: shapes, the bundled split, subsets."""

import numpy as np
import pytest

from nn_core.digits.data import load_bundled, load_mnist, stratified_split, training_subset


def test_bundled_shapes_and_types(mnist):
    assert mnist.source == "bundled"
    assert mnist.x_train.shape == (8000, 28, 28) and mnist.x_test.shape == (2000, 28, 28)
    assert mnist.y_train.shape == (8000,) and mnist.y_test.shape == (2000,)
    assert mnist.x_train.dtype == np.uint8 and mnist.x_train.max() == 255
    assert set(np.unique(mnist.y_test)) == set(range(10))
    assert not mnist.x_train.flags.writeable  # shared between sessions: read-only


def test_split_is_stratified_disjoint_and_repeatable(mnist):
    again = load_bundled()
    np.testing.assert_array_equal(mnist.y_test, again.y_test)
    np.testing.assert_array_equal(mnist.x_train[:50], again.x_train[:50])
    # Every label keeps its share (20% +- rounding) in the test part.
    counts = np.bincount(mnist.y_test, minlength=10)
    totals = counts + np.bincount(mnist.y_train, minlength=10)
    np.testing.assert_array_equal(totals, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978])
    assert np.all(np.abs(counts - totals * 0.2) <= 1)
    # No digit is in both parts.
    train_rows = {row.tobytes() for row in mnist.x_train}
    assert not any(row.tobytes() in train_rows for row in mnist.x_test[:300])


def test_stratified_split_indices():
    y = np.repeat(np.arange(3), [10, 20, 30])
    train, test = stratified_split(y, 0.2, seed=1)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(60))
    assert np.bincount(y[test]).tolist() == [2, 4, 6]
    with pytest.raises(ValueError):
        stratified_split(y, 1.0, seed=1)


def test_training_subset_is_seeded(mnist):
    x1, y1 = training_subset(mnist.x_train, mnist.y_train, 100, seed=3)
    x2, y2 = training_subset(mnist.x_train, mnist.y_train, 100, seed=3)
    x3, _ = training_subset(mnist.x_train, mnist.y_train, 100, seed=4)
    assert x1.shape == (100, 28, 28)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)
    with pytest.raises(ValueError):
        training_subset(mnist.x_train, mnist.y_train, 0, seed=3)


def test_load_mnist_falls_back_to_bundled_offline(monkeypatch, tmp_path):
    # No cached file and no network: the bundled digits, quickly, never a hang.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr("nn_core.digits.data.DOWNLOAD_TIMEOUT_SECONDS", 2.0)
    data = load_mnist("auto")
    assert data.source in {"bundled", "keras"}
    assert "digits" in data.description
    with pytest.raises(ValueError):
        load_mnist("nonsense")

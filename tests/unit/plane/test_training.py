"""Training on the plane: the one loop with whole epochs per call, test points as validation, model files."""

import numpy as np
import pytest

from nn_core.errors import ModelFileError, SettingsError
from nn_core.persistence import model_to_bytes
from nn_core.plane import PRESETS, PlaneConfig
from nn_core.plane.points import OwnPoints, PointsError
from nn_core.plane.training import (compile_plane_model, load_plane_model, measure_points, plane_points,
                                    plane_training, steps_per_execution)
from nn_core.training import Status

SMALL = {"train_samples": 200, "epochs": 5}


def trained(config, own=None):
    run = plane_training(config, own)
    run.job.start()
    assert run.job.wait(120)
    return run


def test_steps_per_execution_divide_an_epoch():
    assert steps_per_execution(35) == 35 and steps_per_execution(100) == 50 and steps_per_execution(1) == 1
    assert steps_per_execution(67) == 1  # a prime beyond the limit: one batch per call
    for steps in range(1, 300):
        count = steps_per_execution(steps)
        assert steps % count == 0 and count <= 64


def test_points_of_a_setting_are_split_by_its_test_share():
    data = plane_points(PlaneConfig(train_samples=300, validation_split=0.2))
    assert data.points.shape == (300, 2) and data.is_test.sum() == 60 and data.classes == 2
    assert data.inputs(("x1", "x2", "x1_x2"), test=True).shape == (60, 3)
    assert data.labels(test=False, outputs=1).shape == (240, 1) and data.labels(test=False, outputs=2).shape == (240,)


def test_own_points_that_cannot_train_are_told_in_words():
    config = PlaneConfig(dataset="custom")
    with pytest.raises(PointsError, match="no points of your own yet"):
        plane_points(config, None)
    one_class = OwnPoints(np.zeros((6, 2), np.float32), np.zeros(6, int))
    with pytest.raises(PointsError, match="all your points are of class '0'"):
        plane_points(config, one_class)
    assert plane_points(config, one_class, check=False).classes == 2  # still drawn
    skipping = OwnPoints(np.zeros((6, 2), np.float32), np.array([0, 0, 0, 3, 3, 3]))
    data = plane_points(config, skipping)
    assert data.classes == 4 and data.targets.tolist() == [0, 0, 0, 3, 3, 3]  # classes keep their numbers (colours)


def test_an_epoch_per_call_and_the_test_points_as_validation():
    run = trained(PlaneConfig(**SMALL))  # 140 training points in batches of 10: 14 per epoch
    snapshot = run.job.snapshot()
    assert snapshot.status == Status.FINISHED and snapshot.epoch == 5 and snapshot.steps_per_epoch == 14
    assert run.model.steps_per_execution == 14
    assert len(snapshot.history["val_loss"]) == 5 and all(np.isfinite(snapshot.history["val_accuracy"]))
    # The callback's test loss is Keras' own on the same points.
    x, y = run.data.inputs(run.config.features, True), run.data.labels(True, 1)
    keras_loss, keras_accuracy = run.model.evaluate(x, y, verbose=0)
    assert snapshot.results["test_loss"] == pytest.approx(keras_loss, rel=1e-4)
    assert snapshot.results["test_accuracy"] == pytest.approx(keras_accuracy)
    assert snapshot.history["val_loss"][-1] == pytest.approx(keras_loss, rel=1e-4)


def test_measured_loss_includes_the_weight_penalty_as_keras_does():
    config = PlaneConfig(l1=0.01, l2=0.01, classes=3, dataset="gauss")
    model = compile_plane_model(config.build(3), config, 3, 1)
    data = plane_points(config)
    x, y = data.inputs(config.features, True), data.labels(True, 3)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    measured = measure_points(model, x, y, 3)
    assert measured["loss"] == pytest.approx(loss, rel=1e-4) and measured["accuracy"] == pytest.approx(accuracy)


def test_xor_needs_a_hidden_layer():
    without = trained(PRESETS["XOR, no hidden layer"].changed(train_samples=300, epochs=20))
    with_one = trained(PRESETS["XOR, one hidden layer"].changed(train_samples=300, epochs=40))
    assert without.job.snapshot().results["test_accuracy"] < 0.8
    assert with_one.job.snapshot().results["test_accuracy"] > 0.9


def test_regression_learns_a_number_without_accuracy():
    run = trained(PRESETS["Regression"].changed(**SMALL))
    snapshot = run.job.snapshot()
    assert set(snapshot.results) == {"test_loss"} and np.isnan(snapshot.history["accuracy"]).all()
    assert run.model.output_shape == (None, 1) and run.model.loss == "mean_squared_error"


def test_a_model_file_brings_back_its_settings_and_own_points():
    own = OwnPoints(np.array([[1, 1], [2, 2], [-1, -1], [-2, -2], [1, -2], [-1, 2]], np.float32),
                    np.array([0, 0, 1, 1, 2, 2]), ("a", "b", "c"))
    run = trained(PlaneConfig(dataset="custom", epochs=2, features=("x1", "x2", "sin_x1")), own)
    loaded = load_plane_model(model_to_bytes(run.model, run.model_notes()))
    assert loaded.config == run.config and loaded.data.class_names == ("a", "b", "c")
    assert np.array_equal(loaded.data.points, own.points)
    x = run.data.inputs(run.config.features, False)
    assert np.allclose(loaded.model(x), run.model(x), atol=1e-6)
    with pytest.raises(ModelFileError, match="not saved from the plane page"):
        load_plane_model(model_to_bytes(run.model))


def test_continuing_needs_a_model_that_fits():
    run = trained(PlaneConfig(**SMALL))
    further = plane_training(PlaneConfig(**SMALL), continue_from=run.model, first_epoch=5)
    further.job.start()
    assert further.job.wait(60) and further.job.snapshot().first_epoch == 5
    assert further.model is not run.model
    with pytest.raises(SettingsError, match="takes 2 features"):
        plane_training(PlaneConfig(features=("x1",)), continue_from=run.model)

"""Training a network on the plane: the points of a setting, the job, the test points, model files.

``plane_points`` makes the points a setting describes (or takes a student's own) and
splits them into training and test points. ``plane_training`` turns them into a
``PlaneRun``: a ready ``TrainingJob`` of the one training loop, plus what the page
draws with. Two things keep a small network fast enough to watch:

- the network is compiled with ``steps_per_execution``, so Keras runs many batches per
  call instead of paying its per-call overhead every batch of ten points;
- the test points are measured after each epoch by a ``MeasureTestPoints`` callback with one
  compiled call, instead of Keras' validation pass (which costs more than the epoch's
  training here). Its loss and accuracy go into the epoch's logs as ``val_loss`` and
  ``val_accuracy``, so the curves and the run history show them as the validation line.

A saved model file carries the settings (and a student's own points), so an uploaded or
stored model is drawn on the same points again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nn_core.errors import ModelFileError, SettingsError
from nn_core.networks import make_optimizer
from nn_core.persistence import copy_model, model_from_bytes, read_notes
from nn_core.plane.config import PlaneConfig
from nn_core.plane.data import DATASETS, OWN_POINTS, feature_columns, generate, split
from nn_core.plane.maps import layer_outputs
from nn_core.plane.points import MIN_POINTS, OwnPoints, PointsError
from nn_core.training import Callback, TrainingData, TrainingJob

MAX_STEPS_PER_EXECUTION = 64
"""Batches Keras runs in one call at most: Stop and the live curves are heard between calls."""
NOTES_PAGE = "plane"


@dataclass(frozen=True)
class PlanePoints:
    """The points a network trains and is tested on.

    Attributes:
        points: (n, 2) float32 coordinates.
        targets: (n,) class indices (int), or numbers to learn (float32) when ``classes`` is 0.
        is_test: (n,) True for a test point.
        classes: how many classes (0: a number to learn).
        class_names: each class's name.
        own: the student's points these came from (None for a generated data set).
    """

    points: np.ndarray
    targets: np.ndarray
    is_test: np.ndarray
    classes: int
    class_names: tuple[str, ...]
    own: OwnPoints | None = None

    def inputs(self, features: tuple[str, ...], test: bool) -> np.ndarray:
        """(n, features) network inputs of the training (or test) points."""
        chosen = self.is_test if test else ~self.is_test
        return feature_columns(self.points[chosen], features)

    def labels(self, test: bool, outputs: int) -> np.ndarray:
        """Targets of the training (or test) points shaped for a network with ``outputs`` outputs.

        A single output (a number, or a sigmoid's chance of class 1) takes (n, 1) float32
        targets; a softmax takes (n,) class indices.
        """
        chosen = self.targets[self.is_test if test else ~self.is_test]
        if outputs == 1:
            return chosen.astype(np.float32).reshape(-1, 1)
        return chosen.astype(np.int32)


def plane_points(config: PlaneConfig, own: OwnPoints | None = None, check: bool = True) -> PlanePoints:
    """The points of a setting, split into training and test points by its seed.

    A student's own points keep their class numbers (so each class keeps its colour):
    the network gets one output per class up to the highest one used.

    Args:
        config: gives the data set, classes, noise, number of points, test share and seed.
        own: the student's points, used when the data set is "custom".
        check: refuse own points that cannot be trained on; False gives them anyway, to
            draw (at least two classes are then assumed).

    Returns:
        The points.

    Raises:
        PointsError: with ``check``, the student's own points are chosen but cannot be
            trained on (none yet, too few, one class only, nothing to test with), in a sentence.
    """
    if config.dataset != OWN_POINTS:
        dataset = DATASETS[config.dataset]
        classes = dataset.classes(config.classes)
        points, targets = generate(dataset.make, config.train_samples, classes, config.noise, config.seed)
        targets = targets.astype(np.float32) if classes == 0 else targets.astype(int)
        names = tuple(str(index) for index in range(classes))
        return PlanePoints(points, targets, split(len(points), config.validation_split, config.seed), classes, names)
    own = own if own is not None else OwnPoints.empty()
    is_test = split(len(own), config.validation_split, config.seed)
    if check:
        _check_trainable(own, is_test, config.validation_split)
    classes = max(2, int(own.labels.max()) + 1 if len(own) else 0)
    names = tuple(own.class_names[:classes]) + tuple(str(index) for index in range(len(own.class_names), classes))
    return PlanePoints(own.points, own.labels.astype(int), is_test, classes, names, own)


def _check_trainable(own: OwnPoints, is_test: np.ndarray, test_share: float) -> None:
    if len(own) == 0:
        raise PointsError("there are no points of your own yet: upload a CSV file or click on the plane to add some")
    if len(own) < MIN_POINTS:
        raise PointsError(f"there are {len(own)} of your points; at least {MIN_POINTS} are needed, some to train on "
                          "and some to test with")
    present = np.unique(own.labels)
    if len(present) < 2:
        raise PointsError(f"all your points are of class {own.class_names[present[0]]!r}: add points of another "
                          "class, since telling classes apart needs at least two")
    if is_test.all() or not is_test.any():
        raise PointsError(f"{len(own)} points cannot be split into training and test points with a test share of "
                          f"{test_share:.0%}: add points or change the test share")


def steps_per_execution(steps_per_epoch: int, most: int = MAX_STEPS_PER_EXECUTION) -> int:
    """The most batches per Keras call that divide an epoch evenly (at most ``most``).

    The training loop streams batches without end, one epoch after another; a call that
    ran past an epoch's last batch would take batches of the next, so the count must
    divide the epoch.
    """
    return max(count for count in range(1, min(most, steps_per_epoch) + 1) if steps_per_epoch % count == 0)


def compile_plane_model(model: Any, config: PlaneConfig, classes: int, steps: int) -> Any:
    """Compile a plane network: the config's optimizer, the loss its output needs, ``steps`` batches a call."""
    model.compile(optimizer=make_optimizer(config.optimizer, config.learning_rate), loss=config.loss_for(classes),
                  metrics=["accuracy"] if classes else [], steps_per_execution=steps)
    return model


def measure_points(model: Any, x: np.ndarray, y: np.ndarray, classes: int) -> dict[str, float]:
    """Loss and accuracy of ``model`` on points, from one compiled call, as Keras computes them.

    The loss includes the weight penalty (L1/L2), as Keras' own training and validation
    losses do, so the curves compare like with like.

    Args:
        model: a plane network.
        x: (n, features) inputs.
        y: targets as ``PlanePoints.labels`` shapes them.
        classes: how many classes (0: a number to learn).

    Returns:
        {"loss", "accuracy"}; no accuracy for a number to learn.
    """
    output = layer_outputs(model, x)[-1].astype(np.float64)  # (n, outputs)
    penalty = float(sum(float(loss) for loss in model.losses))
    if classes == 0:
        return {"loss": float(np.mean((output - y) ** 2)) + penalty}
    if output.shape[1] == 1:  # one sigmoid: the chance of class 1
        chance = np.clip(output, 1e-7, 1 - 1e-7)
        loss = -np.mean(y * np.log(chance) + (1 - y) * np.log(1 - chance))
        accuracy = np.mean((output > 0.5) == (y > 0.5))
    else:
        chosen = np.clip(output[np.arange(len(y)), y], 1e-7, 1.0)
        loss = -np.mean(np.log(chosen))
        accuracy = np.mean(np.argmax(output, axis=1) == y)
    return {"loss": float(loss) + penalty, "accuracy": float(accuracy)}


class MeasureTestPoints(Callback):
    """After each epoch, the test points' loss and accuracy, written into the epoch's logs as validation."""

    def __init__(self, x_test: np.ndarray, y_test: np.ndarray, classes: int) -> None:
        self.x_test, self.y_test, self.classes = x_test, y_test, classes

    def on_epoch_end(self, job: TrainingJob, epoch: int, logs: dict[str, float]) -> None:
        measured = measure_points(job.model, self.x_test, self.y_test, self.classes)
        logs.update({f"val_{name}": value for name, value in measured.items()})


@dataclass
class PlaneRun:
    """A network on the plane and the points it learns: what the page draws with.

    Attributes:
        config: the settings it was trained with.
        data: its training and test points.
        job: its training job (None for a model read from a file).
        loaded: the model read from a file (None while a job trains one).
    """

    config: PlaneConfig
    data: PlanePoints
    job: TrainingJob | None = None
    loaded: Any = None

    @property
    def model(self) -> Any:
        """The network: the job's (None until built) or the loaded one."""
        return self.job.model if self.job is not None else self.loaded

    def model_notes(self) -> dict[str, Any]:
        """What its model file carries besides the weights: the settings, and a student's own points."""
        notes: dict[str, Any] = {"page": NOTES_PAGE, "settings": self.config.to_query()}
        if self.data.own is not None:
            notes["own_points"] = self.data.own.to_notes()
        return notes


def plane_training(config: PlaneConfig, own: OwnPoints | None = None, *, continue_from: Any = None,
                   first_epoch: int = 0) -> PlaneRun:
    """A training run (not started) of the config's network on its points.

    Args:
        config: the points', the network's and the training's settings.
        own: the student's points (used when the data set is "custom").
        continue_from: a compiled plane network to train further; a copy is trained (made on
            the job's thread), so the model it came from stays as it was.
        first_epoch: epochs ``continue_from`` has had already.

    Returns:
        The run; ``run.job.start()`` starts it.

    Raises:
        PointsError: the points cannot be trained on.
        SettingsError: the network to continue does not fit the current points or features.
        LimitError: beyond the server's limits.
    """
    data = plane_points(config, own)
    outputs = config.outputs(data.classes)
    x_train, y_train = data.inputs(config.features, test=False), data.labels(test=False, outputs=outputs)
    x_test, y_test = data.inputs(config.features, test=True), data.labels(test=True, outputs=outputs)
    steps = steps_per_execution(max(1, -(-len(x_train) // config.batch_size)))
    if continue_from is not None:
        _check_fits(continue_from, len(config.features), outputs)

    def build() -> Any:
        if continue_from is None:
            return compile_plane_model(config.build(data.classes), config, data.classes, steps)
        model = copy_model(continue_from)
        model.steps_per_execution = steps  # the copy's epochs may hold another number of batches
        return model

    def evaluate(model: Any) -> dict[str, float]:
        return {f"test_{name}": value for name, value in measure_points(model, x_test, y_test, data.classes).items()}

    job = TrainingJob(TrainingData(x_train, y_train), config.epochs, config.batch_size, build=build, seed=config.seed,
                      first_epoch=first_epoch, evaluate=evaluate,
                      callbacks=[MeasureTestPoints(x_test, y_test, data.classes)])
    return PlaneRun(config, data, job)


def _check_fits(model: Any, features: int, outputs: int) -> None:
    if int(model.input_shape[-1]) != features:
        raise SettingsError(f"the current model takes {int(model.input_shape[-1])} features and the sidebar gives "
                            f"{features}: untick 'Continue training' to train a new one, or choose its features again")
    if int(model.output_shape[-1]) != outputs:
        raise SettingsError(f"the current model has {int(model.output_shape[-1])} outputs and these points need "
                            f"{outputs}: untick 'Continue training' to train a new one")


def load_plane_model(data: bytes) -> PlaneRun:
    """A plane model file (saved from this page) back as a run to draw with, on its own points.

    Args:
        data: the ``.keras`` file's bytes.

    Returns:
        The run, with the model, the settings it was trained with and its points.

    Raises:
        ModelFileError: not a model, or not one saved from the plane page, in a sentence.
    """
    if not data:
        raise ModelFileError("the file is empty")
    notes = read_notes(data)
    if notes.get("page") != NOTES_PAGE or not isinstance(notes.get("settings"), dict):
        raise ModelFileError("this model was not saved from the plane page, so nothing says which points and "
                             "features it was trained on")
    model = model_from_bytes(data, limits=PlaneConfig.network_limits)
    config, _ = PlaneConfig.from_query(notes["settings"])
    try:
        own = OwnPoints.from_notes(notes["own_points"]) if "own_points" in notes else None
        points = plane_points(config, own)
    except PointsError as error:
        raise ModelFileError(str(error)) from None
    try:
        _check_fits(model, len(config.features), config.outputs(points.classes))
    except SettingsError:
        raise ModelFileError("the model does not fit the settings stored with it") from None
    return PlaneRun(config, points, loaded=model)

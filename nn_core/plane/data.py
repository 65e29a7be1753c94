"""Points on the plane: the data sets, the input features, and the split into training and test points.

Every data set is made in plain NumPy from the run's seed, so a setting repeats point for
point. The functions that make them (``generate``, each generator, ``split`` and
``feature_columns``) use nothing but NumPy and their arguments: the generated Keras
script copies their source as it is (``nn_core.plane.script``), so the script and the app
cannot make different points.

The plane runs from -6 to 6 on both axes, as TensorFlow Playground's does; points are
made within about -5 to 5 and noise may push them a little further (they are kept on the
plane). ``DATASETS`` and ``FEATURES`` map the names used in links, widgets and scripts
to what they mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

PLANE = 6.0
"""The plane is [-PLANE, PLANE] on both axes."""


def circle(count, classes, rng):
    """A disc in the middle and rings around it, one class each (two classes: a disc in a ring).

    Radii are drawn evenly, as TensorFlow Playground does, so the middle is denser.
    """
    labels = np.arange(count) % classes
    width = 5.0 / classes  # each class's band of radii, with a gap of a fifth of it between bands
    low = labels * width + np.where(labels > 0, 0.1 * width, 0.0)
    high = (labels + 1) * width - np.where(labels < classes - 1, 0.1 * width, 0.0)
    radius = rng.uniform(low, high)
    angle = rng.uniform(0.0, 2 * np.pi, count)
    points = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)  # (count, 2)
    return points, labels


def xor(count, classes, rng):
    """Points in the four quadrants: class 1 where x1 and x2 have the same sign, as in XOR."""
    points = rng.uniform(-5.0, 5.0, (count, 2))
    points += np.where(points > 0, 0.3, -0.3)  # a little room along the axes, as Playground leaves
    labels = (points[:, 0] * points[:, 1] > 0).astype(int)
    return points, labels


def gauss(count, classes, rng):
    """One round cloud of points per class, the clouds' centres evenly spaced on a circle."""
    labels = np.arange(count) % classes
    angle = np.pi / 4 + 2 * np.pi * labels / classes  # two classes: centres at (2.1, 2.1) and (-2.1, -2.1)
    centres = 3.0 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return centres + rng.normal(0.0, 1.0, (count, 2)), labels


def spiral(count, classes, rng):
    """Spirals wound into each other, one arm per class (two classes: Playground's two spirals)."""
    labels = np.arange(count) % classes
    along = rng.uniform(0.0, 1.0, count)  # how far along its arm each point lies
    radius = 5.0 * along
    angle = 1.75 * 2 * np.pi * along + 2 * np.pi * labels / classes
    points = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    return points, labels


def moons(count, classes, rng):
    """Two interleaving half circles."""
    labels = np.arange(count) % 2
    angle = rng.uniform(0.0, np.pi, count)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    points = np.where(labels[:, None] == 0, upper, lower)
    return 3.0 * (points - [0.5, 0.25]), labels  # centred and scaled to the plane


def surface(count, classes, rng):
    """A regression target: a hill and a hollow, between -1 and 1, to be learned as a number."""
    points = rng.uniform(-5.0, 5.0, (count, 2))
    hill = np.exp(-((points[:, 0] + 2.0) ** 2 + (points[:, 1] - 2.0) ** 2) / 6.0)
    hollow = np.exp(-((points[:, 0] - 2.0) ** 2 + (points[:, 1] + 2.0) ** 2) / 6.0)
    return points, hill - hollow


def generate(generator, count, classes, noise, seed):
    """``count`` points of a data set with Gaussian noise of standard deviation ``noise``.

    The targets belong to where a point was made: noise moves the point, not its label.
    """
    rng = np.random.default_rng(seed)
    points, labels = generator(count, classes, rng)
    points = points + rng.normal(0.0, 1.0, points.shape) * noise
    return np.clip(points, -6.0, 6.0).astype("float32"), labels  # (count, 2), (count,)


def split(count, test_share, seed):
    """Which points are test points: a seeded choice of ``round(count * test_share)`` of them."""
    order = np.random.default_rng([seed, 1]).permutation(count)
    is_test = np.zeros(count, dtype=bool)
    is_test[order[: int(round(count * test_share))]] = True
    return is_test


def feature_columns(points, names):
    """The network's inputs: one column per feature name, computed from the points' coordinates."""
    x1, x2 = points[:, 0], points[:, 1]
    columns = {
        "x1": x1, "x2": x2,
        "x1_squared": x1 ** 2, "x2_squared": x2 ** 2,
        "x1_x2": x1 * x2,
        "sin_x1": np.sin(x1), "sin_x2": np.sin(x2),
    }
    return np.stack([columns[name] for name in names], axis=1).astype("float32")  # (n, features)


@dataclass(frozen=True)
class DataSet:
    """One data set of the plane.

    Attributes:
        title: its name in the page's words.
        make: ``(count, classes, rng) -> (points (count, 2), labels (count,))``.
        fixed_classes: its number of classes when the ``classes`` setting does not apply
            (2 for XOR and the moons); None when it does; 0 for a regression target.
    """

    title: str
    make: Callable | None = field(default=None, repr=False)
    fixed_classes: int | None = None

    def classes(self, asked: int) -> int:
        """How many classes it has when ``asked`` are asked for (0: a number to learn)."""
        return asked if self.fixed_classes is None else self.fixed_classes


OWN_POINTS = "custom"
"""The data set name of the points a student uploads or clicks."""

DATASETS: dict[str, DataSet] = {
    "circle": DataSet("Circle (a disc in rings)", circle),
    "xor": DataSet("XOR (four quadrants)", xor, 2),
    "gauss": DataSet("Gaussian clusters", gauss),
    "spiral": DataSet("Spirals (one arm per class)", spiral),
    "moons": DataSet("Two moons", moons, 2),
    "surface": DataSet("Regression: a hill and a hollow", surface, 0),
    OWN_POINTS: DataSet("Your own points (upload or click)"),
}
"""Data sets by the name links and scripts use."""

FEATURES: dict[str, str] = {
    "x1": "x₁", "x2": "x₂",
    "x1_squared": "x₁²", "x2_squared": "x₂²",
    "x1_x2": "x₁x₂",
    "sin_x1": "sin x₁", "sin_x2": "sin x₂",
}
"""Input features by the name links and scripts use, with how the page writes them."""

FEATURE_FORMULAS: dict[str, str] = {
    "x1": "x1", "x2": "x2", "x1_squared": "x1²", "x2_squared": "x2²", "x1_x2": "x1*x2",
    "sin_x1": "sin(x1)", "sin_x2": "sin(x2)",
}
"""Each feature as plain text, for captions and for people who cannot see superscripts."""

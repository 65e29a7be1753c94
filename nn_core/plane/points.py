"""A student's own points: read from a CSV file or added by clicking, and checked in plain words.

``read_points_csv`` takes the bytes of an uploaded file (two numeric columns and a class
label, a header row optional) and returns ``OwnPoints`` or raises ``PointsError`` with a
sentence saying what is wrong and where: a row with the wrong number of values, text
where a number belongs, an empty or NaN cell, one class only, too many classes, too
many rows. Coordinates beyond the plane are scaled onto it, with a note saying so.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

from nn_core.errors import PlaygroundError
from nn_core.plane.data import PLANE

MAX_POINTS = 5_000
"""Most points a file may hold (and a student may click): the plane trains live on a shared server."""
MIN_POINTS = 4
"""Fewest points to train on: some to learn from and some to test with."""
MAX_CLASSES = 5
"""Most classes the plane tells apart (each gets its own colour)."""
FIT_RANGE = 5.0
"""Coordinates beyond the plane are scaled to [-FIT_RANGE, FIT_RANGE]."""
DELIMITERS = (",", ";", "\t")
COLUMNS = ("x1", "x2", "class")


class PointsError(PlaygroundError):
    """Points that cannot be trained on: a malformed file, too few points, one class only."""


@dataclass(frozen=True)
class OwnPoints:
    """Points a student brought: where they are and which class each belongs to.

    Attributes:
        points: (n, 2) float32 coordinates on the plane.
        labels: (n,) int class indices into ``class_names``.
        class_names: each class's name as the file wrote it (or "0", "1", ... for clicks).
        notes: sentences about what was changed on reading (e.g. coordinates scaled).
    """

    points: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...] = tuple(str(index) for index in range(MAX_CLASSES))
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return len(self.points)

    @classmethod
    def empty(cls) -> OwnPoints:
        """No points yet, with classes named "0" to "4" for clicking."""
        return cls(np.zeros((0, 2), dtype=np.float32), np.zeros(0, dtype=int))

    def added(self, x1: float, x2: float, label: int) -> OwnPoints:
        """A copy with one more point of class ``label`` at (x1, x2), kept on the plane.

        Raises:
            PointsError: there are ``MAX_POINTS`` already, or the class is not one of the five.
        """
        if len(self) >= MAX_POINTS:
            raise PointsError(f"there are {MAX_POINTS:,} points already, the most the plane takes")
        if not 0 <= label < MAX_CLASSES:
            raise PointsError(f"the class must be one of the {MAX_CLASSES} classes")
        point = np.clip(np.array([[x1, x2]], dtype=np.float32), -PLANE, PLANE)
        names = self.class_names + tuple(str(index) for index in range(len(self.class_names), label + 1))
        return OwnPoints(np.concatenate([self.points, point]), np.append(self.labels, label).astype(int), names)

    def nearest(self, x1: float, x2: float, within: float) -> int | None:
        """The index of the point nearest to (x1, x2) if it is closer than ``within``, else None."""
        if not len(self):
            return None
        distances = np.hypot(self.points[:, 0] - x1, self.points[:, 1] - x2)
        index = int(np.argmin(distances))
        return index if distances[index] < within else None

    def removed(self, index: int) -> OwnPoints:
        """A copy without the point at ``index``."""
        keep = np.arange(len(self)) != index
        return OwnPoints(self.points[keep], self.labels[keep], self.class_names)

    def to_csv(self) -> str:
        """The points as a CSV file with a header, in the form ``read_points_csv`` reads."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for (x1, x2), label in zip(self.points.tolist(), self.labels.tolist()):
            writer.writerow([f"{x1:.4f}", f"{x2:.4f}", self.class_names[label]])
        return buffer.getvalue()

    def to_notes(self) -> dict:
        """The points as plain JSON values, to travel inside a model file."""
        return {"points": np.round(self.points, 4).tolist(), "labels": self.labels.tolist(),
                "class_names": list(self.class_names)}

    @classmethod
    def from_notes(cls, notes: dict) -> OwnPoints:
        """Points back from ``to_notes`` (a file's content: checked as an upload is).

        Raises:
            PointsError: the notes do not hold usable points.
        """
        try:
            points = np.asarray(notes["points"], dtype=np.float32).reshape(-1, 2)
            labels = np.asarray(notes["labels"], dtype=int)
            names = tuple(str(name) for name in notes["class_names"])
        except (KeyError, TypeError, ValueError):
            raise PointsError("the points stored with this model cannot be read") from None
        if (len(points) != len(labels) or not 0 < len(points) <= MAX_POINTS or not np.isfinite(points).all()
                or len(names) > MAX_CLASSES or labels.min() < 0 or labels.max() >= len(names)):
            raise PointsError("the points stored with this model are damaged")
        return cls(np.clip(points, -PLANE, PLANE), labels, names)


def read_points_csv(data: bytes) -> OwnPoints:
    """Points from a CSV file: x1, x2 and a class label per row, a header row optional.

    Commas, semicolons or tabs separate the values. Labels may be numbers or names; at
    most ``MAX_CLASSES`` different ones. A column reaching beyond the plane (-6 to 6) is
    scaled to -5 to 5, and ``notes`` says so.

    Args:
        data: the file's bytes.

    Returns:
        The points, classes numbered in the labels' order (numbers by value, names
        alphabetically).

    Raises:
        PointsError: a sentence naming the problem and, where there is one, its row.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PointsError("this file is not text (a CSV file saved as UTF-8 text is needed)") from None
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise PointsError("the file is empty")
    delimiter = next((candidate for candidate in DELIMITERS if candidate in lines[0]), ",")
    rows = [(number, [cell.strip() for cell in row]) for number, row in
            enumerate(csv.reader(lines, delimiter=delimiter), start=1)]
    if rows and not _is_number(rows[0][1][0]) and len(rows[0][1]) > 1 and not _is_number(rows[0][1][1]):
        rows = rows[1:]  # a header row: its first two cells are names, not numbers
    if len(rows) > MAX_POINTS:
        raise PointsError(f"the file holds {len(rows):,} rows of points; the plane takes at most {MAX_POINTS:,}")
    coordinates, labels = [], []
    for number, cells in rows:
        while len(cells) > len(COLUMNS) and cells[-1] == "":
            cells = cells[:-1]  # a trailing separator is not a fourth value
        if len(cells) != len(COLUMNS):
            raise PointsError(f"row {number} has {len(cells)} value{'s' if len(cells) != 1 else ''}; each row needs "
                              "three: x1, x2 and the class")
        coordinates.append([_coordinate(cells[column], COLUMNS[column], number) for column in (0, 1)])
        if not cells[2]:
            raise PointsError(f"row {number} has no class in its third column")
        labels.append(_label(cells[2]))
    if len(coordinates) < MIN_POINTS:
        raise PointsError(f"the file holds {len(coordinates)} point{'s' if len(coordinates) != 1 else ''}; at least "
                          f"{MIN_POINTS} are needed, some to train on and some to test with")
    names = sorted(set(labels), key=_label_order)
    if len(names) == 1:
        raise PointsError(f"every point has the class {names[0]!r}: telling classes apart needs at least two")
    if len(names) > MAX_CLASSES:
        raise PointsError(f"the third column holds {len(names):,} different classes; the plane tells apart 2 to "
                          f"{MAX_CLASSES} (is the third column a class, or a measurement?)")
    points = np.asarray(coordinates, dtype=np.float64)  # (n, 2)
    points, notes = _fit_to_plane(points)
    index = {name: position for position, name in enumerate(names)}
    return OwnPoints(points.astype(np.float32), np.array([index[label] for label in labels], dtype=int),
                     tuple(names), tuple(notes))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _coordinate(cell: str, column: str, row: int) -> float:
    if not cell:
        raise PointsError(f"row {row} has an empty {column} value")
    try:
        value = float(cell)
    except ValueError:
        raise PointsError(f"row {row}: {cell[:30]!r} in the {column} column is not a number") from None
    if not math.isfinite(value):
        raise PointsError(f"row {row}: the {column} value {cell!r} is not a finite number (NaN and infinity cannot be "
                          "placed on the plane)")
    return value


def _label(cell: str) -> str:
    """A class label as a name: whole numbers written alike ("1", "1.0" and " 1" are one class)."""
    try:
        value = float(cell)
    except ValueError:
        return cell
    return str(int(value)) if math.isfinite(value) and value == int(value) else cell


def _label_order(label: str) -> tuple[int, float, str]:
    """Numbers first, by value; then names, alphabetically."""
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label)


def _fit_to_plane(points: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Scale each column that reaches beyond the plane onto [-FIT_RANGE, FIT_RANGE]."""
    notes = []
    points = points.copy()
    for column, name in enumerate(COLUMNS[:2]):
        low, high = points[:, column].min(), points[:, column].max()
        if max(abs(low), abs(high)) <= PLANE:
            continue
        middle, half = (low + high) / 2, (high - low) / 2
        points[:, column] = (points[:, column] - middle) / half * FIT_RANGE if half > 0 else 0.0
        notes.append(f"{name} ran from {low:,.4g} to {high:,.4g}, beyond the plane's -6 to 6, so it was scaled to "
                     f"-{FIT_RANGE:g} to {FIT_RANGE:g}.")
    return points, notes

"""Your digit, learning: a drawn digit read again after every epoch while a digit model trains.

``DigitWatch`` is a training callback. The page hands it the digit drawn on its canvas
(before Train, or at any time during training: ``show``), and after every complete epoch,
on the job's own thread, it reads that digit with the model as it is then (a compiled
call, never ``model.predict``) and keeps the ten probabilities in the job's ``probes``
under "digit": how the network made up its mind, epoch by epoch. A lesson may add a
picture of the digit redrawn every epoch (the CNN's feature maps), of which only the latest
is kept. It also measures the hidden units on the validation digits ("activity": dead
ReLUs, saturated sigmoids), which the hints read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from nn_core.digits.activity import unit_activity
from nn_core.digits.inference import predict_digit
from nn_core.errors import PlaygroundError
from nn_core.training import Callback, TrainingJob

ACTIVITY_SECONDS = 1.0
"""Hidden units are measured at most this often (and after the first and the planned last epoch)."""


class DigitWatch(Callback):
    """Reads the page's drawn digit after every epoch, and measures the hidden units.

    Args:
        image: the digit drawn before training, (28, 28) float32 in [0, 1], or None.
        picture: (model, image) -> something to draw of the digit after each epoch (the
            CNN's feature maps); called on the job's thread, it must not keep the model.
    """

    def __init__(self, image: np.ndarray | None = None,
                 picture: Callable[[Any, np.ndarray], Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._image: np.ndarray | None = None
        self.drawings = 0  # how many different digits it has been shown
        self.picture = picture
        self.latest_picture: tuple[int, Any] | None = None  # (epoch, picture) after the latest epoch
        self._last_activity = -float("inf")
        self.show(image)

    def show(self, image: np.ndarray | None) -> None:
        """The digit on the page's canvas now (None when it is empty); read at the next epoch's end."""
        image = None if image is None else np.array(image, dtype=np.float32).reshape(28, 28)
        with self._lock:
            same = (image is None and self._image is None) or (
                image is not None and self._image is not None and np.array_equal(image, self._image))
            if not same:
                self._image = image
                self.drawings += image is not None

    def on_epoch_end(self, job: TrainingJob, epoch: int, logs: dict[str, float]) -> None:
        with self._lock:
            image, drawing = self._image, self.drawings
        model = job.model
        if image is not None:
            probabilities = predict_digit(model, image)  # (10,) a compiled call with the weights as they are now
            job.keep("digit", {"epoch": epoch + 1, "drawing": drawing,
                               "probabilities": [round(float(value), 4) for value in probabilities]})
            if self.picture is not None:
                try:
                    self.latest_picture = (epoch + 1, self.picture(model, image))
                except PlaygroundError:  # a model the picture cannot be drawn of (an upload)
                    self.picture = None
        now = time.monotonic()
        last = epoch + 1 >= job.first_epoch + job.epochs
        if job.data.x_val is not None and len(job.data.x_val) and (
                epoch == job.first_epoch or last or now - self._last_activity >= ACTIVITY_SECONDS):
            self._last_activity = now
            job.keep("activity", {"epoch": epoch + 1, **unit_activity(model, job.data.x_val)})


def watch_of(job: TrainingJob | None) -> DigitWatch | None:
    """The ``DigitWatch`` of a job, if it has one."""
    for callback in getattr(job, "callbacks", ()):
        if isinstance(callback, DigitWatch):
            return callback
    return None

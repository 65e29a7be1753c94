"""Steering a training while it runs: pause, step one batch, resume, a new learning rate.

A page asks (``Steering``'s methods, from any thread, as often and in whatever order its
buttons are pressed); the job's thread obeys between two batches, from its batch hook, so
Keras' own state (the data iterator, the compiled training step) is never touched in the
middle of a batch. Every request is idempotent: Pause twice is one pause, Resume on a
running training does nothing.

Only the learning rate can change while a model trains. Keras keeps it in a variable that
the compiled training step reads at every batch. A ``Dropout`` layer's rate and SGD's
momentum are plain Python numbers that TensorFlow writes into the compiled step when it
traces it, so changing them would mean tracing the step again (about a second, and a
different step from the one the run started with): they stay as the run began.
``tests/unit/test_steering.py`` checks both facts against the installed Keras.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from nn_core.config import TrainingConfig
from nn_core.errors import SettingsError

_RATE_FIELD = {item.name: item for item in dataclasses.fields(TrainingConfig)}["learning_rate"].metadata
LOWEST_RATE, HIGHEST_RATE = float(_RATE_FIELD["min"]), float(_RATE_FIELD["max"])


def learning_rate_value(raw: object) -> float:
    """A learning rate typed by a person, checked as the settings check theirs.

    Args:
        raw: a number, or text such as "0.01" or "1e-3".

    Returns:
        The rate as a float.

    Raises:
        SettingsError: not a number, not above 0, or outside the range the settings offer.
    """
    if not str(raw).strip():
        raise SettingsError("type a learning rate, such as 0.001 or 1e-3")
    try:
        value = float(str(raw).strip()) if not isinstance(raw, (int, float)) else float(raw)
    except ValueError:
        raise SettingsError(f"{str(raw)[:20]!r} is not a number; type one such as 0.001 or 1e-3") from None
    if not math.isfinite(value):
        raise SettingsError("the learning rate must be a finite number")
    if value <= 0:
        raise SettingsError("the learning rate must be above 0: at 0 or below, the weights would not move, or "
                            "would climb the loss instead of descending it")
    if not LOWEST_RATE <= value <= HIGHEST_RATE:
        raise SettingsError(f"the learning rate must be between {LOWEST_RATE:g} and {HIGHEST_RATE:g}")
    return value


def learning_rate_of(model: Any) -> float | None:
    """The learning rate of a compiled model's optimizer, or None when it has no single one (a schedule).

    Keras keeps it as a float32, so 0.001 reads back as 0.0010000000474974513; it is rounded to
    the seven digits a float32 holds, which gives back the number that was set.
    """
    try:
        return float(f"{float(np.asarray(model.optimizer.learning_rate)):.7g}")
    except (AttributeError, TypeError, ValueError):
        return None


def steering_comment(changes: Sequence[tuple[float, str]]) -> str:
    """Comment lines for a generated script: what was changed by hand while the run trained.

    Args:
        changes: (epoch progress, label) events, as ``Snapshot.events`` keeps them.

    Returns:
        Python comment lines ending in a newline, or "" when nothing was changed.
    """
    if not changes:
        return ""
    lines = ["# While the run on the page trained, this was changed by hand (epochs counted from 0):"]
    lines += [f"#   after {progress:.2f} epochs: {label.replace('lr ', 'learning rate ')}" for progress, label in changes]
    lines += ["# model.fit keeps one learning rate; to do the same, train in parts and set",
              "# model.optimizer.learning_rate = <the new rate> between them."]
    return "\n".join(lines) + "\n"


class Steering:
    """What a page has asked of a running training, read by the job's thread between batches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.wake = threading.Event()  # set on every request, so a paused job looks at once
        self._paused = False
        self._steps = 0
        self._learning_rate: float | None = None

    @property
    def paused(self) -> bool:
        """Whether a pause is asked for (the job may not have reached its next batch boundary yet)."""
        with self._lock:
            return self._paused

    def pause(self) -> None:
        """Hold the training after the batch it is on."""
        with self._lock:
            self._paused, self._steps = True, 0
        self.wake.set()

    def resume(self) -> None:
        """Let a paused training go on."""
        with self._lock:
            self._paused, self._steps = False, 0
        self.wake.set()

    def step(self) -> None:
        """One more batch, then hold again; on a running training, hold after the next batch."""
        with self._lock:
            if self._paused:
                self._steps += 1
            else:
                self._paused = True  # it is between batches only at the next boundary: one batch from now
        self.wake.set()

    def set_learning_rate(self, value: object) -> float:
        """Ask for a new learning rate from the next batch; the job keeps the change in its ``events``.

        Args:
            value: the new rate, a number or text as typed.

        Returns:
            The rate asked for.

        Raises:
            SettingsError: not a learning rate the settings would accept (see ``learning_rate_value``).
        """
        rate = learning_rate_value(value)
        with self._lock:
            self._learning_rate = rate
        self.wake.set()
        return rate

    def take_learning_rate(self) -> float | None:
        """The learning rate asked for since the last call, or None (the job's thread applies it)."""
        with self._lock:
            value, self._learning_rate = self._learning_rate, None
            return value

    def may_go(self) -> bool:
        """Whether the next batch may run now: not paused, or a step is left (which this uses up)."""
        with self._lock:
            if not self._paused:
                return True
            if self._steps > 0:
                self._steps -= 1
                return True
            return False

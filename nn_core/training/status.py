"""What a training job shares with its callers: its ``Status``, its arrays, the ``Snapshot`` a
page draws, and the ``Stopwatch`` of its training time.

A ``Snapshot`` is a copy, taken under the job's lock, of everything a page shows about a
training: where it is (status, epoch, batch), how it went (per-epoch history, running
curve within epochs), what was changed by hand while it ran (``events``), and what the
lesson's callbacks kept (``extras`` per epoch, ``probes`` by name).
"""

from __future__ import annotations

import enum
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class Status(enum.StrEnum):
    """Where a job is in its life."""

    WAITING = "waiting"  # for a training slot (at the start, or resuming after a long pause)
    RUNNING = "running"
    PAUSED = "paused"  # held between two batches until Resume, Step or Stop
    FINISHED = "finished"  # every planned epoch, or early stopping
    STOPPED = "stopped"  # by Stop, a closed page or the server's time limit: what it learned is kept
    DIVERGED = "diverged"  # the loss blew up; the weights of the last good epoch are kept
    FAILED = "failed"  # nothing usable came out

    @property
    def done(self) -> bool:
        """True once the job will change no more (a paused job is not done: it may resume)."""
        return self not in (Status.WAITING, Status.RUNNING, Status.PAUSED)


@dataclass
class TrainingData:
    """Arrays for one training run, already shaped for the model."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None


@dataclass
class Snapshot:
    """A consistent copy of a job's state, safe to read and draw from another thread."""

    status: Status
    epoch: int  # complete epochs of this run
    total_epochs: int  # planned epochs of this run (One more epoch adds to them)
    batch: int  # batches done in the current (or, once stopped, the interrupted) epoch
    steps_per_epoch: int
    elapsed: float  # seconds spent training (waiting and pauses not counted)
    waiting_ahead: int
    history: dict[str, list[float]]  # per complete epoch; "learning_rate" is the rate in force at its end
    batch_curve: list[tuple[float, float, float]]  # (epoch progress, loss, accuracy)
    extras: list[dict[str, Any]]  # what the callbacks' ``on_epoch_end`` returned, per epoch
    results: dict[str, float]  # what ``evaluate`` returned at the end
    message: str
    first_epoch: int = 0  # epochs the model had before this run (a continued training)
    events: list[tuple[float, str]] = field(default_factory=list)  # (epoch progress, "lr 0.01"): changes by hand
    probes: dict[str, list[Any]] = field(default_factory=dict)  # what probe callbacks kept, by name
    learning_rate: float | None = None  # the optimizer's learning rate now (None before the model exists)
    slot_released: bool = False  # paused so long that its training slot went to another training
    waiting_behind_own: bool = False  # waiting (also) because its browser runs another training now

    @property
    def done(self) -> bool:
        """True once the job will change no more."""
        return self.status.done

    @property
    def partial_batches(self) -> int:
        """Batches of an epoch that a stop interrupted (0 when every epoch ran to its end)."""
        return self.batch if self.done and self.status != Status.FINISHED else 0

    @property
    def fraction(self) -> float:
        """Share of the planned batches done, 0..1."""
        total = self.total_epochs * max(1, self.steps_per_epoch)
        done = self.epoch * max(1, self.steps_per_epoch) + self.batch
        return 1.0 if self.status == Status.FINISHED else min(1.0, done / max(1, total))

    @property
    def progress(self) -> float:
        """Where the training is in epochs, continued ones included: 2.5 is half-way through the third."""
        return self.first_epoch + self.epoch + self.batch / max(1, self.steps_per_epoch)

    def epochs_text(self) -> str:
        """How far it got, in words: "3 of 5 epochs", with an interrupted epoch's batches."""
        text = f"{self.epoch} of {self.total_epochs} epoch{'s' if self.total_epochs != 1 else ''} complete"
        if self.partial_batches:
            text += (f", and {self.partial_batches} of {self.steps_per_epoch} batches of epoch "
                     f"{self.first_epoch + self.epoch + 1}, which is not counted as an epoch")
        return text


class Stopwatch:
    """Seconds spent training, over any number of starts and stops (waiting and pauses are not counted)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._before = 0.0
        self._started: float | None = None

    def start(self) -> None:
        """Count from now (again)."""
        with self._lock:
            if self._started is None:
                self._started = time.perf_counter()

    def stop(self) -> None:
        """Stop counting, keeping the seconds so far."""
        with self._lock:
            if self._started is not None:
                self._before += time.perf_counter() - self._started
                self._started = None

    def seconds(self) -> float:
        """The seconds counted so far."""
        with self._lock:
            running = time.perf_counter() - self._started if self._started is not None else 0.0
            return self._before + running

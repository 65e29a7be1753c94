"""One training loop for every page, and a background job that runs it.

``fit`` is ``model.fit`` with callables hooked in (``on_epoch_end``, ``on_batch_end``,
``should_stop``): it knows nothing of who calls it, costs what ``model.fit`` costs, and
when asked to stop it stops after the current batch, keeping the weights learned so far.

``TrainingJob`` runs ``fit`` on a thread of its own and keeps a thread-safe record of how
it goes (status, progress, curves), which a page reads and draws as often as it likes.
Training outlives the page script that started it, so moving a slider or switching pages
neither interrupts nor corrupts it. ``TrainingSlots`` caps how many jobs train at once on
a server; the rest wait their turn in order and know how many are ahead of them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from nn_core import limits

if TYPE_CHECKING:
    import keras

EpochHook = Callable[[int, dict[str, float]], None]
BatchHook = Callable[[int, dict[str, float]], None]
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")
BATCH_RECORD_SECONDS = 0.1  # how often running metrics within an epoch are kept
# A cross-entropy starts near ln(classes), about 2.3 for ten digits. A running loss past
# this means the weights have blown up, even when Keras' clipping keeps it finite.
DIVERGED_LOSS = 100.0


class Diverged(Exception):
    """The loss became NaN, infinite or absurdly large: the learning rate is too large."""


def fit(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    on_epoch_end: EpochHook | None = None,
    on_batch_end: BatchHook | None = None,
    should_stop: Callable[[], bool] | None = None,
    initial_epoch: int = 0,
) -> dict[str, list[float]]:
    """Train ``model`` with ``model.fit``, calling back after every batch and epoch.

    Args:
        model: a compiled Keras model.
        x: training inputs, already shaped for the model.
        y: training targets.
        epochs: index of the last epoch to run (as in ``model.fit``).
        batch_size: samples per weight update.
        validation_data: (x_val, y_val), evaluated after every epoch, or None.
        on_epoch_end: called with (epoch, logs) after each epoch; logs are floats.
        on_batch_end: called with (batch, logs) after each batch; logs are running
            averages over the epoch so far.
        should_stop: checked after each batch; True stops training there (Keras then
            closes the interrupted epoch early and reports it like the others).
        initial_epoch: the epoch to start from, to continue an earlier run.

    Returns:
        The history: metric name -> one value per completed epoch.

    Raises:
        Diverged: the training loss became NaN, infinite or above ``DIVERGED_LOSS`` (the weights are those of
            the batch where it happened; callers that care keep their own copy).
    """
    import keras

    class Hooks(keras.callbacks.Callback):
        diverged = False

        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            logs = logs or {}
            loss = float(logs.get("loss", 0.0))
            if not math.isfinite(loss) or loss > DIVERGED_LOSS:
                self.diverged = True
                self.model.stop_training = True
                return
            if on_batch_end is not None:
                on_batch_end(batch, logs)
            if should_stop is not None and should_stop():
                self.model.stop_training = True

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if on_epoch_end is not None and not self.diverged:
                on_epoch_end(epoch, {name: float(value) for name, value in (logs or {}).items()})

    hooks = Hooks()
    history = model.fit(
        x,
        y,
        epochs=epochs,
        initial_epoch=initial_epoch,
        batch_size=batch_size,
        validation_data=validation_data,
        callbacks=[hooks],
        verbose=0,
    )
    if hooks.diverged:
        raise Diverged("the loss became NaN, infinite or absurdly large")
    return {name: [float(value) for value in values] for name, values in history.history.items()}


class TrainingSlots:
    """At most ``capacity`` trainings at once; the others wait, first come first served."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._condition = threading.Condition()
        self._queue: deque[object] = deque()
        self._running = 0

    def acquire(self, ticket: object, give_up: Callable[[], bool]) -> bool:
        """Wait for a slot. Returns False if ``give_up()`` turned True while waiting."""
        with self._condition:
            self._queue.append(ticket)
            try:
                while not (self._queue[0] is ticket and self._running < self.capacity):
                    if give_up():
                        return False
                    self._condition.wait(timeout=0.2)
                self._running += 1
                return True
            finally:
                self._queue.remove(ticket)
                self._condition.notify_all()

    def release(self) -> None:
        """Give a slot back."""
        with self._condition:
            self._running -= 1
            self._condition.notify_all()

    def ahead_of(self, ticket: object) -> int:
        """How many wait before ``ticket`` (0 when it is next or not waiting)."""
        with self._condition:
            return self._queue.index(ticket) if ticket in self._queue else 0

    @property
    def running(self) -> int:
        """Trainings holding a slot now."""
        with self._condition:
            return self._running


SERVER_SLOTS = TrainingSlots(limits.max_trainings())
"""The server-wide limit, shared by every session of the process."""


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

    status: str  # waiting, running, finished, stopped, diverged or failed
    epoch: int  # completed epochs
    total_epochs: int
    batch: int  # batches done in the current epoch
    steps_per_epoch: int
    elapsed: float  # seconds spent training (waiting not counted)
    waiting_ahead: int
    history: dict[str, list[float]]  # per completed epoch
    batch_curve: list[tuple[float, float, float]]  # (epoch progress, loss, accuracy)
    extras: list[dict[str, Any]]  # what ``after_epoch`` returned, per epoch
    results: dict[str, float]  # what ``evaluate`` returned at the end
    message: str

    @property
    def done(self) -> bool:
        """True once the job will change no more."""
        return self.status in {"finished", "stopped", "diverged", "failed"}

    @property
    def fraction(self) -> float:
        """Share of the planned batches done, 0..1."""
        total = self.total_epochs * max(1, self.steps_per_epoch)
        done = self.epoch * max(1, self.steps_per_epoch) + self.batch
        return 1.0 if self.status == "finished" else min(1.0, done / max(1, total))


@dataclass
class TrainingJob:
    """One training run on a background thread, with its model and its record.

    Args:
        model: a compiled model, or a callable that builds one (called on the job's
            thread, so a page never waits for TensorFlow to build a graph).
        data: the arrays to train on.
        epochs: epochs to run.
        batch_size: samples per update.
        evaluate: called with the trained model at the end (also after a stop); its
            dict (e.g. test accuracy) is kept in ``results``.
        after_epoch: called with (model, epoch) after every epoch; its dict is kept in
            ``extras`` (the text page keeps a sample of generated text there).
        keep_going: checked about once a second; False stops the job as Stop would
            (a page passes "is my browser session still connected?").
        slots: the limit on simultaneous trainings (the server's by default).
    """

    model: Any
    data: TrainingData
    epochs: int
    batch_size: int
    evaluate: Callable[[Any], dict[str, float]] | None = None
    after_epoch: Callable[[Any, int], dict[str, Any]] | None = None
    keep_going: Callable[[], bool] | None = None
    slots: TrainingSlots = field(default_factory=lambda: SERVER_SLOTS)

    def __post_init__(self) -> None:
        limits.check_training(self.epochs, len(self.data.x_train))
        self.created = time.time()  # when the page asked for it (wall clock, comparable across objects)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._status = "waiting"
        self._epoch = 0
        self._batch = 0
        self._elapsed_before = 0.0
        self._started: float | None = None
        self._history: dict[str, list[float]] = {name: [] for name in METRICS}
        self._batch_curve: list[tuple[float, float, float]] = []
        self._extras: list[dict[str, Any]] = []
        self._results: dict[str, float] = {}
        self._message = ""
        self._last_record = 0.0
        self._last_alive_check = 0.0
        self._good_weights: list[np.ndarray] | None = None
        n_train = len(self.data.x_train)
        self.steps_per_epoch = max(1, math.ceil(n_train / max(1, self.batch_size)))
        self._thread = threading.Thread(target=self._run, daemon=True, name="training-job")

    # The page's side --------------------------------------------------------------
    def start(self) -> TrainingJob:
        """Start training on the background thread; returns self."""
        # Import Keras (and the pandas it imports) here, on the caller's thread. Imported for
        # the first time on the job's thread, it can be half-way through while the page
        # draws a Plotly figure, and Plotly then finds a half-initialised pandas in
        # sys.modules ("partially initialized module 'pandas' has no attribute 'Series'").
        import keras  # noqa: F401

        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the job to stop after the current batch; what it learned is kept."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job is done (tests and scripts). Returns True if it is."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def snapshot(self) -> Snapshot:
        """The job's state now, copied."""
        with self._lock:
            elapsed = self._elapsed_before
            if self._started is not None:
                elapsed += time.perf_counter() - self._started
            return Snapshot(
                status=self._status,
                epoch=self._epoch,
                total_epochs=self.epochs,
                batch=self._batch,
                steps_per_epoch=self.steps_per_epoch,
                elapsed=elapsed,
                waiting_ahead=self.slots.ahead_of(self) if self._status == "waiting" else 0,
                history={name: list(values) for name, values in self._history.items()},
                batch_curve=list(self._batch_curve),
                extras=list(self._extras),
                results=dict(self._results),
                message=self._message,
            )

    # The job's side ----------------------------------------------------------------
    def _should_stop(self) -> bool:
        if self._stop.is_set():
            return True
        if self.keep_going is not None:
            now = time.perf_counter()
            if now - self._last_alive_check > 1.0:
                self._last_alive_check = now
                if not self.keep_going():
                    self._stop.set()
        return self._stop.is_set()

    def _on_batch_end(self, batch: int, logs: dict) -> None:
        now = time.perf_counter()
        with self._lock:
            self._batch = batch + 1
        if now - self._last_record >= BATCH_RECORD_SECONDS:
            self._last_record = now
            point = (
                self._epoch + (batch + 1) / self.steps_per_epoch,
                float(logs.get("loss", float("nan"))),
                float(logs.get("accuracy", float("nan"))),
            )
            with self._lock:
                self._batch_curve.append(point)

    def _on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        extra = self.after_epoch(self.model, epoch) if self.after_epoch else None
        # A copy of good weights, to return to if a later batch diverges.
        self._good_weights = self.model.get_weights()
        with self._lock:
            for name in METRICS:
                self._history[name].append(logs.get(name, float("nan")))
            self._batch_curve.append((epoch + 1.0, logs.get("loss", math.nan), logs.get("accuracy", math.nan)))
            if extra is not None:
                self._extras.append(extra)
            self._epoch = epoch + 1
            self._batch = 0

    def _set(self, **state: Any) -> None:
        with self._lock:
            for name, value in state.items():
                setattr(self, f"_{name}", value)

    def _run(self) -> None:
        if not self.slots.acquire(self, give_up=self._should_stop):
            self._set(status="stopped", message="Stopped before training started.")
            return
        try:
            with self._lock:
                self._status, self._started = "running", time.perf_counter()
            if callable(self.model) and not hasattr(self.model, "fit"):
                self.model = self.model()
            self._good_weights = self.model.get_weights()
            validation = None
            if self.data.x_val is not None and len(self.data.x_val) > 0:
                validation = (self.data.x_val, self.data.y_val)
            fit(
                self.model,
                self.data.x_train,
                self.data.y_train,
                epochs=self.epochs,
                batch_size=self.batch_size,
                validation_data=validation,
                on_epoch_end=self._on_epoch_end,
                on_batch_end=self._on_batch_end,
                should_stop=self._should_stop,
            )
            status = "stopped" if self._stop.is_set() else "finished"
            message = "" if status == "finished" else "Stopped: the model keeps what it learned so far."
        except Diverged:
            self.model.set_weights(self._good_weights)
            status = "diverged"
            message = (
                "Training diverged: the loss blew up (NaN, infinite or absurdly large), so it was stopped. The "
                "learning rate is probably too large; try one ten times smaller. The model "
                "keeps its weights from the last good epoch."
            )
        except Exception as error:  # shown to the user on the page, not raised into it
            self._set(status="failed", message=f"Training failed: {error}")
            self._finish_clock()
            self.slots.release()
            return
        try:
            results = self.evaluate(self.model) if self.evaluate else {}
        except Exception as error:
            results, message = {}, f"{message} Evaluation failed: {error}".strip()
        self._finish_clock()
        self.slots.release()
        self._set(results=results, message=message, status=status)

    def _finish_clock(self) -> None:
        with self._lock:
            if self._started is not None:
                self._elapsed_before += time.perf_counter() - self._started
                self._started = None

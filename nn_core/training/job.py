"""A training run on a background thread: its model, its record, and the lesson's callbacks.

``TrainingJob`` runs the one training loop (``nn_core.training.loop.fit``) on a thread of
its own and keeps a thread-safe record of how it goes (status, progress, curves), which
a page reads and draws as often as it likes (``snapshot``). Lessons extend it with
``Callback`` objects (as minGPT's trainer does): each hook gets the job, so early
stopping and the text lesson's epoch samples live with their lessons.

A page steers it while it runs (``job.steering``: pause, resume, step one batch, a new
learning rate; ``extend`` for more epochs): the job's thread obeys between two batches,
and a request to a job that has ended changes nothing. A paused job keeps
its training slot for ``PLAYGROUND_PAUSED_SLOT_SECONDS``, then gives it to the next
training waiting, and queues for one again when it resumes; its clock does not run
while it is paused or waiting, and a paused job no page shows is stopped like any other.

A job waits for its slot as its ``owner`` (the browser identity training it): one browser
runs one training at a time, and browsers take turns (``nn_core.training.slots``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nn_core import limits
from nn_core.training.loop import Diverged, fit
from nn_core.training.slots import SERVER_SLOTS, TrainingSlots
from nn_core.training.status import Snapshot, Status, Stopwatch, TrainingData
from nn_core.training.steering import Steering, learning_rate_of

if TYPE_CHECKING:
    import keras

METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")
BATCH_RECORD_SECONDS = 0.1  # how often running metrics within an epoch are kept
PAUSE_POLL_SECONDS = 0.25  # a paused job looks this often whether its page is still there


class Callback:
    """Something a lesson hooks into a ``TrainingJob``; every hook receives the job.

    Hooks run on the job's thread. ``on_epoch_end`` may return a dict, which is kept in
    the snapshot's ``extras`` (the text lesson keeps a sample of writing there); a probe
    keeps what it measures under a name of its own with ``job.keep``.
    """

    def on_start(self, job: TrainingJob) -> None:
        """The model is built and training is about to begin."""

    def on_batch_end(self, job: TrainingJob, batch: int, logs: dict[str, float]) -> None:
        """After each batch (``batch`` counts from 0 within the epoch); keep it quick."""

    def on_epoch_end(self, job: TrainingJob, epoch: int, logs: dict[str, float]) -> dict[str, Any] | None:
        """After each complete epoch (``epoch`` counts from 0, continued epochs included).

        ``logs`` may be added to (the plane measures its test points itself and writes
        ``val_loss``, ``val_accuracy``): the job records the epoch's history after every
        callback has run.
        """
        return None

    def on_end(self, job: TrainingJob) -> None:
        """Training is over: the status, message and results are final."""


class TrainingJob:
    """One training run on a background thread, with its model and its record.

    Args:
        data: the arrays to train on.
        epochs: epochs to run (may be set again before ``start``; ``extend`` adds to them while it runs).
        batch_size: samples per update.
        build: makes the compiled model, called on the job's thread (so a page never waits
            for TensorFlow to build a graph). Give ``build`` or ``model``.
        model: a compiled model to train further.
        seed: orders the samples of every epoch (see ``seeded_batches``).
        first_epoch: epochs ``model`` has had already; the record counts on from there.
        evaluate: called with the trained model at the end (also after a stop); its dict
            (e.g. test accuracy) is kept in ``results``.
        callbacks: the lesson's ``Callback`` objects, called in order.
        keep_going: checked about once a second; False stops the job as Stop would (the
            run registry passes "is any page still showing this run?").
        slots: the limit on simultaneous trainings (the server's by default).
        owner: the browser identity training it, which runs one training at a time (None:
            an owner of its own, as a script's job is); may be set before ``start``.
        max_seconds: training stops after this long (the server's limit by default).

    Raises:
        LimitError: the training is beyond the server's limits.
    """

    def __init__(
        self,
        data: TrainingData,
        epochs: int,
        batch_size: int,
        *,
        build: Callable[[], keras.Model] | None = None,
        model: keras.Model | None = None,
        seed: int = 0,
        first_epoch: int = 0,
        evaluate: Callable[[Any], dict[str, float]] | None = None,
        callbacks: Sequence[Callback] = (),
        keep_going: Callable[[], bool] | None = None,
        slots: TrainingSlots | None = None,
        max_seconds: float | None = None,
        owner: str | None = None,
    ) -> None:
        if (build is None) == (model is None):
            raise ValueError("give exactly one of build and model")
        limits.check_training(epochs, len(data.x_train))
        self.data, self.epochs, self.batch_size = data, epochs, batch_size
        self._build, self.model = build, model
        self.seed, self.first_epoch = seed, first_epoch
        self.evaluate, self.callbacks = evaluate, list(callbacks)
        self.keep_going = keep_going
        self.slots = slots or SERVER_SLOTS
        self.owner = owner
        self._own_turn = object()  # the owner a job without one waits as, the same when it queues again
        self.max_seconds = limits.max_training_seconds() if max_seconds is None else max_seconds
        self.created = time.time()  # when the page asked for it (wall clock, comparable across objects)
        self.steps_per_epoch = max(1, math.ceil(len(data.x_train) / max(1, batch_size)))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._stop_message = "Stopped: the model keeps what it learned so far."
        self._status = Status.WAITING
        self._epoch = 0
        self._batch = 0
        self._clock = Stopwatch()  # training time: waiting and pauses are not counted
        self._history: dict[str, list[float]] = {name: [] for name in (*METRICS, "learning_rate")}
        self._batch_curve: list[tuple[float, float, float]] = []
        self._extras: list[dict[str, Any]] = []
        self._results: dict[str, float] = {}
        self._events: list[tuple[float, str]] = []
        self._probes: dict[str, list[Any]] = {}
        self._learning_rate: float | None = None
        self._slot_released = False
        self._holding_slot = False
        self._closing = False  # the last epoch is decided: no more can be added
        self.steering = Steering()
        self._message = ""
        self._last_record = 0.0
        self._last_alive_check = 0.0
        self._good_weights: list[np.ndarray] | None = None
        self._batch_listeners: list[Callback] = []
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

    def stop(self, message: str | None = None) -> None:
        """Ask the job to stop after the current batch; what it learned is kept.

        Args:
            message: what the page says about the stop (a plain Stop by default).
        """
        if message is not None and not self._stop.is_set():
            self._stop_message = message
        self._stop.set()
        self.steering.wake.set()  # a paused job stops at once

    def extend(self, epochs: int = 1) -> bool:
        """Plan ``epochs`` more epochs for a training that is still going.

        Returns:
            True if added; False when the training is over, stopping or already in its last epoch's end.

        Raises:
            LimitError: the longer training would be beyond the server's limits.
        """
        with self._lock:
            if self._status.done or self._closing or self._stop.is_set():
                return False
            limits.check_training(self.epochs + epochs, len(self.data.x_train))
            self.epochs += epochs
            return True

    def keep(self, name: str, value: Any) -> None:
        """Keep what a probe measured (after an epoch, say) under ``name``, in the snapshot's ``probes``."""
        with self._lock:
            self._probes.setdefault(name, []).append(value)

    def end_after_epoch(self) -> None:
        """Let the epoch now ending be the last one, as a finished run (early stopping)."""
        with self._lock:
            self._closing = True
        if self.model is not None:
            self.model.stop_training = True

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job is done (tests and scripts). Returns True if it is."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def status(self) -> Status:
        """The job's status now."""
        with self._lock:
            return self._status

    def snapshot(self) -> Snapshot:
        """The job's state now, copied."""
        with self._lock:
            return Snapshot(
                status=self._status,
                epoch=self._epoch,
                total_epochs=self.epochs,
                batch=self._batch,
                steps_per_epoch=self.steps_per_epoch,
                elapsed=self._clock.seconds(),
                waiting_ahead=self.slots.ahead_of(self) if self._status == Status.WAITING else 0,
                waiting_behind_own=self._status == Status.WAITING and self.slots.behind_own(self),
                history={name: list(values) for name, values in self._history.items()},
                batch_curve=list(self._batch_curve),
                extras=list(self._extras),
                results=dict(self._results),
                message=self._message,
                first_epoch=self.first_epoch,
                events=list(self._events),
                probes={name: list(values) for name, values in self._probes.items()},
                learning_rate=self._learning_rate,
                slot_released=self._slot_released,
            )

    # The job's side ----------------------------------------------------------------
    def _should_stop(self) -> bool:
        if self._stop.is_set():
            return True
        now = time.perf_counter()
        if now - self._last_alive_check > 1.0:
            self._last_alive_check = now
            if self.keep_going is not None and not self.keep_going():
                self.stop("Stopped because no page showed this training any more; the model keeps what it "
                          "learned so far.")
            elif self._clock.seconds() > self.max_seconds:
                self.stop(f"Stopped: this server gives one training at most {limits.describe_seconds(self.max_seconds)}. "
                          "The model keeps what it learned so far.")
        return self._stop.is_set()

    def _on_batch_end(self, batch: int, logs: dict) -> None:
        now = time.perf_counter()
        with self._lock:
            self._batch = batch + 1
        for callback in self._batch_listeners:
            callback.on_batch_end(self, batch, logs)
        # Batches taken one by one are all drawn, so each step shows on the curve.
        if now - self._last_record >= BATCH_RECORD_SECONDS or self.steering.paused:
            self._last_record = now
            point = (
                self.first_epoch + self._epoch + (batch + 1) / self.steps_per_epoch,
                float(logs.get("loss", float("nan"))),
                float(logs.get("accuracy", float("nan"))),
            )
            with self._lock:
                self._batch_curve.append(point)
        self._apply_learning_rate()
        if not self.steering.may_go():
            self._hold()

    def _hold(self) -> None:
        """Hold the job's thread between two batches until Resume, Step or Stop; Keras' state stays as it is."""
        self._clock.stop()
        self._set(status=Status.PAUSED)
        since = time.monotonic()
        while not self._stop.is_set():
            self.steering.wake.clear()  # cleared before looking, so no request is missed
            self._apply_learning_rate()
            if self.steering.may_go() or self._should_stop():
                break
            if self._holding_slot and time.monotonic() - since > limits.paused_slot_seconds():
                self._release_slot()  # a long pause should not keep others waiting
                self._set(slot_released=True)
            self.steering.wake.wait(PAUSE_POLL_SECONDS)
        if not self._stop.is_set() and not self._holding_slot:
            self._set(status=Status.WAITING)
            self._holding_slot = self._acquire_slot(again=True)
            self._set(slot_released=not self._holding_slot)
        self._set(status=Status.RUNNING)
        self._clock.start()

    def _apply_learning_rate(self) -> None:
        """Set a learning rate a page asked for; the compiled step reads Keras' variable at its next batch."""
        rate = self.steering.take_learning_rate()
        if rate is None or self.model is None or rate == self._learning_rate:
            return
        self.model.optimizer.learning_rate = rate
        with self._lock:
            self._learning_rate = rate
            progress = self.first_epoch + self._epoch + self._batch / self.steps_per_epoch
            self._events.append((round(progress, 4), f"lr {rate:g}"))

    def _planned_end(self) -> int:
        """The epoch to end after, as planned now; once it is reached, no epoch can be added."""
        with self._lock:
            end = self.first_epoch + self.epochs
            if self.first_epoch + self._epoch >= end:
                self._closing = True
            return end

    def _acquire_slot(self, again: bool = False) -> bool:
        owner = self.owner if self.owner is not None else self._own_turn
        return self.slots.acquire(self, give_up=self._should_stop, owner=owner, again=again)

    def _release_slot(self) -> None:
        if self._holding_slot:
            self._holding_slot = False
            self.slots.release(self)

    def _on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        extras = [callback.on_epoch_end(self, epoch, logs) for callback in self.callbacks]
        # A copy of good weights, to return to if a later batch diverges.
        self._good_weights = self.model.get_weights()
        with self._lock:
            for name in METRICS:
                self._history[name].append(logs.get(name, float("nan")))
            self._history["learning_rate"].append(math.nan if self._learning_rate is None else self._learning_rate)
            self._batch_curve.append((epoch + 1.0, logs.get("loss", math.nan), logs.get("accuracy", math.nan)))
            for extra in extras:
                if extra is not None:
                    self._extras.append(extra)
            self._epoch = epoch + 1 - self.first_epoch
            self._batch = 0

    def _set(self, **state: Any) -> None:
        with self._lock:
            for name, value in state.items():
                setattr(self, f"_{name}", value)

    def _run(self) -> None:
        if not self._acquire_slot():
            self._set(status=Status.STOPPED, message="Stopped before training started.")
            self._end()
            return
        self._holding_slot = True
        try:
            self._train()
        finally:
            self._clock.stop()
            self._release_slot()  # unless a long pause gave it away already
        self._end()

    def _train(self) -> None:
        status, message = Status.FINISHED, ""
        try:
            self._set(status=Status.RUNNING)
            self._clock.start()
            if self.model is None:
                self.model = self._build()
            self._good_weights = self.model.get_weights()
            self._learning_rate = learning_rate_of(self.model)
            self._apply_learning_rate()  # one asked for while it waited
            for callback in self.callbacks:
                callback.on_start(self)
            # Only callbacks that listen to batches are called after each one.
            self._batch_listeners = [callback for callback in self.callbacks
                                     if type(callback).on_batch_end is not Callback.on_batch_end]
            validation = None
            if self.data.x_val is not None and len(self.data.x_val) > 0:
                validation = (self.data.x_val, self.data.y_val)
            fit(
                self.model,
                self.data.x_train,
                self.data.y_train,
                epochs=self._planned_end,
                initial_epoch=self.first_epoch,
                batch_size=self.batch_size,
                seed=self.seed,
                validation_data=validation,
                on_epoch_end=self._on_epoch_end,
                on_batch_end=self._on_batch_end,
                should_stop=self._should_stop,
            )
            if self._stop.is_set():
                status, message = Status.STOPPED, self._stop_message
        except Diverged:
            self.model.set_weights(self._good_weights)
            status = Status.DIVERGED
            with self._lock:
                good_epochs = self._epoch
            kept = (f"The model keeps its weights from the last good epoch, epoch {self.first_epoch + good_epochs}."
                    if good_epochs else
                    "No epoch ended before it blew up, so the model went back to the weights it "
                    + ("was given: this training taught it nothing." if self.first_epoch else
                       "started with: it has learned nothing yet."))
            message = ("Training diverged: the loss blew up (NaN, infinite or absurdly large), so it was stopped. "
                       f"The learning rate is probably too large: try a much smaller one. {kept}")
        except Exception as error:  # shown to the user on the page, not raised into it
            self._set(status=Status.FAILED, message=f"Training failed: {error}", closing=True)
            return
        self._set(closing=True)  # evaluating now: too late for more epochs or another learning rate
        try:
            results = self.evaluate(self.model) if self.evaluate else {}
        except Exception as error:
            results, message = {}, f"{message} Evaluation failed: {str(error)[:200]}".strip()  # not its arrays
        self._set(results=results, message=message, status=status)

    def _end(self) -> None:
        for callback in self.callbacks:
            try:
                callback.on_end(self)
            except Exception as error:  # a listener must not leave the job half-done
                with self._lock:
                    self._message = f"{self._message} ({type(callback).__name__} failed: {error})".strip()

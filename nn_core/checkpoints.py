"""A training saved while it runs, so that a server killed without warning loses at most seconds of it.

A server stopped the ordinary way (Ctrl+C, ``docker stop``, a redeploy) stops each training
and saves it whole (``RunRegistry.stop_all``). A server killed without warning (the
out-of-memory killer, ``kill -9``, a host that loses power) runs no code at all. For that
case ``SaveWhileTraining`` writes the training to the run store every
``PLAYGROUND_CHECKPOINT_SECONDS`` (30 by default), between two batches, from the job's own
thread: its record so far, as a stopped run whose message says why, and its model as it is
after that batch. The interrupted epoch counts as a stop counts it: complete epochs, plus
the batches of the next (``partial_batches``). The run's own save at its end replaces the
checkpoint. A server started after a crash finds the run like any other stopped run.

One save of the default MLP or CNN (about 2.5-2.9 MB with the optimizer's state) takes
30-40 ms here, about 0.1% of a training at one save every 30 s (``benchmarks/run.py``);
a training shorter than that is never checkpointed.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from nn_core import limits
from nn_core.persistence import model_to_bytes
from nn_core.runs import Run
from nn_core.store import RunStore
from nn_core.training import Callback, Status, TrainingJob

LOG = logging.getLogger(__name__)
CRASH_MESSAGE = "The server stopped without warning during this training."
"""How a checkpoint's message begins; the rest says how old it may be."""


def crash_message() -> str:
    """What the page says of a run a crash interrupted, read back from its last checkpoint."""
    return (f"{CRASH_MESSAGE} This is its model as last saved while it trained, at most "
            f"{limits.describe_seconds(max(1.0, limits.checkpoint_seconds()))} before.")


class SaveWhileTraining(Callback):
    """Writes a training to the store every ``PLAYGROUND_CHECKPOINT_SECONDS``, between two batches.

    Args:
        store: where runs are kept.
        record: the run's record (copied at each save; never changed here).
        notes: what the model file carries besides the weights, or None.
        wanted: whether the run is still wanted (False once deleted: nothing is written then).
        lock: held from the look at ``wanted`` to the end of the write; whoever deletes the run
            takes it too, so a save under way is never written after the delete.
    """

    def __init__(self, store: RunStore, record: Run, notes: Callable[[], dict[str, Any] | None],
                 wanted: Callable[[], bool], lock: threading.Lock | None = None) -> None:
        self.store, self.record, self.notes, self.wanted = store, record, notes, wanted
        self.lock = lock or threading.Lock()
        self.every = limits.checkpoint_seconds()
        self.last = time.monotonic()

    def on_start(self, job: TrainingJob) -> None:
        self.every = limits.checkpoint_seconds()  # read once, not after every batch
        self.last = time.monotonic()  # the seconds count from the first batch, not from the queue or the build

    def on_batch_end(self, job: TrainingJob, batch: int, logs: dict[str, float]) -> None:
        if time.monotonic() - self.last < self.every:
            return
        self.save(job)
        self.last = time.monotonic()  # after the save: a slow disk does not save back to back

    def save(self, job: TrainingJob) -> None:
        """Write the training as it is now, as a run stopped by a crash."""
        with self.lock:
            self._save(job)

    def _save(self, job: TrainingJob) -> None:
        if job.model is None or not self.wanted():
            return
        checkpoint = dataclasses.replace(self.record)
        snapshot = job.snapshot()
        checkpoint.update(snapshot)
        checkpoint.partial_batches = snapshot.batch  # the epoch under way counts as a stop counts it
        checkpoint.status, checkpoint.message, checkpoint.results = str(Status.STOPPED), crash_message(), {}
        notes = self.notes()
        if notes:
            checkpoint.notes = dict(notes)
        try:
            self.store.save(checkpoint, model_to_bytes(job.model, notes))
        except Exception as error:  # the training goes on; its save at the end tries again
            LOG.warning("run %s could not be saved while it trains: %s", self.record.id, error)

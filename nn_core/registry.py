"""Runs that outlive the tab: one server-wide registry of runs, keyed by an unguessable id.

A page does not own its training; the registry does. A page asks it to ``start`` a run
(a ``TrainingJob`` plus who trains it, on which lesson) and keeps only the run's id. A
reloaded page, a reopened tab or a reconnect after a dropped network asks for the id
again (or for the owner's latest run) and finds the run as it is: still training, with
its curves going on, or finished, with its model.

Every page showing a run says so (``LiveRun.seen``), with a check of whether that page
is still connected. A training that no page has shown for ``PLAYGROUND_ORPHAN_SECONDS``
is stopped, keeping what it learned. When a run ends, the registry writes it to the run
store (``nn_core.store``) from the job's own thread, model file included; while it trains,
``nn_core.checkpoints`` writes it there every ``PLAYGROUND_CHECKPOINT_SECONDS``, so that a
server killed without warning finds it again as a stopped run. A run its owner deletes is
never written again.

Memory levels off: a finished run that is saved leaves memory once no page has shown it
for a while (``PLAYGROUND_IDLE_MODEL_SECONDS``), or at once when a newer run of the same
owner and lesson has replaced it on the page. Its model is read back from disk if it is
shown again. Nothing here holds a model that no run in memory holds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from nn_core import limits
from nn_core.checkpoints import SaveWhileTraining
from nn_core.errors import PlaygroundError, StoreError
from nn_core.lessons import Lesson
from nn_core.memory import give_memory_back
from nn_core.persistence import model_to_bytes
from nn_core.runs import RUN_ID, Run, new_run_id
from nn_core.store import RunStore
from nn_core.training import Callback, Snapshot, Status, TrainingJob

LOG = logging.getLogger(__name__)
RECENTLY_SEEN_SECONDS = 15.0
"""A run shown this recently stays in memory even when a newer one has replaced it."""
SWEEP_SECONDS = 5.0


class LiveRun:
    """A run the server holds in memory: its record, its job while it trains, its model once loaded.

    Args:
        record: the run's record.
        job: its training job (None for a run read back from the store).
        payload: what the page draws with (the trained model, or the text lesson's run);
            by default the job's model, or the lesson's reading of the saved model file.
        notes: what the model file must carry besides the weights (called at save time).
    """

    def __init__(self, record: Run, job: TrainingJob | None = None, payload: Any = None,
                 notes: Callable[[], dict[str, Any]] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.record = record
        self.job = job
        self._payload = payload
        self._notes = notes
        self._clock = clock
        self._lock = threading.Lock()
        self._watchers: dict[str, Callable[[], bool]] = {}
        self._watched = False  # has any page shown it yet?
        self.last_seen = clock()
        self._last_alive = clock()
        self.saved = job is None  # a run read from the store is saved already
        self.save_error = ""
        self.load_error = ""
        self.deleted = False  # by its owner: nothing of it may be saved again
        self.saving = threading.Lock()  # held by a save, from its look at ``deleted`` to its commit
        self.cache: dict[str, Any] = {}  # results computed once for this run's model, dropped with it

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def done(self) -> bool:
        """True once the run will change no more."""
        return self.job is None or self.job.status.done

    def snapshot(self) -> Snapshot:
        """How the run goes: its job's live snapshot, or the saved record's."""
        return self.job.snapshot() if self.job is not None else self.record.snapshot()

    def seen(self, watcher: str, alive: Callable[[], bool]) -> None:
        """A page shows this run now; ``alive`` tells later whether that page is still connected."""
        with self._lock:
            self._watchers[watcher] = alive
            self._watched = True
            self.last_seen = self._last_alive = self._clock()

    def keep_going(self) -> bool:
        """Whether a page still shows this run, or did a short while ago (the job asks)."""
        with self._lock:
            watchers = list(self._watchers.items())
            if not self._watched:
                return True  # a run no page has shown (a script, a test) trains to its end
        alive = [name for name, check in watchers if _safe(check)]
        with self._lock:
            for name, _ in watchers:
                if name not in alive:
                    self._watchers.pop(name, None)
            if alive:
                self._last_alive = self._clock()
            return self._clock() - self._last_alive < limits.orphan_seconds()

    def notes(self) -> dict[str, Any] | None:
        """What the model file carries besides the weights, if anything."""
        return self._notes() if self._notes is not None else (self.record.notes or None)


def _safe(check: Callable[[], bool]) -> bool:
    try:
        return bool(check())
    except Exception:  # a session that cannot be asked is gone
        return False


class _SaveWhenDone(Callback):
    """Writes the run to the store when its job ends, from the job's thread."""

    def __init__(self, registry: RunRegistry, live: LiveRun) -> None:
        self.registry, self.live = registry, live

    def on_end(self, job: TrainingJob) -> None:
        self.registry._save(self.live)


class RunRegistry:
    """Every run the server holds in memory, by id; the run store behind it.

    Args:
        store: where finished runs are kept (None: in memory only).
        lessons: lesson slug -> lesson, to read a saved run's model back.
        clock: seconds, for the idle rules (a test passes its own).
    """

    def __init__(self, store: RunStore | None, lessons: Mapping[str, Lesson],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.lessons = dict(lessons)
        self.clock = clock
        self._runs: dict[str, LiveRun] = {}
        self._lock = threading.Lock()
        self._sweeper: threading.Thread | None = None

    # Starting ---------------------------------------------------------------------------
    def start(self, owner: str, lesson: str, config: Any, job: TrainingJob, payload: Any = None,
              notes: Callable[[], dict[str, Any]] | None = None, parent: str | None = None) -> LiveRun:
        """Register a run and start its job.

        Args:
            owner: the browser identity training it.
            lesson: the lesson's slug.
            config: its settings.
            job: the job, not started; its ``keep_going`` becomes the run's, and it waits for a
                training slot as ``owner`` (one training at a time per browser).
            payload: what the page draws with, when it is not the job's model.
            notes: what the saved model file must carry besides the weights.
            parent: the run whose model this one continues.

        Returns:
            The live run.

        Raises:
            LimitError: the owner has no room for another saved run.
        """
        number = self._next_number(owner, lesson)
        record = Run(id=new_run_id(), owner=owner, lesson=lesson, number=number, config=config,
                     total_epochs=job.epochs, first_epoch=job.first_epoch, parent=parent,
                     steps_per_epoch=job.steps_per_epoch)
        live = LiveRun(record, job, payload, notes, self.clock)
        job.keep_going = live.keep_going
        job.owner = owner  # one training at a time per browser; browsers take turns for the slots
        job.callbacks.append(_SaveWhenDone(self, live))
        if self.store is not None:  # and while it trains, for a server killed without warning
            job.callbacks.append(SaveWhileTraining(self.store, record, live.notes, lambda: not live.deleted,
                                                   live.saving))
        with self._lock:
            self._runs[record.id] = live
        job.start()
        self._ensure_sweeper()
        return live

    def _next_number(self, owner: str, lesson: str) -> int:
        with self._lock:
            in_memory = [live.record.number for live in self._runs.values()
                         if live.record.owner == owner and live.record.lesson == lesson]
        stored = 1
        if self.store is not None:
            try:
                self.store.check_room(owner)
                stored = self.store.next_number(owner, lesson)
            except StoreError as error:
                LOG.warning("run store unavailable when numbering a run: %s", error)
        return max([stored, *(number + 1 for number in in_memory)])

    # Finding ----------------------------------------------------------------------------
    def get(self, run_id: str) -> LiveRun | None:
        """The run with this id, from memory or the store; None for an unknown or malformed id.

        Raises:
            StoreError: the store cannot be read.
        """
        if not isinstance(run_id, str) or not RUN_ID.match(run_id):
            return None
        with self._lock:
            live = self._runs.get(run_id)
        if live is not None or self.store is None:
            return live
        record = self.store.get(run_id)
        if record is None:
            return None
        with self._lock:
            return self._runs.setdefault(run_id, LiveRun(record, clock=self.clock))

    def latest(self, owner: str, lesson: str) -> LiveRun | None:
        """The owner's newest run of the lesson (live or saved), or None.

        Raises:
            StoreError: the store cannot be read.
        """
        with self._lock:
            mine = [live for live in self._runs.values() if live.record.owner == owner and live.record.lesson == lesson]
        newest = max(mine, key=lambda live: live.record.number, default=None)
        if self.store is not None:
            stored = self.store.runs(owner, lesson, limit=1)
            if stored and (newest is None or stored[-1].number > newest.record.number):
                return self.get(stored[-1].id)
        return newest

    def runs(self, owner: str, lesson: str, limit: int = 1000) -> list[Run]:
        """The owner's runs of the lesson that have ended, oldest first (saved or only in memory).

        Raises:
            StoreError: the store cannot be read (the runs in memory are still in the error's ``runs``).
        """
        with self._lock:
            mine = [live for live in self._runs.values() if live.record.owner == owner and live.record.lesson == lesson]
        in_memory = {live.id: live.record for live in mine if live.done and live.record.status in RECORDED}
        training = {live.id for live in mine if not live.done}  # the store may hold a checkpoint of it
        stored = {run.id: run for run in (self.store.runs(owner, lesson, limit) if self.store is not None else [])
                  if run.id not in training}
        merged = {**stored, **in_memory}
        return sorted(merged.values(), key=lambda run: run.number)[-limit:]

    def payload(self, live: LiveRun) -> Any:
        """What the page draws with: the job's model (or payload), or the saved model read back.

        Returns:
            The payload, or None when there is none (a failed run, a run still building its
            model, a model file that cannot be read: then ``live.load_error`` says why).
        """
        if live.job is not None:
            if live.job.model is None or live.job.status == Status.FAILED:
                return None
            return live._payload if live._payload is not None else live.job.model
        with live._lock:
            if live._payload is None and not live.load_error:
                try:
                    data = self.store.model_file(live.record) if self.store is not None else b""
                    live._payload = self.lessons[live.record.lesson].load_model(data)
                except PlaygroundError as error:  # missing, damaged or foreign model file
                    live.load_error = str(error)
                except KeyError:
                    live.load_error = f"this server has no lesson called {live.record.lesson!r}"
            return live._payload

    # Changing -----------------------------------------------------------------------------
    def save_drawing(self, live: LiveRun, drawing: dict[str, Any] | None) -> None:
        """Keep the last drawing made on a run's canvas (in memory, and in the store once saved)."""
        if live.record.drawing == drawing:
            return
        live.record.drawing = drawing
        if self.store is not None and live.saved and not live.save_error:
            try:
                self.store.save_drawing(live.id, drawing)
            except StoreError as error:
                LOG.warning("could not keep a drawing: %s", error)

    def delete(self, owner: str, run_ids: list[str] | None = None) -> int:
        """Delete an owner's saved runs (all, or those listed), stopping any that still train.

        Returns:
            How many runs were deleted.

        Raises:
            StoreError: the store cannot be written.
        """
        with self._lock:
            doomed = [live for live in self._runs.values()
                      if live.record.owner == owner and (run_ids is None or live.id in run_ids)]
            for live in doomed:
                del self._runs[live.id]
        for live in doomed:
            with live.saving:  # a save under way (a checkpoint, say) is written before the store deletes it
                live.deleted = True
            if live.job is not None:
                live.job.stop()
        deleted = self.store.delete(owner, run_ids) if self.store is not None else 0
        return max(deleted, len(doomed))

    def _save(self, live: LiveRun) -> None:
        with live.saving:
            self._save_now(live)

    def _save_now(self, live: LiveRun) -> None:
        job = live.job
        snapshot = job.snapshot()
        live.record.update(snapshot)
        if self.store is None or live.deleted:
            return  # nowhere to save, or deleted while it trained
        if snapshot.status not in RECORDED or job.model is None:
            try:  # a failed run, or one stopped before it began: nothing worth keeping, not even a checkpoint
                self.store.delete(live.record.owner, [live.id])
            except StoreError as error:
                LOG.warning("run %s: its checkpoint could not be deleted: %s", live.id, error)
            return
        try:
            data = model_to_bytes(job.model, live.notes())
            if live.notes():
                live.record.notes = dict(live.notes())
            self.store.save(live.record, data)
            live.saved = True
        except StoreError as error:
            live.save_error = str(error)
            LOG.warning("run %s not saved: %s", live.id, error)
        except Exception as error:  # saving the model itself failed: say so, keep the run in memory
            live.save_error = f"the model could not be written ({error})"
            LOG.exception("run %s not saved", live.id)

    def stop_all(self, message: str, wait_seconds: float) -> int:
        """Stop every training, each kept as it is now and saved (within ``wait_seconds`` in all); how many."""
        with self._lock:
            running = [live for live in self._runs.values() if live.job is not None and not live.done]
        for live in running:
            live.job.stop(message)
        deadline = time.monotonic() + wait_seconds
        for live in running:
            live.job.wait(max(0.0, deadline - time.monotonic()))
        return len(running)

    # Memory -----------------------------------------------------------------------------
    def sweep(self) -> list[str]:
        """Drop from memory the finished, saved runs no page needs now.

        A run goes when no page has shown it for ``PLAYGROUND_IDLE_MODEL_SECONDS``, or when
        a newer run of the same owner and lesson exists and no page has shown it in the last
        ``RECENTLY_SEEN_SECONDS``. A run that could not be saved stays until it is idle.

        Returns:
            The ids of the runs dropped.
        """
        now = self.clock()
        idle = limits.idle_model_seconds()
        with self._lock:
            newest: dict[tuple[str, str], int] = {}
            for live in self._runs.values():
                key = (live.record.owner, live.record.lesson)
                newest[key] = max(newest.get(key, 0), live.record.number)
            dropped = []
            for run_id, live in list(self._runs.items()):
                if not live.done:
                    continue
                unseen = now - live.last_seen
                replaced = live.record.number < newest[(live.record.owner, live.record.lesson)]
                if unseen > idle or (live.saved and replaced and unseen > RECENTLY_SEEN_SECONDS):
                    del self._runs[run_id]
                    dropped.append(run_id)
        return dropped

    def in_memory(self) -> int:
        """Runs held in memory now."""
        with self._lock:
            return len(self._runs)

    def _ensure_sweeper(self) -> None:
        with self._lock:
            if self._sweeper is not None:
                return
            self._sweeper = threading.Thread(target=self._sweep_forever, daemon=True, name="run-sweeper")
        self._sweeper.start()

    def _sweep_forever(self) -> None:
        while True:
            time.sleep(SWEEP_SECONDS)
            try:
                if self.sweep():
                    give_memory_back()
            except Exception:  # the sweeper must outlive any one bad run
                LOG.exception("sweeping runs failed")


RECORDED = (Status.FINISHED, Status.STOPPED, Status.DIVERGED)
"""How a run may end to be kept: a failed run has nothing to show."""


"""t-SNE maps of a layer, computed on request on a thread of their own and shared by everyone asking.

t-SNE (scikit-learn) places the digits so that each keeps its nearest neighbours near
it, which a PCA map's straight projection cannot; it takes a few seconds for 2,000
digits. ``tsne_job`` starts one computation per model, digits and layer, however many
sessions ask at once: the first asker starts it, the others get the same job and wait
for it. Jobs hold arrays only (never the model) and are kept per model in a
``WeakKeyDictionary``, so they go with their model.

A t-SNE map takes seconds of CPU, as a training does, so it takes a slot of the server's
``SERVER_SLOTS`` under the identity of the browser that asked first: a browser runs one
thing at a time (a browser training now, or asking for maps of ten layers, waits its
turn), and the page says how many go before it. A map nobody has asked about for
``ABANDONED_SECONDS`` while it waits leaves the queue (asked again, it starts again).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from nn_core.digits.embedding import SEED, LayerMap, data_key, layer_map
from nn_core.digits.probes import DeeperError
from nn_core.training.slots import SERVER_SLOTS, TrainingSlots

if TYPE_CHECKING:
    import keras


def run_tsne(reduced: np.ndarray, seed: int = SEED) -> np.ndarray:
    """t-SNE of some points (scikit-learn), 2-D.

    Args:
        reduced: (n, r) the points, usually their leading principal components.
        seed: fixes the result.

    Returns:
        (n, 2) float32.
    """
    from sklearn.manifold import TSNE

    n = len(reduced)
    if n < 5:
        raise DeeperError("t-SNE needs at least five digits")
    perplexity = float(min(30.0, (n - 1) / 3))  # scikit-learn needs perplexity < n
    embedding = TSNE(2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(
        np.asarray(reduced, dtype=np.float32))
    return embedding.astype(np.float32)


ABANDONED_SECONDS = 60.0
"""A map waiting for a slot that no page has asked about for this long leaves the queue."""


@dataclass(eq=False)  # compared and hashed as itself: it is its own ticket in the queue for a slot
class TsneJob:
    """One t-SNE computation on a thread of its own, shared by everyone who asks for it.

    It holds arrays only (never the model). It first waits for a slot (``waiting``, with
    ``ahead()`` before it), then computes. ``progress`` is an estimate from the time spent
    computing against the time such a map took before: scikit-learn reports no progress.
    """

    base: LayerMap
    expected_seconds: float
    runner: Callable[[np.ndarray], np.ndarray] = run_tsne
    owner: str | None = None  # the browser identity that asked first (None: an owner of its own)
    slots: TrainingSlots = SERVER_SLOTS
    started: float = field(default_factory=time.perf_counter)  # when the computing began (reset on the slot)
    result: LayerMap | None = None
    error: str = ""
    _done: threading.Event = field(default_factory=threading.Event, repr=False)
    _computing: threading.Event = field(default_factory=threading.Event, repr=False)
    _asked: float = field(default_factory=time.monotonic, repr=False)

    def start(self) -> TsneJob:
        """Begin on a daemon thread (a server shutting down does not wait for it)."""
        threading.Thread(target=self._run, daemon=True, name=f"tsne-{self.base.layer}").start()
        return self

    def asked(self) -> None:
        """A page still wants this map (waiting for it says so too)."""
        self._asked = time.monotonic()

    def _abandoned(self) -> bool:
        return time.monotonic() - self._asked > ABANDONED_SECONDS

    def _run(self) -> None:
        if not self.slots.acquire(self, give_up=self._abandoned, owner=self.owner):
            self.error = "no page waited for it any more"
            self._done.set()
            return
        try:
            self.started = time.perf_counter()
            self._computing.set()
            coordinates = self.runner(self.base.reduced)
            self.result = LayerMap(self.base.layer, "t-SNE", coordinates, self.base.reduced, self.base.projection,
                                   self.base.note)
            _SECONDS_PER_DIGIT[0] = (time.perf_counter() - self.started) / max(1, len(self.base.reduced))
        except DeeperError as error:
            self.error = str(error)
        except Exception as error:  # scikit-learn failing must not leave every waiter waiting
            self.error = f"t-SNE failed ({type(error).__name__}: {error})"
        finally:
            self.slots.release(self)
            self._done.set()

    @property
    def done(self) -> bool:
        """Whether the map (or the error) is there."""
        return self._done.is_set()

    @property
    def waiting(self) -> bool:
        """Whether it still waits for a slot on the server."""
        return not self._computing.is_set() and not self.done

    def ahead(self) -> int:
        """How many go before it in the queue for a slot (0 when next, computing or done)."""
        return self.slots.ahead_of(self)

    def behind_own(self) -> bool:
        """Whether it waits (also) because its browser runs a training or another map now."""
        return self.slots.behind_own(self)

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the end; whether it came. Whoever waits still wants the map."""
        self.asked()
        return self._done.wait(seconds)

    def progress(self) -> float:
        """Between 0 and 1: 1 when done, 0 while waiting for a slot, else the share of the expected time
        spent computing (at most 0.95)."""
        if self.done:
            return 1.0
        if not self._computing.is_set():
            return 0.0
        return min(0.95, (time.perf_counter() - self.started) / max(self.expected_seconds, 1e-3))


_SECONDS_PER_DIGIT = [0.003]  # the latest t-SNE's seconds per digit on this server (a first guess before one)
_TSNE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TSNE_LOCK = threading.Lock()


def tsne_job(model: keras.Model, images: np.ndarray, labels: np.ndarray, layer: str,
             runner: Callable[[np.ndarray], np.ndarray] = run_tsne, owner: str | None = None,
             slots: TrainingSlots | None = None) -> TsneJob:
    """The t-SNE map of ``images`` at ``layer``: started now, or the one already under way or done.

    One computation per model, digits and layer, however many sessions ask at once: the
    first starts it (it waits for a slot of ``slots`` as ``owner``), the others get the
    same job and wait for it.

    Args:
        model: a finished digit model.
        images: (n, 28, 28) float32 digits.
        labels: (n,) their labels.
        layer: a probe's name.
        runner: computes the 2-D coordinates from the reduced points (tests swap it).
        owner: the browser identity asking (None: an owner of its own).
        slots: the limit it counts under (the server's, shared with the trainings, by default).

    Returns:
        The job; ``job.result`` holds the map once ``job.done``.

    Raises:
        DeeperError: the layer has a single number per digit (there is nothing to spread out).
    """
    base = layer_map(model, images, labels, layer)
    if base.reduced.shape[1] < 2:
        raise DeeperError("t-SNE needs at least two numbers per digit, and this layer has one: its PCA map "
                          "already shows everything")
    key = (layer, data_key(images, labels))
    with _TSNE_LOCK:
        jobs = _TSNE.setdefault(model, {})
        job = jobs.get(key)
        if job is None or (job.done and job.error):  # a failed job may be tried again
            job = jobs[key] = TsneJob(base, _SECONDS_PER_DIGIT[0] * len(images), runner, owner,
                                      slots or SERVER_SLOTS).start()
    job.asked()
    return job


def existing_tsne(model: keras.Model, images: np.ndarray, labels: np.ndarray, layer: str) -> TsneJob | None:
    """The t-SNE job for this model, digits and layer if one was started (running or done); never starts one."""
    with _TSNE_LOCK:
        job = _TSNE.get(model, {}).get((layer, data_key(images, labels)))
    return None if job is None or (job.done and job.error) else job


def expected_seconds(digits: int) -> float:
    """How long a t-SNE map of this many digits should take here, judging by the latest one."""
    return _SECONDS_PER_DIGIT[0] * digits

"""A map of the recurrent network's hidden states, one point per place in the text.

After reading a window of characters, the last recurrent layer holds a state of
``units`` numbers: everything the network kept of the window to guess what comes next.
``state_map`` takes the state after many windows of the text and lays them on a plane
with a principal component analysis (the two directions along which the states differ
most), remembering for each point the character just read and the one the network
guesses next. States that lead to the same guess tend to gather: a map of what the
network has learned to tell apart.

States come from the same compiled step that writes text (``TextGenerator.step``), in
batches. Maps are cached per trained model, in a ``WeakKeyDictionary`` whose values hold
arrays only, never the model.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

from nn_core.rnn.generation import TextGenerator
from nn_core.rnn.text import Vocabulary

MAX_POINTS = 2000
"""Windows on a map, spread evenly over the text: enough to see the clouds, few enough to draw."""
BATCH = 1024


@dataclass(frozen=True)
class StateMap:
    """Hidden states laid on a plane.

    Attributes:
        coordinates: (n, 2) one point per window.
        windows: (n, L) int32 the windows read.
        read: (n,) index of each window's last character (the one just read).
        guessed: (n,) index of the character the network finds most likely next.
        variance: (2,) share of the states' variance along each axis.
        note: a sentence about a map that is not the usual picture.
    """

    coordinates: np.ndarray
    windows: np.ndarray
    read: np.ndarray
    guessed: np.ndarray
    variance: np.ndarray
    note: str = ""


def text_windows(vocabulary: Vocabulary, text: str, sequence_length: int, limit: int = MAX_POINTS) -> np.ndarray:
    """Windows of ``sequence_length`` characters of ``text``, at most ``limit``, evenly spread.

    Characters the vocabulary does not know are left out first.

    Args:
        vocabulary: the model's characters.
        text: any text.
        sequence_length: characters per window.
        limit: at most this many windows.

    Returns:
        (n, L) int32; empty when the known text is shorter than one window.
    """
    unknown = set(vocabulary.unknown(text))
    known = "".join(char for char in text if char not in unknown)
    encoded = vocabulary.encode(known)
    count = len(encoded) - sequence_length + 1
    if count <= 0:
        return np.zeros((0, sequence_length), dtype=np.int32)
    starts = np.unique(np.linspace(0, count - 1, min(count, limit)).astype(int))
    return np.stack([encoded[start : start + sequence_length] for start in starts]).astype(np.int32)


def run_windows(run: Any, text: str | None, limit: int = MAX_POINTS) -> np.ndarray:
    """The windows to map for a text run or a loaded text model.

    A run that trained here maps the windows it trained on; a model brought back from a
    file (it carries no text) maps the page's text, as far as it knows its characters.

    Returns:
        (n, L) int32 windows, evenly spread; possibly empty.
    """
    data = getattr(getattr(run, "job", None), "data", None)
    if data is not None:
        parts = [data.x_train] + ([data.x_val] if data.x_val is not None else [])
        windows = np.concatenate(parts).astype(np.int32)
        picked = np.unique(np.linspace(0, len(windows) - 1, min(len(windows), limit)).astype(int))
        return windows[picked] if len(windows) else windows
    return text_windows(run.vocabulary, text or run.start, run.config.sequence_length, limit)


def state_map(generator: TextGenerator, windows: np.ndarray) -> StateMap:
    """The hidden state after each window, on a PCA plane.

    Args:
        generator: the trained model's generator (its compiled step gives the states).
        windows: (n, L) int32 windows of known characters.

    Returns:
        The map; a state of one unit gives a line, identical states a single point (with a note).
    """
    windows = np.asarray(windows, dtype=np.int32)
    if not len(windows):
        raise ValueError("no windows to map")
    states, probabilities = [], []
    for start in range(0, len(windows), BATCH):
        hidden, odds = generator.step(windows[start : start + BATCH])  # (b, units), (b, V)
        states.append(hidden.reshape(len(hidden), -1))
        probabilities.append(odds)
    hidden = np.concatenate(states).astype(np.float64)  # (n, units)
    guessed = np.argmax(np.concatenate(probabilities), axis=1)
    centred = hidden - hidden.mean(axis=0)
    _, values, vectors = np.linalg.svd(centred, full_matrices=False)  # units <= 512: exact is quick
    count = min(2, vectors.shape[0])
    coordinates = np.zeros((len(hidden), 2))
    coordinates[:, :count] = centred @ vectors[:count].T
    total = float(np.square(centred).sum())
    variance = np.zeros(2)
    if total > 0:
        variance[:count] = values[:count] ** 2 / total
    note = ""
    if hidden.shape[1] == 1:
        note = "The layer has a single unit: each state is one number, so the map is a line."
    elif total <= 0:
        note = "The network's state is the same after every window (its units are silent), so all points coincide."
    return StateMap(coordinates.astype(np.float32), windows, windows[:, -1].copy(), guessed, variance, note)


_MAPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MAPS_LOCK = threading.Lock()


def cached_state_map(generator: TextGenerator, windows: np.ndarray) -> StateMap:
    """``state_map`` once per finished model and set of windows (the cache holds no model)."""
    windows = np.asarray(windows, dtype=np.int32)
    key = (windows.shape, int(windows.sum()), int(windows[:: max(1, len(windows) // 97)].sum()))
    with _MAPS_LOCK:
        cached = _MAPS.get(generator.model, {}).get(key)
    if cached is None:
        cached = state_map(generator, windows)
        with _MAPS_LOCK:
            _MAPS.setdefault(generator.model, {})[key] = cached
    return cached

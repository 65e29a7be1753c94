"""Generating text with a trained character model, one compiled call per character.

``TextGenerator`` continues a start text character by character: the last
``sequence_length`` characters go through the network, a character is drawn from its
output at a temperature, appended, and the window slides on. Each step is one call of a
TensorFlow graph compiled once per model. Tutorials call ``model.predict`` per character,
which builds a whole data pipeline every time: about 40 ms a character here against well
under a millisecond for the compiled call (``benchmarks/generation.py`` measures both).
Several temperatures are generated side by side in one batch, for the cost of one.
"""

from __future__ import annotations

import threading
import time
import unicodedata
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nn_core.rnn.text import Vocabulary, reshape_probabilities, sample_indices

if TYPE_CHECKING:
    import keras


@dataclass
class Generation:
    """A generated text and what the network did while writing it."""

    start: str
    generated: str  # the new characters only
    temperature: float
    hidden: np.ndarray  # (len(generated), units): last recurrent layer's state that chose each
    first_probabilities: np.ndarray  # (V,) what the network expected right after ``start``
    seconds: float

    @property
    def text(self) -> str:
        """Start and continuation together."""
        return self.start + self.generated


def clean_start(start: str, vocabulary: Vocabulary) -> tuple[str, list[str]]:
    """A start text with the characters the model never saw dropped.

    Args:
        start: what the user typed.
        vocabulary: the trained model's characters.

    Returns:
        (kept, dropped): the start text without unknown characters, and those characters.
    """
    start = unicodedata.normalize("NFC", start.replace("\r\n", "\n"))
    dropped = vocabulary.unknown(start)
    return "".join(char for char in start if char not in dropped), dropped


_STEPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_STEPS_LOCK = threading.Lock()


def _compiled_step(model: keras.Model) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """One step of the model, compiled once per model: windows -> (hidden, probabilities).

    The step runs a second Keras model that shares the trained layers and also returns
    the last recurrent layer's output, so the hidden state costs no extra call.
    """
    with _STEPS_LOCK:
        step = _STEPS.get(model)
        if step is None:
            import keras

            recurrent = [layer for layer in model.layers if layer.name.startswith("recurrent_")][-1]
            probe = keras.Model(model.inputs, [recurrent.output, model.outputs[0]])
            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                # One trace for every batch size; the weights are read live, so samples taken
                # between epochs see the latest ones.
                signature = [tf.TensorSpec((None, model.input_shape[1]), tf.int32)]
                graph = tf.function(lambda x: probe(x, training=False), input_signature=signature)

                def step(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                    hidden, probabilities = graph(x)
                    return hidden.numpy(), probabilities.numpy()
            else:
                def step(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                    hidden, probabilities = probe(x, training=False)
                    return np.asarray(hidden), np.asarray(probabilities)
            _STEPS[model] = step
    return step


class TextGenerator:
    """Writes text with a trained character model, one compiled model call per character.

    Args:
        model: a model from ``nn_core.rnn.config.build_text_model``: (batch, L) int32
            windows in, (batch, V) next-character probabilities out.
        vocabulary: the characters the model was trained on.
    """

    def __init__(self, model: keras.Model, vocabulary: Vocabulary) -> None:
        if model.output_shape[-1] != vocabulary.size:
            raise ValueError(f"the model has {model.output_shape[-1]} outputs for {vocabulary.size} characters")
        self.model = model
        self.vocabulary = vocabulary
        self.sequence_length = int(model.input_shape[1])
        self._step = _compiled_step(model)

    def step(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(k, L) int32 windows -> (hidden (k, units), probabilities (k, V))."""
        return self._step(np.asarray(windows, dtype=np.int32))

    def next_probabilities(self, context: str) -> np.ndarray:
        """(V,) probabilities of the character after ``context`` (its last L characters)."""
        self._check_start(context)
        window = self.vocabulary.encode(context[-self.sequence_length:])[None]  # (1, L)
        return self.step(window)[1][0].astype(np.float64)

    def _check_start(self, start: str) -> None:
        unknown = self.vocabulary.unknown(start)
        if unknown:
            raise ValueError(f"the start text has characters the model never saw: {', '.join(map(repr, unknown))}")
        if len(start) < self.sequence_length:
            raise ValueError(f"the start text needs at least {self.sequence_length} characters, got {len(start)}")

    def generate(
        self, start: str, length: int, temperatures: Sequence[float] = (0.0,), seed: int = 0
    ) -> list[Generation]:
        """Continue ``start`` by ``length`` characters, once per temperature, side by side.

        All continuations advance together: each step is one call of the model on a batch
        of windows, one row per temperature.

        Args:
            start: known characters only, at least ``sequence_length`` of them (see
                ``clean_start``).
            length: characters to add.
            temperatures: one continuation per temperature (0 = greedy).
            seed: seeds the random draws, so a sample repeats.

        Returns:
            One ``Generation`` per temperature, in order.

        Raises:
            ValueError: the start text is too short or has unknown characters.
        """
        self._check_start(start)
        if length < 0:
            raise ValueError("length must not be negative")
        for temperature in temperatures:
            reshape_probabilities(np.ones(1), temperature)  # checks the range
        started = time.perf_counter()
        rng = np.random.default_rng(seed)
        rows = len(temperatures)
        window = np.repeat(self.vocabulary.encode(start[-self.sequence_length:])[None], rows, axis=0)  # (k, L)
        new = np.empty((rows, length), dtype=np.int64)
        hidden_states = []
        first = None
        for position in range(length):
            hidden, probabilities = self.step(window)  # (k, units), (k, V)
            if first is None:
                first = probabilities.astype(np.float64)
            hidden_states.append(hidden)
            chosen = sample_indices(probabilities, temperatures, rng)
            new[:, position] = chosen
            window = np.concatenate([window[:, 1:], chosen[:, None].astype(np.int32)], axis=1)
        if first is None:  # length 0: still say what comes next
            hidden, probabilities = self.step(window)
            first, hidden_states = probabilities.astype(np.float64), [hidden[:, :0]]
        # (k, length, units): one state per generated character and row.
        stacked = np.stack(hidden_states, axis=1) if length else np.zeros((rows, 0, hidden.shape[-1]))
        seconds = time.perf_counter() - started
        return [
            Generation(start, self.vocabulary.decode(new[row]), float(temperatures[row]),
                       stacked[row].astype(np.float32), first[row], seconds)
            for row in range(rows)
        ]

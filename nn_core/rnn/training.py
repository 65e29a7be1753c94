"""Training the character model on a text: windows, targets, and a sample after each epoch.

``text_training(config, text)`` checks the text, builds its vocabulary, cuts it into
windows of ``sequence_length`` characters with the character after each as the target,
and returns a ``TextRun``: a ready ``TrainingJob`` plus what the page needs to generate
text with the trained model (the vocabulary, the start text, notes for the user).

After each epoch a ``SampleEachEpoch`` callback writes a short sample with the model as
it is then, so a student watches the noise turn into words, and continues the same start
text greedily (always the likeliest character), so that the epochs compare side by side:
the same question, answered better and better. Both are kept in the job's
``snapshot.extras`` as ``{"epoch", "start", "sample", "greedy"}`` dicts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nn_core import limits
from nn_core.errors import ModelFileError
from nn_core.estimate import check_training_memory
from nn_core.persistence import model_from_bytes, read_notes
from nn_core.rnn.config import RNNConfig, build_text_model, one_hot_class
from nn_core.rnn.generation import TextGenerator
from nn_core.rnn.text import SAMPLES, Vocabulary, make_windows, one_hot, prepare_text
from nn_core.training import Callback, TrainingData, TrainingJob

SAMPLE_LENGTH = 80
"""Characters in each epoch's sample."""
SAMPLE_TEMPERATURE = 0.5
"""Epoch samples are drawn a little randomly: greedy ones of a young network repeat one letter."""
SAMPLE_SECONDS = 0.5
"""Short epochs are sampled at most this often (the page redraws once a second anyway)."""
MAX_TARGET_BYTES = 50_000_000
"""One-hot targets (windows x vocabulary bytes) are kept below this; windows are cut to fit."""
EVALUATED_WINDOWS = 10_000
"""The final training accuracy is measured on at most this many windows, evenly spread."""


def default_start(text: str, sequence_length: int, source: str | None = None) -> str:
    """Where generation starts by default: a sample's own start, or the text's opening.

    Args:
        text: the training text.
        sequence_length: the start must be at least this long.
        source: the config's ``text_source``.

    Returns:
        A piece of ``text`` (so every character is known), at least ``sequence_length``
        long: the sample's start, extended by the text after it if the network reads more.
    """
    begin = text.find(SAMPLES[source].start) if source in SAMPLES else -1
    length = len(SAMPLES[source].start) if begin >= 0 else min(12, len(text) - 1)
    begin = max(begin, 0)
    if begin + sequence_length > len(text) - 1:
        begin = 0
    return text[begin : begin + max(sequence_length, length)]


@dataclass
class TextRun:
    """One training on a text, with what generation needs afterwards."""

    config: RNNConfig
    vocabulary: Vocabulary
    start: str  # default start text for generation
    text_length: int  # characters trained on (after any cut)
    windows: int  # training windows (validation excluded)
    notes: list[str]  # sentences for the user: text cut, windows cut
    job: TrainingJob = field(repr=False)
    _generator: TextGenerator | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def model(self) -> Any:
        """The job's model (None until the job has built it)."""
        return self.job.model

    def generator(self) -> TextGenerator | None:
        """A generator for the job's model, once the model exists."""
        with self._lock:
            if self._generator is None and self.job.model is not None:
                self._generator = TextGenerator(self.job.model, self.vocabulary)
            return self._generator

    def model_notes(self) -> dict[str, Any]:
        """What the model file must carry besides the weights (see ``text_model_notes``)."""
        return text_model_notes(self.config, self.vocabulary, self.start)


class SampleEachEpoch(Callback):
    """The network's writing after an epoch, at most every half second (and after the first and last).

    Each time, the same start text is continued twice in one batch: a sample at
    ``SAMPLE_TEMPERATURE`` and the greedy continuation, which compares across epochs.

    Args:
        run: the text run, whose start text and generator the samples use.
    """

    def __init__(self, run: TextRun) -> None:
        self.run = run
        self._last = -float("inf")

    def on_epoch_end(self, job: TrainingJob, epoch: int, logs: dict[str, float]) -> dict[str, Any] | None:
        now = time.perf_counter()
        if epoch not in (0, job.first_epoch + job.epochs - 1) and now - self._last < SAMPLE_SECONDS:
            return None
        generator = self.run.generator()
        if generator is None:
            return None
        try:
            sample, greedy = (generation.text for generation in generator.generate(
                self.run.start, SAMPLE_LENGTH, (SAMPLE_TEMPERATURE, 0.0), seed=self.run.config.seed))
        except Exception as error:  # a sample that fails must not end the training
            sample = greedy = f"(no sample this epoch: {error})"
        self._last = time.perf_counter()
        return {"epoch": epoch + 1, "start": self.run.start, "sample": sample, "greedy": greedy}


def _evaluator(x: np.ndarray, y: np.ndarray) -> Callable[[Any], dict[str, float]]:
    """The training loss and accuracy of the finished model, on up to ``EVALUATED_WINDOWS``."""
    picked = np.linspace(0, len(x) - 1, min(len(x), EVALUATED_WINDOWS)).astype(int)

    def evaluate(model: Any) -> dict[str, float]:
        loss, accuracy = model.evaluate(x[picked], y[picked], batch_size=1024, verbose=0)
        return {"train_loss": float(loss), "train_accuracy": float(accuracy), "evaluated_windows": float(len(picked))}

    return evaluate


def text_training(
    config: RNNConfig, text: str, keep_going: Callable[[], bool] | None = None
) -> TextRun:
    """A training run (not started) of the character model on ``text``.

    Args:
        config: the network's and the training's settings.
        text: the training text, as pasted, uploaded or loaded.
        keep_going: see ``TrainingJob``.

    Returns:
        The run; call ``run.job.start()``.

    Raises:
        TextError: the text cannot be trained on (empty, too short); a plain sentence.
        LimitError: the training would need more memory than this server gives one.
    """
    text, notes = prepare_text(text, config.sequence_length)
    vocabulary = Vocabulary.of(text)
    inputs, targets = make_windows(vocabulary.encode(text), config.sequence_length)  # (n, L), (n,)
    n_val = int(round(len(inputs) * config.validation_split))
    check_training_memory(config, len(inputs) - n_val, vocabulary.size)
    if config.validation_split > 0 and n_val == 0:
        notes.append("The text is too short to hold back any validation windows: training without validation.")
    # The validation windows come from the end of the text: neighbouring windows overlap,
    # so a random split would test on text the network has mostly seen.
    x_train, y_train = inputs[: len(inputs) - n_val], targets[: len(inputs) - n_val]
    x_val, y_val = inputs[len(inputs) - n_val:], targets[len(inputs) - n_val:]
    most = min(config.train_samples, limits.max_samples(), max(1, MAX_TARGET_BYTES // vocabulary.size))
    if len(x_train) > most:
        notes.append(f"The text makes {len(x_train):,} training windows; only the first {most:,} are used "
                     "(raise 'Most windows' or use a shorter text).")
        x_train, y_train = x_train[:most], y_train[:most]
        x_val, y_val = x_val[:most], y_val[:most]
    # One-hot targets, as the article's categorical cross-entropy expects: (n, V) uint8.
    y_train_1h, y_val_1h = one_hot(y_train, vocabulary.size), one_hot(y_val, vocabulary.size)
    job = TrainingJob(
        TrainingData(x_train, y_train_1h, x_val if n_val else None, y_val_1h if n_val else None),
        config.epochs,
        config.batch_size,
        build=lambda: build_text_model(config, vocabulary.size),
        seed=config.seed,
        evaluate=_evaluator(x_train, y_train_1h),
        keep_going=keep_going,
    )
    run = TextRun(config=config, vocabulary=vocabulary, start=default_start(text, config.sequence_length,
                                                                             config.text_source),
                  text_length=len(text), windows=len(x_train), notes=notes, job=job)
    job.callbacks.append(SampleEachEpoch(run))
    return run


def text_model_notes(config: RNNConfig, vocabulary: Vocabulary, start: str) -> dict[str, Any]:
    """What a saved text model needs besides its weights: its vocabulary and settings."""
    return {"kind": "text model", "vocabulary": list(vocabulary.characters),
            "settings": config.to_query(), "start": start}


@dataclass
class LoadedTextModel:
    """A text model brought back from a file: generation works as for a trained run."""

    model: Any
    config: RNNConfig
    vocabulary: Vocabulary
    start: str
    _generator: TextGenerator | None = field(default=None, repr=False)

    def generator(self) -> TextGenerator:
        """The generator stepping the loaded model."""
        if self._generator is None:
            self._generator = TextGenerator(self.model, self.vocabulary)
        return self._generator

    def model_notes(self) -> dict[str, Any]:
        """What the model file carries besides the weights (see ``text_model_notes``)."""
        return text_model_notes(self.config, self.vocabulary, self.start)


def load_text_model(data: bytes) -> LoadedTextModel:
    """Load a text model saved from the recurrent page (safe mode), with its vocabulary.

    Args:
        data: the ``.keras`` file's bytes, as ``model_to_bytes(model, text_model_notes(...))``
            wrote them.

    Returns:
        The model, its settings, vocabulary and a start text.

    Raises:
        ModelFileError: with a plain sentence, for a file that is not such a model.
    """
    notes = read_notes(data)
    characters = notes.get("vocabulary")
    if notes.get("kind") != "text model" or not isinstance(characters, list) or not characters:
        raise ModelFileError("this model file carries no vocabulary: save text models from this page")
    model = model_from_bytes(data, custom_objects={"OneHot": one_hot_class()}, limits=RNNConfig.network_limits)
    try:
        vocabulary = Vocabulary(tuple(str(char) for char in characters))
    except ValueError as error:
        raise ModelFileError(f"the file's vocabulary is damaged ({error})") from None
    config, _ = RNNConfig.from_query(notes.get("settings") or {})
    if tuple(model.input_shape[1:]) != (config.sequence_length,) or model.output_shape[-1] != vocabulary.size:
        raise ModelFileError("the model does not match the vocabulary and settings saved with it")
    start = str(notes.get("start") or vocabulary.characters[0] * config.sequence_length)
    return LoadedTextModel(model, config, vocabulary, start)

"""Text for the character-level generator: samples, checks, vocabulary, windows, sampling.

The recurrent page trains a network that reads ``sequence_length`` characters and guesses
the next one. This module holds everything about the text itself:

- the built-in samples (``SAMPLES``) and the checks a text must pass (``prepare_text``,
  ``decode_upload``), each failing with a ``TextError`` that carries a plain sentence;
- the ``Vocabulary``: the distinct characters of the text, sorted by Unicode code point,
  so emoji and every script work like Latin letters;
- ``make_windows``: the text cut into overlapping windows and the character after each;
- sampling with a temperature (``reshape_probabilities``, ``sample_indices``).

Generation itself, which needs the trained model, is in ``nn_core.rnn.generation``.
"""

from __future__ import annotations

import ast
import codecs
import contextlib
import importlib.util
import io
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nn_core.errors import PlaygroundError

TEXTS_DIR = Path(__file__).resolve().parent / "texts"
MAX_TEXT_CHARS = 200_000
"""Longer texts are cut to this many characters (an epoch stays within classroom reach)."""
MAX_UPLOAD_BYTES = 200_000
"""Uploaded files are read up to this many bytes (200 kB)."""
MAX_TEMPERATURE = 2.0
MAX_VOCABULARY = 1_000
"""Most distinct characters a text may have: each is an input and an output of the network, and
each window's target is a row of this length (a text of every CJK character would need gigabytes)."""

# How whitespace and other invisible characters are shown in a vocabulary listing.
VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥", "\r": "␍"}


class TextError(PlaygroundError):
    """A text that cannot be used, with a sentence that says why and what to do."""


# Samples ---------------------------------------------------------------------------------
def _zen_of_python() -> str:
    """The Zen of Python: the standard library's ``this.s``, decoded from its ROT13.

    ``import this`` prints the poem, so the module's source is read instead when it is
    there; otherwise the module is imported with its printing caught.
    """
    spec = importlib.util.find_spec("this")
    encoded = None
    if spec is not None and spec.origin and spec.origin.endswith(".py"):
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "s" for t in node.targets):
                encoded = ast.literal_eval(node.value)
    if encoded is None:
        with contextlib.redirect_stdout(io.StringIO()):
            import this
        encoded = this.s
    return codecs.decode(encoded, "rot13")


def _asset(name: str) -> Callable[[], str]:
    return lambda: (TEXTS_DIR / name).read_text(encoding="utf-8").rstrip("\n")


@dataclass(frozen=True)
class Sample:
    """A built-in text: its title, where generation starts by default, and its loader."""

    title: str
    start: str  # the start text offered for generation
    description: str
    load: Callable[[], str] = field(repr=False)


SAMPLES: dict[str, Sample] = {
    "tiny": Sample(
        "A tiny sentence (as in the article)", "This is G",
        "One sentence of 53 characters, shaped like the article's. With three characters of "
        "context, 'is ' comes before 'i' once and before 'G' once: start from 'This' and watch.",
        _asset("tiny.txt"),
    ),
    "zen": Sample(
        "The Zen of Python", "Beautiful is",
        "Tim Peters' 19 aphorisms, from Python's own `this` module (about 850 characters).",
        _zen_of_python,
    ),
    "fables": Sample(
        "Fables (longer, written for the project)", "A hungry fox",
        "Twelve old fables retold in plain words for this project, about 6,900 characters: "
        "enough repeated words for an LSTM to learn to spell.",
        _asset("fables.txt"),
    ),
}
"""The built-in texts by short name (the name is what a link stores)."""


def sample_text(name: str) -> str:
    """The text of a built-in sample.

    Args:
        name: a key of ``SAMPLES``.

    Returns:
        The sample's text.
    """
    if name not in SAMPLES:
        raise ValueError(f"unknown sample {name!r}; choose one of {', '.join(SAMPLES)}")
    return SAMPLES[name].load()


# Checks ----------------------------------------------------------------------------------
def decode_upload(data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[str, list[str]]:
    """An uploaded file's bytes as text, if they are UTF-8 text.

    Args:
        data: the file's bytes.
        max_bytes: only this many bytes are read; a character cut in half there is dropped.

    Returns:
        (text, notes): the text, and a sentence for the user if the file was cut.

    Raises:
        TextError: the file is empty, not UTF-8, or binary.
    """
    notes = []
    if not data:
        raise TextError("The file is empty: upload a .txt file with some text in it.")
    if len(data) > max_bytes:
        notes.append(f"The file has {len(data):,} bytes; only its first {max_bytes // 1000} kB are used.")
        data = data[:max_bytes]
    # An incremental decoder that is not told the input ended keeps a character cut in
    # half at the end to itself instead of failing on it.
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(data, final=len(notes) == 0)
    except UnicodeDecodeError as error:
        raise TextError(
            f"This file is not UTF-8 text (byte {error.start:,} cannot be read). Save it as UTF-8 "
            "plain text (.txt) and upload it again, or paste the text instead."
        ) from None
    if "\x00" in text:
        raise TextError("This file looks binary (it contains NUL bytes), not text: upload a plain .txt file.")
    return text, notes


def prepare_text(text: str, sequence_length: int, max_chars: int = MAX_TEXT_CHARS) -> tuple[str, list[str]]:
    """Check a training text and make it uniform.

    Line ends become ``\\n`` and the text is put in Unicode NFC form, so that an accented
    letter typed two ways is one character of the vocabulary, not two.

    Args:
        text: the text as pasted, uploaded or loaded.
        sequence_length: characters the network reads before each guess.
        max_chars: longer texts are cut to this many characters.

    Returns:
        (text, notes): the text to train on, and sentences for the user (e.g. it was cut).

    Raises:
        TextError: the text is empty, too short for even one window, or has more than
            ``MAX_VOCABULARY`` different characters.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    notes = []
    if not text.strip():
        raise TextError("The text is empty: choose a sample, paste some text or upload a .txt file.")
    if len(text) > max_chars:
        notes.append(f"The text has {len(text):,} characters; only the first {max_chars:,} are used, "
                     "so that training stays within reach of a classroom machine.")
        text = text[:max_chars]
    if len(text) < sequence_length + 1:
        raise TextError(
            f"The text has {len(text)} character{'s' if len(text) != 1 else ''}; a network that reads "
            f"{sequence_length} characters needs at least {sequence_length + 1} (one window and the "
            "character after it). Use a longer text or a shorter sequence length."
        )
    distinct = len(set(text))
    if distinct > MAX_VOCABULARY:
        raise TextError(
            f"The text has {distinct:,} different characters; a network here learns at most {MAX_VOCABULARY:,} "
            "(each one is an input and an output of the network). Use a text with fewer different characters."
        )
    return text, notes


# Vocabulary and windows ------------------------------------------------------------------
@dataclass(frozen=True)
class Vocabulary:
    """The distinct characters of a text, sorted by Unicode code point, and their indices."""

    characters: tuple[str, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(set(self.characters)) != len(self.characters):
            raise ValueError("a vocabulary's characters must be distinct")
        object.__setattr__(self, "_index", {char: i for i, char in enumerate(self.characters)})

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        """The vocabulary of ``text`` (one entry per distinct code point)."""
        return cls(tuple(sorted(set(text))))

    @property
    def size(self) -> int:
        """How many characters the network chooses from."""
        return len(self.characters)

    def index(self, char: str) -> int:
        """The index of one character (KeyError if unknown)."""
        return self._index[char]

    def unknown(self, text: str) -> list[str]:
        """The distinct characters of ``text`` not in the vocabulary, in order of appearance."""
        return list(dict.fromkeys(char for char in text if char not in self._index))

    def encode(self, text: str) -> np.ndarray:
        """``text`` as indices, shape (len(text),) int32; every character must be known."""
        unknown = self.unknown(text)
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {', '.join(map(repr, unknown))}")
        return np.fromiter((self._index[char] for char in text), dtype=np.int32, count=len(text))

    def decode(self, indices: Sequence[int] | np.ndarray) -> str:
        """Indices back to text."""
        return "".join(self.characters[int(i)] for i in indices)


def visible(char: str) -> str:
    """A character as shown in a listing: whitespace and control characters made visible."""
    if char in VISIBLE:
        return VISIBLE[char]
    if unicodedata.category(char).startswith("C"):
        return f"U+{ord(char):04X}"
    return char


def make_windows(indices: np.ndarray, sequence_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut an encoded text into every window of ``sequence_length`` and the index after it.

    For "hello" and length 3: inputs "hel", "ell"; targets "l", "o".

    Args:
        indices: (n,) the encoded text.
        sequence_length: characters per window.

    Returns:
        (inputs, targets): (n - sequence_length, sequence_length) and (n - sequence_length,)
        int32; inputs[i] = indices[i : i + L], targets[i] = indices[i + L].
    """
    indices = np.asarray(indices, dtype=np.int32)
    if sequence_length < 1:
        raise ValueError("sequence_length must be at least 1")
    if len(indices) < sequence_length + 1:
        raise ValueError(f"need at least {sequence_length + 1} characters, got {len(indices)}")
    # A view of the text without its last character, one row per start position.
    inputs = np.lib.stride_tricks.sliding_window_view(indices[:-1], sequence_length).copy()
    return inputs, indices[sequence_length:].copy()


def one_hot(indices: np.ndarray, depth: int, dtype: Any = np.uint8) -> np.ndarray:
    """(n,) indices as (n, depth) one-hot rows (uint8: a quarter of float32's memory)."""
    return np.eye(depth, dtype=dtype)[np.asarray(indices)]


# Sampling --------------------------------------------------------------------------------
def reshape_probabilities(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """The distribution sampled from at ``temperature``: p_i^(1/T), renormalised.

    Temperature 1 keeps the network's own probabilities, lower ones sharpen them toward
    the most likely character (0 picks it always: greedy), higher ones flatten them.

    Args:
        probabilities: (..., V) non-negative, summing to 1 along the last axis.
        temperature: 0 to ``MAX_TEMPERATURE``.

    Returns:
        (..., V) float64 probabilities summing to 1.
    """
    if not 0.0 <= temperature <= MAX_TEMPERATURE or not math.isfinite(temperature):
        raise ValueError(f"temperature must be between 0 and {MAX_TEMPERATURE}, got {temperature}")
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 0.0, None)
    if temperature == 0.0:
        return (np.arange(p.shape[-1]) == p.argmax(axis=-1)[..., None]).astype(np.float64)
    with np.errstate(divide="ignore"):
        logits = np.log(p) / temperature  # log 0 = -inf stays impossible at any temperature
    logits -= logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    return weights / weights.sum(axis=-1, keepdims=True)


def sample_indices(probabilities: np.ndarray, temperatures: Sequence[float], rng: np.random.Generator) -> np.ndarray:
    """One character index per row of ``probabilities``, each at its own temperature.

    Args:
        probabilities: (k, V) the network's next-character probabilities.
        temperatures: k temperatures; 0 is argmax (no random draw).
        rng: the random generator (seeded by the caller, for repeatable samples).

    Returns:
        (k,) int indices.
    """
    chosen = np.empty(len(probabilities), dtype=np.int64)
    for row, (p, temperature) in enumerate(zip(probabilities, temperatures)):
        if temperature == 0.0:
            chosen[row] = int(np.argmax(p))
        else:
            # Inverse-CDF draw: one uniform number per character, repeatable by seed.
            cumulative = np.cumsum(reshape_probabilities(p, temperature))
            chosen[row] = min(int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")),
                              len(p) - 1)
    return chosen

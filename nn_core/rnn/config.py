"""The recurrent network: a character-level text generator.

It reads a window of ``sequence_length`` characters, one at a time, carrying a hidden
state from each character to the next, and after the last one guesses the character that
follows. The defaults are the seed lesson's network: one-hot windows of 3 characters ->
SimpleRNN(50, relu) -> Dense(vocabulary, softmax), Adam, categorical cross-entropy, 100
epochs. LSTM and GRU cells, a second recurrent layer and a learned embedding are options.

The model always takes character indices, (batch, L) int32, and turns them into one-hot
vectors (as the article does before training) or embeddings inside itself: a one-hot copy
of a long text would take L x V times the memory of its indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from nn_core.config import TrainingConfig, choice, number
from nn_core.architecture import NetworkLimits
from nn_core.networks import ACTIVATIONS, Seeds, build_model
from nn_core.rnn.text import MAX_VOCABULARY, SAMPLES

if TYPE_CHECKING:
    import keras

CELLS = ("SimpleRNN", "LSTM", "GRU")
"""Recurrent cells: the plain one of the article, and the two gated ones."""
INPUT_ENCODINGS = ("one-hot", "embedding")
TEXT_SOURCES = (*SAMPLES, "paste", "upload")
"""Where the training text comes from: a built-in sample, pasted text or an uploaded file."""


@dataclass(frozen=True)
class RNNConfig(TrainingConfig):
    """Settings of the character-level recurrent network and its training (the article's by default)."""

    # The targets are one-hot rows, as in the article (sparse targets would train the same).
    loss: ClassVar[str] = "categorical_crossentropy"

    text_source: str = choice(
        "tiny", TEXT_SOURCES, "The text to learn: a built-in sample, text you paste, or a .txt file you upload."
    )
    cell: str = choice(
        "SimpleRNN", CELLS,
        "SimpleRNN as in the article; LSTM and GRU add gates that decide what to keep, so they "
        "remember further back.",
    )
    recurrent_layers: int = number(1, 1, 2, "Recurrent layers stacked: the second reads the first's states.")
    units: int = number(50, 1, 512, "Size of the hidden state: how much each layer can remember.")
    activation: str = choice(
        "relu", ACTIVATIONS, "Activation of the SimpleRNN's state update (LSTM and GRU use their own tanh and gates)."
    )
    input_encoding: str = choice(
        "one-hot", INPUT_ENCODINGS,
        "One-hot as in the article (one input per character of the vocabulary), or an embedding: "
        "a short learned vector per character.",
    )
    embedding_dim: int = number(16, 2, 256, "Length of each character's learned vector (embedding input only).")
    sequence_length: int = number(
        3, 1, 100, "Characters the network reads before each guess: the unfolded network's length."
    )
    epochs: int = number(100, 1, 200, "Passes over every window of the text.")
    batch_size: int = number(32, 1, 4096, "Windows per weight update.")
    train_samples: int = number(
        60_000, 10, 200_000, "Most windows to train on (one per character of text); a longer text is cut."
    )
    validation_split: float = number(
        0.0, 0.0, 0.5, "Share of the text, taken from its end, held back to watch for overfitting."
    )
    # Seed 1: with it the article's settings learn the whole tiny sentence in 100 epochs.
    # Other seeds can stop a few characters short, as the article's own run (92%) did.
    seed: int = number(1, 0, 2**31 - 1, "Fixes the initial weights and the order of the windows, so a run repeats.")

    def build(self, vocab_size: int) -> keras.Model:
        """The uncompiled network for a vocabulary of ``vocab_size`` characters.

        (batch, L) int32 -> one-hot (batch, L, V) or embedding (batch, L, d) -> recurrent
        layers (all but the last return every step's state) -> (batch, units) -> Dense(V)
        softmax. Layers are named ``recurrent_1``, ``recurrent_2`` and ``output``.
        """
        import keras

        if vocab_size < 1:
            raise ValueError("the vocabulary must have at least one character")
        seeds = Seeds(self.seed)  # initial weights, this run's own
        inputs = keras.Input(shape=(self.sequence_length,), dtype="int32", name="characters")  # (batch, L)
        if self.input_encoding == "one-hot":
            x = OneHot(vocab_size, name="one_hot")(inputs)  # (batch, L, V)
        else:
            x = keras.layers.Embedding(vocab_size, self.embedding_dim, embeddings_initializer=seeds.uniform(),
                                       name="embedding")(inputs)  # (batch, L, d)
        for index in range(self.recurrent_layers):
            last = index == self.recurrent_layers - 1
            options: dict[str, Any] = {"activation": self.activation} if self.cell == "SimpleRNN" else {}
            cell = getattr(keras.layers, self.cell)
            # (batch, L, units) between layers, (batch, units) after the last.
            x = cell(self.units, return_sequences=not last, kernel_initializer=seeds.glorot(),
                     recurrent_initializer=seeds.orthogonal(), name=f"recurrent_{index + 1}", **options)(x)
        outputs = seeds.dense(vocab_size, activation="softmax", name="output")(x)  # (batch, V)
        return keras.Model(inputs, outputs, name=f"char_{self.cell.lower()}")


def _largest_network() -> NetworkLimits:
    """The largest text network the settings make: two LSTM layers of the most units, on one-hot
    rows of the largest vocabulary (an embedding is never larger than its one-hot rows)."""
    units, vocabulary = RNNConfig.most("units"), MAX_VOCABULARY
    first, second = 4 * units * (vocabulary + units + 1), 4 * units * (units + units + 1)
    return NetworkLimits(weighted_layers=RNNConfig.most("recurrent_layers") + 2,
                         width=max(units, vocabulary, RNNConfig.most("embedding_dim")),
                         parameters=first + second + units * vocabulary + vocabulary,
                         input_values=RNNConfig.most("sequence_length"))


RNNConfig.network_limits = _largest_network()


def build_text_model(config: RNNConfig, vocab_size: int) -> keras.Model:
    """A compiled character model for ``config`` and a vocabulary of ``vocab_size``.

    Args:
        config: the settings; its ``seed`` fixes the initial weights.
        vocab_size: distinct characters of the training text.

    Returns:
        The compiled model, untrained: Adam (or the chosen optimizer), categorical
        cross-entropy, accuracy.
    """
    return build_model(config, vocab_size)


def _one_hot_layer_class() -> type:
    """Defined on first use, so that importing this module does not import Keras."""
    import keras

    class OneHotLayer(keras.layers.Layer):
        """(batch, L) character indices -> (batch, L, depth) one-hot float32 vectors."""

        def __init__(self, depth: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.depth = depth

        def call(self, indices: Any) -> Any:
            return keras.ops.one_hot(keras.ops.cast(indices, "int32"), self.depth)

        def compute_output_shape(self, input_shape: tuple) -> tuple:
            return (*input_shape, self.depth)

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "depth": self.depth}

    OneHotLayer.__name__ = OneHotLayer.__qualname__ = "OneHot"
    return OneHotLayer


_ONE_HOT: list[type] = []


def one_hot_class() -> type:
    """The one-hot layer's class (also what loading a saved text model needs)."""
    if not _ONE_HOT:
        _ONE_HOT.append(_one_hot_layer_class())
    return _ONE_HOT[0]


def OneHot(depth: int, **kwargs: Any) -> keras.layers.Layer:  # noqa: N802 (used like a layer class)
    """A layer that one-hot encodes character indices, as the article does before training."""
    return one_hot_class()(depth, **kwargs)


PRESETS = {
    # The article: SimpleRNN(50, relu) on one-hot windows of 3 characters of one sentence,
    # Adam, categorical cross-entropy, 100 epochs; generation is greedy (temperature 0).
    "As in the article": RNNConfig(),
    # A few seconds: a GRU reads 16 characters of the Zen of Python.
    "Fast demo": RNNConfig(text_source="zen", cell="GRU", units=64, sequence_length=16, epochs=15,
                           batch_size=32, learning_rate=0.01),
    # Spelling in about a minute on two cores: an LSTM over 32 characters of the fables.
    "Best accuracy": RNNConfig(text_source="fables", cell="LSTM", units=128, input_encoding="embedding",
                               embedding_dim=32, sequence_length=32, epochs=30, batch_size=64,
                               learning_rate=0.01),
}
"""Named settings for the page's preset buttons."""

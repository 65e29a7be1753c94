"""Text generation: the app's compiled step against the article's per-character ``model.predict``.

The article generates each character with ``model.predict`` on a one-hot window; the app
calls a TensorFlow graph compiled once per model (``nn_core.text_generation``). Both are
timed on the same untrained models (speed does not depend on the weights): the article's
SimpleRNN(50) on windows of 3 characters, and the "Best accuracy" preset's LSTM.
Run ``python -m benchmarks.generation`` for these rows alone.
"""

from __future__ import annotations


import numpy as np

from benchmarks.timing import median_seconds
from nn_core.rnn.config import PRESETS, RNNConfig, build_text_model
from nn_core.rnn.text import Vocabulary, sample_text
from nn_core.rnn.generation import TextGenerator

APP_CHARACTERS = 200  # the page's default length
ARTICLE_CHARACTERS = 50  # the article's loop length


def article_loop(model, vocabulary: Vocabulary, start: str, length: int) -> str:
    """The article's generation: ``model.predict`` on a one-hot window for every character."""
    sequence_length = model.input_shape[1]
    text = start
    for _ in range(length):
        window = vocabulary.encode(text[-sequence_length:])[None]  # (1, L); the model one-hot encodes it
        probabilities = model.predict(window, verbose=0)
        text += vocabulary.characters[int(np.argmax(probabilities))]
    return text


def generation_speedup(repeats: int = 3) -> tuple[float, list[list[str]]]:
    """Per-character speedup of the app's generation over the article's loop.

    Args:
        repeats: timed repeats of each (the median is kept).

    Returns:
        (smallest speedup over the models, table rows [name, app, baseline, ratio]).
    """
    rows, speedups = [], []
    for name, config, sample in (("article SimpleRNN 50, L=3", RNNConfig(), "tiny"),
                                 ("LSTM 128, L=32 (Best accuracy)", PRESETS["Best accuracy"], "fables")):
        text = sample_text(sample)
        vocabulary = Vocabulary.of(text)
        model = build_text_model(config, vocabulary.size)
        generator = TextGenerator(model, vocabulary)
        start = text[: config.sequence_length]
        app = median_seconds(lambda: generator.generate(start, APP_CHARACTERS), repeats)
        article = median_seconds(lambda: article_loop(model, vocabulary, start, ARTICLE_CHARACTERS),
                                  max(1, repeats // 2))
        per_char_app, per_char_article = app / APP_CHARACTERS, article / ARTICLE_CHARACTERS
        speedups.append(per_char_article / per_char_app)
        rows.append([f"generate text, {name}",
                     f"{APP_CHARACTERS} chars {app:.2f} s ({per_char_app * 1000:.2f} ms/char)",
                     f"{ARTICLE_CHARACTERS} chars {article:.2f} s ({per_char_article * 1000:.1f} ms/char)",
                     f"{speedups[-1]:.0f}x"])
    return min(speedups), rows


if __name__ == "__main__":
    speedup, table = generation_speedup()
    for row in table:
        print("  ".join(row))
    print(f"smallest speedup: {speedup:.0f}x")

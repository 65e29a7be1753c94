"""The text generator's settings as a standalone Keras script, the article's way.

As in the seed lesson, the script one-hot encodes the windows before training (or feeds
indices to an Embedding layer), trains, and generates. Its recurrent and output layers are
read from the network the app builds (``network_code``); only the app's
in-model one-hot layer is replaced by the article's one-hot inputs. Generation calls the
model directly, one character at a time, instead of ``model.predict``.
"""

from __future__ import annotations

from functools import lru_cache

from nn_core.codegen import compile_code, model_code
from nn_core.errors import PlaygroundError
from nn_core.rnn.config import RNNConfig
from nn_core.training import steering_comment

MAX_EMBEDDED_CHARS = 20_000  # a longer text is cut in the script, as the app cuts it

TEXT_SCRIPT = '''\
"""Character-level text generator: the neural-network playground's settings as a plain Keras script.

Run it with only TensorFlow and NumPy installed: python rnn_playground.py
"""

import numpy as np
import keras

SEED = {seed}
keras.utils.set_random_seed(SEED)  # the same initial weights and window order every run

TEXT = {text}
SEQUENCE_LENGTH = {sequence_length}

# The vocabulary: every distinct character, sorted, and its index.
chars = sorted(set(TEXT))
char_to_index = {{char: index for index, char in enumerate(chars)}}
indices = np.array([char_to_index[char] for char in TEXT])

# Every window of SEQUENCE_LENGTH characters, and the character that follows it.
windows = np.stack([indices[i : i + SEQUENCE_LENGTH] for i in range(len(TEXT) - SEQUENCE_LENGTH)])
targets = keras.utils.to_categorical(indices[SEQUENCE_LENGTH:], len(chars))
n_validation = int(round(len(windows) * {validation_split}))  # held back from the end of the text
n_train = len(windows) - n_validation


def encode(batch):
    """Windows of indices as the network takes them: {encoding_comment}."""
    return {encode_body}


model = {model}
{compile}
{steering}model.fit(
    encode(windows[:n_train]),
    targets[:n_train],
    epochs={epochs},
    batch_size={batch_size},
    validation_data=(encode(windows[n_train:]), targets[n_train:]) if n_validation else None,
)


def generate(start, length, temperature=0.0):
    """Continue ``start`` by ``length`` characters; temperature 0 always takes the likeliest one."""
    rng = np.random.default_rng(SEED)
    text = "".join(char for char in start if char in char_to_index)
    for _ in range(length):
        window = [char_to_index[char] for char in text[-SEQUENCE_LENGTH:]]
        window = [window[0]] * (SEQUENCE_LENGTH - len(window)) + window  # pad a short start
        # A direct call: model.predict would set up a data pipeline for every character.
        probabilities = np.asarray(model(encode(np.array([window])), training=False))[0]
        if temperature <= 0:
            index = int(np.argmax(probabilities))
        else:
            logits = np.log(np.maximum(probabilities, 1e-12)) / temperature
            weights = np.exp(logits - logits.max())
            index = int(rng.choice(len(chars), p=weights / weights.sum()))
        text += chars[index]
    return text


print("The network writes:", generate({start}, {length}))
'''


@lru_cache(maxsize=16)
def text_script(config: RNNConfig, text: str, start: str, length: int = 200,
                changes: tuple[tuple[float, str], ...] = ()) -> str:
    """A standalone script training the config's text generator on ``text``.

    Args:
        config: the recurrent network's settings.
        text: the training text (cut to ``MAX_EMBEDDED_CHARS`` characters).
        start: the start text for the generation at the end.
        length: characters to generate.
        changes: what was changed by hand while the page's run of these settings trained
            ((epoch progress, label) events), written as comments before the training.

    Returns:
        Python source.
    """
    text = text[:MAX_EMBEDDED_CHARS]
    if len(text) < config.sequence_length + 1:
        raise PlaygroundError("the text is shorter than one window and the character after it")
    vocab_size = len(set(text))
    if config.input_encoding == "one-hot":
        encoding_comment = f"one-hot, (batch, {config.sequence_length}, {vocab_size})"
        encode_body = "keras.utils.to_categorical(batch, len(chars))"
    else:
        encoding_comment = f"indices for the Embedding layer, (batch, {config.sequence_length})"
        encode_body = "batch"
    return TEXT_SCRIPT.format(
        seed=config.seed, text=repr(text), sequence_length=config.sequence_length,
        validation_split=config.validation_split, encoding_comment=encoding_comment,
        encode_body=encode_body, model=network_code(config, vocab_size),
        compile=compile_code(config), epochs=config.epochs, batch_size=config.batch_size,
        start=repr(start), length=length, steering=steering_comment(changes),
    )


@lru_cache(maxsize=64)
def network_code(config: RNNConfig, vocab_size: int) -> str:
    """The network the config builds, as ``keras.Sequential([...])`` source.

    The app's network one-hot encodes inside itself (a layer of the project's own); the
    code takes one-hot windows as its input instead, as the article does, so that it
    runs with Keras alone.

    Args:
        config: the recurrent network's settings.
        vocab_size: characters in the vocabulary.

    Returns:
        Python source.
    """
    if config.input_encoding == "one-hot":
        first = f"keras.Input(shape=({config.sequence_length}, {vocab_size}))"
    else:
        first = f"keras.Input(shape=({config.sequence_length},), dtype='int32')"
    return model_code(config.build(vocab_size), first=first, skip=("OneHot",))

"""The Recurrent Network lesson: a character-level text generator, trained live on any text.

- ``config``: ``RNNConfig``, the network it builds, and the page's presets;
- ``text``: built-in samples, checks, the vocabulary, windows, sampling at a temperature;
- ``training``: a text made into a training job, with a sample of writing after each epoch;
- ``generation``: writing with a trained model, one compiled call per character;
- ``script``: the standalone Keras script of the settings;
- ``figures``: the network unfolded over time, next-character odds, the hidden state.
"""

from nn_core.rnn.config import PRESETS, RNNConfig

__all__ = ["PRESETS", "RNNConfig"]

"""Errors meant for people: every problem a student can cause, said in one plain sentence.

Everything the engine refuses because of what a person chose, typed, uploaded or linked
raises a subclass of ``PlaygroundError``, whose message is a sentence to show as it is.
The pages catch ``PlaygroundError`` and show it; any other exception (a ``ValueError``
from a programming mistake included) stays a failure that a test sees.

``PlaygroundError`` is a ``ValueError``, as Keras raises for bad arguments, so code that
only knows ``ValueError`` still handles it.
"""

from __future__ import annotations


class PlaygroundError(ValueError):
    """A problem a person caused and can fix; ``str(error)`` is the sentence to show."""


class SettingsError(PlaygroundError):
    """Settings that do not fit a model, alone or together."""


class LimitError(PlaygroundError):
    """A training beyond what this server allows (epochs, samples, time, saved runs)."""


class ModelFileError(PlaygroundError):
    """A model file that cannot be used here: not a model, damaged, too large, made for another page."""


class StoreError(PlaygroundError):
    """The run store cannot be read or written (database unreachable, locked or full)."""

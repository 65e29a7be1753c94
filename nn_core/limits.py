"""Limits for a shared server, from environment variables, with safe defaults.

A classroom server runs every student's training on the same few cores. These limits
keep one click from occupying it for an hour; the engine enforces them (a job beyond
them is refused with a plain sentence), and the pages cap their widgets to match.

- ``PLAYGROUND_MAX_EPOCHS``: most epochs one training may run (default 200).
- ``PLAYGROUND_MAX_SAMPLES``: most training samples one training may use (default 60,000).
- ``PLAYGROUND_MAX_TRAININGS``: trainings running at once on the server; the others wait
  in a queue (default: the number of CPU cores; read by ``nn_core.training``).
"""

from __future__ import annotations

import os


def _positive_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= 1 else default


def max_epochs() -> int:
    """Most epochs one training may run on this server."""
    return _positive_int("PLAYGROUND_MAX_EPOCHS", 200)


def max_samples() -> int:
    """Most training samples one training may use on this server."""
    return _positive_int("PLAYGROUND_MAX_SAMPLES", 60_000)


def max_trainings() -> int:
    """Trainings that may run at once on this server."""
    return _positive_int("PLAYGROUND_MAX_TRAININGS", os.cpu_count() or 1)


def check_training(epochs: int, samples: int) -> None:
    """Raise ValueError with a plain sentence when a training exceeds the server's limits."""
    if epochs > max_epochs():
        raise ValueError(f"this server allows at most {max_epochs()} epochs per training")
    if samples > max_samples():
        raise ValueError(f"this server allows at most {max_samples():,} training samples")

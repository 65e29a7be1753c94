"""Limits for a shared server, from environment variables, with safe defaults.

A classroom server runs every student's training on the same few cores and keeps every
student's runs. These limits keep one click from occupying it for an hour and one student
from filling its disk; the engine enforces them (beyond them is a ``LimitError`` with a
plain sentence), and the pages cap their widgets to match. Each is read when it is
needed, so a test can change the environment.

Trainings:

- ``PLAYGROUND_MAX_EPOCHS``: most epochs one training may run (default 200).
- ``PLAYGROUND_MAX_SAMPLES``: most training samples one training may use (default 60,000).
- ``PLAYGROUND_MAX_TRAININGS``: trainings (and t-SNE maps) running at once on the server,
  at most one per browser; the others wait in a queue where browsers take turns (default:
  the number of CPU cores; read by ``nn_core.training.slots``).
- ``PLAYGROUND_MAX_TRAINING_SECONDS``: one training is stopped after this long, keeping
  what it learned (default 1800, half an hour).
- ``PLAYGROUND_ORPHAN_SECONDS``: a training that no page has shown for this long is
  stopped, keeping what it learned (default 120: a reload or a dropped connection
  comes back well within it).
- ``PLAYGROUND_MAX_TRAINING_MB``: the memory one training may need, as estimated from its
  network and batch before it starts (default 2,000 MB; ``nn_core.estimate``).
- ``PLAYGROUND_PAUSED_SLOT_SECONDS``: a paused training gives its slot to the next one
  waiting after this long, and queues for one again when it resumes (default 30).

Saved runs (``nn_core.store``):

- ``PLAYGROUND_MAX_RUNS_PER_USER``: runs kept per browser (default 200).
- ``PLAYGROUND_MAX_MB_PER_USER``: megabytes of model files kept per browser (default 500).
- ``PLAYGROUND_MAX_TOTAL_MB``: megabytes of model files kept for everyone (default 20,000).
- ``PLAYGROUND_RUN_DAYS``: runs older than this are deleted (default 90).
- ``PLAYGROUND_IDLE_MODEL_SECONDS``: a saved run's model leaves memory after this long
  unseen, to be read back from disk when it is shown again (default 300).
- ``PLAYGROUND_CHECKPOINT_SECONDS``: a training is also saved this often while it runs, so
  that a server killed without warning loses at most this much of it (default 30).
"""

from __future__ import annotations

import os

from nn_core.errors import LimitError


def _positive(name: str, default: float, kind: type = int) -> float:
    try:
        value = kind(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def max_epochs() -> int:
    """Most epochs one training may run on this server."""
    return int(_positive("PLAYGROUND_MAX_EPOCHS", 200))


def max_samples() -> int:
    """Most training samples one training may use on this server."""
    return int(_positive("PLAYGROUND_MAX_SAMPLES", 60_000))


def max_trainings() -> int:
    """Trainings that may run at once on this server."""
    return int(_positive("PLAYGROUND_MAX_TRAININGS", os.cpu_count() or 1))


def max_training_seconds() -> float:
    """Seconds one training may take before it is stopped (its model kept)."""
    return float(_positive("PLAYGROUND_MAX_TRAINING_SECONDS", 1800, float))


def max_training_bytes() -> int:
    """Bytes of memory one training may need."""
    return int(_positive("PLAYGROUND_MAX_TRAINING_MB", 2_000, float) * 1_000_000)


def orphan_seconds() -> float:
    """Seconds a training may go on with no page showing it."""
    return float(_positive("PLAYGROUND_ORPHAN_SECONDS", 120, float))


def paused_slot_seconds() -> float:
    """Seconds a paused training keeps its slot before giving it to a training that waits."""
    return float(_positive("PLAYGROUND_PAUSED_SLOT_SECONDS", 30, float))


def idle_model_seconds() -> float:
    """Seconds a saved run's model stays in memory unseen."""
    return float(_positive("PLAYGROUND_IDLE_MODEL_SECONDS", 300, float))


def checkpoint_seconds() -> float:
    """Seconds between two saves of a training while it runs."""
    return float(_positive("PLAYGROUND_CHECKPOINT_SECONDS", 30, float))


def max_runs_per_user() -> int:
    """Saved runs kept per browser."""
    return int(_positive("PLAYGROUND_MAX_RUNS_PER_USER", 200))


def max_bytes_per_user() -> int:
    """Bytes of saved model files kept per browser."""
    return int(_positive("PLAYGROUND_MAX_MB_PER_USER", 500, float) * 1_000_000)


def max_total_bytes() -> int:
    """Bytes of saved model files kept for everyone."""
    return int(_positive("PLAYGROUND_MAX_TOTAL_MB", 20_000, float) * 1_000_000)


def run_days() -> float:
    """Days a saved run is kept."""
    return float(_positive("PLAYGROUND_RUN_DAYS", 90, float))


def describe_seconds(seconds: float) -> str:
    """A duration in words: "45 seconds", "2 minutes", "1 hour 30 minutes"."""
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hour{'s' if hours != 1 else ''}" + (f" {minutes} minutes" if minutes else "")


def check_training(epochs: int, samples: int) -> None:
    """Raise ``LimitError`` with a plain sentence when a training exceeds the server's limits."""
    if epochs > max_epochs():
        raise LimitError(f"this server allows at most {max_epochs()} epochs per training")
    if samples > max_samples():
        raise LimitError(f"this server allows at most {max_samples():,} training samples")

"""A training run as it is kept, and what comparing runs needs.

``Run`` is one training run's record: who trained it, on which lesson, with which
settings, how it went (status, per-epoch curves, test results, what its callbacks kept),
and where it stands in its owner's list ("Run 3"). The run store writes it to a database
(``nn_core.store``); the run registry holds the live ones (``nn_core.registry``).

``differing_settings`` finds the settings that are not the same in every run, which is
what a comparison table needs to show; ``comparison_rows`` builds that table. Nothing
here knows which model a config describes: any object with ``to_query()`` (every
``TrainingConfig``), any dataclass, or a plain mapping works.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nn_core.training import Snapshot, Status

RUN_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
"""What a run id looks like; anything else is refused before the database is asked."""


def new_run_id() -> str:
    """A new run id: 128 random bits, so that a link to a run cannot be guessed."""
    return secrets.token_urlsafe(16)


def settings_of(config: Any) -> dict[str, str]:
    """A config's settings as name -> string, whatever kind of object it is.

    Args:
        config: a ``TrainingConfig`` (uses ``to_query``), another dataclass, or a mapping.

    Returns:
        The settings as strings, so that values of any type compare and print alike.
    """
    if hasattr(config, "to_query"):
        return dict(config.to_query())
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return {item.name: str(getattr(config, item.name)) for item in dataclasses.fields(config)}
    if isinstance(config, Mapping):
        return {str(name): str(value) for name, value in config.items()}
    raise ValueError(f"cannot read settings from a {type(config).__name__}")


@dataclass
class Run:
    """One training run.

    Attributes:
        id: unguessable; a link to the run carries it.
        owner: the browser identity that trained it.
        lesson: the lesson's slug.
        number: its place in its owner's runs of the lesson, from 1 ("Run 3").
        config: the settings it was trained with.
        created: when Train was pressed (seconds since the epoch).
        status: how it ended, or where it is (a ``Status`` value).
        history: metric name -> one value per complete epoch ("learning_rate": the rate in force at its end).
        results: e.g. {"test_accuracy": 0.96, "test_loss": 0.13}.
        extras: what the lesson's callbacks kept after each epoch (samples, early stopping).
        batch_curve: (epoch progress, running loss, running accuracy) within epochs.
        seconds: training time.
        total_epochs: epochs planned.
        first_epoch: epochs its model had before it (a continued training).
        partial_batches: batches of an epoch a stop interrupted (not counted as an epoch).
        steps_per_epoch: batches in one epoch.
        message: what the page says about how it ended.
        notes: what its model file carries besides weights (a text model's vocabulary).
        drawing: the last drawing made on its canvas (the canvas's own JSON), if any.
        parent: the run whose model it continued, if any.
        model_bytes: size of its saved model file (0 before it is saved, or without one).
        events: (epoch progress, label) of what was changed by hand while it trained ("lr 0.01").
        probes: what its probe callbacks measured, by name (a drawn digit's probabilities per epoch).
    """

    id: str
    owner: str
    lesson: str
    number: int
    config: Any
    created: float = field(default_factory=time.time)
    status: str = Status.WAITING
    history: dict[str, list[float]] = field(default_factory=dict)
    results: dict[str, float] = field(default_factory=dict)
    extras: list[dict[str, Any]] = field(default_factory=list)
    batch_curve: list[tuple[float, float, float]] = field(default_factory=list)
    seconds: float = 0.0
    total_epochs: int = 0
    first_epoch: int = 0
    partial_batches: int = 0
    steps_per_epoch: int = 1
    message: str = ""
    notes: dict[str, Any] = field(default_factory=dict)
    drawing: dict[str, Any] | None = None
    parent: str | None = None
    model_bytes: int = 0
    events: list[tuple[float, str]] = field(default_factory=list)
    probes: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """E.g. "Run 3"."""
        return f"Run {self.number}"

    @property
    def settings(self) -> dict[str, str]:
        """The run's settings as strings."""
        return settings_of(self.config)

    @property
    def epochs_done(self) -> int:
        """Complete epochs (a stopped run may have fewer than planned)."""
        return max((len(values) for values in self.history.values()), default=0)

    def update(self, snapshot: Snapshot) -> None:
        """Copy how the run went from its job's snapshot."""
        self.status = str(snapshot.status)
        self.history = {name: list(values) for name, values in snapshot.history.items()}
        self.results = dict(snapshot.results)
        self.extras = list(snapshot.extras)
        self.batch_curve = [tuple(point) for point in snapshot.batch_curve]
        self.seconds = float(snapshot.elapsed)
        self.total_epochs = snapshot.total_epochs
        self.first_epoch = snapshot.first_epoch
        self.partial_batches = snapshot.partial_batches
        self.steps_per_epoch = snapshot.steps_per_epoch
        self.message = snapshot.message
        self.events = [tuple(event) for event in snapshot.events]
        self.probes = {name: list(values) for name, values in snapshot.probes.items()}

    def snapshot(self) -> Snapshot:
        """The run's record as the page draws a job: a finished job's snapshot."""
        status = Status(self.status)
        return Snapshot(
            status=status, epoch=self.epochs_done, total_epochs=self.total_epochs,
            batch=self.partial_batches, steps_per_epoch=self.steps_per_epoch, elapsed=self.seconds,
            waiting_ahead=0, history={name: list(values) for name, values in self.history.items()},
            batch_curve=list(self.batch_curve), extras=list(self.extras), results=dict(self.results),
            message=self.message, first_epoch=self.first_epoch,
            events=[(float(progress), str(label)) for progress, label in self.events],
            probes={name: list(values) for name, values in self.probes.items()},
            learning_rate=_last_rate(self.history),
        )


def _last_rate(history: Mapping[str, Sequence[float]]) -> float | None:
    """The learning rate in force at a run's last epoch, when its history kept it."""
    rates = [rate for rate in history.get("learning_rate", []) if rate == rate]  # NaN is unknown
    return float(rates[-1]) if rates else None


def differing_settings(configs: Sequence[Any]) -> list[str]:
    """The settings whose values are not the same in all ``configs``.

    A setting missing from some configs (runs of different models) counts as differing.

    Args:
        configs: any configs ``settings_of`` reads.

    Returns:
        Setting names in the order they first appear; empty for fewer than two configs.
    """
    if len(configs) < 2:
        return []
    all_settings = [settings_of(config) for config in configs]
    names = list(dict.fromkeys(name for settings in all_settings for name in settings))
    return [name for name in names if len({settings.get(name) for settings in all_settings}) > 1]


def comparison_rows(runs: Sequence[Run], extra: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One table row per run: name, outcome, test accuracy and the settings that differ.

    Args:
        runs: the runs to compare.
        extra: setting names to show even when all runs agree on them.

    Returns:
        Rows as dicts, in the order of ``runs``; a setting a run lacks is "".
    """
    shown = list(dict.fromkeys([*differing_settings([run.config for run in runs]), *extra]))
    rows = []
    for run in runs:
        settings = run.settings
        # A text generator has no test set: its final training accuracy stands in.
        label, accuracy = "test accuracy", run.results.get("test_accuracy")
        if accuracy is None and "train_accuracy" in run.results:
            label, accuracy = "training accuracy", run.results["train_accuracy"]
        row: dict[str, Any] = {
            "run": run.name,
            label: None if accuracy is None else round(100 * float(accuracy), 1),
            "epochs done": run.epochs_done,
            "seconds": round(run.seconds, 1),
            "outcome": run.status,
        }
        for name in shown:
            row[name] = settings.get(name, "")
        rows.append(row)
    return rows

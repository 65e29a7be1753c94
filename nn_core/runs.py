"""A bounded history of training runs, to compare what a change of settings did.

``RunHistory`` keeps the latest runs of one page (the oldest is dropped when it is full),
each a ``Run`` with a name, its config, its per-epoch curves and its results.
``differing_settings`` finds the settings that are not the same in every run, which is
what a comparison table needs to show. Nothing here knows which model a config
describes: any object with ``to_query()`` (every ``TrainingConfig``), any dataclass, or a
plain mapping works.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_CAPACITY = 8


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


@dataclass(frozen=True)
class Run:
    """One finished training run.

    Attributes:
        name: unique within its history, e.g. "Run 3".
        config: the settings it was trained with.
        history: metric name -> one value per completed epoch.
        results: e.g. {"test_accuracy": 0.96, "test_loss": 0.13}.
        status: how it ended: finished, stopped or diverged.
        seconds: training time.
    """

    name: str
    config: Any
    history: Mapping[str, Sequence[float]]
    results: Mapping[str, float] = field(default_factory=dict)
    status: str = "finished"
    seconds: float = 0.0

    @property
    def settings(self) -> dict[str, str]:
        """The run's settings as strings."""
        return settings_of(self.config)

    @property
    def epochs_done(self) -> int:
        """Epochs completed (a stopped run may have fewer than planned)."""
        return max((len(values) for values in self.history.values()), default=0)


class RunHistory:
    """The latest runs, oldest first, at most ``capacity`` of them.

    Args:
        capacity: how many runs to keep; adding one more drops the oldest.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._runs: deque[Run] = deque(maxlen=capacity)
        self._numbers = itertools.count(1)  # names are never reused, even after a drop

    def add(
        self,
        config: Any,
        history: Mapping[str, Sequence[float]],
        results: Mapping[str, float] | None = None,
        status: str = "finished",
        seconds: float = 0.0,
    ) -> Run:
        """Record a run under the next free name ("Run 1", "Run 2", ...).

        Args:
            config: its settings.
            history: its per-epoch curves (copied).
            results: its final numbers (copied).
            status: how it ended.
            seconds: how long it trained.

        Returns:
            The new ``Run``; when the history was full, the oldest run is gone.
        """
        run = Run(
            name=f"Run {next(self._numbers)}",
            config=config,
            history={name: [float(value) for value in values] for name, values in history.items()},
            results=dict(results or {}),
            status=status,
            seconds=float(seconds),
        )
        self._runs.append(run)
        return run

    def __len__(self) -> int:
        return len(self._runs)

    def __iter__(self) -> Iterator[Run]:
        return iter(list(self._runs))

    def __getitem__(self, name: str) -> Run:
        for run in self._runs:
            if run.name == name:
                return run
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        """The runs' names, oldest first."""
        return [run.name for run in self._runs]

    def clear(self) -> None:
        """Forget every run (numbering goes on, so names stay unique)."""
        self._runs.clear()


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

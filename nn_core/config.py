"""Settings of a model as a frozen dataclass, checked, and turned to and from plain strings.

Every model's settings are one frozen dataclass (``PerceptronConfig``, ``MLPConfig``, ...)
built from ``TrainingConfig``. Each field says in its metadata what it may hold (a range
or a list of choices) and a one-line help text; from that single description come:

- validation: a config that cannot train raises ``SettingsError`` (a plain sentence) when
  it is made;
- the query string: ``to_query`` / ``from_query`` turn a config into ``dict[str, str]``
  and back, for links that reproduce a setting (a URL is user input, so unknown or
  invalid values fall back to the defaults, with a warning for each);
- the widgets: the pages read the same metadata to draw their controls.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from nn_core.errors import SettingsError
from nn_core.architecture import ANY_PAGE, NetworkLimits

OPTIMIZERS = ("adam", "sgd", "rmsprop")
"""Optimizer names; ``nn_core.networks.make_optimizer`` maps them to Keras classes."""

C = TypeVar("C", bound="TrainingConfig")


def choice(default: Any, options: typing.Iterable[Any], help: str, **extra: Any) -> Any:
    """A field that takes one of ``options`` (for a tuple field: each item does)."""
    return field(default=default, metadata={"choices": tuple(options), "help": help, **extra})


def number(default: Any, low: float, high: float, help: str, **extra: Any) -> Any:
    """A numeric field in ``[low, high]`` (for a tuple field: each item is)."""
    return field(default=default, metadata={"min": low, "max": high, "help": help, **extra})


def flag(default: bool, help: str, **extra: Any) -> Any:
    """A yes/no field."""
    return field(default=default, metadata={"help": help, **extra})


def text(default: str, help: str, max_length: int, **extra: Any) -> Any:
    """A free-text field of at most ``max_length`` characters."""
    return field(default=default, metadata={"help": help, "max_length": max_length, **extra})


@dataclass(frozen=True)
class TrainingConfig:
    """What every model shares: how it is trained. Subclasses add the architecture."""

    # Class-level facts about a model, not settings a user changes.
    loss: ClassVar[str] = "sparse_categorical_crossentropy"
    # The largest network the page's settings can make: an uploaded model may be no larger.
    network_limits: ClassVar[NetworkLimits] = ANY_PAGE

    optimizer: str = choice("adam", OPTIMIZERS, "How the weights are updated from the gradients.")
    learning_rate: float = number(
        0.001, 1e-5, 10.0, "Size of each update step: too small learns slowly, too large diverges."
    )
    epochs: int = number(5, 1, 200, "How many times training goes through all the training digits.")
    batch_size: int = number(
        32, 1, 10_000, "Digits per weight update: larger is faster per epoch but updates less often."
    )
    train_samples: int = number(
        8_000, 10, 60_000, "How many training digits to use: fewer trains faster, learns less."
    )
    validation_split: float = number(
        0.1, 0.0, 0.5, "Share of the training digits held back to watch for overfitting."
    )
    seed: int = number(
        0, 0, 2**31 - 1, "Fixes the initial weights and the order of the digits, so a run repeats."
    )

    def __post_init__(self) -> None:
        hints = self._hints()
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            # Accept 1 for 1.0 and a list for a tuple, stored in the field's own type.
            item_type, is_tuple = _base_type(hints[item.name])
            if is_tuple and isinstance(value, list):
                value = tuple(value)
            if item_type is float and not is_tuple and type(value) is int:
                value = float(value)
            object.__setattr__(self, item.name, value)
            _check(item, value, hints[item.name])

    @classmethod
    def _hints(cls) -> dict[str, Any]:
        return typing.get_type_hints(cls)

    @classmethod
    def most(cls, name: str) -> Any:
        """The largest value a numeric field takes, e.g. ``MLPConfig.most("hidden_units")`` -> 2048."""
        return cls.__dataclass_fields__[name].metadata["max"]

    def to_query(self) -> dict[str, str]:
        """The settings as strings, e.g. for a URL's query string."""
        return {item.name: _format(getattr(self, item.name)) for item in dataclasses.fields(self)}

    @classmethod
    def from_query(cls: type[C], params: typing.Mapping[str, Any]) -> tuple[C, list[str]]:
        """Settings from strings; what is missing keeps its default, what is bad too.

        Args:
            params: field names to strings (unknown names are ignored with a warning).

        Returns:
            (config, warnings): the config and one plain sentence per value not used.
        """
        values: dict[str, Any] = {}
        warnings: list[str] = []
        hints = cls._hints()
        fields = {item.name: item for item in dataclasses.fields(cls)}
        for name, raw in params.items():
            if name not in fields:
                continue  # other pages' or Streamlit's own parameters are not ours
            item = fields[name]
            try:
                value = _parse(str(raw), hints[name])
                _check(item, value, hints[name])
            except SettingsError as error:
                warnings.append(f"Ignored {name}={str(raw)[:40]!r} ({error}); using the default.")
                continue
            values[name] = value
        try:
            return cls(**values), warnings
        except SettingsError as error:  # each value fine alone, not together
            return cls(), warnings + [f"Ignored the link's settings ({error}); using the defaults."]

    def changed(self, **changes: Any) -> C:
        """A copy with some fields changed (checked like any new config)."""
        return dataclasses.replace(self, **changes)  # type: ignore[return-value]

    def differences(self, other: TrainingConfig) -> dict[str, tuple[Any, Any]]:
        """Fields whose values differ: name -> (this value, other value)."""
        mine, theirs = self.to_query(), other.to_query()
        return {
            name: (mine.get(name), theirs.get(name))
            for name in sorted(set(mine) | set(theirs))
            if mine.get(name) != theirs.get(name)
        }


def field_help(config_class: type, name: str) -> str:
    """The one-line help text of a field."""
    return {item.name: item for item in dataclasses.fields(config_class)}[name].metadata.get("help", "")


def _base_type(hint: Any) -> tuple[type, bool]:
    """(item type, is_tuple) for int, float, bool, str and tuple[X, ...]."""
    if typing.get_origin(hint) is tuple:
        return typing.get_args(hint)[0], True
    return hint, False


def _parse(raw: str, hint: Any) -> Any:
    item_type, is_tuple = _base_type(hint)
    if is_tuple:
        # An empty list is a value like any other (no hidden layers); the field's length rule decides.
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        return tuple(_parse_one(part, item_type) for part in parts)
    return _parse_one(raw.strip(), item_type)


def _parse_one(raw: str, item_type: type) -> Any:
    if item_type is bool:
        lowered = raw.lower()
        if lowered in {"true", "1", "yes", "on"}:
            return True
        if lowered in {"false", "0", "no", "off"}:
            return False
        raise SettingsError("not true or false")
    if item_type is int:
        try:
            return int(raw)
        except ValueError:
            raise SettingsError("not a whole number") from None
    if item_type is float:
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError("not a number") from None
        return value
    return raw


def _format(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join(_format(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _check(item: dataclasses.Field, value: Any, hint: Any) -> None:
    """Raise ``SettingsError`` with a plain sentence when ``value`` does not fit the field."""
    item_type, is_tuple = _base_type(hint)
    meta = item.metadata
    values = value if is_tuple else (value,)
    if is_tuple:
        if not isinstance(value, tuple):
            raise SettingsError(f"{item.name} must be a tuple, got {value!r}")
        low_len, high_len = meta.get("length", (1, 64))
        if not low_len <= len(value) <= high_len:
            raise SettingsError(f"{item.name} must have {low_len} to {high_len} items")
    for single in values:
        if item_type is float and isinstance(single, int) and not isinstance(single, bool):
            single = float(single)
        if item_type is bool:
            ok = isinstance(single, bool)
        elif item_type is int:
            ok = isinstance(single, int) and not isinstance(single, bool)
        else:
            ok = isinstance(single, item_type)
        if not ok:
            raise SettingsError(f"{item.name} must be {item_type.__name__}, got {single!r}")
        if item_type is float and not math.isfinite(single):
            raise SettingsError(f"{item.name} must be a finite number")
        if "choices" in meta and single not in meta["choices"]:
            options = ", ".join(map(str, meta["choices"]))
            raise SettingsError(f"{item.name} must be one of {options}")
        if "min" in meta and not meta["min"] <= single <= meta["max"]:
            raise SettingsError(f"{item.name} must be between {meta['min']} and {meta['max']}")
        if "max_length" in meta and len(single) > meta["max_length"]:
            raise SettingsError(f"{item.name} must be at most {meta['max_length']} characters")

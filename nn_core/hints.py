"""Hints that fix: plain-language advice read from a training as it runs, each with a one-click fix.

Each rule looks at a training's ``Snapshot`` (its status, its per-epoch history, its running
curve, and the hidden units its probes measured on the validation digits) and the settings
it was trained with. When it sees its problem it returns a ``Hint``: what it sees, why that
happens, and the settings that would fix it (``fix``: field name -> new value), which a page
applies to its settings in one click. The rules are pure functions of what they are given,
so each is tested on a made-up training that shows its problem and on one that does not:

- ``too_high``: the loss blew up or climbs: the learning rate is too high;
- ``barely_moves``: the loss hardly moved: the learning rate is too low, or too few updates;
- ``few_updates``: the whole training made too few weight updates to learn much;
- ``overfitting``: training and validation part ways;
- ``dead_relu``: many ReLU units output 0 for every validation digit;
- ``saturated``: many sigmoid or tanh units are stuck at their flat ends;
- ``chance``: validation accuracy no better than guessing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nn_core.training import Snapshot, Status

TYPICAL_RATES = {"adam": 0.001, "rmsprop": 0.001, "sgd": 0.01}
"""A learning rate each optimizer usually trains well with (Keras' defaults; SGD with momentum)."""
RATES = tuple(sorted(float(f"{base}e{power}") for power in range(-5, 2) for base in (1, 3)))[:-1]
"""The learning rates a fix chooses from: 1e-05, 3e-05, ... 3, 10, as the settings' slider offers them."""
FEW_UPDATES = 200  # fewer weight updates than this leave a network half-trained
BARELY_MOVED = 0.1  # a loss that fell by less than this share of where it started barely moved
LEARNED = 0.5  # an accuracy above this has learned something, however slowly
OVERFIT_GAP = 0.05  # training accuracy this far above validation accuracy
OVERFIT_RISE = 1.1  # validation loss this many times its lowest, for two epochs or more
MANY_UNITS = 0.5  # share of hidden units dead or saturated that deserves a hint
CHANCE_MARGIN = 0.05  # validation accuracy within this of 1 / classes is chance


@dataclass(frozen=True)
class Hint:
    """One piece of advice: what is wrong, why, and which settings fix it.

    Attributes:
        name: which rule (stable, for keys and tests), e.g. "too_high".
        title: a few words, e.g. "The learning rate is too high".
        reason: why, in a few plain sentences.
        fix: setting name -> the value that fixes it (empty when no setting does).
    """

    name: str
    title: str
    reason: str
    fix: dict[str, Any] = field(default_factory=dict)


def _finite(values: Sequence[float]) -> list[float]:
    return [float(value) for value in values if value is not None and math.isfinite(value)]


def _accuracy(snapshot: Snapshot) -> float | None:
    """The latest validation accuracy, or training accuracy when there is no validation."""
    for name in ("val_accuracy", "accuracy"):
        values = _finite(snapshot.history.get(name, []))
        if values:
            return values[-1]
    return None


def _updates(snapshot: Snapshot) -> int:
    return snapshot.epoch * snapshot.steps_per_epoch + snapshot.batch


def _rate_at_most(rate: float) -> float:
    """The largest rate of ``RATES`` not above ``rate`` (the smallest one for anything below it)."""
    return max([choice for choice in RATES if choice <= rate * 1.0001], default=RATES[0])


def lower_rate(config: Any) -> float:
    """A learning rate safe to try after one that blew up: a tenth of it at most, near the optimizer's usual."""
    typical = TYPICAL_RATES.get(getattr(config, "optimizer", ""), 0.001)
    return _rate_at_most(min(config.learning_rate / 10, 3 * typical))


def higher_rate(config: Any) -> float:
    """A learning rate to try after one that barely moved: the optimizer's usual, or three times the current."""
    typical = TYPICAL_RATES.get(getattr(config, "optimizer", ""), 0.001)
    return typical if config.learning_rate <= typical / 3 else _rate_at_most(config.learning_rate * 3)


def _activation_fix(config: Any, old: tuple[str, ...], new: str) -> dict[str, Any]:
    """Hidden activations ``old`` replaced by ``new``, in whichever field the config keeps them."""
    if isinstance(getattr(config, "activations", None), tuple):
        return {"activations": tuple(new if name in old else name for name in config.activations)}
    if getattr(config, "activation", None) in old:
        return {"activation": new}
    return {}


def too_high(snapshot: Snapshot, config: Any) -> Hint | None:
    """The loss blew up (the run diverged), or climbs epoch after epoch, or is no longer a number."""
    losses = _finite(snapshot.history.get("loss", []))
    latest = snapshot.batch_curve[-1][1] if snapshot.batch_curve else 0.0
    climbing = len(losses) >= 2 and losses[-1] > 1.5 * min(losses)
    if snapshot.status != Status.DIVERGED and not climbing and math.isfinite(latest):
        return None
    rate = lower_rate(config)
    return Hint("too_high", "The learning rate is too high", (
        f"The loss {'blew up' if snapshot.status == Status.DIVERGED else 'climbs instead of falling'}. Each update "
        f"moves the weights by the learning rate ({config.learning_rate:g}) times the gradient; with steps that large "
        f"they overshoot the valley and land higher on the other side, again and again. Try {rate:g}."),
        {"learning_rate": rate})


def barely_moves(snapshot: Snapshot, config: Any) -> Hint | None:
    """After a whole epoch the loss has hardly fallen and accuracy is low."""
    losses = _finite(snapshot.history.get("loss", []))
    accuracy = _accuracy(snapshot)
    if not losses or accuracy is None or accuracy >= LEARNED or snapshot.status == Status.DIVERGED:
        return None
    start = max(snapshot.batch_curve[0][1] if snapshot.batch_curve else losses[0], losses[0])
    if not math.isfinite(start) or start <= 0 or (start - losses[-1]) / start >= BARELY_MOVED:
        return None
    if _updates(snapshot) < FEW_UPDATES:
        return _fewer_per_batch(snapshot, config, "The loss has hardly moved")
    rate = higher_rate(config)
    return Hint("barely_moves", "The loss barely moves: the learning rate is too low", (
        f"After {_updates(snapshot):,} weight updates the loss is within {BARELY_MOVED:.0%} of where it started and "
        f"accuracy is {accuracy:.0%}. Each step moves the weights by the learning rate ({config.learning_rate:g}) "
        f"times the gradient: steps this small take a very long time to get anywhere. Try {rate:g}."),
        {"learning_rate": rate})


def few_updates(snapshot: Snapshot, config: Any) -> Hint | None:
    """The training is over after fewer than ``FEW_UPDATES`` weight updates, and it shows."""
    accuracy = _accuracy(snapshot)
    if not snapshot.done or snapshot.status == Status.DIVERGED or snapshot.epoch == 0 or accuracy is None \
            or accuracy >= 0.85:
        return None
    if _updates(snapshot) >= FEW_UPDATES:
        return None
    return _fewer_per_batch(snapshot, config, f"Accuracy ends at {accuracy:.0%}")


def _fewer_per_batch(snapshot: Snapshot, config: Any, seen: str) -> Hint:
    """Smaller batches (more updates an epoch), or more epochs when batches are small already."""
    samples = snapshot.steps_per_epoch * config.batch_size  # about the training samples
    batch = 2 ** int(math.log2(max(1, samples * config.epochs / 500)))
    fix = {"batch_size": max(16, batch)} if batch < config.batch_size else {"epochs": min(200, config.epochs * 3)}
    change = (f"batches of {fix['batch_size']}" if "batch_size" in fix else f"{fix['epochs']} epochs")
    return Hint("few_updates", "Too few weight updates", (
        f"{seen} after only {_updates(snapshot):,} weight updates: one per batch of {config.batch_size:,}, "
        f"{snapshot.steps_per_epoch:,} an epoch. Each update is one small step downhill, so the network stops long "
        f"before it has learned. Try {change}."), fix)


def overfitting(snapshot: Snapshot, config: Any) -> Hint | None:
    """Training accuracy pulls away from validation accuracy while the validation loss climbs back up."""
    accuracy = _finite(snapshot.history.get("accuracy", []))
    validation = _finite(snapshot.history.get("val_accuracy", []))
    val_loss = _finite(snapshot.history.get("val_loss", []))
    if min(len(accuracy), len(validation), len(val_loss)) < 3:
        return None
    best = val_loss.index(min(val_loss))
    gap = accuracy[-1] - validation[-1]
    if gap < OVERFIT_GAP or best > len(val_loss) - 3 or val_loss[-1] < OVERFIT_RISE * val_loss[best]:
        return None
    fix: dict[str, Any] = {}
    if getattr(config, "dropout_rate", 1.0) < 0.5:
        fix["dropout_rate"] = round(min(0.5, config.dropout_rate + 0.2), 2)
    if getattr(config, "early_stopping", True) is False:
        fix["early_stopping"] = True
    if not fix and getattr(config, "l2", 1.0) == 0.0:
        fix["l2"] = 1e-4
    if not fix and getattr(config, "train_samples", 60_000) < 60_000:
        fix["train_samples"] = min(60_000, config.train_samples * 2)
    return Hint("overfitting", "Training and validation part ways: overfitting", (
        f"Training accuracy is {gap:.0%} above validation accuracy, and the validation loss has risen since epoch "
        f"{snapshot.first_epoch + best + 1}: the network is memorising its training examples instead of learning "
        "what they share. Dropout, L2 weight decay, early stopping (keeping the best epoch) and more data all push "
        "back."), fix)


def _activity(snapshot: Snapshot) -> dict[str, float]:
    measured = snapshot.probes.get("activity") or [{}]
    return measured[-1]


def dead_relu(snapshot: Snapshot, config: Any) -> Hint | None:
    """Many ReLU units output 0 for every validation digit: they no longer learn."""
    activity = _activity(snapshot)
    if activity.get("relu_units", 0) < 8 or activity.get("dead_relu_share", 0.0) < MANY_UNITS:
        return None
    typical = TYPICAL_RATES.get(getattr(config, "optimizer", ""), 0.001)
    fix = ({"learning_rate": lower_rate(config)} if config.learning_rate > 1.5 * typical
           else _activation_fix(config, ("relu",), "elu"))
    return Hint("dead_relu", "Many ReLU units are dead", (
        f"{activity['dead_relu_share']:.0%} of the hidden ReLU units ({int(activity['dead_relu_units'])} of "
        f"{int(activity['relu_units'])}) output 0 for every validation digit. A ReLU passes nothing below 0, and then "
        "no gradient either, so a unit pushed there by a large update never comes back. A smaller learning rate "
        "keeps them alive; ELU, which bends below 0 instead of cutting it off, cannot die."), fix)


def saturated(snapshot: Snapshot, config: Any) -> Hint | None:
    """Many sigmoid or tanh units sit at their flat ends for almost every validation digit."""
    activity = _activity(snapshot)
    if activity.get("squashing_units", 0) < 8 or activity.get("saturated_share", 0.0) < MANY_UNITS:
        return None
    return Hint("saturated", "Sigmoid units are saturated", (
        f"{activity['saturated_share']:.0%} of the hidden sigmoid or tanh units are stuck near their lowest or "
        "highest output for almost every validation digit. There the curve is flat, its slope nearly 0, so almost "
        "no gradient passes back through them and the layers below stop learning. ReLU does not flatten out for "
        "positive inputs."), _activation_fix(config, ("sigmoid", "tanh"), "relu"))


def chance(snapshot: Snapshot, config: Any, classes: int | None) -> Hint | None:
    """Validation accuracy after two epochs or more is no better than guessing among ``classes``."""
    validation = _finite(snapshot.history.get("val_accuracy", []))
    if not classes or len(validation) < 2 or validation[-1] > 1 / classes + CHANCE_MARGIN:
        return None
    usual = {"optimizer": "adam", "learning_rate": TYPICAL_RATES["adam"]}
    if all(getattr(config, name, value) == value for name, value in usual.items()):
        usual = {"epochs": min(200, config.epochs * 3)}
    return Hint("chance", "Validation accuracy is at chance", (
        f"The network gets {validation[-1]:.0%} of the validation examples right: about what guessing among "
        f"{classes} answers gets ({1 / classes:.0%}). Whatever it learned does not carry over to examples it has "
        "not seen. Adam at 0.001 is a setting that learns on almost any of these networks."), usual)


RULES: tuple[Callable[[Snapshot, Any], Hint | None], ...] = (
    too_high, barely_moves, few_updates, overfitting, dead_relu, saturated)
"""The rules that need only the snapshot and the settings, in the order their hints are shown."""


def hints(snapshot: Snapshot | None, config: Any, classes: int | None = None) -> list[Hint]:
    """Every hint the rules find in a training, most urgent first, one per problem.

    Args:
        snapshot: the training as it is now (or as it ended); None gives no hints.
        config: the settings it trained with (any ``TrainingConfig``).
        classes: how many answers the network chooses among (10 digits, a text's characters), for ``chance``.

    Returns:
        The hints; a cause already told (a learning rate too high) hides its symptoms (accuracy at chance).
    """
    if snapshot is None or snapshot.status == Status.FAILED:
        return []
    found: dict[str, Hint] = {}
    for rule in RULES:
        hint = rule(snapshot, config)
        if hint is not None and hint.name not in found:
            found[hint.name] = hint
    if not found.keys() & {"too_high", "barely_moves", "few_updates"}:
        hint = chance(snapshot, config, classes)
        if hint is not None:
            found[hint.name] = hint
    return list(found.values())

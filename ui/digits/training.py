"""The train block's ``Trainer`` for a digit lesson: its script, its job, its uploads, your digit while it learns.

Every digit training gets a ``DigitWatch``: the digit on the page's canvas (drawn before
Train, or while it trains) is read again after every epoch, and the live console draws
its ten probabilities over the epochs. A lesson may add a picture of the digit redrawn
every epoch (``EpochPicture``: the CNN's feature maps).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from nn_core.config import TrainingConfig
from nn_core.digits.data import MnistData
from nn_core.digits.job import digit_job, split_sizes
from nn_core.digits.script import digit_script
from nn_core.digits.watch import DigitWatch, watch_of
from nn_core.estimate import Workload, workload
from nn_core.figures.curves import digit_over_epochs
from nn_core.lessons import lesson
from nn_core.registry import LiveRun
from nn_core.training import Snapshot, TrainingJob
from ui.charts import show
from ui.state import PageState
from ui.train_block import Continued, Plan, Trainer


@dataclass
class EpochPicture:
    """A picture of the drawn digit a lesson redraws in the live console after every epoch."""

    compute: Callable[[Any, np.ndarray], Any]  # (model, 28x28 digit) -> what to draw; on the training's thread
    draw: Callable[[int, Any], None]  # (epoch, what compute gave) -> draws it


def digit_trainer(state: PageState, config: TrainingConfig, data: MnistData, title: str, first_hint: str,
                  make_job: Callable[..., TrainingJob] = digit_job, picture: EpochPicture | None = None) -> Trainer:
    """A digit lesson described for the train block.

    Args:
        state: the page's state.
        config: the page's current settings.
        data: the loaded digits.
        title: a few words naming the lesson, for the generated script.
        first_hint: what the page says before its first training.
        make_job: ``(config, data, **options) -> TrainingJob`` (the MLP adds early stopping).
        picture: what else to redraw of the drawn digit after every epoch, if anything.
    """

    def plan(carry_on: Continued | None) -> Plan:
        options: dict[str, Any] = {}
        if carry_on is not None:
            options = {"continue_from": carry_on.model, "first_epoch": carry_on.first_epoch}
        job = make_job(config, data, **options)
        job.callbacks.append(DigitWatch(state.get("drawn"), picture.compute if picture is not None else None))
        return Plan(job)

    def work() -> Workload:
        training, held_back = split_sizes(config, len(data.x_train))
        return workload(config, training, held_back)

    return Trainer(title=title, script=lambda changes=(): digit_script(config, title, tuple(changes)), plan=plan,
                   load_upload=lesson(state.slug).load_model, first_hint=first_hint, workload=work,
                   live_extra=lambda snapshot, live: your_digit(state, snapshot, live, picture), classes=10)


def your_digit(state: PageState, snapshot: Snapshot, live: LiveRun, picture: EpochPicture | None = None) -> None:
    """The drawn digit's probabilities after every epoch (and the lesson's picture of it), in the live console."""
    readings = snapshot.probes.get("digit", [])
    if not readings:
        if not snapshot.done:
            st.caption("Draw a digit on the canvas below, now or while it trains: after every epoch the network "
                       "reads it again, and a chart here shows how it makes up its mind.")
        return
    latest = readings[-1]["probabilities"]
    best = int(np.argmax(latest))
    st.markdown(f"**Your digit, epoch by epoch:** after epoch {readings[-1]['epoch']} the network says **{best}** "
                f"({latest[best]:.0%}).")
    show(state, digit_over_epochs(readings), "digit_epochs")
    watch = watch_of(live.job)
    if picture is not None and watch is not None and watch.latest_picture is not None:
        picture.draw(*watch.latest_picture)

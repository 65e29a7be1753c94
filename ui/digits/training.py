"""The train block's ``Trainer`` for a digit lesson: its script, its job, its uploads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nn_core.config import TrainingConfig
from nn_core.digits.data import MnistData
from nn_core.digits.job import digit_job, split_sizes
from nn_core.digits.script import digit_script
from nn_core.estimate import Workload, workload
from nn_core.lessons import lesson
from nn_core.training import TrainingJob
from ui.state import PageState
from ui.train_block import Continued, Plan, Trainer


def digit_trainer(state: PageState, config: TrainingConfig, data: MnistData, title: str, first_hint: str,
                  make_job: Callable[..., TrainingJob] = digit_job) -> Trainer:
    """A digit lesson described for the train block.

    Args:
        state: the page's state.
        config: the page's current settings.
        data: the loaded digits.
        title: a few words naming the lesson, for the generated script.
        first_hint: what the page says before its first training.
        make_job: ``(config, data, **options) -> TrainingJob`` (the MLP adds early stopping).
    """

    def plan(carry_on: Continued | None) -> Plan:
        options: dict[str, Any] = {}
        if carry_on is not None:
            options = {"continue_from": carry_on.model, "first_epoch": carry_on.first_epoch}
        return Plan(make_job(config, data, **options))

    def work() -> Workload:
        training, held_back = split_sizes(config, len(data.x_train))
        return workload(config, training, held_back)

    return Trainer(title=title, script=lambda: digit_script(config, title), plan=plan,
                   load_upload=lesson(state.slug).load_model, first_hint=first_hint, workload=work)

"""Hints under the live console: what ``nn_core.hints`` sees in the run, each with an Apply button.

Apply changes the page's settings (the sidebar's widgets and the link) to the hint's fix,
for the next training; a fix that is only a new learning rate also reaches a training
that is still going, from its next batch, when the training is this browser's own (a run
shared by a link is only looked at). A fix already in the settings shows as applied, so a
second press does nothing.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from nn_core.config import TrainingConfig
from nn_core.errors import PlaygroundError
from nn_core.hints import Hint, hints
from nn_core.registry import LiveRun
from nn_core.training import Snapshot
from ui.identity import browser_identity
from ui.settings import apply_config
from ui.state import PageState


def hints_panel(state: PageState, config: TrainingConfig, snapshot: Snapshot, live: LiveRun,
                classes: int | None = None) -> None:
    """The run's hints, each with its reason and a one-click fix of the page's settings.

    Args:
        state: the page's state.
        config: the page's current settings (what Apply changes).
        snapshot: the run as it goes now.
        live: the run (its own settings are what the rules judge).
        classes: how many answers its network chooses among, for the "at chance" rule.
    """
    if not isinstance(live.record.config, TrainingConfig):
        return  # a run whose settings this server cannot rebuild: nothing to judge them by
    found = hints(snapshot, live.record.config, classes)
    if not found:
        return
    st.markdown("**Hints** · read from this run as it goes")
    for hint in found:
        with st.container(border=True):
            text, action = st.columns([4, 1.3], vertical_alignment="center")
            text.markdown(f"**{hint.title}.** {hint.reason}")
            with action:
                _apply_button(state, config, hint, live)


def _apply_button(state: PageState, config: TrainingConfig, hint: Hint, live: LiveRun) -> None:
    if not hint.fix:
        return
    try:
        fixed = config.changed(**hint.fix)
    except PlaygroundError as error:  # a fix these settings cannot take (say, early stopping without validation)
        st.caption(f"No one-click fix here: {error}.")
        return
    done = fixed == config
    label = "Applied" if done else "Apply: " + ", ".join(f"{name.replace('_', ' ')} {_show(value)}"
                                                         for name, value in hint.fix.items())
    if st.button(label, key=state.key("hint", hint.name), disabled=done, width="stretch",
                 help="Changes the settings in the sidebar (and the link) for the next training."):
        apply_config(state, fixed)
        mine = live.record.owner == browser_identity()  # the console's own rule: only the owner steers
        if set(hint.fix) == {"learning_rate"} and mine and live.job is not None and not live.done:
            try:
                live.job.steering.set_learning_rate(hint.fix["learning_rate"])  # the running training too
            except PlaygroundError:
                pass  # the settings still take it; the running training keeps its own
        st.rerun()  # the whole page, so the sidebar's widgets show the new settings


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return f"{value:g}" if isinstance(value, float) else str(value)

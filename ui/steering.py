"""Steering a training from the live console: Pause, Resume, Step one batch, One more epoch, Stop, a learning rate.

The buttons only ask the run's job (``job.steering``, ``job.extend``, ``job.stop``); its
thread obeys between two batches. Every button keeps its place and is disabled when it
does not apply, so a double click lands on a disabled button instead of undoing the
first; every request is idempotent, and a press that arrives after the run has ended (a
second tab, a slow click) changes nothing. What a press did is said in a line that stays
until the next press (the console redraws every second).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from nn_core.errors import PlaygroundError
from nn_core.registry import LiveRun
from nn_core.training import Snapshot, Status
from ui.state import PageState


def steering_controls(state: PageState, live: LiveRun, snapshot: Snapshot,
                      more: Callable[[], None] | None = None) -> None:
    """The controls of the run's training: while it runs, or (One more epoch) once it is over.

    Args:
        state: the page's state.
        live: the run on the page (this browser's own).
        snapshot: how it goes, as the console draws it.
        more: continues a finished run for one more epoch as a new run (None where a lesson cannot).
    """
    if snapshot.done or live.job is None:
        if more is not None and snapshot.status in (Status.FINISHED, Status.STOPPED) and st.button(
                "One more epoch", key=state.key("steer", "more"), icon=":material/add:",
                help="Train this model one epoch further, as a new run whose curves go on from here."):
            try:
                more()
            except PlaygroundError as error:
                st.error(f"Cannot train further: {error}.")
        return
    job = live.job
    paused = snapshot.status == Status.PAUSED or job.steering.paused
    columns = st.columns([1, 1, 1.4, 1.4, 1.4])
    pressed = {
        "pause": columns[0].button("Pause", key=state.key("steer", "pause"), disabled=paused, icon=":material/pause:",
                                   help="Hold the training after the batch it is on; nothing is lost."),
        "resume": columns[1].button("Resume", key=state.key("steer", "resume"), disabled=not paused,
                                    icon=":material/play_arrow:", help="Go on training from where it paused."),
        "step": columns[2].button("Step one batch", key=state.key("steer", "step"), disabled=not paused,
                                  icon=":material/skip_next:", help="One weight update, then hold again."),
        "more": columns[3].button("One more epoch", key=state.key("steer", "more"), icon=":material/add:",
                                  help="Plan one more epoch than the training has now."),
        "stop": columns[4].button("Stop training", key=state.key("stop"), icon=":material/stop:",
                                  help="End the training now; the model keeps what it has learned."),
    }
    typed = _rate_form(state, snapshot)
    if any(pressed.values()) or typed is not None:
        _obey(state, live, pressed, typed)
        st.rerun(scope="fragment")  # the buttons follow at once, not at the next redraw
    _note(state, live)


def _rate_form(state: PageState, snapshot: Snapshot) -> str | None:
    """A field for a new learning rate; what was typed when it is sent, else None."""
    with st.form(state.key("steer", "rate_form"), border=False):
        left, right = st.columns([2, 1], vertical_alignment="bottom")
        typed = left.text_input("New learning rate, from the next batch", key=state.key("steer", "rate"),
                                placeholder="e.g. 0.01 or 1e-4",
                                help="Only the learning rate can change while a model trains: dropout and "
                                     "momentum are built into Keras' compiled training step, so they stay as "
                                     "the run began. The change is marked on the curves and kept in the history.")
        sent = right.form_submit_button("Set learning rate")
    if snapshot.learning_rate is not None:
        st.caption(f"Learning rate now: {snapshot.learning_rate:g}")
    return typed if sent else None


def _obey(state: PageState, live: LiveRun, pressed: dict[str, bool], typed: str | None) -> None:
    """Pass the presses on to the job, and keep a sentence saying what they did."""
    job = live.job
    note = ("info", "")
    if job.status.done:  # it ended between the redraw and the press (or in another tab)
        state.set("steer_note", (live.id, "info", "This training has ended: there is nothing left to change."))
        return
    try:
        if pressed["stop"]:
            job.stop()
            note = ("info", "Stopping after this batch; the model keeps what it has learned.")
        elif pressed["pause"]:
            job.steering.pause()
        elif pressed["resume"]:
            job.steering.resume()
        elif pressed["step"]:
            job.steering.step()
        elif pressed["more"]:
            added = job.extend(1)
            note = ("success", f"One more epoch: {job.epochs} planned.") if added else (
                "info", "Too late for another epoch: this training is ending. Press One more epoch once it has.")
        if typed is not None:
            rate = job.steering.set_learning_rate(typed)
            note = ("success", f"The learning rate becomes {rate:g} from the next batch.")
    except PlaygroundError as error:
        note = ("error", f"{str(error)[:1].upper()}{str(error)[1:]}.")
    state.set("steer_note", (live.id, *note))


def _note(state: PageState, live: LiveRun) -> None:
    run_id, kind, sentence = state.get("steer_note", default=(None, "", ""))
    if run_id == live.id and sentence:
        {"success": st.success, "error": st.error}.get(kind, st.info)(sentence)

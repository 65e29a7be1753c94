"""Steering a training from the live console: Pause, Resume, Step one batch, One more epoch, Stop, a learning rate.

The buttons only ask the run's job (``job.steering``, ``job.extend``, ``job.stop``), from
widget callbacks that run before the console redraws; the job's thread obeys between two
batches. Every button keeps its place and is disabled when it
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
    paused = live.job.steering.paused  # what was asked: the job reaches its next batch boundary a moment later
    # The plane's networks run many batches per Keras call (``steps_per_execution``): a step is one call.
    per_call = int(getattr(live.job.model, "steps_per_execution", 1) or 1)
    step_label, step_help = ("Step one batch", "One weight update, then hold again.") if per_call == 1 else (
        f"Step {per_call} batches", f"Keras runs this network {per_call} batches per call, so a step is "
                                    f"{per_call} weight updates, then it holds again.")
    columns = st.columns([1, 1, 1.4, 1.4, 1.4])
    # Presses are handled in callbacks, before the console redraws: the buttons it draws then
    # already show the new state (a fragment's own rerun cannot be asked for in every run).
    for column, (name, label, icon, disabled, help_text) in zip(columns, (
            ("pause", "Pause", ":material/pause:", paused, "Hold the training after the batch it is on; nothing "
                                                           "is lost."),
            ("resume", "Resume", ":material/play_arrow:", not paused, "Go on training from where it paused."),
            ("step", step_label, ":material/skip_next:", not paused, step_help),
            ("more", "One more epoch", ":material/add:", False, "Plan one more epoch than the training has now."),
            ("stop", "Stop training", ":material/stop:", False, "End the training now; the model keeps what it "
                                                                "has learned."))):
        column.button(label, key=state.key("stop") if name == "stop" else state.key("steer", name), icon=icon,
                      disabled=disabled, help=help_text, on_click=_obey, args=(state, live, name))
    _rate_form(state, live, snapshot)
    _note(state, live)


def _rate_form(state: PageState, live: LiveRun, snapshot: Snapshot) -> None:
    """A field for a new learning rate, sent to the training from its next batch."""
    with st.form(state.key("steer", "rate_form"), border=False):
        left, right = st.columns([2, 1], vertical_alignment="bottom")
        left.text_input("New learning rate, from the next batch", key=state.key("steer", "rate"),
                        placeholder="e.g. 0.01 or 1e-4",
                        help="Only the learning rate can change while a model trains: dropout and "
                             "momentum are built into Keras' compiled training step, so they stay as "
                             "the run began. The change is marked on the curves and kept in the history.")
        right.form_submit_button("Set learning rate", on_click=_obey, args=(state, live, "rate"))
    if snapshot.learning_rate is not None:
        st.caption(f"Learning rate now: {snapshot.learning_rate:g}")


def _obey(state: PageState, live: LiveRun, press: str) -> None:
    """Pass a press on to the job, and keep a sentence saying what it did (a widget callback)."""
    job = live.job
    if job is None or job.status.done:  # it ended between the redraw and the press (or in another tab)
        state.set("steer_note", (live.id, "info", "This training has ended: there is nothing left to change."))
        return
    note = ("info", "")
    try:
        if press == "stop":
            job.stop()
            note = ("info", "Stopping after this batch; the model keeps what it has learned.")
        elif press == "more":
            note = ("success", f"One more epoch: {job.epochs + 1} planned.") if job.extend(1) else (
                "info", "Too late for another epoch: this training is ending. Press One more epoch once it has.")
        elif press == "rate":
            rate = job.steering.set_learning_rate(state.get("steer", "rate", default=""))
            note = ("success", f"The learning rate becomes {rate:g} from the next batch.")
        else:
            getattr(job.steering, press)()  # pause, resume or step
    except PlaygroundError as error:
        note = ("error", f"{str(error)[:1].upper()}{str(error)[1:]}.")
    state.set("steer_note", (live.id, *note))


def _note(state: PageState, live: LiveRun) -> None:
    run_id, kind, sentence = state.get("steer_note", default=(None, "", ""))
    if run_id == live.id and sentence:
        {"success": st.success, "error": st.error}.get(kind, st.info)(sentence)

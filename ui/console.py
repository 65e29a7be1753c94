"""The training console every page uses: Train, the controls of a running training, progress and live curves.

Training runs in a ``nn_core.training.TrainingJob`` on a background thread that makes no
Streamlit calls, held by the server's run registry; this module only asks the registry
to start one and draws the run's snapshot from a fragment that reruns about once a
second while the run trains (or is paused). Moving a slider, switching pages or
reloading the page reruns the page script, never the training, so nothing is
interrupted; when training ends the whole page reruns once to show what it learned.

Inside the fragment: the steering controls (``ui.steering``: Pause, Resume, Step one
batch, One more epoch, Stop training, a new learning rate), the progress, the curves with
each change by hand marked, what the lesson adds (``extra``), and the hints (``hints``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from nn_core.errors import PlaygroundError
from nn_core.figures.curves import training_curves
from nn_core.registry import LiveRun
from nn_core.training import Snapshot, Status
from ui.charts import show
from ui.state import PageState
from ui.steering import steering_controls

REDRAW_SECONDS = 1.0
# A training waiting for a free slot has only its place in the queue to show: its console
# is redrawn less often, so a class queued behind two trainings does not slow them down.
WAITING_REDRAW_SECONDS = 3.0
FIRST_BATCH_WAIT_SECONDS = 3.0  # how long the Train click waits to show a first batch learned


def _keep_keras_state_between_runs() -> None:
    """Stop Streamlit from calling ``keras.backend.clear_session()`` after every script run.

    Streamlit 1.67 (``script_runner._clean_problem_modules``) clears Keras' session each
    time a run ends, fragment reruns included: about once a second while the console
    draws a training. That resets Keras for the whole process under the jobs training on
    background threads, and its garbage collection holds the GIL meanwhile. Measured on
    a loaded 2-core machine, a 4-epoch MLP training took 3-10 s without it, 9-83 s with it.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if hasattr(script_runner, "_clean_problem_modules"):
        script_runner._clean_problem_modules = lambda: None


_keep_keras_state_between_runs()


def session_watcher() -> tuple[str, Callable[[], bool]]:
    """This browser session's id, and a check the registry runs later: is it still connected?"""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return "script", lambda: True
    runtime, session_id = Runtime.instance(), context.session_id
    return session_id, lambda: runtime.is_active_session(session_id)


def training_console(
    state: PageState,
    live: LiveRun | None,
    start: Callable[[], LiveRun],
    owner: str,
    extra: Callable[[Snapshot, LiveRun], None] | None = None,
    redraw_seconds: float = REDRAW_SECONDS,
    more: Callable[[], LiveRun] | None = None,
    hints: Callable[[Snapshot, LiveRun], None] | None = None,
) -> LiveRun | None:
    """Draw the Train button and the live console; start a run when Train is pressed.

    Args:
        state: the page's state.
        live: the run the page shows, if any.
        start: registers and starts a new run; may raise ``PlaygroundError``, shown as an error.
        owner: this browser's identity (only the owner of a run may stop it).
        extra: draws more of the run's state (e.g. its ``snapshot.extras``, or pictures of
            its model as it trains) inside the live panel, redrawn with the curves; one
            fragment costs less than two. Called with the snapshot and the run.
        redraw_seconds: how often the live panel is redrawn while the run trains.
        more: continues the page's finished run for one more epoch, as a new run (None: not offered).
        hints: draws the hints read from the run, under the live panel, with the snapshot and the run.

    Returns:
        The run the page shows now (a new one after Train).
    """
    running = live is not None and not live.done and live.record.owner == owner
    if st.button("Train", type="primary", key=state.key("train"), disabled=running,
                 help="Train a new model with the settings chosen in the sidebar."):
        try:
            live = start()
        except PlaygroundError as error:
            st.error(f"Cannot train: {error}.")
        else:
            state.set("run", live.id)
            _until_first_batch(live)
    if live is not None:
        _live_panel(state, live, owner == live.record.owner, extra, redraw_seconds, more, hints)
    return live


def _until_first_batch(live: LiveRun) -> None:
    """Hold the Train click's page run until the first batches are learned (building and tracing the model
    take most of a second), so the console shows them at once instead of at its next redraw a second later.

    A training that waits for a slot, or takes longer than ``FIRST_BATCH_WAIT_SECONDS`` to begin,
    is not waited for: the console then shows it waiting or starting.
    """
    deadline = time.monotonic() + FIRST_BATCH_WAIT_SECONDS
    while time.monotonic() < deadline:
        snapshot = live.snapshot()
        if snapshot.done or snapshot.status == Status.WAITING and (snapshot.waiting_ahead > 0
                                                                   or snapshot.waiting_behind_own):
            return
        if snapshot.batch_curve or snapshot.epoch > 0:
            return
        time.sleep(0.03)


def _live_panel(state: PageState, live: LiveRun, mine: bool, extra: Callable[[Snapshot, LiveRun], None] | None,
                redraw_seconds: float, more: Callable[[], LiveRun] | None,
                hints: Callable[[Snapshot, LiveRun], None] | None) -> None:
    alive = not live.done
    waiting = alive and live.snapshot().status == Status.WAITING
    watcher = session_watcher()

    def one_more_epoch() -> None:
        if state.get("continued") == live.id:
            return  # a second press while the first one's page run was on its way
        state.set("continued", live.id)
        try:
            started = more()
        except PlaygroundError:
            state.pop("continued")  # nothing started: a later press may try again
            raise
        state.set("run", started.id)
        st.rerun()  # the whole page follows the new run

    @st.fragment(run_every=(WAITING_REDRAW_SECONDS if waiting else redraw_seconds) if alive else None)
    def panel() -> None:
        live.seen(*watcher)
        snapshot = live.snapshot()
        if waiting and snapshot.status != Status.WAITING:
            st.rerun()  # its slot came: the whole page, so the console is redrawn at the training's pace
        if mine:
            steering_controls(state, live, snapshot, one_more_epoch if more is not None else None)
        progress(snapshot)
        if snapshot.status == Status.WAITING and not snapshot.batch_curve:
            return  # nothing learned yet: no curves to draw (a queued class redraws often)
        show(state, training_curves(snapshot.history, snapshot.batch_curve, snapshot.total_epochs,
                                    snapshot.first_epoch, markers=snapshot.events), "curves")
        outcome(snapshot)
        if live.save_error:
            st.warning(f"This run could not be saved ({live.save_error}): it is here while the page is open, "
                       "but will not come back after a restart. Download the model to keep it.")
        if extra is not None:
            extra(snapshot, live)
        if hints is not None:
            hints(snapshot, live)
        if snapshot.done and state.get("seen_done") != live.id:
            state.set("seen_done", live.id)
            st.rerun()  # the whole page, to show what the trained model can do

    panel()


def progress(snapshot: Snapshot) -> None:
    """Where the training is: waiting in the queue, or epoch and batch with the time spent."""
    if snapshot.status == Status.WAITING:
        ahead = snapshot.waiting_ahead
        again = " to go on" if snapshot.epoch or snapshot.batch else ""
        st.info(f"Waiting for a free training slot on the server{again}: {ahead} ahead." if ahead
                else f"Waiting for a free training slot on the server{again}: you are next.")
        if snapshot.waiting_behind_own:
            st.caption("This browser is training something else now, in another tab or on another page: the "
                       "server runs one training per browser at a time, and browsers take turns.")
        return
    done_epochs = snapshot.first_epoch + snapshot.epoch
    if snapshot.done:
        text = f"Epoch {done_epochs}/{snapshot.first_epoch + snapshot.total_epochs} complete"
        if snapshot.partial_batches:
            text += (f", and {snapshot.partial_batches:,}/{snapshot.steps_per_epoch:,} batches of epoch "
                     f"{done_epochs + 1} (not counted)")
    elif snapshot.epoch >= snapshot.total_epochs:  # every epoch done, the model being tested
        text = f"Epoch {done_epochs}/{snapshot.first_epoch + snapshot.total_epochs} complete · testing the model"
    else:
        text = (f"Epoch {done_epochs + 1}/{snapshot.first_epoch + snapshot.total_epochs}"
                f" · batch {snapshot.batch}/{snapshot.steps_per_epoch}")
        if snapshot.status == Status.PAUSED:
            text = f"Paused at {text[0].lower()}{text[1:]}"
    text += f" · {snapshot.elapsed:.1f} s"
    st.progress(snapshot.fraction, text=text)
    if snapshot.status == Status.PAUSED and snapshot.slot_released:
        st.caption("Paused for a while, so its training slot went to a training that was waiting; Resume or Step "
                   "waits for a free one.")


def outcome(snapshot: Snapshot) -> None:
    """How the training ended, in a sentence, and its test accuracy."""
    if snapshot.status in (Status.DIVERGED, Status.FAILED):
        st.error(snapshot.message)
    elif snapshot.status == Status.STOPPED:
        st.warning(f"{snapshot.message} ({snapshot.epochs_text()}.)")
    elif snapshot.message:
        st.warning(snapshot.message)
    accuracy = snapshot.results.get("test_accuracy")
    if accuracy is not None and snapshot.status == Status.DIVERGED:  # no result to be pleased with
        st.warning(f"Test accuracy: {accuracy:.1%}, of the weights it went back to after blowing up.")
    elif accuracy is not None:
        st.success(f"Test accuracy: {accuracy:.1%}")

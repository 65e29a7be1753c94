"""The training console every page uses: Train, Stop training, progress and live curves.

Training runs in a ``nn_core.training.TrainingJob`` on a background thread that makes no
Streamlit calls; this module only starts it, keeps it in the session, and draws its
snapshot from a fragment that reruns about once a second while the job is alive. Moving
a slider or switching pages reruns the page script, never the training, so nothing is
interrupted; when training ends the whole page reruns once to show what it learned.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from nn_core.figures import training_curves
from nn_core.training import Snapshot, TrainingJob

REDRAW_SECONDS = 1.0


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


def _session_alive() -> Callable[[], bool]:
    """A check the job runs on its thread: is this browser session still connected?"""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return lambda: True
    runtime, session_id = Runtime.instance(), context.session_id
    return lambda: runtime.is_active_session(session_id)


def current_job(page: str) -> TrainingJob | None:
    """The page's latest training job in this session, if any."""
    return st.session_state.get(f"{page}.job")


def training_console(
    page: str,
    make_job: Callable[[Callable[[], bool]], TrainingJob],
    label: str = "Train",
    extra: Callable[[Snapshot], None] | None = None,
) -> Snapshot | None:
    """Draw the Train button and the live console; start a job when Train is pressed.

    Args:
        page: the page's short name (keys and state use it).
        make_job: builds the job (not started) from a ``keep_going`` check; may raise
            ValueError with a plain sentence, which is shown as an error.
        label: the Train button's label; it must start with "Train".
        extra: draws more of the job's state (e.g. its ``snapshot.extras``) inside the
            live panel, redrawn with the curves; one fragment costs less than two.

    Returns:
        The snapshot of the page's latest job, or None before the first training.
    """
    job = current_job(page)
    running = job is not None and not job.snapshot().done
    if st.button(label, type="primary", key=f"{page}.train", disabled=running,
                 help="Train a new model with the settings chosen in the sidebar."):
        if job is not None:
            job.stop()  # a new run replaces the old one, which must not train on unseen
        try:
            job = make_job(_session_alive())
        except ValueError as error:
            st.error(f"Cannot train with these settings: {error}")
        else:
            st.session_state[f"{page}.job"] = job.start()
            st.session_state[f"{page}.job_seen_done"] = False
    job = current_job(page)
    if job is None:
        return None
    _live_panel(page, job, extra)
    return job.snapshot()


def _live_panel(page: str, job: TrainingJob, extra: Callable[[Snapshot], None] | None = None) -> None:
    alive = not job.snapshot().done

    @st.fragment(run_every=REDRAW_SECONDS if alive else None)
    def panel() -> None:
        snapshot = job.snapshot()
        if not snapshot.done and st.button("Stop training", key=f"{page}.stop"):
            job.stop()
        _progress(snapshot)
        st.plotly_chart(
            training_curves(snapshot.history, snapshot.batch_curve, snapshot.total_epochs),
            key=f"{page}.curves",
            config={"displayModeBar": False},
        )
        _outcome(snapshot)
        if extra is not None:
            extra(snapshot)
        if snapshot.done and not st.session_state.get(f"{page}.job_seen_done"):
            st.session_state[f"{page}.job_seen_done"] = True
            st.rerun()  # the whole page, to show what the trained model can do

    panel()


def _progress(snapshot: Snapshot) -> None:
    if snapshot.status == "waiting":
        ahead = snapshot.waiting_ahead
        st.info(f"Waiting for a free training slot on the server: {ahead} ahead." if ahead
                else "Waiting for a free training slot on the server: you are next.")
        return
    text = (f"Epoch {min(snapshot.epoch + (0 if snapshot.done else 1), snapshot.total_epochs)}"
            f"/{snapshot.total_epochs}")
    if not snapshot.done:
        text += f" · batch {snapshot.batch}/{snapshot.steps_per_epoch}"
    text += f" · {snapshot.elapsed:.1f} s"
    st.progress(snapshot.fraction, text=text)


def _outcome(snapshot: Snapshot) -> None:
    if snapshot.status == "diverged" or snapshot.status == "failed":
        st.error(snapshot.message)
    elif snapshot.status == "stopped":
        st.warning(f"{snapshot.message} ({snapshot.epoch} of {snapshot.total_epochs} epochs done.)")
    elif snapshot.message:
        st.warning(snapshot.message)
    accuracy = snapshot.results.get("test_accuracy")
    if accuracy is not None:
        st.success(f"Test accuracy: {accuracy:.1%}")


def trained_model(page: str):
    """The page's model once its latest job is done and usable, else None."""
    job = current_job(page)
    if job is None:
        return None
    snapshot = job.snapshot()
    if not snapshot.done or snapshot.status == "failed" or not hasattr(job.model, "fit"):
        return None
    return job.model

"""The run-history section any page can show: each training run kept, compared side by side.

A page wraps its ``make_job`` with ``tracked(page, config, make_job)`` so the settings of
each job are remembered, calls ``record_finished_run(page)`` on every script run (a job
that has ended is recorded once, with its curves and results), and draws
``run_history_section(page)``: a table of the runs with their test accuracy and the
settings that differ, and the curves of the runs the student picks, overlaid.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from nn_core.figures import compare_curves
from nn_core.runs import DEFAULT_CAPACITY, Run, RunHistory, comparison_rows
from nn_core.training import TrainingJob

CURVES = {
    "val_accuracy": "Validation accuracy",
    "val_loss": "Validation loss",
    "accuracy": "Training accuracy",
    "loss": "Training loss",
}
RECORDED_STATUSES = ("finished", "stopped", "diverged")  # a failed run has nothing to compare


def run_history(page: str, capacity: int = DEFAULT_CAPACITY) -> RunHistory:
    """The page's run history in this session (created empty on first use)."""
    return st.session_state.setdefault(f"{page}.runs", RunHistory(capacity))


def tracked(
    page: str, config: Any, make_job: Callable[[Callable[[], bool]], TrainingJob]
) -> Callable[[Callable[[], bool]], TrainingJob]:
    """``make_job`` for ``training_console``, remembering which settings the job trains with."""

    def make(keep_going: Callable[[], bool]) -> TrainingJob:
        record_finished_run(page)  # an earlier job that ended unseen is not lost
        job = make_job(keep_going)
        st.session_state[f"{page}.runs.pending"] = (job, config)
        return job

    return make


def record_finished_run(page: str) -> Run | None:
    """Record the page's latest job in the history once it has ended (once per job).

    Returns:
        The new run, or None when there is nothing new to record.
    """
    pending = st.session_state.get(f"{page}.runs.pending")
    if pending is None:
        return None
    job, config = pending
    snapshot = job.snapshot()
    if not snapshot.done:
        return None
    del st.session_state[f"{page}.runs.pending"]
    if snapshot.status not in RECORDED_STATUSES or (snapshot.status == "stopped" and snapshot.epoch == 0):
        return None  # a run stopped before its first epoch ended has nothing to compare
    run = run_history(page).add(config, snapshot.history, snapshot.results, snapshot.status, snapshot.elapsed)
    selected = st.session_state.get(_selection_key(page))
    if selected is not None:  # show the new run's curves next to those already chosen
        st.session_state[_selection_key(page)] = [*selected, run.name]
    return run


def _selection_key(page: str) -> str:
    return f"{page}.runs.selected"


def run_history_section(page: str, always_show: Sequence[str] = ()) -> None:
    """Draw the table of the page's runs and the overlaid curves of the chosen ones.

    Args:
        page: the page's short name.
        always_show: settings to list even when every run has the same value.
    """
    history = run_history(page)
    st.header("Run history")
    if not len(history):
        st.caption(f"Each training run of this session appears here (the latest {history.capacity}), "
                   "so you can change one setting, train again and compare.")
        return
    st.caption(f"The latest {history.capacity} runs of this session, with the settings that differ between "
               "them. Accuracies are in %.")
    rows = comparison_rows(list(history), always_show)
    st.dataframe([{name.replace("_", " "): value for name, value in row.items()} for row in rows], hide_index=True)
    key = _selection_key(page)
    names = history.names
    if key in st.session_state:  # runs dropped from the history cannot stay chosen
        st.session_state[key] = [name for name in st.session_state[key] if name in names]
    else:
        st.session_state[key] = names[-2:]
    left, right = st.columns([3, 1])
    chosen = left.multiselect("Runs to compare", names, key=key)
    # Offer only curves some run has: a text run without validation has no validation curve.
    available = [name for name in CURVES if any(any(math.isfinite(v) for v in history[run].history.get(name, []))
                                                 for run in names)] or list(CURVES)
    metric = right.selectbox("Curve", available, format_func=CURVES.get, key=f"{page}.runs.metric")
    if chosen:
        st.plotly_chart(compare_curves({name: history[name].history for name in chosen}, metric),
                        key=f"{page}.runs.curves", config={"displayModeBar": False})
    else:
        st.caption("Choose runs above to overlay their curves.")

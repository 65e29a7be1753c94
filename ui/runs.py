"""The run-history section every page shows: this browser's runs of the lesson, compared.

A table of the latest runs with their test accuracy and the settings that differ
between them, the curves of the runs the student picks overlaid, and the buttons that
delete runs (the oldest ones, or all of them). The runs come from the server's run
registry: only this browser's own, and they survive reloads and restarts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import streamlit as st

from nn_core import limits
from nn_core.errors import PlaygroundError
from nn_core.figures.curves import compare_curves
from nn_core.runs import Run, comparison_rows
from ui.charts import show
from ui.identity import browser_identity
from ui.resources import run_registry
from ui.state import PageState

SHOWN = 8  # runs in the table; older ones are kept, and counted
CURVES = {
    "val_accuracy": "Validation accuracy",
    "val_loss": "Validation loss",
    "accuracy": "Training accuracy",
    "loss": "Training loss",
}


def run_history_section(state: PageState, always_show: Sequence[str] = ()) -> None:
    """Draw the table of this browser's runs of the lesson and the overlaid curves of the chosen ones.

    Args:
        state: the page's state.
        always_show: settings to list even when every run has the same value.
    """
    st.header("Run history")
    registry = run_registry()
    owner = browser_identity()
    try:
        runs = registry.runs(owner, state.slug)
    except PlaygroundError as error:
        st.warning(f"Your earlier runs cannot be read right now ({error}).")
        return
    if not runs:
        st.caption("Each training run appears here, kept on the server for this browser (reloading the page or "
                   "coming back tomorrow finds them again), so you can change one setting, train again and compare.")
        return
    shown = runs[-SHOWN:]
    older = len(runs) - len(shown)
    st.caption(f"Your latest {len(shown)} runs of this lesson"
               + (f" ({older} older ones are kept too)" if older else "")
               + ", with the settings that differ between them. Accuracies are in %. Only this browser sees them.")
    rows = comparison_rows(shown, always_show)
    st.dataframe([{name.replace("_", " "): value for name, value in row.items()} for row in rows], hide_index=True)
    _compare(state, shown)
    _delete_buttons(state, owner, runs)


def _compare(state: PageState, runs: list[Run]) -> None:
    names = [run.name for run in runs]
    by_name = {run.name: run for run in runs}
    key = state.key("runs_selected")
    if key in st.session_state:  # runs gone from the table cannot stay chosen; new ones join the chosen
        known = state.get("runs_known", default=[])
        st.session_state[key] = [name for name in st.session_state[key] if name in names] + [
            name for name in names if name not in known]
    else:
        st.session_state[key] = names[-2:]
    state.set("runs_known", names)
    left, right = st.columns([3, 1])
    chosen = left.multiselect("Runs to compare", names, key=key)
    # Offer only curves some run has: a text run without validation has no validation curve.
    available = [name for name in CURVES if any(any(math.isfinite(v) for v in run.history.get(name, []))
                                                 for run in runs)] or list(CURVES)
    metric = right.selectbox("Curve", available, format_func=CURVES.get, key=state.key("runs_metric"))
    if chosen:
        show(state, compare_curves({name: by_name[name].history for name in chosen}, metric,
                                   {name: by_name[name].first_epoch for name in chosen}), "runs")
    else:
        st.caption("Choose runs above to overlay their curves.")


def _delete_buttons(state: PageState, owner: str, runs: list[Run]) -> None:
    """Delete the oldest half of the runs, or every run of this browser (all lessons)."""
    registry = run_registry()
    with st.expander(f"Delete runs (this browser keeps at most {limits.max_runs_per_user():,} runs)"):
        left, right = st.columns(2)
        oldest = runs[: max(1, len(runs) // 2)]
        if left.button(f"Delete my {len(oldest)} oldest run{'s' if len(oldest) != 1 else ''} of this lesson",
                       key=state.key("delete", "oldest")):
            _delete(registry, owner, [run.id for run in oldest])
        if right.button("Delete all my runs, on every page", key=state.key("delete", "all"), type="secondary"):
            _delete(registry, owner, None)


def _delete(registry, owner: str, run_ids: list[str] | None) -> None:
    try:
        deleted = registry.delete(owner, run_ids)
    except PlaygroundError as error:
        st.error(f"Could not delete the runs: {error}.")
        return
    st.toast(f"Deleted {deleted} run{'s' if deleted != 1 else ''}.")
    st.rerun()

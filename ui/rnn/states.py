"""The recurrent page's map of hidden states: one point per window of the text, coloured by a character."""

from __future__ import annotations

from typing import Any

import streamlit as st

from nn_core.rnn.state_figures import state_map_figure
from nn_core.rnn.states import cached_state_map, run_windows
from ui.charts import show
from ui.state import PageState
from ui.train_block import Shown


def hidden_state_map(state: PageState, shown: Shown, text: str | None) -> None:
    """A PCA map of the last recurrent layer's state after many windows, for a finished or uploaded model."""
    run: Any = shown.payload
    if run is None or not (shown.uploaded or shown.live is None or shown.live.done):
        return  # a model still training would change under the cached map
    generator = run.generator()
    if generator is None:
        return
    st.subheader("A map of the hidden states")
    windows = run_windows(run, text)
    if not len(windows):
        st.info(f"There is no window of {run.config.sequence_length} characters the network knows in this text, so "
                "there is nothing to map: choose the text it was trained on.")
        return
    source = "windows it trained on" if getattr(run, "job", None) is not None else "windows of the page's text"
    st.write(f"Each point is the state of the last recurrent layer after reading one of {len(windows):,} "
             f"{source}, placed by a principal component analysis (the two directions along which the states "
             "differ most). States that lead to the same guess gather: the network has learned to tell those "
             "places in the text apart.")
    names = {"read": "the character just read", "guessed": "the character it guesses next"}
    colour_by = st.radio("Colour each point by", list(names), horizontal=True, format_func=names.get,
                         key=state.key("widget", "state_map", "colour"))
    state_map = cached_state_map(generator, windows)
    if state_map.note:
        st.info(state_map.note)
    show(state, state_map_figure(state_map, run.vocabulary, colour_by), "state_map")
    st.caption("Hover a point to read its window. The most common characters have a colour each; the rest are grey.")

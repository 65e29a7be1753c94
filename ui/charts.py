"""Showing a figure: one call, one chart toolbar setting, one key scheme for every chart."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from nn_core.figures.theme import PLOTLY_CONFIG
from ui.state import PageState


def show(state: PageState, figure: go.Figure, name: str, where: Any = st, **options: Any) -> None:
    """Draw a Plotly figure with the app's chart settings.

    Args:
        state: the page's state (the chart's key is ``state.key("chart", name)``).
        figure: the figure.
        name: unique among the page's charts in one run.
        where: a container or column to draw in (the page by default).
        **options: more ``st.plotly_chart`` arguments (e.g. ``on_select``).
    """
    where.plotly_chart(figure, key=state.key("chart", name), config=PLOTLY_CONFIG, **options)

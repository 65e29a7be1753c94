"""Things loaded once per server and shared, read-only, by every session."""

from __future__ import annotations

import streamlit as st

from nn_core.data import MnistData, load_mnist


@st.cache_resource(show_spinner="Loading MNIST digits...")
def mnist() -> MnistData:
    """The digits (read-only arrays, one copy for all sessions)."""
    return load_mnist()


def data_caption(data: MnistData) -> None:
    """A line saying which digits the page trains on."""
    st.caption(f"Data: {data.description}")

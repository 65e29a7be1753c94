"""How every lesson page begins: its title, what it teaches, room for notices, its data and presets."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from nn_core.config import TrainingConfig
from nn_core.digits.data import MnistData
from ui.resources import data_caption, mnist
from ui.settings import preset_buttons
from ui.state import PageState


def lesson_header(state: PageState, title: str, introduction: str) -> None:
    """The page's title and introduction, then the place where warnings about its link are shown."""
    st.title(title)
    state.notices = st.container()
    if introduction:
        st.write(introduction)


def sidebar_start(state: PageState, presets: Mapping[str, TrainingConfig], header: str = "Settings") -> None:
    """The sidebar's heading and the page's preset buttons, above its settings."""
    st.sidebar.header(header)
    preset_buttons(state, presets)


def digits() -> MnistData:
    """The loaded digits, with a line saying which they are."""
    data = mnist()
    data_caption(data)
    return data

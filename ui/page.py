"""How every lesson page begins: its title, what it teaches, room for notices, its data and presets."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from nn_core.config import TrainingConfig
from nn_core.digits.data import MnistData
from ui.classroom import class_banner, read_lesson_link, show_task
from ui.resources import data_caption, mnist
from ui.settings import preset_buttons
from ui.state import PageState


def lesson_header(state: PageState, title: str, introduction: str) -> None:
    """The page's title, the place for notices (its link, its class, its task), and its introduction."""
    st.title(title)
    state.notices = st.container()
    read_lesson_link(state)
    state.membership = class_banner(state)
    show_task(state)
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

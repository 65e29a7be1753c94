"""How every lesson page begins: its title, what it teaches, and room for notices about its settings."""

from __future__ import annotations

import streamlit as st

from ui.state import PageState


def lesson_header(state: PageState, title: str, introduction: str) -> None:
    """The page's title and introduction, then the place where warnings about its link are shown."""
    st.title(title)
    state.notices = st.container()
    if introduction:
        st.write(introduction)

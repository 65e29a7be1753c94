"""The playground's frame: page set-up, navigation from the list of lessons, and what every page shares.

Run with ``streamlit run app.py``.
"""

import nn_core  # noqa: F401  (sets TensorFlow's thread counts before anything imports it)
import streamlit as st

from nn_core.lessons import LESSONS
from ui.identity import browser_identity
from ui.small_screens import close_sidebar_after_navigation

st.set_page_config(page_title="Neural-network playground", page_icon=":material/neurology:", layout="wide")

PAGES = [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)] + [
    st.Page(lesson.page_path, title=lesson.title, icon=lesson.icon, url_path=lesson.slug) for lesson in LESSONS
] + [st.Page("pages/class.py", title="Class", icon=":material/groups:", url_path="class")]

navigation = st.navigation(PAGES)
with st.sidebar:
    st.caption("Train real TensorFlow networks in your browser and look inside them.")
    browser_identity()  # this browser's runs, kept on the server (a cookie remembers which are yours)
    close_sidebar_after_navigation()
navigation.run()

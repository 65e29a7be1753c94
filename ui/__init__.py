"""Streamlit pieces every page shares: settings widgets, the training console, the canvas.

This is the only place besides ``app.py`` and ``pages/`` that imports Streamlit; the
engine in ``nn_core`` stays UI-free.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

# A server whose very first request is a deep link (e.g. /perceptron) runs that page
# script on its own, as Streamlit's older pages-folder mode did, because it has not yet
# seen app.py call st.navigation. Pages import this package, so that first run lands
# here: switch the old mode off and rerun, and app.py frames the page as it should.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()

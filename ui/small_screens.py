"""Small screens: on a phone the sidebar closes after a page is chosen from it.

Streamlit leaves the sidebar open over about three quarters of a phone's screen after
a tap on a page's link, hiding the page that was asked for. A few lines of JavaScript,
added once to the app's own document (``st.html`` is not in an iframe), close it after a
tap on a page link when the screen is narrower than Streamlit's own mobile breakpoint.
"""

from __future__ import annotations

import streamlit as st

NARROW = 640  # pixels: below this the sidebar covers the page

_SCRIPT = f"""
<script>
if (!window.playgroundClosesSidebar) {{
  window.playgroundClosesSidebar = true;
  document.addEventListener("click", (event) => {{
    if (window.innerWidth >= {NARROW} || !event.target.closest('[data-testid="stSidebarNavLink"]')) return;
    setTimeout(() => {{
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) close.click();
    }}, 300);
  }}, true);
}}
</script>
"""


def close_sidebar_after_navigation() -> None:
    """Add the script (once per page load; it guards against adding its listener twice)."""
    st.html(_SCRIPT, unsafe_allow_javascript=True)

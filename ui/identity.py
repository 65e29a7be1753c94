"""Who is this browser: an anonymous identity that survives reloads and server restarts.

Each browser gets a random id in a cookie (``playground_id``, a year long). It is not in
any link, so sharing a link never shares it. ``st.context.cookies`` reads the cookies a
browser sent when its session began; a browser that came without one gets a new id at
once, which a line of JavaScript writes into the cookie for its next visit. Behind the
tested nginx set-up (README, "Deploy"), nginx sets the cookie on the first request
instead, so that it can route every request of a browser to the same replica.
"""

from __future__ import annotations

import re
import secrets

import streamlit as st

COOKIE = "playground_id"
ONE_YEAR = 365 * 24 * 3600
_VALID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SESSION_KEY = "identity"


def browser_identity() -> str:
    """This browser's anonymous identity (the same on every page of the session).

    Returns:
        The id from the browser's cookie, or a new one that the cookie will hold from now on.
    """
    known = st.session_state.get(_SESSION_KEY)
    if known is not None:
        return known
    try:
        cookie = st.context.cookies.get(COOKIE)
    except Exception:  # outside a browser session (AppTest), there are no cookies
        cookie = None
    identity = cookie if isinstance(cookie, str) and _VALID.match(cookie) else secrets.token_urlsafe(18)
    st.session_state[_SESSION_KEY] = identity
    if identity != cookie:
        _remember(identity)
    return identity


def _remember(identity: str) -> None:
    """Write the identity into this browser's cookie (the id is made here, so it is safe to embed)."""
    st.html(f"<script>document.cookie = '{COOKIE}={identity}; Max-Age={ONE_YEAR}; Path=/; SameSite=Lax';</script>",
            unsafe_allow_javascript=True)

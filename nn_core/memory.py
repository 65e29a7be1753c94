"""Handing the memory of dropped models back to the system."""

from __future__ import annotations

import ctypes
import gc


def give_memory_back() -> None:
    """Free the runs just dropped now, and hand the freed memory back to the system.

    A Keras model is a web of objects that refer to each other, which Python frees only in a
    full garbage collection; left to itself that comes every few trainings, so memory would
    climb by several models before falling back. The app's config also switches off
    Streamlit's collection after every script run (it held the training threads' lock once
    a second). So a collection runs here, at most once a sweep and only when runs left
    memory; then glibc is asked to return the freed pages (``malloc_trim``), so the
    server's size shows what it really holds.
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Alpine): the memory is reused, just not returned
        pass

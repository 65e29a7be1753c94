"""Things made once per server and shared by every session: the digits, the run registry, the training clock."""

from __future__ import annotations

import atexit
import threading

import streamlit as st

from nn_core.classes import ClassBook
from nn_core.digits.data import MnistData, load_mnist
from nn_core.estimate import TrainingClock
from nn_core.lessons import LESSONS
from nn_core.registry import RunRegistry
from nn_core.store import RunStore


SHUTDOWN_MESSAGE = "Stopped because the server was restarted; the model keeps what it learned until then."
SHUTDOWN_WAIT_SECONDS = 8.0  # within the 10 s `docker stop` gives before it kills


@st.cache_resource(show_spinner="Loading MNIST digits...")
def mnist() -> MnistData:
    """The digits (read-only arrays, one copy for all sessions)."""
    return load_mnist()


@st.cache_resource(show_spinner=False)
def run_registry() -> RunRegistry:
    """Every run of the server, live or saved (one registry for all sessions)."""
    store = RunStore.from_environment({lesson.config_class.__name__: lesson.config_class for lesson in LESSONS})
    registry = RunRegistry(store, {lesson.slug: lesson for lesson in LESSONS})
    # A server that is stopped (a restart, a new version deployed) stops its trainings first:
    # each keeps what it has learned, is tested and saved, so it comes back after the restart.
    # This runs as the interpreter begins to shut down, before the thread pools Keras uses
    # are closed (``concurrent.futures`` closes them from the same hook, registered earlier,
    # and these run last in, first out) and before h5py's exit handler: from a plain
    # ``atexit`` handler, testing the model failed and writing it failed.
    getattr(threading, "_register_atexit", atexit.register)(
        registry.stop_all, SHUTDOWN_MESSAGE, SHUTDOWN_WAIT_SECONDS)
    return registry


@st.cache_resource(show_spinner=False)
def class_book() -> ClassBook:
    """Every class of the server (in the run store's database)."""
    return ClassBook(run_registry().store)


@st.cache_resource(show_spinner=False)
def training_clock() -> TrainingClock:
    """The server's estimates of training times, corrected by the trainings it runs."""
    return TrainingClock()


def data_caption(data: MnistData) -> None:
    """A line saying which digits the page trains on."""
    st.caption(f"Data: {data.description}")

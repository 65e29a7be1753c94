"""Things made once per server and shared by every session: the digits, the run registry, the training clock."""

from __future__ import annotations

import streamlit as st

from nn_core.classes import ClassBook
from nn_core.digits.data import MnistData, load_mnist
from nn_core.estimate import TrainingClock
from nn_core.lessons import LESSONS
from nn_core.registry import RunRegistry
from nn_core.store import RunStore


@st.cache_resource(show_spinner="Loading MNIST digits...")
def mnist() -> MnistData:
    """The digits (read-only arrays, one copy for all sessions)."""
    return load_mnist()


@st.cache_resource(show_spinner=False)
def run_registry() -> RunRegistry:
    """Every run of the server, live or saved (one registry for all sessions)."""
    store = RunStore.from_environment({lesson.config_class.__name__: lesson.config_class for lesson in LESSONS})
    return RunRegistry(store, {lesson.slug: lesson for lesson in LESSONS})


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

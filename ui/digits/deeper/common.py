"""What the look-deeper sections share: their widget keys and the test digits used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from nn_core.digits import embedding
from nn_core.digits.analysis import Evaluation, cached_evaluation, confusion_matrix
from nn_core.digits.data import MnistData, to_float
from ui.state import PageState


def key(state: PageState, *parts: object) -> str:
    """The session key of one of the look-deeper widgets."""
    return state.key("widget", "deeper", *parts)


def remembered(state: PageState, default: Any, *parts: object) -> tuple[str, Any]:
    """A widget's key and the value it starts from: the choice last made, or ``default``.

    The views' tabs run only while open, and Streamlit forgets the state of a widget that
    a run does not draw: each choice is therefore also kept under a key of its own
    (``remember``), from which the widget starts again when its tab reopens, and which
    the drawn digit's views read.
    """
    return key(state, *parts), state.get("deeper", *parts, default=default)


def remember(state: PageState, value: Any, *parts: object) -> Any:
    """Keep a widget's current value (see ``remembered``); returns it."""
    state.set("deeper", *parts, value)
    return value


def selected_data(state: PageState, chart: str) -> list[list[Any]]:
    """The ``customdata`` of each point selected on one of the page's charts, as a list per point.

    The browser sends an array's customdata as a list, or as an object keyed "0", "1"...;
    a single value comes as itself.
    """
    selection = st.session_state.get(state.key("chart", chart))
    points = getattr(getattr(selection, "selection", None), "points", None) or []
    found = []
    for point in points:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, dict):
            data = [data[name] for name in sorted(data, key=lambda name: int(name))]
        elif data is not None and not isinstance(data, (list, tuple)):
            data = [data]
        if data:
            found.append(list(data))
    return found


@dataclass(frozen=True)
class TestDigits:
    """The test digits the views use (all of them, or an even sample of 2,000), with the model's answers.

    Attributes:
        images: (n, 28, 28) float32 in [0, 1].
        labels: (n,) the truth.
        indices: (n,) their places in the test set.
        evaluation: the model's probabilities, predictions and confusion matrix on these digits.
    """

    images: np.ndarray
    labels: np.ndarray
    indices: np.ndarray
    evaluation: Evaluation


def test_digits(model: Any, data: MnistData) -> TestDigits:
    """The sample of test digits and the model's cached answers on them."""
    everything = cached_evaluation(model, to_float(data.x_test), data.y_test)
    indices = embedding.map_sample(data.y_test)
    labels, predictions = everything.labels[indices], everything.predictions[indices]
    evaluation = Evaluation(everything.probabilities[indices], predictions, labels,
                            confusion_matrix(labels, predictions))
    return TestDigits(to_float(data.x_test[indices]), labels, indices, evaluation)

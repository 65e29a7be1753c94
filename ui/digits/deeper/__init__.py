"""Look deeper into a trained digit model: maps of its layers, damaged digits, "I don't know", units off.

``look_deeper`` is a section of four tabs about the test digits; only the open tab runs.
``drawn_digit`` shows the same views for the digit drawn on the canvas: it runs inside
the drawing panel's fragment on every pen stroke, so it reads what the test-digit side
cached and stays within a few tens of milliseconds. The ``inspection`` section uses
``why.explain_mistakes`` and ``why.cell_digits`` for its mistakes and confusion matrix.

Everything waits for a finished model (``Shown.settled``): a model still training
would change under the caches. The computations live in ``nn_core.digits`` (embedding,
saliency, robustness, confidence, ablation); this package only lays them out:

- ``common``: widget keys and the test digits used;
- ``maps``: the map of a layer (PCA, t-SNE), before and after training, the drawn digit on it;
- ``measures``: how robust, "I don't know", switching units off, and the drawn digit under each;
- ``why``: saliency of one digit, the digits of a confusion-matrix cell.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from nn_core.digits.data import MnistData
from nn_core.digits.probes import probes
from nn_core.errors import PlaygroundError
from ui.digits.deeper.common import key, test_digits
from ui.digits.deeper.maps import map_section, map_with_drawing
from ui.digits.deeper.measures import (ablation_section, confidence_section, damaged_drawing, drawn_ablation,
                                       drawn_confidence, robustness_section)
from ui.digits.deeper.why import why
from ui.state import PageState
from ui.train_block import Shown

TABS = ("Map of a layer", "How robust", "I don't know", "Switch units off")
DRAWN_TABS = ("Which pixels decided", "On the map", "Damaged", "I don't know", "Units off")


def _lazy_tabs(state: PageState, name: str, labels: tuple[str, ...], sections: tuple[Callable[[], None], ...]) -> None:
    """Tabs whose content runs only while open; a ``PlaygroundError`` becomes a plain sentence."""
    tabs = st.tabs(labels, key=key(state, name), on_change="rerun")
    for tab, section in zip(tabs, sections):
        with tab:
            if tab.open is False:
                continue
            try:
                section()
            except PlaygroundError as error:
                st.info(f"This view cannot be shown for this model: {error}.")


def look_deeper(state: PageState, shown: Shown, data: MnistData) -> None:
    """The "Look deeper" section: a map of a layer, damaged digits, a confidence threshold, units off."""
    st.header("Look deeper")
    if not shown.settled:
        st.info("These views open once the training has ended: they measure the finished network.")
        return
    model = shown.payload
    try:
        layers = probes(model)
    except PlaygroundError as error:
        st.info(f"No deeper views for this model: {error}.")
        return
    digits = test_digits(model, data)
    # A run's settings rebuild the very network it started from; an upload gets a fresh copy of its layers.
    config = shown.live.record.config if shown.live is not None and not shown.uploaded else None
    _lazy_tabs(state, "tabs", TABS, (
        lambda: map_section(state, model, digits, layers, config),
        lambda: robustness_section(state, model, digits),
        lambda: confidence_section(state, digits),
        lambda: ablation_section(state, model, digits, layers),
    ))


def drawn_digit(state: PageState, shown: Shown, image: np.ndarray, data: MnistData) -> None:
    """The deeper views of the drawn digit, in tabs (only the open one runs on a pen stroke)."""
    if not shown.settled:
        return
    model = shown.payload
    try:
        layers = probes(model)
    except PlaygroundError:
        layers = []
    st.subheader("Your digit, looked at deeper")
    _lazy_tabs(state, "drawn_tabs", DRAWN_TABS, (
        lambda: why(state, model, image, "drawn"),
        lambda: map_with_drawing(state, model, test_digits(model, data), layers, image),
        lambda: damaged_drawing(state, model, image),
        lambda: drawn_confidence(state, model, image),
        lambda: drawn_ablation(state, model, image, layers),
    ))

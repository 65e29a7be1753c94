"""Which pixels decided, and which digits fill a cell of the confusion matrix.

``why`` shows one digit's saliency maps (gradient and occlusion) for its answer or a class
the student picks; ``explain_mistakes`` offers it for the mistakes gallery; ``cell_digits``
shows the test digits of one confusion-matrix cell, chosen in a list or by clicking the
matrix (``cell_clicked``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from nn_core.digits import deeper_figures as figures
from nn_core.digits import a_digit, saliency
from nn_core.digits.analysis import Evaluation
from nn_core.digits.inference import predict_digit
from ui.charts import show
from ui.digits.deeper.common import key, remember, remembered, selected_data
from ui.state import PageState

SHOWN_IN_CELL = 30  # digits shown for a confusion-matrix cell


def why(state: PageState, model: Any, image: np.ndarray, name: str) -> None:
    """Saliency of one digit: its gradient and occlusion maps, for its answer or a class the student picks."""
    probabilities = predict_digit(model, image)
    best = int(np.argmax(probabilities))
    choice = st.selectbox("Explain", ["answer", *range(10)], key=key(state, "why", name),
                          format_func=lambda value: "its answer" if value == "answer" else f"why not {a_digit(value)}?")
    digit = best if choice == "answer" else int(choice)
    gradient = saliency.gradient_saliency(model, image, digit)
    occlusion = saliency.occlusion_saliency(model, image, digit)
    show(state, figures.saliency_figure(image, gradient, occlusion, digit), f"saliency.{name}")
    st.caption(f"The network gives **{digit}** a probability of {probabilities[digit]:.0%}"
               + (" (its answer)." if digit == best else f" (its answer, {best}, gets {probabilities[best]:.0%}).")
               + f" Gradient: how {saliency.model_sees(model)} would change if a pixel were brighter: red pixels "
               f"speak for {digit}, blue against. Occlusion: how much its probability drops when a "
               f"{saliency.PATCH}x{saliency.PATCH} square is painted black, averaged per pixel. The black line is "
               "the outline of the ink.")


def explain_mistakes(state: PageState, model: Any, mistakes: list) -> None:
    """An expander that explains one mistake of the gallery with its saliency maps."""
    expander = st.expander("Which pixels decided? Explain one of these mistakes", key=key(state, "explain"),
                           on_change="rerun")
    with expander:
        if expander.open is False:
            return
        pick = st.selectbox("Mistake", list(range(len(mistakes))), key=key(state, "mistake"),
                            format_func=lambda i: f"#{i + 1}: {a_digit(mistakes[i].true_label)} read as "
                                                  f"{mistakes[i].predicted}")
        why(state, model, mistakes[pick].image, "mistake")


def cell_clicked(state: PageState) -> None:
    """The confusion matrix was clicked: its cell becomes the one whose digits are shown."""
    for data in selected_data(state, "confusion"):
        if len(data) >= 3 and data[2]:  # (true digit, answer, count): an empty cell shows nothing
            # The list below starts again from the kept choice: the clicked cell.
            remember(state, f"{int(data[0])}-{int(data[1])}", "cell")
            st.session_state.pop(key(state, "cell"), None)


def cell_digits(state: PageState, evaluation: Evaluation, images: np.ndarray) -> None:
    """The test digits of one confusion-matrix cell (clicked, or chosen in the list), with their probabilities."""
    matrix = evaluation.matrix
    cells = [(int(row), int(column)) for row, column in zip(*np.nonzero(matrix))]
    cells.sort(key=lambda cell: (cell[0] == cell[1], -matrix[cell]))  # confusions first, the commonest first
    options = [f"{row}-{column}" for row, column in cells]

    def describe(option: str) -> str:
        row, column = map(int, option.split("-"))
        what = "read right" if row == column else f"read as {column}"
        return f"{row}s {what}: {matrix[row, column]} digit{'s' if matrix[row, column] != 1 else ''}"

    st.subheader("The digits behind a cell")
    if not options:
        return
    widget, chosen = remembered(state, options[0], "cell")
    if chosen not in options:  # another model: its own commonest confusion
        chosen = options[0]
        st.session_state.pop(widget, None)
    chosen = remember(state, st.selectbox("Digits of one cell (or click a cell of the matrix)", options,
                                          index=options.index(chosen), format_func=describe, key=widget), "cell")
    if chosen is None:
        return
    row, column = map(int, chosen.split("-"))
    found = np.flatnonzero((evaluation.labels == row) & (evaluation.predictions == column))
    found = found[np.argsort(-evaluation.probabilities[found, column], kind="stable")][:SHOWN_IN_CELL]
    captions = []
    for index in found:
        odds = evaluation.probabilities[index]
        second = int(np.argsort(-odds, kind="stable")[1])
        captions.append(f"{column}: {odds[column]:.0%} · {second}: {odds[second]:.0%}")
    show(state, figures.digit_tiles(images[found], captions, [row != column] * len(found)), "cell_digits")
    shown_count = f"the {len(found)} surest of {matrix[row, column]}" if matrix[row, column] > len(found) else "all"
    st.caption(f"True {row}, answered {column}: {shown_count}, each with the network's probability for its answer "
               "and for its second guess.")



"""Looking inside a trained digit model: its mistakes on the test digits, and a drawn digit.

``test_set_analysis`` shows the confusion matrix (click a cell for its digits), the
accuracy per digit and the test digits the model got most confidently wrong (with the
pixels that decided), computed once per trained model;
``hidden_layers`` what each hidden layer makes of a drawn digit. Any page with a trained
Keras digit model can use them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from nn_core.digits import analysis, figures
from nn_core.digits.data import MnistData, to_float
from nn_core.digits.deeper_figures import clickable_confusion
from nn_core.per_model import remember
from ui.charts import show
from ui.digits.deeper.why import cell_clicked, cell_digits, explain_mistakes
from ui.state import PageState


def test_set_analysis(state: PageState, model: Any, data: MnistData, mistakes_shown: int = 12) -> None:
    """Confusion matrix, accuracy per digit and a gallery of misclassified test digits (worked out once per model)."""
    images = to_float(data.x_test)
    evaluation = analysis.cached_evaluation(model, images, data.y_test)
    size = len(data.x_test)
    right = int((evaluation.predictions == evaluation.labels).sum())
    st.write(f"The trained network reads **{right:,} of {len(evaluation.labels):,}** test digits right, "
             "digits it never saw while training. Which does it confuse?")
    left, middle = st.columns([3, 2])
    with left:
        st.subheader("Confusion matrix")
        st.caption("Row: the true digit; column: what the network said. The green diagonal is right; "
                   "each red cell counts one kind of confusion. Click a cell to see its digits.")
        show(state, remember(model, ("confusion figure", size), lambda: clickable_confusion(evaluation.matrix)),
             "confusion", on_select=lambda: cell_clicked(state), selection_mode="points")
    with middle:
        st.subheader("Accuracy per digit")
        st.caption("Share of each digit's test examples read right; the weakest is in red.")
        show(state, remember(model, ("per-digit figure", size), lambda: figures.per_digit_accuracy(evaluation.per_class)),
             "per_digit")
    cell_digits(state, evaluation, images)
    st.subheader("Misclassified test digits")
    wrong = remember(model, ("mistakes", size, mistakes_shown),
                     lambda: analysis.mistakes(evaluation, images, mistakes_shown))
    if not wrong:
        st.success("No test digit is misclassified.")
        return
    st.caption("The mistakes the network was surest about: true digit → prediction, then its three most "
               "likely answers. Some are sloppy digits a person would misread too.")
    show(state, remember(model, ("mistakes figure", size, mistakes_shown), lambda: figures.mistakes_gallery(wrong)),
         "mistakes")
    explain_mistakes(state, model, wrong)


def hidden_layers(state: PageState, model: Any, image: np.ndarray) -> None:
    """What each hidden Dense layer outputs for a drawn digit (nothing for a model without one)."""
    layers = analysis.hidden_activations(model, image)
    if not layers:
        return
    st.subheader("Inside the hidden layers")
    st.caption("Each square is one hidden neuron's output for your digit, neurons laid out row by row "
               "(bright = strongly excited; each layer has its own scale). Draw another digit and watch "
               "a different pattern light up: the output layer reads these patterns, not the pixels.")
    notes = [getattr(getattr(model.get_layer(name), "activation", None), "__name__", "") for name, _ in layers]
    show(state, figures.activation_maps(layers, notes), "activations")

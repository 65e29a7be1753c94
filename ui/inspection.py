"""Looking inside a trained digit model: its mistakes on the test digits, and a drawn digit.

``test_set_analysis`` shows the confusion matrix, the accuracy per digit and the test
digits the model got most confidently wrong; ``drawing_analysis`` the canvas, the
prediction for what is drawn on it, and what each hidden layer makes of it. Any page
with a trained Keras digit model can use them.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from nn_core import analysis, diagrams
from nn_core.data import MnistData, to_float
from ui.canvas import classify_drawing, draw_digit

PLAIN = {"displayModeBar": False}


def _evaluation(page: str, model: Any, data: MnistData) -> analysis.Evaluation:
    """The model's answers on the test digits, computed once per trained model."""
    key = f"{page}.evaluation"
    cached = st.session_state.get(key)
    if cached is None or cached[0] is not model:
        cached = (model, analysis.evaluate(model, to_float(data.x_test), data.y_test))
        st.session_state[key] = cached
    return cached[1]


def test_set_analysis(page: str, model: Any, data: MnistData, mistakes_shown: int = 12) -> None:
    """Confusion matrix, accuracy per digit and a gallery of misclassified test digits."""
    evaluation = _evaluation(page, model, data)
    right = int((evaluation.predictions == evaluation.labels).sum())
    st.write(f"The trained network reads **{right:,} of {len(evaluation.labels):,}** test digits right, "
             "digits it never saw while training. Which does it confuse?")
    left, middle = st.columns([3, 2])
    with left:
        st.subheader("Confusion matrix")
        st.caption("Row: the true digit; column: what the network said. The green diagonal is right; "
                   "each red cell counts one kind of confusion.")
        st.plotly_chart(diagrams.confusion_heatmap(evaluation.matrix), key=f"{page}.confusion", config=PLAIN)
    with middle:
        st.subheader("Accuracy per digit")
        st.caption("Share of each digit's test examples read right; the weakest is in red.")
        st.plotly_chart(diagrams.per_digit_accuracy(evaluation.per_class), key=f"{page}.per_digit", config=PLAIN)
    st.subheader("Misclassified test digits")
    wrong = analysis.mistakes(evaluation, to_float(data.x_test), mistakes_shown)
    if not wrong:
        st.success("No test digit is misclassified.")
        return
    st.caption("The mistakes the network was surest about: true digit → prediction, then its three most "
               "likely answers. Some are sloppy digits a person would misread too.")
    st.plotly_chart(diagrams.mistakes_gallery(wrong), key=f"{page}.mistakes", config=PLAIN)


def drawing_analysis(page: str, model: Any) -> None:
    """The canvas, the prediction for the drawing, and each hidden layer's activations."""
    canvas_column, result_column = st.columns([1, 2])
    with canvas_column:
        drawing = draw_digit(page)
    with result_column:
        classified = classify_drawing(page, model, drawing)
    if classified is None:
        return
    image, _ = classified
    layers = analysis.hidden_activations(model, image)
    if not layers:
        return
    st.subheader("Inside the hidden layers")
    st.caption("Each square is one hidden neuron's output for your digit, neurons laid out row by row "
               "(bright = strongly excited; each layer has its own scale). Draw another digit and watch "
               "a different pattern light up: the output layer reads these patterns, not the pixels.")
    notes = [getattr(getattr(model.get_layer(name), "activation", None), "__name__", "") for name, _ in layers]
    st.plotly_chart(diagrams.activation_maps(layers, notes), key=f"{page}.activations", config=PLAIN)

"""The drawing canvas and what a model makes of the digit drawn on it."""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from nn_core.figures import digit_image, probability_bars
from nn_core.inference import predict_digit
from nn_core.preprocess import canvas_to_mnist

CANVAS_SIZE = 280
STROKE_WIDTH = 18


def draw_digit(page: str) -> np.ndarray | None:
    """A 280x280 canvas (white ink on black) with a Clear button.

    Returns:
        The drawing as an (H, W, 4) uint8 RGBA array, or None before anything is drawn.
    """
    # Imported here: the component registers itself on import, which needs a running app.
    from streamlit_drawable_canvas import st_canvas

    # The canvas's toolbar (undo, redo, clear) floats just above it on hover: this line
    # gives it room instead of letting it cover whatever the page wrote above.
    st.caption("Draw with the mouse, or a finger on a touch screen:")
    generation_key = f"{page}.canvas_generation"
    generation = st.session_state.setdefault(generation_key, 0)
    result = st_canvas(
        stroke_width=STROKE_WIDTH,
        stroke_color="#FFFFFF",
        background_color="#000000",
        height=CANVAS_SIZE,
        width=CANVAS_SIZE,
        drawing_mode="freedraw",
        return_image_data=True,
        key=f"{page}.canvas.{generation}",
    )
    if st.button("Clear canvas", key=f"{page}.clear"):
        # A canvas with a new key starts empty.
        st.session_state[generation_key] = generation + 1
        st.rerun()
    try:
        return result.image_data
    except Exception:  # a malformed image from the browser counts as no drawing
        return None


def classify_drawing(page: str, model, rgba: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Show ``Prediction: N``, the probabilities and the 28x28 image the model sees.

    Returns:
        (image, probabilities), or None when there is nothing to classify (a hint is shown).
    """
    if rgba is None:
        st.info("Draw a digit on the canvas, as large or small as you like.")
        return None
    started = time.perf_counter()
    try:
        image = canvas_to_mnist(rgba)
    except ValueError:
        st.info("The canvas is empty: draw a digit on it with the mouse or a finger.")
        return None
    probabilities = predict_digit(model, image)
    milliseconds = (time.perf_counter() - started) * 1000
    best = int(np.argmax(probabilities))
    st.subheader(f"Prediction: {best}")
    st.caption(f"{probabilities[best]:.0%} sure · classified in {milliseconds:.1f} ms, preprocessing included")
    left, right = st.columns([3, 2])
    left.plotly_chart(probability_bars(probabilities), key=f"{page}.probabilities",
                      config={"displayModeBar": False})
    right.plotly_chart(digit_image(image, "Model input, 28x28"), key=f"{page}.seen",
                       config={"displayModeBar": False})
    return image, probabilities

"""The drawing canvas and what a model makes of the digit drawn on it.

``drawing_panel`` puts the canvas, the prediction and whatever a lesson shows of the
drawn digit (hidden activations, feature maps) in a fragment of their own: a pen stroke
reruns that fragment alone, not the page around it. The last drawing on a run's canvas
is kept with the run, so a reloaded page shows it again.

The digit is also handed to training: the page keeps it (as the model sees it) for the
next Train, and a run that is training reads it again after every epoch
(``nn_core.digits.watch``). A run the page has just started keeps the canvas as it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st

from nn_core.digits.figures import digit_image, probability_bars
from nn_core.digits.inference import read_digit
from nn_core.digits.preprocess import canvas_to_mnist, drawing_doubts
from nn_core.digits.watch import watch_of
from nn_core.registry import LiveRun
from ui.charts import show
from ui.resources import run_registry
from ui.state import PageState

CANVAS_SIZE = 280
STROKE_WIDTH = 18

# The canvas component sends a drawing 200 ms after the pen lifts (so that strokes in quick
# succession travel together); that wait alone was most of the time to "Prediction: N".
# Added once to the app's document (``st.html`` is not in an iframe): when the pen lifts
# from a canvas, press the component's own "Update the app with this drawing" button of
# its toolbar, which sends the drawing at once and cancels the wait. Where the button is
# not found (another version of the component), the component's own wait still applies.
_SEND_ON_PEN_LIFT = """
<script>
if (!window.playgroundSendsOnPenLift) {
  window.playgroundSendsOnPenLift = true;
  let drawingOn = null;
  document.addEventListener("pointerdown", (event) => {
    drawingOn = event.composedPath().find(
      (node) => node instanceof HTMLCanvasElement && node.classList.contains("upper-canvas")) || null;
  }, true);
  document.addEventListener("pointerup", () => {
    const canvas = drawingOn;
    drawingOn = null;
    if (!canvas) return;
    setTimeout(() => {  // after the component has added the stroke
      for (let node = canvas.parentElement; node; node = node.parentElement || node.getRootNode().host) {
        const send = node.querySelector && node.querySelector('button[aria-label="Update the app with this drawing"]');
        if (send) { send.click(); return; }
      }
    }, 10);
  }, true);
}
</script>
"""


def draw_digit(state: PageState, name: str = "main", live: LiveRun | None = None,
               in_fragment: bool = False) -> np.ndarray | None:
    """A 280x280 canvas (white ink on black) with a Clear button.

    Args:
        state: the page's state.
        name: which canvas of the page (a page may have two).
        live: the run whose last drawing the canvas starts from, and keeps.
        in_fragment: the canvas is drawn by a fragment (Clear then reruns only that).

    Returns:
        The drawing as an (H, W, 4) uint8 RGBA array, or None before anything is drawn.
    """
    # Imported here: the component registers itself on import, which needs a running app.
    from streamlit_drawable_canvas import st_canvas

    st.caption("Draw with the mouse, or a finger on a touch screen:")
    # The canvas's toolbar (undo, redo, clear) floats just above it on hover: this empty
    # line gives it room instead of letting it cover the caption.
    st.html('<div style="height: 1.6rem"></div>' + _SEND_ON_PEN_LIFT, unsafe_allow_javascript=True)
    generation = state.setdefault("canvas_generation", name, 0)
    # A run's kept drawing is where a fresh canvas starts; it stays fixed while the student draws on.
    start_key = state.key("widget", "canvas_start", name, generation)
    if start_key not in st.session_state:
        st.session_state[start_key] = (live.id, live.record.drawing) if live is not None else (None, None)
    started_for, initial = st.session_state[start_key]
    if live is not None and started_for != live.id:
        if not live.done and live.record.drawing is None:
            # A run this page has just started (Train) takes the canvas as it is: the digit drawn
            # before Train stays, and the training reads it after every epoch.
            st.session_state[start_key] = (live.id, initial)
        else:
            initial = None  # another run: start blank
    result = st_canvas(
        stroke_width=STROKE_WIDTH,
        stroke_color="#FFFFFF",
        background_color="#000000",
        height=CANVAS_SIZE,
        width=CANVAS_SIZE,
        drawing_mode="freedraw",
        initial_drawing=initial,
        return_image_data=True,
        key=state.key("canvas", name, generation),
    )
    if st.button("Clear canvas", key=state.key("clear", name)):
        # A canvas with a new key starts empty.
        state.set("canvas_generation", name, generation + 1)
        st.session_state[state.key("widget", "canvas_start", name, generation + 1)] = (None, None)
        if live is not None:
            run_registry().save_drawing(live, None)
        st.rerun(scope="fragment" if in_fragment else "app")
    if live is not None:
        drawing = getattr(result, "json_data", None)
        if isinstance(drawing, dict) and drawing.get("objects"):
            run_registry().save_drawing(live, drawing)
    try:
        return result.image_data
    except Exception:  # a malformed image from the browser counts as no drawing
        return None


def classify_drawing(state: PageState, model: Any, rgba: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
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
    outputs, probabilities = read_digit(model, image)
    milliseconds = (time.perf_counter() - started) * 1000
    best = int(np.argmax(probabilities))
    st.subheader(f"Prediction: {best}")
    timing = f"classified in {milliseconds:.1f} ms, preprocessing included"
    if abs(float(outputs.sum()) - 1.0) > 0.01:  # sigmoid outputs: ten separate answers, not shares of one
        st.caption(f"The neuron for {best} fires at **{outputs[best]:.2f}** (of 1). With a sigmoid output each neuron "
                   "answers yes or no on its own, so the ten need not add up to 1; the bars divide each by their "
                   f"sum, which gives {best} {probabilities[best]:.0%}. · {timing}")
    else:
        st.caption(f"{probabilities[best]:.0%} sure · {timing}")
    doubt = drawing_doubts(rgba)
    if doubt:
        st.info(doubt, icon=":material/help:")
    elif probabilities[best] < 0.5:
        st.caption("The network is unsure: no digit gets even half of the probability. Does it look like one?")
    left, right = st.columns([3, 2])
    show(state, probability_bars(probabilities), "probabilities", left)
    show(state, digit_image(image, "Model input, 28x28"), "seen", right)
    return image, probabilities


def drawing_panel(state: PageState, model: Any, live: LiveRun | None = None,
                  more: Callable[[np.ndarray], None] | None = None) -> None:
    """The canvas and the model's answer, in a fragment: a stroke reruns this panel only.

    Args:
        state: the page's state.
        model: the model that reads the digit (None before there is one: the canvas alone).
        live: the run the model belongs to (its drawing is kept with it, and a training reads it).
        more: draws what else the lesson shows of the drawn digit (its 28x28 image given).
    """

    @st.fragment
    def panel() -> None:
        canvas_column, result_column = st.columns([1, 2])
        with canvas_column:
            drawing = draw_digit(state, "main", live, in_fragment=True)
        _hand_to_training(state, drawing, live)
        with result_column:
            if model is None:
                st.info("Draw a digit, then press **Train**: after every epoch the network reads it again, and "
                        "the training console shows how it makes up its mind.", icon=":material/draw:")
                return
            classified = classify_drawing(state, model, drawing)
        if classified is not None and more is not None:
            more(classified[0])

    panel()


def _hand_to_training(state: PageState, rgba: np.ndarray | None, live: LiveRun | None) -> None:
    """Keep the drawn digit for the next training, and give it to the run that trains now."""
    try:
        image = canvas_to_mnist(rgba) if rgba is not None else None  # (28, 28) as the model sees it
    except ValueError:  # an empty canvas
        image = None
    state.set("drawn", image)
    watch = watch_of(live.job) if live is not None and not live.done else None
    if watch is not None:
        watch.show(image)

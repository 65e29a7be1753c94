"""The Perceptron page's own sections: its settings, each neuron's weights, and the logic gates."""

from __future__ import annotations

from typing import Any

import streamlit as st

from nn_core.perceptron import PRESETS, PerceptronConfig
from nn_core.perceptron.figures import decision_boundary, weight_maps
from nn_core.digits import NUM_CLASSES, PIXELS
from nn_core.perceptron.gates import GATES, INPUTS, GateResult, train_gate, truth_table
from nn_core.per_model import remember
from ui.charts import show
from ui.page import sidebar_start
from ui.settings import DIGIT_BATCH_SIZES, settings_panel
from ui.state import PageState


def settings(state: PageState, available: int) -> PerceptronConfig:
    """The sidebar's presets and widgets, and the config they describe."""
    sidebar_start(state, PRESETS)
    return settings_panel(state, PerceptronConfig, {  # type: ignore[return-value]
        "activation": {"label": "Output activation"},
        "optimizer": {"label": "Optimizer"},
        "learning_rate": {"label": "Learning rate", "kind": "select_slider"},
        "epochs": {"label": "Epochs", "kind": "slider", "max": 50},
        "batch_size": {"label": "Batch size", "kind": "select_slider", "options": DIGIT_BATCH_SIZES},
        "train_samples": {"label": "Training samples", "kind": "slider", "min": 100, "max": available, "step": 100},
        "validation_split": {"label": "Validation share", "kind": "slider", "step": 0.05},
        "seed": {"label": "Random seed"},
    })


def weights_section(state: PageState, model: Any) -> None:
    """Each output neuron's 784 weights as a 28x28 picture of what it looks for."""
    st.header("What each neuron looks for")
    st.write(
        "Each map is one output neuron's 784 weights laid out as the 28x28 image. Red pixels "
        "raise that digit's score when they are inked, blue ones lower it: the neuron has "
        "learned a fuzzy template of its digit, and of where other digits put their ink."
    )
    weights = model.layers[-1].get_weights()
    if weights and weights[0].shape == (PIXELS, NUM_CLASSES):  # (pixels, neurons)
        show(state, remember(model, "weight maps", lambda: weight_maps(weights[0])), "weights")
    else:
        st.info("This model has hidden layers, so its output neurons do not look at the pixels directly.")


@st.cache_data(show_spinner=False)
def _trained_gates() -> dict[str, GateResult]:
    return {gate: train_gate(gate) for gate in GATES}


def gates_section(state: PageState) -> None:
    """One sigmoid neuron on AND, OR, NOR and XOR: a straight line, and XOR's failure."""
    st.header("Logic gates: what one layer can separate")
    st.write(
        "Rosenblatt's perceptron was first shown on logic gates. Below, one sigmoid neuron with "
        "two inputs is trained on each gate's truth table. It draws a single straight line "
        "through the plane of its inputs (the black line), so it masters AND, OR and NOR. "
        "XOR's ones sit on a diagonal, and no straight line separates them from its zeros: the "
        "neuron gives up at 0.5 everywhere. That is why networks need hidden layers."
    )
    gates = _trained_gates()
    for column, (gate, result) in zip(st.columns(len(gates)), gates.items()):
        show(state, decision_boundary(result.output_grid(), INPUTS, GATES[gate], (-0.5, 1.5),
                                      f"{gate}: {result.correct}/4 right"), f"gate.{gate}", column)
    st.markdown(truth_table(gates))  # one table for the four gates, rows are the inputs
    st.caption("An output of 0.50 is marked **?**: the neuron says neither 0 nor 1, so it is not counted as right.")
    # The plane page takes a link's settings on every visit when it carries from=<page>.
    st.page_link("pages/plane.py", label="XOR with one hidden layer: watch four hidden neurons solve it on the plane",
                 icon=":material/arrow_forward:", query_params={
                     "from": "perceptron", "dataset": "xor", "features": "x1,x2", "hidden_units": "4",
                     "activations": "tanh", "epochs": "60"})

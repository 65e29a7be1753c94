"""Perceptron: ten neurons wired straight to the pixels, trained live on MNIST."""

import streamlit as st

from nn_core import figures
from nn_core.gates import GATES, INPUTS, train_gate, truth_table
from nn_core.models import PerceptronConfig
from nn_core.models.perceptron import PRESETS
from ui.canvas import classify_drawing, draw_digit
from ui.share import train_and_share
from ui.resources import data_caption, mnist
from ui.runs import run_history_section
from ui.settings import preset_buttons, settings_panel

PAGE = "perceptron"

st.title("Single-layer perceptron")
st.write(
    "The simplest network: each of the 784 pixels of a digit is wired straight to ten output "
    "neurons, one per digit. Each neuron weighs the pixels, adds them up with a bias and "
    "squashes the sum through its activation; the most excited neuron names the digit. "
    "There are no hidden layers, so each neuron can only learn *one template* of its digit."
)
data = mnist()
data_caption(data)

st.sidebar.header("Settings")
preset_buttons(PAGE, PRESETS)
config = settings_panel(PAGE, PerceptronConfig, {
    "activation": {"label": "Output activation"},
    "optimizer": {"label": "Optimizer"},
    "learning_rate": {"label": "Learning rate", "kind": "select_slider"},
    "epochs": {"label": "Epochs", "kind": "slider", "max": 50},
    "batch_size": {"label": "Batch size", "kind": "select_slider",
                   "options": [8, 16, 32, 64, 128, 256, 512, 1024, 2048]},
    "train_samples": {"label": "Training samples", "kind": "slider", "min": 100,
                      "max": len(data.x_train), "step": 100},
    "validation_split": {"label": "Validation share", "kind": "slider", "step": 0.05},
    "seed": {"label": "Random seed"},
})
st.code(
    f"keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation='{config.activation}')])",
    language="python",
)

snapshot, model = train_and_share(PAGE, config, data, "Single-layer perceptron on MNIST")
if model is None:
    if snapshot is None:
        st.info("Press **Train** to train the perceptron with the settings in the sidebar "
                "(a few seconds with the defaults).")
else:
    st.header("What each neuron looks for")
    st.write(
        "Each map is one output neuron's 784 weights laid out as the 28x28 image. Red pixels "
        "raise that digit's score when they are inked, blue ones lower it: the neuron has "
        "learned a fuzzy template of its digit, and of where other digits put their ink."
    )
    weights = model.layers[-1].get_weights()
    if weights and weights[0].shape == (784, 10):  # (pixels, neurons)
        st.plotly_chart(figures.weight_maps(weights[0]), key=f"{PAGE}.weights", config={"displayModeBar": False})
    else:
        st.info("This model has hidden layers, so its output neurons do not look at the pixels directly.")

    st.header("Draw a digit")
    canvas_column, result_column = st.columns([1, 2])
    with canvas_column:
        drawing = draw_digit(PAGE)
    with result_column:
        classify_drawing(PAGE, model, drawing)

run_history_section(PAGE)

st.header("Logic gates: what one layer can separate")
st.write(
    "Rosenblatt's perceptron was first shown on logic gates. Below, one sigmoid neuron with "
    "two inputs is trained on each gate's truth table. It draws a single straight line "
    "through the plane of its inputs (the black line), so it masters AND, OR and NOR. "
    "XOR's ones sit on a diagonal, and no straight line separates them from its zeros: the "
    "neuron gives up at 0.5 everywhere. That is why networks need hidden layers."
)


@st.cache_data(show_spinner=False)
def trained_gates():
    return {gate: train_gate(gate) for gate in GATES}


gates = trained_gates()
for column, (gate, result) in zip(st.columns(len(gates)), gates.items()):
    with column:
        st.plotly_chart(
            figures.decision_boundary(result.output_grid(), INPUTS, GATES[gate], (-0.5, 1.5),
                                      f"{gate}: {result.correct}/4 right"),
            key=f"{PAGE}.gate.{gate}", config={"displayModeBar": False},
        )
st.markdown(truth_table(gates))  # one table for the four gates, rows are the inputs

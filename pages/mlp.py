"""Multi-Layer Perceptron: hidden layers, activations, optimizers and overfitting, trained live."""

import streamlit as st

from nn_core.mlp.job import mlp_job
from ui import mlp
from ui.canvas import drawing_panel
from ui.digits.deeper import drawn_digit, look_deeper
from ui.digits.inspection import hidden_layers, test_set_analysis
from ui.digits.training import digit_trainer
from ui.page import digits, lesson_header
from ui.runs import run_history_section
from ui.state import PageState
from ui.train_block import train_block

state = PageState("mlp")
lesson_header(state, "Multi-layer perceptron", (
    "Between the 784 pixels and the ten outputs sit **hidden layers**. Each hidden neuron takes a "
    "weighted sum of everything in the layer before, adds a bias and passes the sum through an "
    "**activation** (ReLU, sigmoid, tanh...); without that bend, any stack of layers would be one "
    "straight-line layer again. A digit flows forward layer by layer (**forward propagation**) to ten "
    "probabilities; the **loss** (cross-entropy) measures how little probability went to the true digit; "
    "**backpropagation** sends that error backwards to find how each weight should move; the "
    "**optimizer** (SGD with momentum, Adam, RMSprop) moves them, one batch at a time."))
data = digits()
config = mlp.settings(state, len(data.x_train))
mlp.network_section(state, config, data)

st.header("Training")
st.caption("Watch the two curves part: training accuracy that keeps climbing while validation accuracy stalls "
           "is overfitting. Dropout is on while training and off for validation, so with dropout the "
           "training curve may sit below the validation one.")
shown = train_block(state, config, digit_trainer(
    state, config, data, "Multi-layer perceptron on MNIST",
    "Press **Train** to train the network in the sidebar (about ten seconds with the defaults).", mlp_job))
with st.container():  # one element however much a run shows, so the canvas below keeps its drawing
    mlp.run_notes(shown.snapshot)
    if shown.settled:
        st.header("Looking inside")
        test_set_analysis(state, shown.payload, data)
        look_deeper(state, shown, data)
st.header("Draw a digit")


def more(image) -> None:
    hidden_layers(state, shown.payload, image)
    drawn_digit(state, shown, image, data)


drawing_panel(state, shown.payload, shown.drawing_run, more)

run_history_section(state)

"""Perceptron: ten neurons wired straight to the pixels, trained live on MNIST."""

import streamlit as st

from nn_core.codegen import network_code
from ui import perceptron
from ui.canvas import drawing_panel
from ui.digits.inspection import test_set_analysis
from ui.digits.training import digit_trainer
from ui.page import digits, lesson_header
from ui.runs import run_history_section
from ui.state import PageState
from ui.train_block import train_block

state = PageState("perceptron")
lesson_header(state, "Single-layer perceptron", (
    "The simplest network: each of the 784 pixels of a digit is wired straight to ten output "
    "neurons, one per digit. Each neuron weighs the pixels, adds them up with a bias and "
    "squashes the sum through its activation; the most excited neuron names the digit. "
    "There are no hidden layers, so each neuron can only learn *one template* of its digit."))
data = digits()
config = perceptron.settings(state, len(data.x_train))
st.code(network_code(config), language="python")

shown = train_block(state, config, digit_trainer(
    state, config, data, "Single-layer perceptron on MNIST",
    "Press **Train** to train the perceptron with the settings in the sidebar (a few seconds with the defaults)."))
with st.container():  # one element however much a run shows, so the canvas below keeps its drawing
    if shown.settled:
        perceptron.weights_section(state, shown.payload)
        st.header("Looking inside")
        test_set_analysis(state, shown.payload, data)
st.header("Draw a digit")
drawing_panel(state, shown.payload, shown.drawing_run)

run_history_section(state)
perceptron.gates_section(state)

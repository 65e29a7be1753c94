"""The plane: points on a plane, a small network, every neuron drawn as it learns (TensorFlow Playground's lesson)."""

import streamlit as st

from ui import plane
from ui.page import lesson_header
from ui.plane.pictures import network_section, result_section
from ui.plane.points import points_section
from ui.runs import run_history_section
from ui.state import PageState
from ui.train_block import train_block

state = PageState("plane")
lesson_header(state, "The plane: points, layers, boundaries", (
    "Each point on the plane has two coordinates and a class. A network is given a few numbers about each "
    "point (its **features**: the coordinates, or their squares, product or sines) and learns to tell the "
    "classes apart. One layer can only cut the plane with a straight line; **hidden layers** combine such "
    "cuts into curves, rings and spirals. Every neuron is drawn as a small picture of what it computes over "
    "the whole plane, so you can watch the boundary take shape as the network learns."))
config = plane.settings(state)

points_column, network_column = st.columns([2, 3], gap="medium")
with points_column:
    st.subheader("The points")
    data = points_section(state, config)
with network_column:
    st.subheader("The network")
    network_section(state, config, data)

st.header("Training")
st.caption("The curves' orange 'validation' line is measured on the test points (dark rim), which training never "
           "sees. A network that learns its training points by heart shows it there first. The regression surface "
           "has no accuracy: its accuracy panel stays empty and the loss (mean squared error) tells.")
shown = train_block(state, config, plane.plane_trainer(state, config))
result_section(state, shown, config)

run_history_section(state)

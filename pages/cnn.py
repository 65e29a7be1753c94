"""Convolutional Network (coming soon): convolution, activation and pooling, stage by stage."""

import streamlit as st

st.title("Convolutional Network")
st.info("Coming soon: filter stages side by side, and a CNN trained live on MNIST.")

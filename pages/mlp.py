"""Multi-Layer Perceptron (coming soon): hidden layers, activations, overfitting."""

import streamlit as st

st.title("Multi-Layer Perceptron")
st.info("Coming soon: build a network with hidden layers, train it live and look inside it.")

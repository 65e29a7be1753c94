"""Recurrent Network (coming soon): a character-level text generator."""

import streamlit as st

st.title("Recurrent Network")
st.info("Coming soon: a character-level text generator trained live.")

"""Streamlit sections the three digit lessons share: what a trained model gets wrong, and a drawn digit inside it."""

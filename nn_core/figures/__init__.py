"""Figures several lessons share: the training curves and the run comparison, on one theme.

- ``theme``: colours, colour scales, margins and the chart toolbar, one meaning each;
- ``curves``: loss and accuracy as a network trains, and runs compared.

A lesson's own pictures live with the lesson (``nn_core.<lesson>.figures``). Every
function takes plain data and returns a ``plotly.graph_objects.Figure``; none knows
about Streamlit, so the same figures work in a notebook.
"""

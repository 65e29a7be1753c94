"""The playground's frame: page set-up, navigation, and what every page shares.

Run with ``streamlit run app.py``.
"""

import nn_core  # noqa: F401  (sets TensorFlow's thread counts before anything imports it)
import streamlit as st

st.set_page_config(page_title="Neural-network playground", page_icon=":material/neurology:", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/perceptron.py", title="Perceptron", icon=":material/linear_scale:", url_path="perceptron"),
    st.Page("pages/mlp.py", title="Multi-Layer Perceptron", icon=":material/stacks:", url_path="mlp"),
    st.Page("pages/cnn.py", title="Convolutional Network", icon=":material/grid_on:", url_path="cnn"),
    st.Page("pages/rnn.py", title="Recurrent Network", icon=":material/autorenew:", url_path="rnn"),
]

navigation = st.navigation(PAGES)
st.sidebar.caption("Train real TensorFlow networks in your browser and look inside them.")
navigation.run()

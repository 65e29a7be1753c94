"""The recurrent page's lesson: recurrence, unfolding, backpropagation through time, gates."""

from __future__ import annotations

import streamlit as st

from nn_core.rnn import figures
from nn_core.rnn.config import RNNConfig
from nn_core.rnn.script import network_code
from ui.charts import show
from ui.state import PageState


def introduction() -> None:
    """What a recurrent network is, and the experiment of the page."""
    st.write(
        "A feedforward network looks at one input and forgets it. A **recurrent** network reads a "
        "sequence one element at a time and carries a **hidden state** from each step to the next: a "
        "vector of numbers that is its memory of what it has read so far. At every step it mixes the "
        "new input with the previous state, using the same weights each time:"
    )
    st.latex(r"h_t = f\left(W_{xh}\,x_t + W_{hh}\,h_{t-1} + b\right), \qquad "
             r"y = \mathrm{softmax}\left(W_{hy}\,h_L + c\right)")
    st.write(
        "Here the elements are characters. The network reads a window of a few characters and guesses "
        "the one that follows; trained on every window of a text, it learns which characters tend to "
        "follow which. Appending its guess and sliding the window on, it writes text of its own. Choose a "
        "text, press **Train**, and watch its samples go from noise to words."
    )


def unfolding(state: PageState, config: RNNConfig, vocab_size: int, window: str | None) -> None:
    """The network unfolded over its window, backpropagation through time, gradients, gates."""
    st.write(
        f"Drawing the loop once per character turns the recurrent layer into a chain of "
        f"{config.sequence_length} steps, one per character of the window, all sharing the same weights. "
        "Training is ordinary backpropagation on this unfolded chain, called **backpropagation through "
        "time**: the error at the softmax flows back through every state to the first character, and "
        "each shared weight adds up what it was owed at every step."
    )
    show(state, figures.unfolded_network(config.sequence_length, config.cell, config.units,
                                         config.recurrent_layers, vocab_size, config.input_encoding, window),
         "unfolded")
    with st.expander("Vanishing gradients, and the LSTM and GRU gates"):
        st.write(
            "Going back one step multiplies the error signal by the recurrent weights and the slope "
            "of the activation. Over many steps these products usually shrink toward zero (the "
            "**vanishing gradient**: early characters hardly teach the network anything) or, less "
            "often, grow without bound (the **exploding gradient**, tamed by clipping). A SimpleRNN "
            "therefore learns short patterns well and long ones badly.\n\n"
            "An **LSTM** adds a second state, the cell, updated by addition rather than multiplication, "
            "and three sigmoid gates: the *forget* gate decides what to erase from the cell, the *input* "
            "gate what to write into it, the *output* gate what to show as the hidden state. Because "
            "the cell is carried forward mostly unchanged, the error can travel far back. A **GRU** "
            "does much the same with two gates: an *update* gate that blends old state and new, and a "
            "*reset* gate that decides how much of the old state to use; it has fewer weights and "
            "often learns as well."
        )
    st.caption("The network as Keras code, read from the network this page builds"
               + (" (one-hot windows go in, as in the article)." if config.input_encoding == "one-hot"
                  else " (character indices go in, and the Embedding layer learns a vector per character)."))
    st.code(network_code(config, vocab_size), language="python")

"""Recurrent Network: a character-level text generator, trained live on a text of your choice."""

import streamlit as st

from nn_core.rnn.text import SAMPLES
from ui import rnn
from ui.page import lesson_header
from ui.rnn.generation import generation_section, sample_history, training_summary
from ui.rnn.lesson import introduction, unfolding
from ui.rnn.states import hidden_state_map
from ui.rnn.text import choose_text
from ui.runs import run_history_section
from ui.state import PageState
from ui.train_block import train_block

SOURCE_NAMES = {**{name: sample.title for name, sample in SAMPLES.items()},
                "paste": "Text you paste", "upload": "A .txt file you upload"}

state = PageState("rnn")
lesson_header(state, "Recurrent network: a text generator", "")
introduction()

config = rnn.settings(state, SOURCE_NAMES)

st.header("1. The text")
text = choose_text(state, config)

st.header("2. The network, unfolded")
window = text[: config.sequence_length] if text else None
vocab_size = len(set(text)) if text else 30
unfolding(state, config, vocab_size, window)
if not text:
    st.caption("(Drawn for a vocabulary of 30 characters until there is a text.)")

st.header("3. Training")
st.write("Training shows every window of the text to the network, epoch after epoch. Below the "
         "curves, a sample of its writing after each epoch.")
shown = train_block(state, config, rnn.text_trainer(config, text))
if shown.payload is not None:
    if shown.uploaded:
        st.info("Generating with the model you uploaded; press **Train** to train a new one.")
    else:
        sample_history(shown.snapshot)
        training_summary(shown.snapshot)
        if shown.payload.config != config:
            changed = ", ".join(shown.payload.config.differences(config))
            st.info(f"The settings changed since this network was trained ({changed}); generation uses the "
                    "trained network. Press **Train** to train one with the new settings.")
    generation_section(state, shown.payload, "upload" if shown.uploaded else shown.live.id)
    hidden_state_map(state, shown, text)

run_history_section(state)

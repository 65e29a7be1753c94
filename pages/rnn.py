"""Recurrent Network: a character-level text generator, trained live on a text of your choice."""

import streamlit as st

from nn_core.models.rnn import PRESETS, RNNConfig
from nn_core.rnn_training import text_model_notes, text_training
from nn_core.text import SAMPLES, TextError
from nn_core.text_codegen import text_script
from ui.console import current_job, trained_model, training_console
from ui.rnn_generation import (generation_section, latest_sample, sample_history, text_model_upload,
                               training_summary, uploaded_text_model)
from ui.rnn_lesson import introduction, unfolding
from ui.rnn_text import choose_text
from ui.runs import record_finished_run, run_history_section, tracked
from ui.settings import preset_buttons, settings_panel
from ui.share import downloads, show_code

PAGE = "rnn"
SOURCE_NAMES = {**{name: sample.title for name, sample in SAMPLES.items()},
                "paste": "Text you paste", "upload": "A .txt file you upload"}

st.title("Recurrent network: a text generator")
introduction()

st.sidebar.header("Settings")
preset_buttons(PAGE, PRESETS)
config = settings_panel(PAGE, RNNConfig, {
    "text_source": {"label": "Text", "format_func": SOURCE_NAMES.get},
    "cell": {"label": "Recurrent cell"},
    "recurrent_layers": {"label": "Recurrent layers", "kind": "slider"},
    "units": {"label": "Units per layer", "kind": "select_slider",
              "options": [8, 16, 32, 50, 64, 100, 128, 192, 256, 384, 512]},
    "activation": {"label": "SimpleRNN activation"},
    "input_encoding": {"label": "Character input"},
    "embedding_dim": {"label": "Embedding size", "kind": "select_slider",
                      "options": [2, 4, 8, 16, 24, 32, 48, 64, 128, 256]},
    "sequence_length": {"label": "Sequence length (characters read)", "kind": "slider", "max": 100},
    "epochs": {"label": "Epochs", "kind": "slider"},
    "batch_size": {"label": "Batch size", "kind": "select_slider",
                   "options": [8, 16, 32, 64, 128, 256, 512, 1024]},
    "optimizer": {"label": "Optimizer"},
    "learning_rate": {"label": "Learning rate", "kind": "select_slider"},
    "validation_split": {"label": "Validation share (end of the text)", "kind": "slider", "step": 0.05},
    "train_samples": {"label": "Most windows", "kind": "number", "step": 1000},
    "seed": {"label": "Random seed"},
})

st.header("1. The text")
text = choose_text(PAGE, config)

st.header("2. The network, unfolded")
window = text[: config.sequence_length] if text else None
vocab_size = len(set(text)) if text else 30
unfolding(config, vocab_size, window)
if not text:
    st.caption("(Drawn for a vocabulary of 30 characters until there is a text.)")


def make_job(keep_going):
    """A training job on the current text; problems become plain sentences on the page."""
    if text is None:
        raise TextError("there is no usable text yet: choose a sample, paste a text or upload a .txt file")
    run = text_training(config, text, keep_going)
    st.session_state[f"{PAGE}.run"] = run
    for note in run.notes:
        st.warning(note)
    return run.job


st.header("3. Training")
st.write("Training shows every window of the text to the network, epoch after epoch. Below the "
         "curves, a sample of its writing after each epoch.")
if text:
    show_code(PAGE, lambda: text_script(config, text, text[: config.sequence_length]), "rnn_playground.py")
snapshot = training_console(PAGE, tracked(PAGE, config, make_job), extra=latest_sample)
record_finished_run(PAGE)
run = st.session_state.get(f"{PAGE}.run")
job = current_job(PAGE)
trained = run if run is not None and run.job is job and trained_model(PAGE) is not None else None
with st.expander("Save your work, or bring back a text model you saved"):
    text_model_upload(PAGE)
    uploaded = uploaded_text_model(PAGE)
    shown = uploaded or trained  # the model generating below, if any
    st.caption("The model file carries the vocabulary of the text it learned, so it writes again when "
               "uploaded here.")
    downloads(PAGE, config, snapshot.history if snapshot else None,
              model=None if shown is None else shown.model,
              notes=None if shown is None else (lambda: text_model_notes(shown.config, shown.vocabulary, shown.start)))

if uploaded is not None:
    st.info("Generating with the model you uploaded; press **Train** to train a new one.")
    generation_section(PAGE, uploaded)
elif trained is not None:
    sample_history(trained)
    training_summary(trained)
    if trained.config != config:
        changed = ", ".join(trained.config.differences(config))
        st.info(f"The settings changed since this network was trained ({changed}); generation uses the "
                "trained network. Press **Train** to train one with the new settings.")
    generation_section(PAGE, trained)
elif snapshot is None:
    st.info("Press **Train** to train the network on the text with the settings in the sidebar (the "
            "article's settings take a few seconds).")

run_history_section(PAGE)

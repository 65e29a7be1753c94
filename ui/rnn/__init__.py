"""The Recurrent Network page's own sections: the text, the unfolded network, samples and generation.

``text_trainer`` describes the lesson to the train block: its script, its job (the text
made into windows, with a sample after each epoch) and its uploads (text models carry
their vocabulary).
"""

from __future__ import annotations

import streamlit as st

from nn_core.estimate import Workload, workload
from nn_core.rnn import PRESETS, RNNConfig
from nn_core.rnn.script import text_script
from nn_core.rnn.text import TextError
from nn_core.rnn.training import load_text_model, text_training
from ui.page import sidebar_start
from ui.rnn.generation import latest_sample
from ui.settings import settings_panel
from ui.state import PageState
from ui.train_block import Continued, Plan, Trainer

TEXT_BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512, 1024)


def settings(state: PageState, source_names: dict[str, str]) -> RNNConfig:
    """The sidebar's presets and widgets, and the config they describe."""
    sidebar_start(state, PRESETS)
    return settings_panel(state, RNNConfig, {  # type: ignore[return-value]
        "text_source": {"label": "Text", "format_func": source_names.get},
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
        "batch_size": {"label": "Batch size", "kind": "select_slider", "options": TEXT_BATCH_SIZES},
        "optimizer": {"label": "Optimizer"},
        "learning_rate": {"label": "Learning rate", "kind": "select_slider"},
        "validation_split": {"label": "Validation share (end of the text)", "kind": "slider", "step": 0.05},
        "train_samples": {"label": "Most windows", "kind": "number", "step": 1000},
        "seed": {"label": "Random seed"},
    })


def text_trainer(config: RNNConfig, text: str | None) -> Trainer:
    """The text lesson described for the train block."""

    def script(changes: tuple[tuple[float, str], ...] = ()) -> str | None:
        # Without a usable text there is no script; the text section above says why.
        return text_script(config, text, text[: config.sequence_length], changes=tuple(changes)) if text else None

    def plan(carry_on: Continued | None) -> Plan:
        if text is None:
            raise TextError("there is no usable text yet: choose a sample, paste a text or upload a .txt file")
        run = text_training(config, text)
        for note in run.notes:  # the text or its windows were cut
            st.warning(note)
        return Plan(run.job, payload=run, notes=run.model_notes)

    def work() -> Workload | None:
        if not text:
            return None
        windows = max(0, len(text) - config.sequence_length)
        held_back = int(round(windows * config.validation_split))
        training = min(windows - held_back, config.train_samples)
        return workload(config, training, held_back, len(set(text)))

    return Trainer(
        title="Character-level text generator",
        workload=work,
        script=script,
        plan=plan,
        load_upload=load_text_model,
        describe_upload=lambda loaded: (f"a {loaded.config.cell} that reads {loaded.config.sequence_length} characters "
                                        f"of a {loaded.vocabulary.size}-character vocabulary. It writes below."),
        model_of=lambda payload: payload.model,
        live_extra=latest_sample,
        can_continue=False,
        model_kind="text model",
        first_hint="Press **Train** to train the network on the text with the settings in the sidebar (the "
                   "article's settings take a few seconds).",
        save_note="The model file carries the vocabulary of the text it learned, so it writes again when uploaded "
                  "here.",
        classes=len(set(text)) if text else None,
    )

"""The MLP page's own sections: its settings, the network drawn with its numbers, and what a run says."""

from __future__ import annotations

import math

import streamlit as st

from nn_core.digits.data import MnistData, to_float
from nn_core.digits.figures import digit_sheet
from nn_core.digits.job import split_sizes, updates_per_epoch
from nn_core.mlp import PRESETS, MLPConfig
from nn_core.mlp.figures import network_diagram
from nn_core.training import Snapshot, Status
from ui.charts import show
from ui.layers import layer_controls
from ui.page import sidebar_start
from ui.settings import DIGIT_BATCH_SIZES, settings_panel
from ui.state import PageState

UNITS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)
FEW_UPDATES = 200  # fewer weight updates than this in a whole run leave a network half-trained


def settings(state: PageState, available: int) -> MLPConfig:
    """The sidebar: presets, layers, then regularisation and training."""
    sidebar_start(state, PRESETS)
    st.sidebar.subheader("Network")
    layer_controls(state, MLPConfig, {
        "hidden_units": {"label": "Neurons", "options": UNITS, "new_layer": lambda units: max(1, units // 2)},
        "activations": {"label": "Activation"},
    })
    st.sidebar.subheader("Against overfitting, and training")
    return settings_panel(state, MLPConfig, {  # type: ignore[return-value]
        "dropout_rate": {"label": "Dropout rate", "kind": "slider", "step": 0.05},
        "l2": {"label": "L2 weight decay", "kind": "select_slider", "options": [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1]},
        "optimizer": {"label": "Optimizer", "format_func": {"adam": "Adam", "sgd": "SGD with momentum",
                                                            "rmsprop": "RMSprop"}.get},
        "learning_rate": {"label": "Learning rate", "kind": "select_slider"},
        "batch_size": {"label": "Batch size", "kind": "select_slider", "options": DIGIT_BATCH_SIZES},
        "epochs": {"label": "Epochs", "kind": "slider", "max": 60},
        "train_samples": {"label": "Training samples", "kind": "slider", "min": 100, "max": available, "step": 100},
        "validation_split": {"label": "Validation share", "kind": "slider", "step": 0.05},
        "early_stopping": {"label": "Early stopping"},
        "patience": {"label": "Patience (epochs)", "kind": "slider", "max": 10},
        "seed": {"label": "Random seed"},
    })


def network_section(state: PageState, config: MLPConfig, data: MnistData) -> None:
    """The network as columns of neurons, its parameter count and its weight updates."""
    st.header("The network")
    widths = config.layer_widths()
    names = ["Input"] + [f"Hidden {index + 1}" for index in range(len(config.hidden_units))] + ["Output"]
    dropout = f" · dropout {config.dropout_rate:.0%}" if config.dropout_rate else ""
    notes = ["pixels"] + [f"{activation}{dropout}" for activation in config.activations] + ["softmax"]
    diagram_column, numbers_column = st.columns([3, 1])
    show(state, network_diagram(widths, names, notes), "diagram", diagram_column)
    numbers_column.metric("Parameters to learn", f"{config.parameter_count():,}",
                          help="Every weight and bias: each Dense layer has inputs x neurons weights plus one bias "
                               "per neuron.")
    training, held_back = split_sizes(config, len(data.x_train))
    per_epoch = updates_per_epoch(config, len(data.x_train))
    total_updates = per_epoch * config.epochs
    numbers_column.metric("Weight updates", f"{total_updates:,}",
                          help="One update per batch: batches per epoch times epochs.")
    numbers_column.caption(f"{per_epoch:,} per epoch × {config.epochs} epochs. {training:,} "
                           f"training digits, {held_back:,} held back for validation.")
    if total_updates < FEW_UPDATES:
        why = (f"Only {total_updates:,} weight updates in all: batches of {config.batch_size:,} over "
               f"{training:,} training digits make {per_epoch:,} per epoch. Each update is one "
               "small step downhill, so training ends long before the network has learned well. Smaller batches, "
               "more epochs or more digits give more steps.")
        if config.batch_size >= 1000:
            why += (" That is why the article's setting (batch size 2000) gets only about three digits in four "
                    "right on the bundled digits: the article trained on 48,000 digits, 24 updates per epoch, "
                    "and reached 92%.")
        st.warning(why)
    with st.expander("The digits it learns from"):
        st.image(_first_digits(data), caption="The first 100 training digits, each with its label.")


@st.cache_resource(show_spinner=False)
def _first_digits(_data: MnistData):
    """The first 100 training digits, tiled (one picture for every session: it never changes)."""
    return digit_sheet(to_float(_data.x_train[:100]), _data.y_train[:100])


def run_notes(snapshot: Snapshot | None) -> None:
    """What early stopping did, and whether the curves part (overfitting)."""
    if snapshot is None or not snapshot.done:
        return
    if snapshot.extras and "best_epoch" in snapshot.extras[-1]:
        last = snapshot.extras[-1]
        if last["stopped_early"]:
            st.info(f"Early stopping: the validation loss had not improved since epoch {last['best_epoch']}, so "
                    f"training stopped after epoch {snapshot.first_epoch + snapshot.epoch}. The model keeps the "
                    f"weights of epoch {last['best_epoch']}.")
        elif snapshot.status == Status.FINISHED:
            st.info(f"Early stopping was on but never needed; the model keeps the weights of epoch "
                    f"{last['best_epoch']}, the one with the lowest validation loss.")
    if snapshot.epoch > 0:
        gap = snapshot.history["accuracy"][-1] - snapshot.history["val_accuracy"][-1]  # NaN without validation
        if math.isfinite(gap) and gap > 0.02:
            st.warning(f"Training accuracy ends {100 * gap:.1f} percentage points above validation accuracy: the "
                       "network is starting to memorise its training digits (overfitting). Dropout, L2 weight "
                       "decay or early stopping push back.")

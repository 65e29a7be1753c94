"""Multi-Layer Perceptron: hidden layers, activations, optimizers and overfitting, trained live."""

import math

import streamlit as st

from nn_core import diagrams, figures
from nn_core.data import to_float
from nn_core.models import MLPConfig
from nn_core.models.mlp import PRESETS, mlp_job
from ui.inspection import drawing_analysis, test_set_analysis
from ui.layers import layer_controls
from ui.resources import data_caption, mnist
from ui.runs import run_history_section
from ui.settings import preset_buttons, settings_panel
from ui.share import train_and_share

PAGE = "mlp"
UNITS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)
FEW_UPDATES = 200  # fewer weight updates than this in a whole run leave a network half-trained

st.title("Multi-layer perceptron")
st.write(
    "Between the 784 pixels and the ten outputs sit **hidden layers**. Each hidden neuron takes a "
    "weighted sum of everything in the layer before, adds a bias and passes the sum through an "
    "**activation** (ReLU, sigmoid, tanh...); without that bend, any stack of layers would be one "
    "straight-line layer again. A digit flows forward layer by layer (**forward propagation**) to ten "
    "probabilities; the **loss** (cross-entropy) measures how little probability went to the true digit; "
    "**backpropagation** sends that error backwards to find how each weight should move; the "
    "**optimizer** (SGD with momentum, Adam, RMSprop) moves them, one batch at a time."
)
data = mnist()
data_caption(data)

st.sidebar.header("Settings")
preset_buttons(PAGE, PRESETS)
st.sidebar.subheader("Network")
layer_controls(PAGE, MLPConfig, {
    "hidden_units": {"label": "Neurons", "options": UNITS, "new_layer": lambda units: max(1, units // 2)},
    "activations": {"label": "Activation"},
})
st.sidebar.subheader("Against overfitting, and training")
config = settings_panel(PAGE, MLPConfig, {
    "dropout_rate": {"label": "Dropout rate", "kind": "slider", "step": 0.05},
    "l2": {"label": "L2 weight decay", "kind": "select_slider", "options": [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1]},
    "optimizer": {"label": "Optimizer", "format_func": {"adam": "Adam", "sgd": "SGD with momentum",
                                                        "rmsprop": "RMSprop"}.get},
    "learning_rate": {"label": "Learning rate", "kind": "select_slider"},
    "batch_size": {"label": "Batch size", "kind": "select_slider",
                   "options": [8, 16, 32, 64, 128, 256, 512, 1024, 2000, 4096]},
    "epochs": {"label": "Epochs", "kind": "slider", "max": 60},
    "train_samples": {"label": "Training samples", "kind": "slider", "min": 100,
                      "max": len(data.x_train), "step": 100},
    "validation_split": {"label": "Validation share", "kind": "slider", "step": 0.05},
    "early_stopping": {"label": "Early stopping"},
    "patience": {"label": "Patience (epochs)", "kind": "slider", "max": 10},
    "seed": {"label": "Random seed"},
})

st.header("The network")
widths = config.layer_widths()
names = ["Input"] + [f"Hidden {index + 1}" for index in range(len(config.hidden_units))] + ["Output"]
dropout = f" · dropout {config.dropout_rate:.0%}" if config.dropout_rate else ""
notes = ["pixels"] + [f"{activation}{dropout}" for activation in config.activations] + ["softmax"]
diagram_column, numbers_column = st.columns([3, 1])
diagram_column.plotly_chart(diagrams.network_diagram(widths, names, notes), key=f"{PAGE}.diagram",
                            config={"displayModeBar": False})
numbers_column.metric("Parameters to learn", f"{config.parameter_count():,}",
                      help="Every weight and bias: each Dense layer has inputs x neurons weights plus one bias "
                           "per neuron.")
samples = min(config.train_samples, len(data.x_train))
held_back = int(round(samples * config.validation_split))  # as nn_core.digits.split_training does
updates_per_epoch = math.ceil((samples - held_back) / config.batch_size)
total_updates = updates_per_epoch * config.epochs
numbers_column.metric("Weight updates", f"{total_updates:,}",
                      help="One update per batch: batches per epoch times epochs.")
numbers_column.caption(f"{updates_per_epoch:,} per epoch × {config.epochs} epochs. {samples - held_back:,} "
                       f"training digits, {held_back:,} held back for validation.")
if total_updates < FEW_UPDATES:
    why = (f"Only {total_updates:,} weight updates in all: batches of {config.batch_size:,} over "
           f"{samples - held_back:,} training digits make {updates_per_epoch:,} per epoch. Each update is one "
           "small step downhill, so training ends long before the network has learned well. Smaller batches, "
           "more epochs or more digits give more steps.")
    if config.batch_size >= 1000:
        why += (" That is why the article's setting (batch size 2000) gets only about three digits in four "
                "right on the bundled digits: the article trained on 48,000 digits, 24 updates per epoch, "
                "and reached 92%.")
    st.warning(why)

with st.expander("The digits it learns from"):
    st.plotly_chart(figures.digit_grid(to_float(data.x_train[:100]), data.y_train[:100]), key=f"{PAGE}.grid",
                    config={"displayModeBar": False})

st.header("Training")
st.caption("Watch the two curves part: training accuracy that keeps climbing while validation accuracy stalls "
           "is overfitting. Dropout is on while training and off for validation, so with dropout the "
           "training curve may sit below the validation one.")
snapshot, model = train_and_share(PAGE, config, data, "Multi-layer perceptron on MNIST",
                                  lambda keep_going, carry_on: mlp_job(config, data, keep_going, model=carry_on))
if snapshot is not None and snapshot.done and snapshot.extras:
    last = snapshot.extras[-1]
    if last["stopped_early"]:
        st.info(f"Early stopping: the validation loss had not improved since epoch {last['best_epoch']}, so "
                f"training stopped after epoch {snapshot.epoch}. The model keeps the weights of epoch "
                f"{last['best_epoch']}.")
    elif snapshot.status == "finished":
        st.info(f"Early stopping was on but never needed; the model keeps the weights of epoch "
                f"{last['best_epoch']}, the one with the lowest validation loss.")
if snapshot is not None and snapshot.done and snapshot.epoch > 0:
    gap = snapshot.history["accuracy"][-1] - snapshot.history["val_accuracy"][-1]  # NaN without validation
    if math.isfinite(gap) and gap > 0.02:
        st.warning(f"Training accuracy ends {100 * gap:.1f} percentage points above validation accuracy: the "
                   "network is starting to memorise its training digits (overfitting). Dropout, L2 weight decay "
                   "or early stopping push back.")

if model is None:
    if snapshot is None:
        st.info("Press **Train** to train the network in the sidebar (about ten seconds with the defaults).")
else:
    st.header("Looking inside")
    test_set_analysis(PAGE, model, data)
    st.header("Draw a digit")
    drawing_analysis(PAGE, model)

run_history_section(PAGE)

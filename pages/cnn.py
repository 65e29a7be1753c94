"""Convolutional Network: convolution -> activation -> pooling on one picture, then a CNN trained live."""

import streamlit as st

from nn_core.cnn.feature_maps import NotAPlaygroundCNN
from ui.canvas import drawing_panel
from ui.cnn.lab import choose_kernel, choose_picture, show_stages, stage_settings
from ui.cnn.network import live_feature_maps, network_settings, show_architecture, show_feature_maps, show_kernels
from ui.digits.deeper import drawn_digit, look_deeper
from ui.digits.inspection import test_set_analysis
from ui.digits.training import digit_trainer
from ui.page import digits, lesson_header
from ui.runs import run_history_section
from ui.state import PageState
from ui.train_block import train_block

state = PageState("cnn")
lesson_header(state, "Convolutional network", (
    "A dense network sees a picture as a long list of pixels and has to learn every pattern again at "
    "every place. A convolutional network slides *small* filters over the picture instead: the same "
    "few weights look at every neighbourhood, so a stroke or an edge is found wherever it is. Each "
    "layer does three things: **convolution** (a weighted sum of each patch of pixels), **activation** "
    "(a non-linearity such as ReLU, which keeps only positive responses) and **pooling** (shrinking the "
    "map by keeping each window's strongest or mean response)."))

st.header("1. The three stages on one picture")
st.write(
    "No training here: the kernel is fixed. The article's kernel, `[[-1,-1,-1],[-1,8,-1],[-1,-1,-1]]`, "
    "adds eight times a pixel and subtracts its eight neighbours. Where the picture is flat the sum is "
    "zero; at an edge it is large. Try the others, or type your own."
)
picture = choose_picture(state)
kernel_column, settings_column = st.columns([1, 3])
with kernel_column:
    kernel = choose_kernel(state)
with settings_column:
    stage_options = stage_settings(state)
if picture is not None and kernel is not None:
    show_stages(state, picture, kernel, stage_options)

st.header("2. A CNN trained live on digits")
st.write(
    "Now the kernels are not chosen but learned. Each block below is convolution -> activation -> 2x2 "
    "pooling with many filters; the last block's maps are flattened and a dense layer names the digit. "
    "Change the settings in the sidebar and press **Train**."
)
data = digits()
config = network_settings(state, len(data.x_train))
show_architecture(config)

shown = train_block(state, config, digit_trainer(
    state, config, data, "Convolutional network on MNIST",
    "Press **Train** to train the network with the settings in the sidebar (about 15-30 seconds with the "
    "defaults; the **Fast demo** preset takes a few).", picture=live_feature_maps(state)))
model = shown.payload
with st.container():  # one element however much a run shows, so the canvas below keeps its drawing
    if shown.settled:
        try:
            show_kernels(state, model)
        except NotAPlaygroundCNN:  # an uploaded model whose layers are not named as this page names them
            st.info("This model's layers are not named conv_1, activation_1, pool_1..., so its kernels and "
                    "feature maps cannot be shown; it still classifies drawings.")
        st.header("Looking inside")
        test_set_analysis(state, model, data)
        look_deeper(state, shown, data)
st.header("Draw a digit")


def feature_maps(image) -> None:
    try:
        show_feature_maps(state, model, image)
    except NotAPlaygroundCNN as error:
        st.info(f"No feature maps for this model: {error}.")
    drawn_digit(state, shown, image, data)


drawing_panel(state, model, shown.drawing_run, feature_maps)

run_history_section(state)

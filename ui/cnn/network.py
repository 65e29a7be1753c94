"""The trained network on the Convolutional Network page: its settings and a look inside.

``network_settings`` draws the sidebar widgets (one filter count per block in use);
``show_architecture`` writes the layers and their shapes; ``show_kernels`` shows the
kernels the first layer learned and ``show_feature_maps``, for a drawn digit, every
layer's feature maps. ``live_feature_maps`` redraws the drawn digit's first block in the
training console after every epoch, so the filters are seen taking shape.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core.cnn.config import MAX_BLOCKS, PRESETS, CNNConfig
from nn_core.cnn.feature_maps import first_layer_kernels, layer_maps
from nn_core.cnn.figures import feature_map_figure, kernel_figure
from nn_core.figures.theme import SIGNED_ON_DARK_IN_WORDS
from nn_core.per_model import remember
from ui.charts import show
from ui.digits.training import EpochPicture
from ui.page import sidebar_start
from ui.settings import DIGIT_BATCH_SIZES, settings_panel, stored_config
from ui.state import PageState

FILTER_COUNTS = [1, 2, 4, 8, 16, 32, 48, 64, 96, 128, 256]
MAPS_SHOWN = 32  # per layer: more would be a wall of tiny pictures
LIVE_MAPS = 8  # filters redrawn every epoch while it trains: enough to see them change, cheap to send


def network_settings(state: PageState, max_samples: int) -> CNNConfig:
    """The sidebar's presets and widgets, and the config they describe."""
    sidebar_start(state, PRESETS, "Network settings")
    # The filter widgets follow the number of blocks chosen, read before the widgets are drawn.
    blocks = state.get("setting", "conv_blocks", default=stored_config(state, CNNConfig).conv_blocks)
    fields: dict[str, dict] = {"conv_blocks": {"label": "Convolution blocks", "kind": "slider"}}
    for block in range(1, min(int(blocks), MAX_BLOCKS) + 1):
        fields[f"filters_{block}"] = {"label": f"Filters in block {block}", "kind": "select_slider",
                                      "options": FILTER_COUNTS}
    fields.update({
        "kernel_size": {"label": "Kernel size", "kind": "select_slider", "options": [1, 2, 3, 4, 5, 6, 7],
                        "format_func": lambda size: f"{size}x{size}"},
        "activation": {"label": "Activation"},
        "pooling": {"label": "Pooling (2x2)"},
        "dense_units": {"label": "Dense units", "kind": "select_slider", "options": [0, 32, 64, 128, 256, 512]},
        "dropout_rate": {"label": "Dropout", "kind": "slider", "step": 0.05},
        "optimizer": {"label": "Optimizer"},
        "learning_rate": {"label": "Learning rate", "kind": "select_slider"},
        "batch_size": {"label": "Batch size", "kind": "select_slider", "options": DIGIT_BATCH_SIZES},
        "epochs": {"label": "Epochs", "kind": "slider", "max": 30},
        "train_samples": {"label": "Training samples", "kind": "slider", "min": 100, "max": max_samples,
                          "step": 100},
        "validation_split": {"label": "Validation share", "kind": "slider", "step": 0.05},
        "seed": {"label": "Random seed"},
    })
    return settings_panel(state, CNNConfig, fields)  # type: ignore[return-value]


def show_architecture(config: CNNConfig) -> None:
    """The layers in order with the shape of what each passes on."""
    steps = []
    for name, shape in config.layer_shapes():
        if name.startswith("activation_"):
            name = f"{name} ({config.activation})"
        elif name.startswith("pool_"):
            name = f"{name} ({config.pooling} 2x2)"
        elif name.startswith("conv_"):
            name = f"{name} ({config.kernel_size}x{config.kernel_size})"
        elif name == "dropout":
            name = f"dropout ({config.dropout_rate:g})"
        steps.append(f"{name} {'x'.join(map(str, shape))}")
    st.code(" -> ".join(steps), language=None, wrap_lines=True)


def show_kernels(state: PageState, model) -> None:
    """The first convolution's learned kernels as small pictures."""
    kernels = first_layer_kernels(model)  # (filters, k, k)
    st.subheader("Kernels the first layer learned")
    size = kernels.shape[1]
    st.write(f"Each square is one filter's {size}x{size} weights on the digit's pixels, the trained "
             "counterpart of the lab's fixed kernels. Red and yellow weights reward ink under them, blue "
             "ones penalise it: look for edge and stroke detectors.")
    if len(kernels) > 64:
        st.caption(f"The first 64 of {len(kernels)} filters.")
    show(state, remember(model, "kernel figure", lambda: kernel_figure(kernels)), "kernels")


def show_feature_maps(state: PageState, model, image: np.ndarray) -> None:
    """Every block's maps of the drawn digit, filter by filter: convolution -> activation -> pooling."""
    st.subheader("What each layer makes of your digit")
    shared = st.toggle("One colour scale per layer", value=True, key=state.key("widget", "shared_scale"),
                       help="On: all maps of a layer share a scale, so strong and weak filters compare. Off: "
                            "each map is stretched to its own range, so faint patterns show.")
    layers = layer_maps(model, image)
    st.write("Each card is one filter: its convolution, the activation of that, and the pooled map, side by "
             f"side: {SIGNED_ON_DARK_IN_WORDS}; hover a pixel for its value.")
    for start in range(0, len(layers), 3):
        block = layers[start : start + 3]
        shapes = " -> ".join(f"{layer.name} {layer.shape_text}" for layer in block)
        st.markdown(f"**Block {block[0].block}:** {shapes} · each card: convolution | activation | pooling")
        filters = block[0].maps.shape[2]
        if filters > MAPS_SHOWN:
            st.caption(f"The first {MAPS_SHOWN} of {filters} filters.")
        show(state, feature_map_figure(block, shared_scale=shared, max_filters=MAPS_SHOWN), f"maps.{block[0].block}")


def live_feature_maps(state: PageState) -> EpochPicture:
    """The drawn digit's first block (convolution, activation, pooling), redrawn after every epoch of a training."""

    def draw(epoch: int, block: list) -> None:
        st.markdown(f"**Your digit through the first block after epoch {epoch}** · each card: convolution | "
                    f"activation | pooling, for the first {min(LIVE_MAPS, block[0].maps.shape[2])} filters")
        show(state, feature_map_figure(block, shared_scale=True, max_filters=LIVE_MAPS), "live_maps")

    # Only the first block's three layers are kept: the latest epoch's, small arrays without the model.
    return EpochPicture(compute=lambda model, image: layer_maps(model, image)[:3], draw=draw)

"""The network drawn neuron by neuron, and its decision regions over the plane: before, during and after training.

``pictures`` draws a network as it is now: every neuron as a small map of what it
computes over the plane, its weights as lines, and its answer behind the points. The
live console calls it every few tenths of a second while a network trains; the page
calls it once training is over (or for an uploaded model).
"""

from __future__ import annotations

import streamlit as st

from nn_core.config import TrainingConfig
from nn_core.plane.config import PlaneConfig
from nn_core.plane.data import DATASETS, FEATURES
from nn_core.plane.figures import MAX_DRAWN, network_figure, regions_figure
from nn_core.plane.maps import feature_maps, plane_maps
from nn_core.plane.training import PlanePoints, PlaneRun, measure_points
from nn_core.training import Status
from ui.charts import show
from ui.state import PageState
from ui.train_block import Shown

COLOURS = ("Each small square is one neuron's output over the whole plane (blue negative, white zero, red positive, "
           "each square on its own scale); {output}. Lines are weights: red positive, blue negative, thicker for "
           "larger. Points with a dark rim are test points.")


def network_section(state: PageState, config: PlaneConfig, data: PlanePoints) -> None:
    """The network the sidebar describes: its inputs drawn, its neurons waiting to learn, its size."""
    outputs = config.outputs(data.classes)
    show(state, network_figure(config.features, config.hidden_units, config.activations, outputs, data,
                               feature_maps(config.features)), "network")
    if data.classes == 0:
        output = "one linear neuron giving the number; loss: mean squared error"
    elif outputs == 1:
        output = f"one sigmoid neuron giving the chance of class {data.class_names[1]}; loss: binary cross-entropy"
    else:
        output = f"{outputs} softmax neurons, one chance per class; loss: cross-entropy"
    inputs = ", ".join(FEATURES[name] for name in config.features)
    st.caption(f"{config.parameter_count(data.classes):,} weights and biases to learn. Inputs: {inputs}. Output: "
               f"{output}." + (f" Layers wider than {MAX_DRAWN} show their first {MAX_DRAWN} neurons."
                               if any(units > MAX_DRAWN for units in config.hidden_units) else ""))


def pictures(state: PageState, run: PlaneRun, prefix: str) -> None:
    """The network with a picture per neuron, and its decision regions with the points, side by side.

    Args:
        state: the page's state.
        run: the network and its points.
        prefix: names the charts ("live" in the console, "final" on the page), unique per run of the page.
    """
    model = run.model
    if model is None:
        st.caption("Building the network...")
        return
    config = run.config
    maps = plane_maps(model, config.features)  # one call of the network over the whole plane
    left, right = st.columns([3, 2])
    show(state, network_figure(config.features, config.hidden_units, config.activations, int(model.output_shape[-1]),
                               run.data, feature_maps(config.features), maps), f"{prefix}.network", left)
    show(state, regions_figure(run.data, maps.outputs), f"{prefix}.regions", right)
    st.caption(COLOURS.format(output="the output square is the number learned, on the points' scale"
                              if run.data.classes == 0 else "each output square is a class's chance"))


def result_section(state: PageState, shown: Shown, config: TrainingConfig) -> None:
    """What the finished (or uploaded) network computes, and how it does on its test points."""
    run = shown.payload
    if not isinstance(run, PlaneRun) or not (shown.uploaded or shown.snapshot is None or shown.snapshot.done):
        return
    if shown.snapshot is not None and shown.snapshot.status == Status.FAILED and not shown.uploaded:
        return
    st.header("What it learned")
    if shown.uploaded:
        st.info(f"Drawing the model you uploaded, on the points it learned "
                f"({DATASETS[run.config.dataset].title.lower()}). Press **Train** to train your own.")
    elif run.config != config:
        changed = ", ".join(name.replace("_", " ") for name in run.config.differences(config))
        st.info(f"The settings changed since this network was trained ({changed}): it is drawn on the points it "
                "learned. Press **Train** to train one with the new settings.")
    outputs = config_outputs(run)
    measured = measure_points(run.model, run.data.inputs(run.config.features, test=True),
                              run.data.labels(test=True, outputs=outputs), run.data.classes)
    if run.data.classes == 0:
        st.success(f"Mean squared error on the {int(run.data.is_test.sum()):,} test points: {measured['loss']:.4f} "
                   "(there is no accuracy for a number to learn: the closer to 0, the better)")
    elif shown.uploaded:
        st.success(f"Accuracy on its {int(run.data.is_test.sum()):,} test points: {measured['accuracy']:.1%}")
    pictures(state, run, "final")


def config_outputs(run: PlaneRun) -> int:
    """Output neurons of the run's network."""
    return int(run.model.output_shape[-1])

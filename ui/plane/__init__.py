"""The plane page's own sections: its sidebar, and the lesson described for the train block.

- ``settings``: presets, the data set, the features (ticked), the layers, the training;
- ``plane_trainer``: the script, the job, uploads and the live pictures for the train block;
- ``ui.plane.points``: the points, and a student's own (a CSV file, or clicks on the plane);
- ``ui.plane.pictures``: the network with a picture per neuron, and the decision regions.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from nn_core.lessons import lesson
from nn_core.plane import PRESETS, PlaneConfig
from nn_core.plane.data import DATASETS, FEATURES
from nn_core.plane.script import plane_script
from nn_core.plane.training import PlaneRun, plane_points, plane_training
from nn_core.registry import LiveRun
from nn_core.training import Snapshot
from ui.layers import layer_controls
from ui.page import sidebar_start
from ui.plane.pictures import pictures
from ui.plane.points import own_points
from ui.resources import run_registry
from ui.settings import apply_config, settings_panel, stored_config
from ui.state import PageState
from ui.train_block import Continued, Plan, Trainer

UNITS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48, 64)
BATCH_SIZES = (1, 2, 4, 5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 256, 512)
PENALTIES = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
LINK_FROM = "from"
"""A link from another page carries ``from=<page>``: its settings replace the ones this session last used."""
REDRAW_SECONDS = 0.3
"""The live pictures are redrawn this often while a network trains."""


def settings(state: PageState) -> PlaneConfig:
    """The sidebar: presets, then the points, the features, the network and the training."""
    _follow_link_from_another_page(state)
    sidebar_start(state, PRESETS)
    st.sidebar.subheader("Points")
    points_box = st.sidebar.container()
    st.sidebar.subheader("Features", help="Tick what the network is given about each point. x₁ and x₂ are its "
                         "coordinates; the others are computed from them. A product or a square can make a boundary "
                         "a straight cut that x₁ and x₂ alone need hidden layers for.")
    _feature_boxes(state, st.sidebar.container())
    st.sidebar.subheader("Network")
    layer_controls(state, PlaneConfig, {
        "hidden_units": {"label": "Neurons", "options": UNITS},
        "activations": {"label": "Activation"},
    }, count_help="How many hidden layers sit between the features and the output (0: the features feed the "
                  "output directly, which can only draw a straight boundary).")
    st.sidebar.subheader("Training")
    fields = {
        "dataset": {"label": "Data set", "format_func": lambda name: DATASETS[name].title, "container": points_box},
        "classes": {"label": "Classes", "kind": "slider", "container": points_box},
        "noise": {"label": "Noise", "kind": "slider", "step": 0.05, "container": points_box},
        "train_samples": {"label": "Points", "kind": "slider", "step": 10, "container": points_box},
        "validation_split": {"label": "Test share", "kind": "slider", "step": 0.05, "container": points_box},
        "two_class_output": {"label": "Output with two classes",
                             "format_func": {"sigmoid": "one sigmoid neuron", "softmax": "softmax, two neurons"}.get},
        "learning_rate": {"label": "Learning rate", "kind": "select_slider"},
        "optimizer": {"label": "Optimizer", "format_func": {"adam": "Adam", "sgd": "SGD with momentum",
                                                            "rmsprop": "RMSprop"}.get},
        "batch_size": {"label": "Batch size", "kind": "select_slider", "options": BATCH_SIZES},
        "epochs": {"label": "Epochs", "kind": "slider"},
        "l1": {"label": "L1 penalty", "kind": "select_slider", "options": PENALTIES},
        "l2": {"label": "L2 penalty", "kind": "select_slider", "options": PENALTIES},
        "seed": {"label": "Random seed"},
    }
    if _classes_chosen(state) not in (2, None):  # "one sigmoid neuron" means nothing with three classes
        del fields["two_class_output"]
    return settings_panel(state, PlaneConfig, fields)  # type: ignore[return-value]


def _classes_chosen(state: PageState) -> int | None:
    """The classes of the data set the sidebar shows now (read before its widgets are drawn; None: own points)."""
    current = stored_config(state, PlaneConfig)
    chosen = DATASETS.get(state.get("setting", "dataset", default=current.dataset))
    if chosen is None or chosen.make is None:
        return None
    return chosen.classes(int(state.get("setting", "classes", default=current.classes)))


def _follow_link_from_another_page(state: PageState) -> None:
    """Take a link's settings when it comes from another page, even if this session has settings already.

    A page starts from its link only on its first visit in a session; a link another page
    shows on purpose (the perceptron's "XOR with one hidden layer") must win every time.
    """
    if LINK_FROM not in st.query_params:
        return
    config, warnings = PlaneConfig.from_query(st.query_params.to_dict())
    apply_config(state, config)
    state.set("link_warnings", warnings)
    del st.query_params[LINK_FROM]


def _feature_boxes(state: PageState, container: Any) -> None:
    """One checkbox per feature; the ticked ones become the config's features (in the registry's order)."""
    current = stored_config(state, PlaneConfig)
    marker = state.key("setting", "features")  # gone after a preset: the boxes follow the config again
    if marker not in st.session_state:
        for name in FEATURES:
            state.set("setting", "features", name, name in current.features)
    columns = container.columns(2)
    ticked = [name for index, name in enumerate(FEATURES)
              if columns[index % 2].checkbox(FEATURES[name], key=state.key("setting", "features", name))]
    if not ticked:
        container.error("Tick at least one feature: the network needs something to look at. Keeping the last ones.")
        return
    config = current.changed(features=tuple(ticked))
    state.set("config", config)  # what the layer controls and the settings panel start from
    st.session_state[marker] = config.features


def plane_trainer(state: PageState, config: PlaneConfig) -> Trainer:
    """The plane described for the train block."""

    def script(changes: tuple[tuple[float, str], ...] = ()) -> str:
        return plane_script(config, plane_points(config, own_points(state)), changes=tuple(changes))

    def plan(carry_on: Continued | None) -> Plan:
        options: dict[str, Any] = {}
        if carry_on is not None:
            options = {"continue_from": carry_on.model, "first_epoch": carry_on.first_epoch}
        run = plane_training(config, own_points(state), **options)
        return Plan(run.job, payload=run, notes=run.model_notes)

    def live_extra(snapshot: Snapshot, live: LiveRun) -> None:
        if snapshot.done:
            return  # the page draws the finished network below, from whichever model is newest
        run = run_registry().payload(live)
        if isinstance(run, PlaneRun):
            pictures(state, run, "live")

    return Trainer(
        title="The plane",
        script=script,
        plan=plan,
        load_upload=lesson(state.slug).load_model,
        describe_upload=lambda run: (f"a network of {run.model.count_params():,} weights, trained on "
                                     f"{DATASETS[run.config.dataset].title.lower()}. It is drawn below; tick "
                                     "'Continue training the current model' to train it further."),
        model_of=lambda run: run.model,
        live_extra=live_extra,
        redraw_seconds=REDRAW_SECONDS,
        save_note="The model file carries its settings, and your own points if it learned those, so it is drawn on "
                  "the same points when you upload it here again.",
        first_hint="Press **Train** to train the network in the sidebar on these points (a few seconds).",
    )


"""Per-layer controls: how many layers a network has, and each layer's own settings.

A config may describe its layers as tuple fields of equal length (``hidden_units`` and
``activations`` for the MLP). ``layer_controls`` draws a layer-count slider and, for each
layer, one widget per tuple field; it stores the resulting config as the page's settings,
so ``ui.settings.settings_panel`` (called after it for the scalar fields) starts from it
and puts both into the URL. A preset (``ui.settings.apply_config``) resets these widgets
as it does the others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from nn_core.config import TrainingConfig
from nn_core.errors import SettingsError
from ui.settings import stored_config
from ui.state import PageState


def layer_controls(
    state: PageState,
    config_class: type[TrainingConfig],
    fields: Mapping[str, Mapping[str, Any]],
    count_label: str = "Hidden layers",
    layer_label: Callable[[int], str] = lambda index: f"Hidden layer {index + 1}",
    container: Any = None,
    count_help: str = "How many hidden layers sit between the pixels and the ten outputs.",
) -> TrainingConfig:
    """Draw the layer-count slider and each layer's widgets; store and return the config.

    Args:
        state: the page's state.
        config_class: the page's config dataclass.
        fields: tuple field name -> widget options, one widget per layer each. Options:
            ``label``, ``options`` (a select slider over these values; without it a
            select box over the field's choices, or a number input within its range),
            ``new_layer`` (a function of the previous layer's value giving a new layer's).
        count_label: the slider's label.
        layer_label: the caption above each layer's widgets.
        container: where to draw (the sidebar by default).
        count_help: the slider's help text.

    Returns:
        The page's config with the layers chosen here.
    """
    container = container or st.sidebar
    current = stored_config(state, config_class)
    names = list(fields)
    metadata = {item.name: item.metadata for item in dataclasses.fields(config_class)}
    low, high = metadata[names[0]].get("length", (1, 4))
    # ``apply_config`` removes this key along with every widget's when a preset is chosen:
    # its absence means the widgets must follow the stored config again.
    marker = state.key("setting", names[0])
    count_key = state.key("layer_count")
    if marker not in st.session_state or count_key not in st.session_state:
        st.session_state[count_key] = len(getattr(current, names[0]))
        for name in names:
            for index in range(high):
                values = getattr(current, name)
                if index < len(values):
                    state.set("layer", name, index, values[index])
                else:
                    state.pop("layer", name, index)
    locks = {name: value for name, value in (state.get("locks") or {}).items() if name in names}
    if locks:  # a teacher's link fixed the layers: their number and the fixed values, whatever else said
        st.session_state[count_key] = len(next(iter(locks.values())))
        for name, values in locks.items():
            for index, value in enumerate(values):
                state.set("layer", name, index, value)
    count = container.slider(count_label + (" (set by your teacher)" if locks else ""), min_value=low,
                             max_value=high, key=count_key, disabled=bool(locks), help=count_help)
    defaults = {item.name: item.default for item in dataclasses.fields(config_class)}
    chosen: dict[str, list[Any]] = {name: [] for name in names}
    for index in range(count):
        container.caption(layer_label(index))
        for column, name in zip(container.columns(len(names)), names):
            key = state.key("layer", name, index)
            options = fields[name]
            if key not in st.session_state:  # a layer just added: start from the one before
                # The first layer added to a network that had none starts from the field's default.
                previous = chosen[name][-1] if chosen[name] else (getattr(current, name) or defaults[name])[0]
                st.session_state[key] = options.get("new_layer", lambda value: value)(previous)
            chosen[name].append(_widget(column, name, metadata[name], options, key, locked=name in locks))
    try:
        config = current.changed(**{name: tuple(values) for name, values in chosen.items()})
    except SettingsError as error:
        container.error(f"These layers cannot be used: {error}. Keeping the last valid ones.")
        return current
    state.set("config", config)  # what ``ui.settings.stored_config`` reads next
    st.session_state[marker] = getattr(config, names[0])
    return config


def _widget(column: Any, name: str, meta: Mapping[str, Any], options: Mapping[str, Any], key: str,
            locked: bool = False) -> Any:
    label = options.get("label", name.replace("_", " ").capitalize())
    help_text = ("Set by your teacher's link. " if locked else "") + meta.get("help", "")
    if "options" in options:
        values = list(options["options"])
        if st.session_state[key] not in values:  # e.g. a width from a link, between the steps
            values = sorted(set(values) | {st.session_state[key]})
        return column.select_slider(label, options=values, key=key, help=help_text, disabled=locked)
    if "choices" in meta:
        return column.selectbox(label, options=list(meta["choices"]), key=key, help=help_text, disabled=locked)
    return column.number_input(label, min_value=meta["min"], max_value=meta["max"], key=key, help=help_text,
                               disabled=locked)

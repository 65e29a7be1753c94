"""Widgets for a config dataclass, drawn from its fields, kept in the URL and across pages.

``settings_panel`` draws one widget per field (the kind chosen from the field's type and
metadata, overridable per page), builds the config from their values, and writes it into
the URL's query string so that a copied link reproduces the setting. The first visit of a
page in a session starts from the link's settings; later visits from the last ones used.
Warnings about a link's values are shown where the page starts (``state.notices``), not
down the sidebar where nobody looks.

Option lists several pages offer (learning rates, batch sizes) are defined once here.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any

import streamlit as st

from nn_core import limits
from nn_core.config import TrainingConfig
from nn_core.errors import SettingsError
from nn_core.persistence import config_from_json
from ui.state import PageState

# The widgets never offer more than the server allows (nn_core.limits enforces it too).
_SERVER_LIMITS = {"epochs": limits.max_epochs, "train_samples": limits.max_samples}

LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""The learning rates a slider offers, each about three times the one before."""
DIGIT_BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512, 1024, 2000, 4096)
"""Batch sizes the digit pages offer (2000 is the MLP article's)."""


def stored_config(state: PageState, config_class: type[TrainingConfig]) -> TrainingConfig:
    """The page's current settings: from the link on the first visit, then the last used."""
    if not state.has("config"):
        config, warnings = config_class.from_query(st.query_params.to_dict())
        state.set("config", config)
        state.set("link_warnings", warnings)
        state.set("fresh_from_link", True)
    return state.get("config")


def apply_config(state: PageState, config: TrainingConfig) -> None:
    """Make ``config`` the page's settings, widgets included (e.g. for a preset)."""
    state.set("config", config)
    for item in dataclasses.fields(config):
        state.pop("setting", item.name)


def show_link_warnings(state: PageState) -> None:
    """The link's warnings, where the page starts (or in the sidebar when the page made no room)."""
    warnings = state.get("link_warnings", default=[])
    if not warnings:
        return
    where = state.notices if state.notices is not None else st.sidebar
    source = "settings file's values" if state.get("settings_uploaded") else "link's settings"
    with where:
        st.warning(f"**This {source} were not all used as given:**\n\n"
                   + "\n".join(f"- {warning}" for warning in warnings), icon=":material/link_off:")


def settings_panel(
    state: PageState,
    config_class: type[TrainingConfig],
    fields: Mapping[str, Mapping[str, Any]],
    container: Any = None,
) -> TrainingConfig:
    """Draw a widget per field and return the config they describe.

    Args:
        state: the page's state.
        config_class: the page's config dataclass.
        fields: field name -> widget options, in the order to draw them. Options:
            ``label``, ``kind`` ("slider", "select_slider", "number", "select",
            "checkbox"), ``options`` (for select kinds), ``max`` (a tighter limit than
            the field's), ``format``, ``step``, ``container`` (where this one widget goes,
            e.g. under its own heading; ``container`` below by default).
        container: where to draw (the sidebar by default).

    Returns:
        The config; when the widgets describe an impossible one, an error is shown and
        the last valid config is returned.
    """
    container = container or st.sidebar
    current = stored_config(state, config_class)
    hints = typing.get_type_hints(config_class)
    metadata = {item.name: item.metadata for item in dataclasses.fields(config_class)}
    warnings = state.setdefault("link_warnings", [])
    from_link = state.pop("fresh_from_link", default=False)
    for name, options in fields.items():
        key = state.key("setting", name)
        if key not in st.session_state:
            st.session_state[key] = getattr(current, name)
            note = _fit_to_widget(name, key, metadata[name], options)
            if note and from_link:  # a preset is fitted quietly; a link is told, with its other warnings
                warnings.append(f"{options.get('label', name)}: {note}")
    show_link_warnings(state)
    locks = state.get("locks") or {}
    for name in fields:
        if name in locks:  # fixed by a teacher's link: whatever a preset, an upload or a widget said
            st.session_state[state.key("setting", name)] = locks[name]
    values = {name: _widget(options.get("container", container), name, hints[name], metadata[name],
                            {**options, "locked": name in locks}, state.key("setting", name))
              for name, options in fields.items()}
    try:
        config = current.changed(**values)
    except SettingsError as error:
        container.error(f"These settings cannot be used: {error}. Keeping the last valid ones.")
        return current
    state.set("config", config)
    st.query_params.update(config.to_query())  # other parameters of the link (a shared run) stay
    return config


def _bounds(name: str, meta: Mapping[str, Any], options: Mapping[str, Any]) -> tuple[Any, Any]:
    """The lowest and highest value a number widget offers: the field's, the page's, the server's."""
    low = options.get("min", meta.get("min"))
    high = min(options.get("max", meta.get("max")), meta.get("max"), _SERVER_LIMITS.get(name, lambda: float("inf"))())
    return low, high


def _fit_to_widget(name: str, key: str, meta: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """Bring a new widget's starting value (from a link or a preset) into the widget's range.

    A link may hold a value the config allows but this page or server does not offer (say
    60,000 training samples where only 8,000 digits are bundled). Returns a sentence saying
    what was done, or "" when the value fits.
    """
    value = st.session_state[key]
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not numeric or "min" not in meta or options.get("kind") not in (None, "slider", "number") \
            or options.get("options", meta.get("choices")) is not None:
        return ""
    low, high = _bounds(name, meta, options)
    fitted = min(max(value, low), high)
    if fitted == value:
        return ""
    st.session_state[key] = type(value)(fitted)
    return f"{value:,g} is {'more' if value > high else 'less'} than this page offers here, so {fitted:,g} is used."


def _widget(container: Any, name: str, hint: Any, meta: Mapping[str, Any], options: dict, key: str) -> Any:
    label = options.get("label", name.replace("_", " ").capitalize())
    help_text = meta.get("help")
    kind = options.get("kind")
    if options.get("locked"):
        label, help_text = f"{label} (set by your teacher)", f"Set by your teacher's link. {help_text or ''}".strip()
        container = _Disabled(container)
    if hint is bool:
        return container.checkbox(label, key=key, help=help_text)
    choices = options.get("options", meta.get("choices"))
    if kind == "select_slider":
        choices = list(choices if choices is not None else LEARNING_RATES)
        if st.session_state[key] not in choices:
            choices = sorted(set(choices) | {st.session_state[key]})
        return container.select_slider(label, options=choices, key=key, help=help_text,
                                       format_func=options.get("format_func", lambda value: f"{value:g}"))
    if choices is not None and kind in (None, "select"):
        return container.selectbox(label, options=list(choices), key=key, help=help_text,
                                   format_func=options.get("format_func", str))
    low, high = _bounds(name, meta, options)
    if kind == "slider":
        return container.slider(label, min_value=low, max_value=high, key=key, help=help_text,
                                step=options.get("step"))
    return container.number_input(label, min_value=low, max_value=high, key=key, help=help_text,
                                  step=options.get("step", 1 if hint is int else None),
                                  format=options.get("format"))


class _Disabled:
    """A container whose widgets are drawn disabled (a teacher fixed them)."""

    def __init__(self, container: Any) -> None:
        self._container = container

    def __getattr__(self, name: str) -> Any:
        widget = getattr(self._container, name)
        return lambda *args, **kwargs: widget(*args, disabled=True, **kwargs)


def preset_buttons(state: PageState, presets: Mapping[str, TrainingConfig], container: Any = None) -> None:
    """One button per named preset; pressing one sets every widget of the page to it."""
    container = container or st.sidebar
    container.caption("Presets")
    for name, preset in presets.items():
        container.button(name, key=state.key("preset", name), on_click=apply_config, args=(state, preset),
                         width="stretch")


def settings_upload(state: PageState, config: TrainingConfig) -> None:
    """Bring back settings downloaded as JSON: every widget of the page takes them, as a link would.

    Values the page cannot use are said, as a link's are; a file for another page, or no
    settings file at all, gets a plain error.
    """
    upload = st.file_uploader("Upload settings (JSON) saved from this page", type=["json"],
                              key=state.key("settings_upload"))
    if upload is None:
        return
    signature = (upload.name, upload.size, upload.file_id)
    if state.get("settings_uploaded") == signature:
        st.caption(f"The settings of {upload.name} are in the sidebar.")
        return
    try:
        loaded, warnings = config_from_json(upload.getvalue().decode("utf-8", errors="replace"), type(config))
    except SettingsError as error:
        st.error(f"Cannot use {upload.name}: {error}.")
        return
    state.set("settings_uploaded", signature)
    apply_config(state, loaded)
    state.set("link_warnings", warnings)
    st.rerun()


def linked_start(key: str, param: str, default: Any, parse: Any = str, allowed: Any = None) -> None:
    """Start a widget that is not a config field from the link's ``param``, on the page's first run.

    A widget's key that is already in the session keeps its value. A link value that does
    not parse, or is not among ``allowed``, is ignored (the widget starts at ``default``).
    """
    if key in st.session_state:
        return
    raw = st.query_params.get(param)
    value = default
    if raw is not None:
        try:
            parsed = parse(raw)
        except (TypeError, ValueError):
            parsed = None
        if parsed is not None and (allowed is None or parsed in allowed):
            value = parsed
    st.session_state[key] = value


def keep_in_link(param: str, value: Any, default: Any) -> None:
    """Write a widget's value into the link (or take it out when it is the default)."""
    if value == default or value is None:
        if param in st.query_params:
            del st.query_params[param]
    else:
        st.query_params[param] = str(value)

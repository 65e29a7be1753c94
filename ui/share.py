"""Explore and share, on every page: the code behind the settings, downloads, uploads.

- ``show_code``: an expander with a standalone Keras script for the current settings
  (``st.code`` has a copy button) and a download of it.
- ``downloads``: the trained model (``.keras``), its training history (CSV) and the
  settings (JSON).
- ``model_upload``: bring a ``.keras`` model back (Keras safe mode) to draw against or
  to train further; ``current_model`` gives whichever is newer, the upload or the latest
  training, and ``continue_choice`` lets Train carry on from it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from nn_core.config import TrainingConfig
from nn_core.inference import warm_up
from nn_core.persistence import config_to_json, history_to_csv, model_from_bytes, model_to_bytes
from ui.console import current_job, trained_model


def show_code(page: str, script: str | Callable[[], str], filename: str) -> None:
    """An expander holding the Keras script equivalent to the current settings."""
    with st.expander("Show the code: this setting as a plain Keras script"):
        try:
            source = script() if callable(script) else script
        except ValueError as error:
            st.warning(f"No script for these settings: {error}")
            return
        st.caption("Runs as it is with only TensorFlow and NumPy installed. Copy it with the "
                   "button at the code's top right, or download it.")
        st.code(source, language="python", line_numbers=False)
        st.download_button("Download the script", source, file_name=filename, mime="text/x-python",
                           key=f"{page}.download_script")


def _upload_key(page: str) -> str:
    return f"{page}.uploaded"


def uploaded_if_newer(page: str, state_key: str) -> Any:
    """What an uploader stored under ``state_key``, if it came after the page's latest training."""
    stored = st.session_state.get(state_key)
    job = current_job(page)
    if stored is None or (job is not None and job.created > stored["time"]):
        return None
    return stored["model"]


def current_model(page: str) -> Any:
    """The model a page shows: the latest finished training, or a newer uploaded model."""
    uploaded = uploaded_if_newer(page, _upload_key(page))
    return uploaded if uploaded is not None else trained_model(page)


def continue_choice(page: str) -> Any:
    """A checkbox to train the current model further; returns that model or None (start afresh)."""
    model = current_model(page)
    if model is None:
        return None
    carry_on = st.checkbox(
        "Continue training the current model", key=f"{page}.continue",
        help="Train the model you have (trained here or uploaded) for more epochs instead of a new "
             "one. It keeps its own layers and optimizer; the sidebar's data and training settings apply.",
    )
    return model if carry_on else None


def downloads(
    page: str,
    config: TrainingConfig,
    history: dict[str, list[float]] | None,
    notes: Callable[[], dict[str, Any]] | None = None,
    model: Any = None,
) -> None:
    """Download buttons for the current model, its history and the settings.

    Args:
        page: the page's short name.
        config: the settings to offer as JSON.
        history: the latest training's per-epoch metrics, offered as CSV.
        notes: what the model file must carry besides the weights (a text model's vocabulary).
        model: the model to offer; the page's current model by default.
    """
    model = model if model is not None else current_model(page)
    name = page.replace(" ", "_")
    columns = st.columns(3)
    if model is not None:
        columns[0].download_button(
            "Download model (.keras)", data=lambda: model_to_bytes(model, notes() if notes else None),
            file_name=f"{name}.keras",
            mime="application/zip", key=f"{page}.download_model", on_click="ignore",
            help="The trained network, weights and optimizer state; upload it again here later.")
    if history and any(history.values()):
        columns[1].download_button(
            "Download history (CSV)", history_to_csv(history), file_name=f"{name}_history.csv",
            mime="text/csv", key=f"{page}.download_history", on_click="ignore")
    columns[2].download_button(
        "Download settings (JSON)", config_to_json(config), file_name=f"{name}_settings.json",
        mime="application/json", key=f"{page}.download_settings", on_click="ignore")


def upload_once(
    label: str, key: str, state_key: str, load: Callable[[bytes], Any], describe: Callable[[Any], str]
) -> None:
    """A ``.keras`` uploader that loads each new file once and keeps it, timed, in the session.

    Args:
        label: the uploader's label.
        key: the uploader's widget key.
        state_key: where the loaded object is kept (``{"model", "time", "signature"}``).
        load: bytes -> the loaded object; raises ValueError with a plain sentence.
        describe: what the success message says about the loaded object.
    """
    upload = st.file_uploader(label, type=["keras"], key=key,
                              help="Loaded in Keras' safe mode (files carrying code are refused).")
    if upload is None:
        return
    signature = (upload.name, upload.size, upload.file_id)
    stored = st.session_state.get(state_key)
    if stored is not None and stored["signature"] == signature:
        st.caption(f"Using the uploaded model {upload.name}.")
        return
    try:
        loaded = load(upload.getvalue())
    except ValueError as error:
        st.error(f"Cannot use {upload.name}: {error}.")
        return
    st.session_state[state_key] = {"model": loaded, "time": time.time(), "signature": signature}
    st.success(f"Loaded {upload.name}: {describe(loaded)}")


def _warmed(model: Any) -> Any:
    warm_up(model)  # the first digit drawn against an uploaded model is fast too
    return model


def model_upload(page: str, input_shape: Sequence[int] | None, outputs: int | None) -> None:
    """A ``.keras`` uploader; a fitting model becomes the page's current model."""
    upload_once(
        "Upload a model (.keras) saved from this page", f"{page}.upload", _upload_key(page),
        lambda data: _warmed(model_from_bytes(data, input_shape, outputs)),
        lambda model: (f"{model.count_params():,} weights. Draw against it below, or tick 'Continue "
                       "training the current model' and press Train."))


def train_and_share(
    page: str,
    config: TrainingConfig,
    data: Any,
    title: str,
    make_job: Callable[[Callable[[], bool], Any], Any] | None = None,
) -> tuple[Any, Any]:
    """The training block every digit page shares, in the order a student meets it.

    The code behind the settings, the continue-training choice, the live console (each run
    kept in the run history), then saving and bringing back models.

    Args:
        page: the page's short name.
        config: the page's current settings (a digit model's config).
        data: the loaded digits.
        title: a few words naming the lesson, for the generated script.
        make_job: ``(keep_going, model_to_continue_or_None) -> TrainingJob``; by default
            ``nn_core.digits.digit_job``.

    Returns:
        (snapshot of the latest job or None, the model to show or None).
    """
    from nn_core.codegen import digit_script
    from nn_core.digits import digit_job
    from ui.console import training_console
    from ui.runs import record_finished_run, tracked

    filename = f"{page}_playground.py"
    show_code(page, lambda: digit_script(config, title), filename)
    carry_on = continue_choice(page)
    if make_job is None:
        def make_job(keep_going: Callable[[], bool], model: Any) -> Any:
            return digit_job(config, data, model=model, keep_going=keep_going)
    snapshot = training_console(page, tracked(page, config, lambda keep_going: make_job(keep_going, carry_on)))
    record_finished_run(page)
    with st.expander("Save your work, or bring back a model you saved"):
        model_upload(page, type(config).input_shape, 10)  # type: ignore[attr-defined]
        downloads(page, config, snapshot.history if snapshot else None)
    return snapshot, current_model(page)

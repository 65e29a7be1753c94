"""Taking work home and bringing it back: models, training histories and settings as files.

- A trained model as a ``.keras`` file, and back. Before Keras reads a file, everything
  in it that could ask for memory is checked (``nn_core.model_files`` and ``nn_core.architecture``: the zip's
  directory, each member's size, the architecture's weights counted from its
  ``config.json`` against the page's largest network, the weights file's datasets);
  then Keras loads it in safe mode, which refuses files that carry code (``Lambda``
  layers), and the model must fit the page it is brought to (its input and output
  shapes). What a model needs besides its weights (a text model's vocabulary) travels
  inside the same file, as a ``playground.json`` member of the zip archive, which Keras
  ignores.
- A training history as CSV, one row per epoch.
- Settings as JSON: the config's fields plus which model they describe.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from nn_core.config import TrainingConfig
from nn_core.errors import ModelFileError, SettingsError
from nn_core.architecture import ANY_PAGE, NetworkLimits, read_architecture
from nn_core.model_files import (NOTES_MEMBER, WEIGHTS_MEMBER, check_weights, open_archive, read_json_member,
                                 read_member)

if TYPE_CHECKING:
    import keras

MAX_MODEL_BYTES = 50 * 1024 * 1024


def model_to_bytes(model: keras.Model, notes: Mapping[str, Any] | None = None) -> bytes:
    """The model (architecture, weights, optimizer state) as the bytes of a ``.keras`` file.

    Args:
        model: the model to save.
        notes: JSON-serialisable facts the model needs later (e.g. a vocabulary), stored
            in the same file; ``read_notes`` gives them back.

    Returns:
        The file's bytes.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        if notes is not None:
            with zipfile.ZipFile(path, "a") as archive:
                archive.writestr(NOTES_MEMBER, json.dumps(notes))
        with open(path, "rb") as file:
            return file.read()


def read_notes(data: bytes) -> dict[str, Any]:
    """The notes ``model_to_bytes`` stored in a model file ({} when there are none or they are unreadable).

    The archive is checked before its notes are unpacked, and they are read up to their cap.

    Raises:
        ModelFileError: the file is not a model file, or a hostile one.
    """
    with open_archive(data) as archive:
        if NOTES_MEMBER not in archive.namelist():
            return {}
        try:
            notes = read_json_member(archive, NOTES_MEMBER)
        except ModelFileError:
            return {}
    return notes if isinstance(notes, dict) else {}


def model_from_bytes(
    data: bytes,
    input_shape: Sequence[int] | None = None,
    outputs: int | None = None,
    custom_objects: Mapping[str, Any] | None = None,
    limits: NetworkLimits = ANY_PAGE,
) -> keras.Model:
    """Check a ``.keras`` file's every part, load it in safe mode and check that it fits.

    Args:
        data: the file's bytes.
        input_shape: the per-sample input shape the page needs, e.g. (784,); None skips
            the check.
        outputs: the number of outputs the page needs, e.g. 10; None skips the check.
        custom_objects: the project's own layer classes by name (e.g. the text model's
            one-hot layer); safe mode still refuses code such as Lambda layers.
        limits: the page's largest network; a larger one is refused before it is built.

    Returns:
        The compiled model, ready to predict or to train further.

    Raises:
        ModelFileError: with a plain sentence, for anything that is not a fitting model.
    """
    import keras

    if not data:
        raise ModelFileError("the file is empty")
    if len(data) > MAX_MODEL_BYTES:
        raise ModelFileError(f"the file is larger than {MAX_MODEL_BYTES // 2**20} MB")
    with open_archive(data) as archive:
        architecture = read_architecture(read_json_member(archive, "config.json"), limits,
                                         None if input_shape is None else tuple(input_shape))
        check_weights(read_member(archive, WEIGHTS_MEMBER), architecture.parameters)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "upload.keras")
        with open(path, "wb") as file:
            file.write(data)
        try:
            model = keras.saving.load_model(path, safe_mode=True, custom_objects=dict(custom_objects or {}))
        except Exception as error:  # Keras raises many kinds; the user needs one sentence
            reason = str(error).split("\n")[0][:200]
            if "safe_mode" in reason or "Lambda" in reason:
                raise ModelFileError("the model contains code (a Lambda layer), which safe mode refuses to load") from None
            raise ModelFileError(f"Keras could not load this model: {reason}") from None
    if not isinstance(model, keras.Model):
        raise ModelFileError("the file holds no Keras model")
    if input_shape is not None and tuple(model.input_shape[1:]) != tuple(input_shape):
        raise ModelFileError(
            f"this model takes inputs of shape {tuple(model.input_shape[1:])}, but this page "
            f"feeds it {tuple(input_shape)}: it was made for another page"
        )
    if outputs is not None and model.output_shape[-1] != outputs:
        raise ModelFileError(f"this model has {model.output_shape[-1]} outputs, this page needs {outputs}")
    if model.optimizer is None or not getattr(model, "compiled", True):
        raise ModelFileError("the model was saved without being compiled, so it cannot train further")
    return model


def copy_model(model: keras.Model, custom_objects: Mapping[str, Any] | None = None) -> keras.Model:
    """An independent copy of a compiled model: architecture, weights and optimizer state.

    Training the copy leaves the original as it was (a continued run leaves its parent run
    untouched). It goes through the ``.keras`` format, so it is exactly what a download and
    an upload would give.
    """
    return model_from_bytes(model_to_bytes(model), custom_objects=custom_objects)


def history_to_csv(history: Mapping[str, Sequence[float]], first_epoch: int = 0) -> str:
    """Per-epoch metrics as CSV text: a header row, then one row per complete epoch.

    A training's history keeps the learning rate in force at the end of each epoch
    ("learning_rate"), so a rate changed by hand while it trained shows in its own column.

    Args:
        history: metric name -> one value per complete epoch.
        first_epoch: epochs the model had before (a continued run's rows go on from there).
    """
    names = [name for name, values in history.items() if len(values)]
    rows = max((len(history[name]) for name in names), default=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["epoch"] + names)
    for index in range(rows):
        writer.writerow([first_epoch + index + 1]
                        + [history[name][index] if index < len(history[name]) else "" for name in names])
    return buffer.getvalue()


def config_to_json(config: TrainingConfig) -> str:
    """The settings as a JSON document naming their model."""
    return json.dumps({"model": type(config).__name__, "settings": config.to_query()}, indent=2)


def config_from_json(text: str, config_class: type[TrainingConfig]) -> tuple[TrainingConfig, list[str]]:
    """Settings from ``config_to_json``'s JSON; bad values fall back with warnings.

    Raises:
        SettingsError: the text is not such a document, or describes another model.
    """
    try:
        document: Any = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):  # deep nesting is no settings file either
        raise SettingsError("this is not a JSON settings file") from None
    if not isinstance(document, dict) or not isinstance(document.get("settings"), dict):
        raise SettingsError("this JSON file holds no playground settings")
    if document.get("model") != config_class.__name__:
        raise SettingsError(f"these settings are for {document.get('model')}, not {config_class.__name__}")
    return config_class.from_query(document["settings"])

"""The one train block every lesson shares, in the order a student meets it.

The code behind the settings, the choice to continue training, the live console (each
run kept by the server's run registry, so it survives a reload and a restart), then
saving and bringing back models. A lesson describes itself once as a ``Trainer``; the
block does the rest the same way on every page.

The page shows the run named by the page's state; on a fresh session (a reload, a new
tab) it finds this browser's latest run of the lesson; a link with ``?run=<id>`` shows
that run, read-only when it belongs to another browser.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from nn_core import limits
from nn_core.config import TrainingConfig
from nn_core.errors import PlaygroundError
from nn_core.estimate import Workload, memory_problem
from nn_core.persistence import config_to_json, history_to_csv, model_to_bytes, read_notes
from nn_core.registry import LiveRun, RunRegistry
from nn_core.runs import RUN_ID
from nn_core.training import Snapshot, Status, TrainingJob
from ui.classroom import class_tools
from ui.console import session_watcher, training_console
from ui.hints import hints_panel
from ui.identity import browser_identity
from ui.resources import run_registry, training_clock
from ui.settings import settings_upload
from ui.state import PageState


@dataclass
class Plan:
    """A training about to start: its job (not started), and what the page will draw with."""

    job: TrainingJob
    payload: Any = None  # default: the job's model
    notes: Callable[[], dict[str, Any]] | None = None  # what the model file carries besides weights


@dataclass
class Continued:
    """A model to train further, and where it came from."""

    model: Any
    first_epoch: int  # epochs it has had
    parent: str | None  # the run it came from (None for an upload)


@dataclass
class Trainer:
    """What a lesson tells the train block about itself.

    Attributes:
        title: a few words naming the lesson, for the script and the file names.
        script: the standalone Keras script of the current settings (may raise ``PlaygroundError``;
            None when there is nothing to write a script of yet), given what was changed by hand
            while the page's run of these settings trained, as (epoch progress, label) pairs to
            write as comments.
        plan: a new training of the current settings, continuing the given model if any.
        load_upload: a ``.keras`` file's bytes -> what the page draws with (may raise ``PlaygroundError``).
        describe_upload: what the success message says about an uploaded model.
        model_of: what the page draws with -> the Keras model in it.
        live_extra: draws more of a training inside the live console, with its snapshot and run.
        redraw_seconds: how often the live console is redrawn while a run trains.
        can_continue: whether a model can be trained further here.
        model_kind: what the lesson's model files are called ("model", "text model").
        save_note: a sentence about what the model file carries.
        first_hint: what the page says before its first training, e.g. how long one takes.
        workload: the work one training of the current settings takes, for the time estimate.
        classes: how many answers the network chooses among (ten digits, a text's characters), for
            the hint that says validation accuracy is no better than guessing.
    """

    title: str
    script: Callable[[tuple[tuple[float, str], ...]], str | None]
    plan: Callable[[Continued | None], Plan]
    load_upload: Callable[[bytes], Any]
    describe_upload: Callable[[Any], str] = lambda payload: (
        f"{payload.count_params():,} weights. Draw against it below, or tick 'Continue training the current "
        "model' and press Train.")
    model_of: Callable[[Any], Any] = lambda payload: payload
    live_extra: Callable[[Snapshot, LiveRun], None] | None = None
    redraw_seconds: float = 1.0
    can_continue: bool = True
    model_kind: str = "model"
    save_note: str = ""
    first_hint: str = "Press **Train** to train the network with the settings in the sidebar."
    workload: Callable[[], Workload | None] | None = None
    classes: int | None = None


@dataclass
class Shown:
    """What the train block leaves the page to show."""

    live: LiveRun | None  # the run on the page
    snapshot: Snapshot | None  # how it went
    payload: Any  # what to draw with: the newer of the run's model (once its run ended) and an uploaded one, or None
    uploaded: bool  # the payload is an uploaded model
    mine: bool  # the run belongs to this browser

    @property
    def settled(self) -> bool:
        """There is a model to look inside that no longer changes (its run is over, or it was uploaded).

        Sections that work things out once per model (``nn_core.per_model``) wait for this: a
        model read while it trains would keep its half-trained answers.
        """
        return self.payload is not None and (self.uploaded or self.snapshot is None or self.snapshot.done)

    @property
    def drawing_run(self) -> LiveRun | None:
        """The run that keeps the drawings made on the page's canvas (this browser's, not an upload)."""
        return self.live if self.mine and not self.uploaded else None


def train_block(state: PageState, config: TrainingConfig, trainer: Trainer) -> Shown:
    """The code, continue-training choice, Train, the live console, and saving; returns what to show.

    All of it is one container on the page, however many of its parts a run shows: what the page
    draws after it (the drawing canvas) keeps its place, so the browser does not rebuild it (and
    wipe the digit on it) when a training starts or ends.
    """
    with st.container():
        return _train_block(state, config, trainer)


def _train_block(state: PageState, config: TrainingConfig, trainer: Trainer) -> Shown:
    registry = run_registry()
    owner = browser_identity()
    live = current_run(state, registry, owner)
    # The script notes the changes made by hand while the page's run of these very settings trained.
    changes = tuple(live.snapshot().events) if live is not None and live.record.config == config else ()
    show_code(state, lambda: trainer.script(changes), f"{state.slug}_playground.py")
    uploaded = uploaded_if_newer(state, live)
    mine = live is None or live.record.owner == owner
    carry_on = continue_choice(state, registry, trainer, live, uploaded) if trainer.can_continue else None

    work = _estimate(state, trainer)

    def start(carried: Continued | None = carry_on, epochs: int | None = None) -> LiveRun:
        plan = trainer.plan(carried)
        if epochs is not None:
            plan.job.epochs = epochs  # "One more epoch" of a finished run: the sidebar's count does not apply
        if work is not None and epochs is None:
            plan.job.callbacks.append(training_clock().listener(work, state.slug))
        started = registry.start(owner, state.slug, config if epochs is None else config.changed(epochs=epochs),
                                 plan.job, plan.payload, plan.notes, parent=carried.parent if carried else None)
        state.pop("uploaded")  # the new run is the newest model now
        if "run" in st.query_params:
            del st.query_params["run"]  # the page shows this browser's own run again
        return started

    if live is not None and not mine:
        st.info(f"You are looking at **{live.record.name}** of another browser, shared with you by a link: "
                "read-only. Draw on it or download it; press **Train** to train your own.",
                icon=":material/visibility:")
    def one_more_epoch() -> LiveRun:
        carried = continued_from(registry, trainer, live)
        if carried is None:
            raise PlaygroundError("this run has no model to train further")
        return start(carried, epochs=1)

    live = training_console(
        state, live, start, owner, trainer.live_extra, trainer.redraw_seconds,
        more=one_more_epoch if trainer.can_continue and live is not None and live.done and mine else None,
        hints=lambda snapshot, shown: hints_panel(state, config, snapshot, shown, trainer.classes))
    mine = live is None or live.record.owner == owner
    class_tools(state, config, live, state.membership, mine)
    uploaded = uploaded_if_newer(state, live)
    # A run's model is shown once the run has ended: while it trains, every look at it (and every
    # cache keyed by it, such as the test-set evaluation) would describe a model that is still changing.
    payload = uploaded if uploaded is not None else (registry.payload(live) if live is not None and live.done else None)
    if uploaded is None and live is not None and learned_nothing(live.snapshot()):
        payload = None  # the weights it started with: nothing to analyse, draw on or download
        st.info("Nothing to look inside or draw on yet: the training blew up before its first epoch ended, so the "
                "network is as it started. Train again with a smaller learning rate.", icon=":material/info:")
    if live is not None and uploaded is None and live.load_error:
        st.warning(f"{live.load_error.capitalize()}. Its curves and settings are shown; train again for a model to "
                   "draw on.")
    snapshot = live.snapshot() if live is not None else None
    fresh_upload = bool((state.get("uploaded") or {}).get("fresh"))
    with st.expander(f"Save your work, or bring back a {trainer.model_kind} you saved", expanded=fresh_upload):
        upload_once(state, trainer)
        if trainer.save_note:
            st.caption(trainer.save_note)
        downloads(state, config, live, None if payload is None else trainer.model_of(payload),
                  _file_notes(state, live, uploaded is not None))
        settings_upload(state, config)
        if live is not None and live.done and uploaded is None:
            run_link(state, live)
    return Shown(live, snapshot, payload, uploaded is not None, mine)


def learned_nothing(snapshot: Snapshot) -> bool:
    """A new network's training blew up before its first epoch ended: it went back to its starting weights."""
    return snapshot.status == Status.DIVERGED and snapshot.epoch == 0 and snapshot.first_epoch == 0


def _estimate(state: PageState, trainer: Trainer) -> Workload | None:
    """Say how long a training of the current settings should take, and whether it goes past the server's limit."""
    try:
        work = trainer.workload() if trainer.workload is not None else None
    except PlaygroundError:
        return None
    if work is None:
        return None
    seconds = training_clock().estimate(work, state.slug)
    st.caption(f"About {limits.describe_seconds(max(1, seconds))} to train here, if the server is free "
               f"({work.updates:,} weight updates).")
    memory = memory_problem(work)
    if memory is not None:
        st.warning(memory[0].upper() + memory[1:] + ".")
    if seconds > limits.max_training_seconds():
        st.warning(f"This training would take about {limits.describe_seconds(seconds)}, but this server stops a "
                   f"training after {limits.describe_seconds(limits.max_training_seconds())} (it keeps what it has "
                   "learned by then). Fewer epochs, a larger batch, fewer digits or a smaller network make it shorter.")
    return work


def current_run(state: PageState, registry: RunRegistry, owner: str) -> LiveRun | None:
    """The run the page shows: a shared link's, the session's, or this browser's latest.

    Problems (a link to a run that does not exist, a run store that cannot be read) are
    said in a sentence; the page goes on without a run.
    """
    try:
        shared = st.query_params.get("run")
        if shared is not None and state.get("run") != shared:
            found = registry.get(shared) if RUN_ID.match(shared) else None
            if found is None or found.record.lesson != state.slug:
                st.warning("This link names a run that does not exist here (any more, or on this page): "
                           "showing your own runs instead.")
                del st.query_params["run"]
            else:
                state.set("run", found.id)
                state.set("attached", True)
        run_id = state.get("run")
        live = registry.get(run_id) if run_id is not None else None
        if live is None and not state.get("attached"):
            state.set("attached", True)
            live = registry.latest(owner, state.slug)
            if live is not None:
                state.set("run", live.id)
                state.set("seen_done", live.id if live.done else None)
    except PlaygroundError as error:
        st.warning(f"Your saved runs cannot be read right now ({error}). You can still train; this run may not "
                   "be kept after a restart.")
        return None
    if live is not None:
        live.seen(*session_watcher())
    return live


def show_code(state: PageState, script: Callable[[], str | None], filename: str) -> None:
    """An expander holding the Keras script equivalent to the current settings."""
    try:
        source = script()
    except PlaygroundError as error:
        source, problem = None, str(error)
    else:
        problem = ""
    if source is None and not problem:
        return
    with st.expander("Show the code: this setting as a plain Keras script"):
        if source is None:
            st.warning(f"No script for these settings: {problem}")
            return
        st.caption("Runs as it is with only TensorFlow and NumPy installed. Copy it with the "
                   "button at the code's top right, or download it.")
        st.code(source, language="python", line_numbers=False)
        st.download_button("Download the script", source, file_name=filename, mime="text/x-python",
                           key=state.key("download", "script"))


def uploaded_if_newer(state: PageState, live: LiveRun | None) -> Any:
    """The uploaded model, if it came after the run the page shows."""
    stored = state.get("uploaded")
    if stored is None or (live is not None and live.record.created > stored["time"]):
        return None
    return stored["payload"]


def continue_choice(state: PageState, registry: RunRegistry, trainer: Trainer, live: LiveRun | None,
                    uploaded: Any) -> Continued | None:
    """A checkbox to train the current model further; what to continue, or None (start afresh)."""
    if uploaded is not None:
        found: Continued | None = Continued(trainer.model_of(uploaded), state.get("uploaded")["epochs"], None)
    else:
        found = continued_from(registry, trainer, live)
    if found is None:
        return None
    carry_on = st.checkbox(
        "Continue training the current model", key=state.key("continue"),
        help="Train the model you have (trained here or uploaded) for more epochs instead of a new one; its "
             "curves go on from its last epoch. It keeps its own layers and optimizer; the sidebar's data and "
             "training settings apply. The run it came from stays as it was.")
    return found if carry_on else None


def continued_from(registry: RunRegistry, trainer: Trainer, live: LiveRun | None) -> Continued | None:
    """The model of a run that is over, to train further (None for a run without one, or still training)."""
    if live is None or not live.done or registry.payload(live) is None:
        return None
    return Continued(trainer.model_of(registry.payload(live)), live.record.first_epoch + live.record.epochs_done,
                     live.id)


def _file_notes(state: PageState, live: LiveRun | None, from_upload: bool) -> Callable[[], dict[str, Any]]:
    """What the downloaded model file carries besides its weights: the lesson's notes (a text
    model's vocabulary, say) and how many epochs the model has had, so that training it
    further after an upload counts on from there. An uploaded model keeps its own file's."""
    if from_upload:
        stored = state.get("uploaded")
        return lambda: {**stored.get("notes", {}), "epochs": stored["epochs"]}
    if live is None:
        return dict
    snapshot = live.snapshot()
    return lambda: {**(live.notes() or {}), "epochs": snapshot.first_epoch + snapshot.epoch}


def downloads(state: PageState, config: TrainingConfig, live: LiveRun | None, model: Any,
              notes: Callable[[], dict[str, Any]]) -> None:
    """Download buttons for the current model (with ``notes()`` in its file), the run's history and the settings."""
    columns = st.columns(3)
    if model is not None:
        columns[0].download_button(
            "Download model (.keras)", data=lambda: model_to_bytes(model, notes()),
            file_name=f"{state.slug}.keras", mime="application/zip", key=state.key("download", "model"),
            on_click="ignore", help="The trained network, weights and optimizer state; upload it again here later.")
    snapshot = live.snapshot() if live is not None else None
    if snapshot is not None and any(snapshot.history.values()):
        columns[1].download_button(
            "Download history (CSV)", history_to_csv(snapshot.history, snapshot.first_epoch),
            file_name=f"{state.slug}_history.csv", mime="text/csv", key=state.key("download", "history"),
            on_click="ignore", help="One row per complete epoch (an epoch cut short by Stop is not one).")
    columns[2].download_button(
        "Download settings (JSON)", config_to_json(config), file_name=f"{state.slug}_settings.json",
        mime="application/json", key=state.key("download", "settings"), on_click="ignore")


def upload_once(state: PageState, trainer: Trainer) -> None:
    """A ``.keras`` uploader that loads each new file once and keeps it, timed, in the session."""
    upload = st.file_uploader(f"Upload a {trainer.model_kind} (.keras) saved from this page", type=["keras"],
                              key=state.key("upload"),
                              help="Loaded in Keras' safe mode (files carrying code are refused).")
    if upload is None:
        return
    signature = (upload.name, upload.size, upload.file_id)
    stored = state.get("uploaded")
    if stored is not None and stored["signature"] == signature:
        if stored.pop("fresh", False):
            st.success(f"Loaded {upload.name}: {trainer.describe_upload(stored['payload'])}")
        else:
            st.caption(f"Using the uploaded model {upload.name}.")
        return
    data = upload.getvalue()
    try:
        payload = trainer.load_upload(data)
    except PlaygroundError as error:
        st.error(f"Cannot use {upload.name}: {error}.")
        return
    notes = read_notes(data)
    epochs = notes.get("epochs", 0)
    state.set("uploaded", {"payload": payload, "time": time.time(), "signature": signature, "fresh": True,
                           "epochs": epochs if isinstance(epochs, int) and 0 <= epochs < 100_000 else 0,
                           "notes": notes})
    st.rerun()  # the whole page follows the upload at once (the continue-training choice above it too)


def run_link(state: PageState, live: LiveRun) -> None:
    """A link that shows this run to anyone who opens it (read-only for them)."""
    base = (st.context.url or "").split("?")[0]
    st.caption("A link to this run, to share on purpose: whoever opens it sees this run's curves and can draw on "
               "its model, read-only. Your other runs stay yours.")
    st.code(f"{base}?run={live.id}", language=None)

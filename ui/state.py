"""One page's state: every session key and widget key of a page, named in one place.

As TensorFlow Playground's ``state.ts`` lists what its page keeps, ``KEYS`` lists every
kind of key a page of this app keeps in ``st.session_state``, with what it holds. A
``PageState`` formats them for its page ("mlp.setting.epochs"), so no module builds a
key from a string of its own and two modules cannot disagree about one; a name not in
``KEYS`` is a programming error (``KeyError``). Tests ask a ``PageState`` for keys
instead of typing them.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

KEYS: dict[str, str] = {
    # Settings
    "config": "the page's current settings (a TrainingConfig)",
    "setting": "a settings widget, by config field name",
    "layer": "a per-layer settings widget, by field name and layer index",
    "layer_count": "the hidden-layer count slider",
    "link_warnings": "sentences about link values that were not used as given",
    "fresh_from_link": "set on the run that read the settings from the link",
    "preset": "a preset button, by preset name",
    "settings_upload": "the settings (JSON) uploader",
    "settings_uploaded": "the signature of the last settings file applied",
    # Training
    "run": "the id of the run the page shows",
    "attached": "set once the page has looked for the browser's latest run",
    "train": "the Train button",
    "stop": "the Stop training button",
    "continue": "the 'continue training' checkbox",
    "seen_done": "the id of the last run whose end the page has redrawn for",
    "train_error": "why the last press of Train started nothing",
    "steer": "a control of a training while it runs, by name (pause, resume, step, more, rate, rate_form)",
    "steer_note": "what the last steering press said: (run id, 'success' | 'info' | 'error', sentence)",
    "continued": "the id of the finished run 'One more epoch' last continued (a second press starts no other)",
    "hint": "a hint's Apply button, by hint name",
    # Saving and sharing
    "upload": "the model uploader",
    "uploaded": "the model loaded from an upload: {payload, time, signature, fresh, epochs, notes}",
    "download": "a download button, by what it downloads",
    "delete": "the run-deleting buttons, by which",
    # A teacher's class
    "class_name": "the display name a student types to join a class",
    "class_join": "the Join button",
    "class_post": "the button that posts the shown run to the class board",
    "lesson_link": "the teacher's lesson-link builder's widgets, by name",
    "locks": "settings fixed by a teacher's signed lesson link: field name -> value",
    "task": "a teacher's task from a signed lesson link: {text, target_accuracy, target_params}",
    "link_checked": "set once the page has read its link's class, locks and task",
    "handover": "the one-time code this teacher made to hand a class to another device: {class, code, expires}",
    # Looking
    "canvas": "the drawing canvas, by canvas name and generation",
    "canvas_generation": "how many times a canvas was cleared, by canvas name",
    "drawn": "the digit last drawn on the page's canvas as the model sees it (28x28), or None: a training reads it",
    "clear": "a canvas's Clear button, by canvas name",
    "chart": "a chart, by name",
    "points": "the student's own points (uploaded or clicked) and the file they last came from",
    "widget": "any other widget of the page's sections, by name",
    "deeper": "a look-deeper view's choice (damage, threshold, units off, layer), kept while its tab is closed",
    "runs_selected": "the runs chosen for comparison",
    "runs_known": "the runs the comparison has seen (a new run joins the chosen ones)",
    "runs_metric": "the curve chosen for comparison",
}


class PageState:
    """The session keys of one page.

    Args:
        slug: the page's lesson slug, unique in the app (e.g. "mlp").
    """

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.notices: Any = None  # where the page wants warnings about its settings shown
        self.membership: Any = None  # (class, display name) when this browser is in a class

    def key(self, name: str, *parts: object) -> str:
        """The session key for ``name`` (one of ``KEYS``), e.g. key("setting", "epochs") -> "mlp.setting.epochs"."""
        if name not in KEYS:
            raise KeyError(f"{name!r} is not a page key; add it to ui.state.KEYS with what it holds")
        return ".".join([self.slug, name, *map(str, parts)])

    def get(self, name: str, *parts: object, default: Any = None) -> Any:
        """What the session holds under a key, or ``default``."""
        return st.session_state.get(self.key(name, *parts), default)

    def set(self, name: str, *parts_and_value: Any) -> None:
        """Keep a value: ``set("run", run_id)`` or ``set("canvas_generation", "main", 2)``."""
        *parts, value = parts_and_value
        st.session_state[self.key(name, *parts)] = value

    def setdefault(self, name: str, *parts_and_value: Any) -> Any:
        """The value under a key, first storing ``value`` if there is none."""
        *parts, value = parts_and_value
        return st.session_state.setdefault(self.key(name, *parts), value)

    def pop(self, name: str, *parts: object, default: Any = None) -> Any:
        """Forget a key, returning what it held."""
        return st.session_state.pop(self.key(name, *parts), default)

    def has(self, name: str, *parts: object) -> bool:
        """Whether the session holds this key."""
        return self.key(name, *parts) in st.session_state

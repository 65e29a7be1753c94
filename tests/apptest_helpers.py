"""Helpers for AppTest tests: open a page of the app, wait for a training job."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

TIMEOUT = 60
APP = Path(__file__).resolve().parent.parent / "app.py"


def open_page(path: str, query: dict[str, str] | None = None) -> AppTest:
    """Run app.py, switch to ``path`` (e.g. "pages/perceptron.py") and run it."""
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.run()
    app.switch_page(path).run()
    return app


def finish_training(app: AppTest, page: str, timeout: float = 120) -> AppTest:
    """Wait for the page's background job to finish, then rerun to draw the result."""
    job = app.session_state[f"{page}.job"]
    assert job.wait(timeout), "training did not finish in time"
    app.run()
    app.run()  # the console's one-off rerun after training ends
    return app


def texts(app: AppTest) -> str:
    """Everything the page wrote, as one string, for `in` checks."""
    parts = [element.value for kind in ("markdown", "success", "error", "warning", "info", "subheader",
                                        "header", "title", "caption")
             for element in app.get(kind) if isinstance(getattr(element, "value", None), str)]
    return "\n".join(parts)


def button(app: AppTest, label: str):
    """The button whose label is ``label``."""
    matches = [b for b in app.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in app.button]}"
    return matches[0]

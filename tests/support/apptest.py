"""Helpers for AppTest tests: open a page of the app, wait for a training run, read what it wrote."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.state import PageState

TIMEOUT = 60
APP = Path(__file__).resolve().parent.parent.parent / "app.py"


def open_page(path: str, query: dict[str, str] | None = None, identity: str | None = None) -> AppTest:
    """Run app.py, switch to ``path`` (e.g. "pages/perceptron.py") and run it.

    Args:
        identity: the browser identity of the session (AppTest has no cookies: without one,
            each AppTest is a new browser).
    """
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if identity is not None:
        from ui.identity import _SESSION_KEY

        app.session_state[_SESSION_KEY] = identity
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.run()
    app.switch_page(path).run()
    return app


def key(page: str, name: str, *parts: object) -> str:
    """A session key of a page, e.g. key("mlp", "setting", "epochs")."""
    return PageState(page).key(name, *parts)


def current_job(app: AppTest, page: str):
    """The training job of the run the page shows."""
    from ui.resources import run_registry

    live = run_registry().get(app.session_state[key(page, "run")])
    assert live is not None and live.job is not None, "the page shows no training"
    return live.job


def finish_training(app: AppTest, page: str, timeout: float = 120) -> AppTest:
    """Wait for the page's training to finish and be saved, then rerun to draw the result."""
    job = current_job(app, page)
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


def canvas_drawing() -> dict:
    """What the drawing canvas sends (its session value) for a white 7 drawn on black."""
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    ImageDraw.Draw(image).line([(60, 50), (220, 50), (120, 250)], fill=(255, 255, 255, 255), width=18)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return {"drawing": {"raw": None, "data": url}, "backgroundFit": None}

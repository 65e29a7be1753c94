"""Helpers for the browser tests: open a page, wait for Streamlit, draw, read errors."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

EXCEPTION = '[data-testid="stException"]'


def open_app_page(page, url: str) -> None:
    """Go to ``url`` and wait until Streamlit has drawn it and finished running."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    # Every page starts with a title; on a fresh server the first run takes a while.
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    wait_until_idle(page)


def wait_until_idle(page, timeout: float = 60) -> None:
    """Wait until the script has finished running and stayed finished for half a second.

    Streamlit marks the app root with ``data-test-script-state``; a run counts as finished only
    when it reads ``notRunning`` (not ``initial``: the first run may not have started yet) and no
    run indicator shows, on several checks in a row.
    """
    idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    deadline = time.time() + timeout
    calm = 0
    while time.time() < deadline and calm < 3:
        quiet = page.locator(idle).count() == 1 and page.locator('[data-testid="stStatusWidget"]').count() == 0
        calm = calm + 1 if quiet else 0
        time.sleep(0.2)


def draw(page, canvas, strokes: Sequence[Sequence[tuple[float, float]]]) -> None:
    """Draw strokes on a canvas; points are fractions (0..1) of its width and height."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=4)
        page.mouse.up()


def assert_no_exception(page) -> None:
    """Fail with the traceback text if the page shows one."""
    errors = page.locator(EXCEPTION).all_inner_texts()
    assert not errors, f"the page shows a traceback: {errors}"


def drawing_canvas(page, index: int = -1):
    """The drawing canvas's top layer (the one that takes the mouse), last on the page by default."""
    canvases = page.locator("canvas.upper-canvas")
    canvases.first.wait_for()
    return canvases.nth(index) if index >= 0 else canvases.last


def download_model(page, expander: str, path) -> None:
    """Open the page's save expander, press 'Download model (.keras)' and save the file to ``path``."""
    page.get_by_text(expander).click()
    press_download(page, page.get_by_role("button", name="Download model (.keras)"), path)


def press_download(page, button, path) -> None:
    """Press a download button and save the file to ``path``; press again, once, if nothing came.

    The file is made on the server when the button is pressed. Once in a CI run the
    browser never got it; a person would press again, so this presses at most twice and
    says what the button showed each time nothing came.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    shown = []
    for _ in range(2):
        try:
            with page.expect_download(timeout=45_000) as download:
                button.click()
            download.value.save_as(path)
            return
        except PlaywrightTimeout:
            shown.append(page.locator('[data-testid="stDownloadButtonError"]').all_inner_texts())
            wait_until_idle(page)
    raise AssertionError(f"no download after two presses; the button said {shown}")


def upload_in_fresh_session(browser, url: str, expander: str, path, uploader_text: str = "(.keras)"):
    """A new browser session on ``url`` that uploads ``path`` through the save expander's uploader.

    Returns:
        The new tab, once the page says it loaded the file.
    """
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_app_page(fresh, url)
    fresh.get_by_text(expander).click()
    fresh.locator('[data-testid="stFileUploader"]').filter(has_text=uploader_text).locator(
        'input[type="file"]').set_input_files(str(path))
    fresh.get_by_text(f"Loaded {path.name}").wait_for(timeout=60_000)
    wait_until_idle(fresh)
    return fresh


def train_and_post(tab, url: str) -> None:
    """Open a lesson page, train, and post the run to the class board this browser joined."""
    open_app_page(tab, url)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Test accuracy:").first.wait_for(
        timeout=120_000)
    wait_until_idle(tab)
    tab.get_by_role("button", name=re.compile(r"Post Run \d to the class board")).click()
    tab.get_by_text(re.compile(r"Run \d is on the board of")).wait_for()


def create_class(tab, url: str, name: str) -> str:
    """On the Class page at ``url``, create a class called ``name``; returns its join link."""
    open_app_page(tab, url)
    tab.get_by_placeholder("e.g. Year 11 computing, Tuesday").fill(name)
    tab.get_by_role("button", name="Create the class").click()
    join_link = tab.locator('[data-testid="stCode"]').filter(has_text="?class=").first
    join_link.wait_for()
    return join_link.inner_text().strip()

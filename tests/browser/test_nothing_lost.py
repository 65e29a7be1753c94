"""Nothing lost, in a real Chromium: a reload, a second reload and a server restart all find the run.

A student trains on the MLP page and reloads in the middle: the same run goes on and
finishes with its test accuracy. The student draws a digit, reloads again, and the run is
there. The server is restarted: the run is there again, from the database. A second
browser profile (another student) sees none of it. A server restarted (SIGTERM) or killed
(SIGKILL) in the middle of a training comes back with the run stopped, and its model.
"""

import math
import re

import pytest

from scripts.app_server import AppServer
from support.browser import assert_no_exception, draw, drawing_canvas, open_app_page, wait_until_idle

pytestmark = pytest.mark.browser
LESSON = "mlp?train_samples=8000&epochs=12&batch_size=32"
ZERO = [[(0.5 + 0.22 * math.cos(step / 20 * 2 * math.pi), 0.5 + 0.33 * math.sin(step / 20 * 2 * math.pi))
         for step in range(22)]]  # a closed oval, as fractions of the canvas


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of this test's own, which it may restart; it saves a training every 2 s while it runs."""
    instance = AppServer(tmp_path_factory.mktemp("nothing_lost") / "streamlit.log",
                         PLAYGROUND_CHECKPOINT_SECONDS="2").start()
    yield instance
    instance.stop()


def accuracy(page) -> str:
    success = page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Test accuracy:").first
    success.wait_for(timeout=120_000)
    return success.inner_text()


def runs_in_history(page, expected: int = 1) -> list[str]:
    """The run names in the run history's table, once it shows ``expected`` of them."""
    cells = page.locator('[data-testid="stDataFrame"] td[role="gridcell"]').filter(has_text=re.compile(r"^Run \d+$"))
    if expected:
        cells.nth(expected - 1).wait_for(state="attached", timeout=30_000)
    return cells.all_inner_texts()


def test_a_reload_a_second_reload_and_a_restart_find_the_run(browser, server):
    student = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = student.new_page()
    page.set_default_timeout(30_000)
    open_app_page(page, f"{server.url}/{LESSON}")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"Epoch [2-9]/12")).wait_for(timeout=120_000)

    page.reload()  # in the middle of the training
    page.get_by_role("button", name="Stop training").wait_for(timeout=60_000)  # still training
    page.get_by_text(re.compile(r"Epoch ([3-9]|1[0-2])/12")).first.wait_for(timeout=120_000)  # and going on
    first = accuracy(page)
    wait_until_idle(page)
    assert runs_in_history(page) == ["Run 1"]  # the same run, not a new one

    draw(page, drawing_canvas(page), ZERO)
    page.get_by_text(re.compile(r"^Prediction: \d$")).wait_for(timeout=30_000)
    wait_until_idle(page)

    page.reload()
    open_app_page(page, page.url)
    assert accuracy(page) == first and runs_in_history(page) == ["Run 1"]
    page.get_by_text("Confusion matrix", exact=True).wait_for()  # its model is back to look inside

    server.restart()
    open_app_page(page, page.url)
    assert accuracy(page) == first and runs_in_history(page) == ["Run 1"]
    page.get_by_text("Confusion matrix", exact=True).wait_for()
    draw(page, drawing_canvas(page), ZERO)
    page.get_by_text(re.compile(r"^Prediction: \d$")).wait_for(timeout=30_000)
    assert_no_exception(page)
    page.screenshot(path="/tmp/nothing-lost.png", full_page=True)

    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_app_page(other, f"{server.url}/{LESSON}")
    assert other.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Test accuracy").count() == 0
    assert runs_in_history(other, expected=0) == []
    other.get_by_text("Each training run appears here").wait_for()
    assert_no_exception(other)
    other.context.close()
    student.close()


def test_a_training_running_when_the_server_restarts_keeps_what_it_learned(browser, server):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_app_page(page, f"{server.url}/mlp?train_samples=8000&epochs=40&batch_size=16")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"Epoch [2-9]/40")).wait_for(timeout=120_000)

    server.restart()  # SIGTERM, as a deployment or a restarted service sends
    open_app_page(page, page.url)
    page.get_by_text("Stopped because the server was restarted").wait_for(timeout=60_000)
    accuracy(page)  # tested once it stopped, as any stopped run
    page.get_by_text("Confusion matrix", exact=True).wait_for()  # its model is back to look inside
    assert runs_in_history(page, expected=1)
    assert_no_exception(page)
    page.context.close()


def test_a_training_running_when_the_server_is_killed_comes_back_as_last_saved(browser, server):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_app_page(page, f"{server.url}/mlp?train_samples=8000&epochs=40&batch_size=16")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile(r"Epoch [3-9]/40")).wait_for(timeout=120_000)  # 2+ epochs: several checkpoints
    open_app_page(page, page.url)  # a reload: the run, saved as it trains, is not in the history before it ends
    page.get_by_role("button", name="Stop training").wait_for(timeout=60_000)
    page.get_by_text("Each training run appears here").wait_for()

    server.kill()  # SIGKILL: no code of the server runs, as with the out-of-memory killer or a power cut
    server.start()
    open_app_page(page, page.url)
    stopped = page.get_by_text("The server stopped without warning during this training")
    stopped.wait_for(timeout=60_000)
    complete = re.search(r"\((\d+) of 40 epochs complete", stopped.inner_text())
    assert complete and int(complete.group(1)) >= 1  # what it had learned, as of its last save
    page.get_by_text("Confusion matrix", exact=True).wait_for()  # and its model, back to look inside
    assert runs_in_history(page, expected=1)
    draw(page, drawing_canvas(page), ZERO)
    page.get_by_text(re.compile(r"^Prediction: \d$")).wait_for(timeout=30_000)
    assert_no_exception(page)
    page.screenshot(path="/tmp/nothing-lost-killed.png", full_page=True)
    page.context.close()

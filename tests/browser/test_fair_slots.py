"""One browser cannot take every training slot: browsers take turns, in real Chromium.

One browser (one cookie, so one identity) opens five tabs and presses Train in each; a
second browser presses Train once, a moment later. Its training must start before the
first browser's third: the first browser runs one training at a time, and when a slot
frees the browser served least recently goes first. Whether a tab's training has started
is read from the tab itself (its progress bar instead of "Waiting for a free training
slot"), polling the second browser's tab and the first browser's second and third in
turn; only the order matters, never how long anything took. Run with one slot, so that
every training waits for its turn (two slots, one training per browser, are covered by
``tests/unit/test_slots.py``).

So that the presses cannot lag behind the trainings on a slow machine, the first tab's
training is paused while the other tabs press Train (a paused training keeps its slot:
here for ten minutes), and resumed once every press is in. Meanwhile the queue stands
still, and every waiting tab must show its true place in it ("N ahead").
"""

import re
import time

import pytest

from scripts.app_server import AppServer
from support.browser import assert_no_exception, open_app_page, wait_until_idle

pytestmark = pytest.mark.browser
LESSON = "mlp?train_samples=4000&epochs=2&batch_size=32"  # 200 batches: about 1.5 s alone on 2 cores
WAITING = "Waiting for a free training slot"
STARTED = re.compile(r"Epoch \d+/2")  # "Epoch 1/2 · batch 5/100 · 0.4 s", "Epoch 2/2 complete", ...
SAID = '[data-testid="stProgress"], [data-testid="stAlert"]'
SUCCESS = '[data-testid="stAlertContentSuccess"]'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = AppServer(tmp_path_factory.mktemp("fair") / "streamlit.log", PLAYGROUND_MAX_TRAININGS="1",
                    PLAYGROUND_PAUSED_SLOT_SECONDS="600")
    try:
        app.start(timeout=120)
    except RuntimeError as error:
        pytest.fail(str(error))
    yield app
    app.stop()


def said(tab) -> str:
    """Everything the tab's progress bars and messages say now ("" while it redraws)."""
    try:
        return "\n".join(tab.locator(SAID).all_inner_texts())
    except Exception:  # a redraw at that instant: the next poll reads it
        return ""


def state(text: str) -> str:
    if "Test accuracy:" in text:
        return "finished"
    if WAITING in text:
        return "waiting"
    if STARTED.search(text) or "Paused at epoch" in text:
        return "started"
    return "unknown"


def press_train(tab) -> str:
    """Press Train and wait until the tab shows its training waiting or going; returns which."""
    tab.get_by_role("button", name="Train", exact=True).click()
    deadline = time.monotonic() + 120
    while (shown := state(said(tab))) == "unknown":
        assert time.monotonic() < deadline, f"Train showed nothing; the tab says {said(tab)!r}"
        time.sleep(0.1)
    return shown


def press(tab, name: str, then: str | re.Pattern) -> None:
    """Press a console button (redrawn every second under the mouse) until the tab shows ``then``."""
    for _ in range(10):
        try:
            tab.get_by_role("button", name=name, exact=True).click(force=True, timeout=5_000)
            tab.get_by_text(then).first.wait_for(timeout=10_000)
            return
        except Exception:  # the button was replaced by a redraw at that instant: press again, as a person would
            time.sleep(0.2)
    raise AssertionError(f"pressing {name!r} never brought {then!r}; the tab says {said(tab)!r}")


def test_a_second_browser_trains_before_the_first_browsers_third_training(browser, server):
    app = server
    hog = browser.new_context(viewport={"width": 1300, "height": 900})
    other = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        tabs = {"A1": hog.new_page()}
        open_app_page(tabs["A1"], f"{app.url}/{LESSON}")
        deadline = time.monotonic() + 60  # the first page gives the browser its identity cookie
        while not any(cookie["name"] == "playground_id" for cookie in hog.cookies()):
            assert time.monotonic() < deadline, "the first tab set no playground_id cookie"
            time.sleep(0.1)
        for name in ("A2", "A3", "A4", "A5"):  # four more tabs of the same browser: the same identity
            tabs[name] = hog.new_page()
            open_app_page(tabs[name], f"{app.url}/{LESSON}")
        tabs["B"] = other.new_page()
        open_app_page(tabs["B"], f"{app.url}/{LESSON}")
        for tab in tabs.values():
            tab.set_default_timeout(60_000)

        press_train(tabs["A1"])
        tabs["A1"].get_by_text(re.compile(r"Epoch 1/2 · batch \d+")).wait_for(timeout=120_000)
        press(tabs["A1"], "Pause", then="Paused at epoch")  # it keeps its slot while the others press
        for name in ("A2", "A3", "A4", "A5"):
            press_train(tabs[name])
            # A slot may be free, but this browser trains already: the tab waits, and says why.
            tabs[name].get_by_text("This browser is training something else now").wait_for(timeout=60_000)
        pressed = press_train(tabs["B"])  # a moment later

        # While the first tab is paused, every place in the queue is settled; each tab shows its own.
        # The newcomer goes first: the first browser has had its turn.
        expected = {"B": "you are next", "A2": "1 ahead", "A3": "2 ahead", "A4": "3 ahead", "A5": "4 ahead"}
        for name, place in expected.items():
            tabs[name].get_by_text(f"{WAITING} on the server: {place}").wait_for(timeout=60_000)
        tabs["A3"].screenshot(path="/tmp/fair-slots-waiting.png")

        press(tabs["A1"], "Resume", then=re.compile(r"Epoch \d/2 (· batch \d+/|complete)"))  # going on
        started: list[str] = ["B"] if pressed == "started" else []  # in the order first seen started
        deadline = time.monotonic() + 900  # generous: a loaded 2-core machine; only the order is asserted
        while not {"B", "A2", "A3"} <= set(started):
            assert time.monotonic() < deadline, {name: said(tabs[name]) for name in ("B", "A2", "A3")}
            for name in ("B", "A2", "A3"):  # three tabs only, so that each is read often
                if name not in started and state(said(tabs[name])) in ("started", "finished"):
                    started.append(name)
            time.sleep(0.1)
        print(f"trainings seen starting in the order {started}")
        assert started.index("B") < started.index("A3"), started

        for tab in tabs.values():  # every training ends well
            tab.locator(SUCCESS).filter(has_text="Test accuracy:").first.wait_for(timeout=600_000)
        for tab in tabs.values():
            wait_until_idle(tab)
            assert_no_exception(tab)
    finally:
        hog.close()
        other.close()

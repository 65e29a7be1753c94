"""A closed tab gives its training slot back: the queue moves on, nobody waits for a ghost.

The server here runs one training at a time. A long CNN training holds the slot; a second
session presses Train and is told it waits; the first tab is closed without pressing Stop.
Its training must stop (the session is gone) and the waiting session must train at once,
long before the ghost's 30 epochs could have finished.
"""

import time

import pytest

from support.browser import assert_no_exception, open_app_page

pytestmark = pytest.mark.browser
SUCCESS = '[data-testid="stAlertContentSuccess"]'
LONG = "cnn?epochs=30&train_samples=8000&batch_size=4"  # 1,800 small steps an epoch: minutes


def test_closing_a_tab_stops_its_training_and_frees_the_slot(browser, one_slot_app_url):
    holder = browser.new_context(viewport={"width": 1300, "height": 900})
    waiter = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        first = holder.new_page()
        open_app_page(first, f"{one_slot_app_url}/{LONG}")
        first.get_by_role("button", name="Train", exact=True).click()
        first.get_by_text("Epoch 1/30").wait_for(timeout=60_000)

        second = waiter.new_page()
        open_app_page(second, f"{one_slot_app_url}/perceptron?train_samples=2000&epochs=2")
        second.get_by_role("button", name="Train", exact=True).click()
        second.get_by_text("Waiting for a free training slot").wait_for(timeout=30_000)

        holder.close()  # no Stop pressed: the session simply goes away
        closed = time.monotonic()
        second.locator(SUCCESS).filter(has_text="Test accuracy:").wait_for(timeout=60_000)
        # 30 CNN epochs in batches of 4 take minutes here; the slot came back in seconds.
        assert time.monotonic() - closed < 60
        assert_no_exception(second)
    finally:
        waiter.close()
        try:
            holder.close()
        except Exception:  # already closed by the test
            pass

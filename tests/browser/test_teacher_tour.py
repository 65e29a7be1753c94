"""What a teacher's tour found, in a real Chromium: each now behaves as a classroom needs.

1. The same link gives the same result alone and when three students train at once.
2. An uploaded model can be trained further at once, and its epochs count on.
3. A stop in the middle of an epoch is not counted as an epoch, on the page, in the run
   history and in the downloads.
5. The page says how long a training will take, and a server stops one that runs past
   its limit, keeping what it learned.
(4, a link's warnings where the page starts, is in ``test_share.py``.)
"""

import re
import time

import pytest

from support.browser import (assert_no_exception, download_model, open_app_page, upload_in_fresh_session,
                             wait_until_idle)

pytestmark = pytest.mark.browser
SUCCESS = '[data-testid="stAlertContentSuccess"]'
SAVE = "Save your work, or bring back a model you saved"


def accuracy_shown(page, timeout: float = 120) -> str:
    success = page.locator(SUCCESS).filter(has_text="Test accuracy:").first
    success.wait_for(timeout=timeout * 1000)
    return success.inner_text()


def train(page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()


def test_the_same_link_gives_the_same_result_alone_and_three_at_once(browser, app_url):
    link = f"{app_url}/mlp?hidden_units=64&activations=relu&train_samples=2000&epochs=2&seed=5&dropout_rate=0.3"
    contexts = [browser.new_context(viewport={"width": 1300, "height": 900}) for _ in range(4)]
    try:
        tabs = [context.new_page() for context in contexts]
        open_app_page(tabs[0], link)
        train(tabs[0])
        alone = accuracy_shown(tabs[0])
        for tab in tabs[1:]:
            open_app_page(tab, link)
        for tab in tabs[1:]:  # within a second of each other
            train(tab)
        together = [accuracy_shown(tab) for tab in tabs[1:]]
        assert together == [alone] * 3, (alone, together)
        for tab in tabs:
            assert_no_exception(tab)
    finally:
        for context in contexts:
            context.close()


def test_an_uploaded_model_can_be_trained_further_at_once(browser, page, app_url, tmp_path):
    open_app_page(page, f"{app_url}/perceptron?train_samples=2000&epochs=2")
    train(page)
    accuracy_shown(page)
    wait_until_idle(page)
    path = tmp_path / "perceptron.keras"
    download_model(page, SAVE, path)

    fresh = upload_in_fresh_session(browser, f"{app_url}/perceptron?train_samples=2000&epochs=1", SAVE, path)
    box = fresh.locator('[data-testid="stCheckbox"]').filter(has_text="Continue training the current model")
    box.wait_for(timeout=10_000)  # there at once, without touching any other control
    box.click()
    wait_until_idle(fresh)
    train(fresh)
    accuracy_shown(fresh)
    # Two epochs came with the file: the one more epoch is the third.
    fresh.get_by_text("Epoch 3/3 complete").first.wait_for(timeout=30_000)
    assert_no_exception(fresh)
    fresh.context.close()


def test_a_stop_in_the_middle_of_an_epoch_is_not_counted(page, app_url, tmp_path):
    # Long epochs (a CNN in batches of 8: several seconds an epoch), so the stop lands inside one.
    open_app_page(page, f"{app_url}/cnn?epochs=5&batch_size=8&train_samples=8000")
    train(page)
    page.get_by_text(re.compile(r"Epoch 1/5 · batch [1-9]")).wait_for(timeout=60_000)
    page.get_by_role("button", name="Stop training").click()
    warning = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="not counted as an epoch")
    warning.wait_for(timeout=60_000)
    said = re.search(r"(\d) of 5 epochs complete, and (\d+) of 900 batches of epoch (\d)", warning.inner_text())
    assert said, warning.inner_text()
    complete = int(said.group(1))
    assert int(said.group(3)) == complete + 1 and 0 < int(said.group(2)) < 900
    accuracy_shown(page)  # what it learned in the part of an epoch is kept
    wait_until_idle(page)
    epochs_done = page.locator('[data-testid="stDataFrame"] td[role="gridcell"]').nth(2)
    epochs_done.wait_for(state="attached")
    assert epochs_done.inner_text() == str(complete)  # the run history counts only whole epochs
    page.get_by_text(SAVE).click()
    page.get_by_role("button", name="Download model (.keras)").wait_for()
    history = page.get_by_role("button", name="Download history (CSV)")
    if complete == 0:
        assert history.count() == 0  # no whole epoch, no row
    else:
        with page.expect_download() as download:
            history.click()
        rows = (tmp_path / "history.csv")
        download.value.save_as(rows)
        assert len(rows.read_text().splitlines()) == 1 + complete  # a header and one row per whole epoch
    assert_no_exception(page)


def test_a_long_training_is_estimated_then_stopped_at_the_servers_limit(browser, capped_app_url):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_app_page(page, f"{capped_app_url}/mlp?hidden_units=2048,2048,2048,2048&activations=relu,relu,relu,relu"
                        "&batch_size=1&epochs=60")
    estimate = page.get_by_text(re.compile(r"^About \d+ hours?.* to train here"))
    estimate.wait_for()
    page.get_by_text("this server stops a training after 5 seconds").wait_for()
    started = time.monotonic()
    train(page)
    page.get_by_text("this server gives one training at most 5 seconds").wait_for(timeout=60_000)
    assert time.monotonic() - started < 40
    accuracy_shown(page)  # the partial model is kept and evaluated
    assert_no_exception(page)
    page.context.close()


def test_on_a_phone_the_sidebar_closes_once_a_page_is_chosen(browser, app_url):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    open_app_page(phone, f"{app_url}/")
    phone.locator('[data-testid="stExpandSidebarButton"]').first.click()
    sidebar = phone.locator('[data-testid="stSidebar"]')
    phone.get_by_role("link", name="Perceptron", exact=True).first.wait_for()
    for _ in range(30):  # it slides open
        if sidebar.bounding_box()["width"] > 200:
            break
        time.sleep(0.1)
    assert sidebar.bounding_box()["width"] > 200  # open, over most of the screen
    phone.get_by_role("link", name="Perceptron", exact=True).first.click()
    phone.get_by_text("Single-layer perceptron").first.wait_for()
    wait_until_idle(phone)
    time.sleep(1)  # and slides shut
    box = sidebar.bounding_box()
    assert box is None or box["width"] == 0 or box["x"] + box["width"] <= 0  # closed: the page is visible
    assert_no_exception(phone)
    phone.context.close()

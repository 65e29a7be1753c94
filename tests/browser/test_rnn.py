"""The Recurrent Network page in a real Chromium: train the article's preset, generate, bad text."""

import pytest

from support.browser import (EXCEPTION, assert_no_exception, download_model, open_app_page, press_download,
                     upload_in_fresh_session, wait_until_idle)

from nn_core.persistence import read_notes

pytestmark = pytest.mark.browser


def test_train_the_article_preset_then_try_a_two_letter_text(page, app_url):
    open_app_page(page, f"{app_url}/rnn")
    page.get_by_role("button", name="As in the article").click()
    wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Sample after epoch").first.wait_for(timeout=120_000)  # live, while training
    page.get_by_role("heading", name="Generated text").wait_for(timeout=240_000)
    wait_until_idle(page)
    assert_no_exception(page)
    # Greedy generation from "This is G" continues the sentence it learned.
    generated = page.locator('[data-testid="stCode"]').all_inner_texts()
    assert any("This is Greenfield a tiny school where machines learn" in block for block in generated), generated
    assert page.get_by_text("Training accuracy:").count() == 1
    page.screenshot(path="/tmp/rnn-browser-trained.png")

    # A text too short for one window of 3 characters and its target: a message, no traceback.
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Text").first.click()
    page.get_by_role("option", name="Text you paste").click()
    wait_until_idle(page)
    box = page.get_by_role("textbox", name="Your text")
    box.fill("ab")
    box.press("Control+Enter")
    page.get_by_text("The text has 2 characters").wait_for(timeout=30_000)
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path="/tmp/rnn-browser-short-text.png")


SAVE_TEXT = "Save your work, or bring back a text model you saved"


def test_a_downloaded_text_model_writes_again_when_uploaded(browser, page, app_url, tmp_path):
    open_app_page(page, f"{app_url}/rnn")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_role("heading", name="Generated text").wait_for(timeout=240_000)
    wait_until_idle(page)
    path = tmp_path / "rnn.keras"
    download_model(page, SAVE_TEXT, path)

    fresh = upload_in_fresh_session(browser, f"{app_url}/rnn", SAVE_TEXT, path, uploader_text="text model")
    fresh.get_by_role("heading", name="Generated text").wait_for(timeout=60_000)
    wait_until_idle(fresh)
    generated = fresh.locator('[data-testid="stCode"]').all_inner_texts()
    assert any("This is Greenfield a tiny school where machines learn" in block for block in generated), generated
    # Downloaded again from the session that uploaded it, the file keeps what it carried (its vocabulary).
    again = tmp_path / "rnn-again.keras"
    press_download(fresh, fresh.get_by_role("button", name="Download model (.keras)"), again)
    assert read_notes(again.read_bytes()) == read_notes(path.read_bytes())
    assert read_notes(again.read_bytes())["vocabulary"]
    assert_no_exception(fresh)
    fresh.context.close()

"""Sharing in a real Chromium: links reproduce settings; a downloaded model comes back the same."""

import re

import pytest
from playwright.sync_api import expect

from support.browser import (assert_no_exception, download_model, draw, drawing_canvas, open_app_page,
                     upload_in_fresh_session, wait_until_idle)

pytestmark = pytest.mark.browser
ONE = [[(0.5, 0.12), (0.5, 0.5), (0.5, 0.88)]]
SAVE = "Save your work, or bring back a model you saved"


def slider_value(page, label: str) -> str:
    """The number shown on a sidebar slider's thumb."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label)
    return slider.locator('[data-testid="stSliderThumbValue"]').first.inner_text()


def prediction(page) -> tuple[str, str]:
    """The 'Prediction: N' heading and how sure the model is (a softmax's share or a sigmoid neuron's output)."""
    heading = page.get_by_text(re.compile(r"^Prediction: \d$"))
    heading.wait_for(timeout=30_000)
    caption = page.get_by_text(re.compile(r"% sure|fires at")).first.inner_text()
    sure = re.search(r"\d+% sure|fires at \d\.\d\d", caption)
    return heading.inner_text(), sure.group(0) if sure else caption


def test_a_copied_link_reproduces_the_settings(browser, page, app_url):
    open_app_page(page, f"{app_url}/perceptron?epochs=7&seed=3&activation=softmax")
    page.wait_for_url(re.compile("batch_size="))  # the page writes every setting into the link
    link = page.url
    assert "epochs=7" in link and "batch_size=" in link  # every setting is in the link
    fresh = browser.new_context().new_page()
    open_app_page(fresh, link)
    assert slider_value(fresh, "Epochs") == "7"
    expect(fresh.get_by_role("combobox", name="Output activation")).to_have_value("softmax")
    assert_no_exception(fresh)
    fresh.context.close()


def test_bad_link_values_warn_and_fall_back(page, app_url):
    open_app_page(page, f"{app_url}/mlp?epochs=-4&optimizer=%3Cscript%3E")
    warning = page.locator('[data-testid="stMain"] [data-testid="stAlertContentWarning"]').filter(
        has_text="This link's settings").first
    warning.wait_for()
    text = warning.inner_text()
    assert "epochs" in text and "optimizer" in text and "<script>" in text  # shown as text, never run
    # Where the page starts, not 1,100 px down the sidebar: a class with a mistyped link sees it at once.
    assert warning.bounding_box()["y"] < 400
    assert slider_value(page, "Epochs") == "10"
    assert_no_exception(page)


def test_downloaded_model_uploaded_again_predicts_the_same(browser, page, app_url, tmp_path):
    open_app_page(page, f"{app_url}/perceptron?train_samples=2000&epochs=2")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Test accuracy:").wait_for(timeout=90_000)
    wait_until_idle(page)
    draw(page, drawing_canvas(page), ONE)
    before = prediction(page)
    path = tmp_path / "perceptron.keras"
    download_model(page, SAVE, path)

    fresh = upload_in_fresh_session(browser, f"{app_url}/perceptron", SAVE, path)
    draw(fresh, drawing_canvas(fresh), ONE)
    assert prediction(fresh) == before
    assert_no_exception(fresh)
    fresh.context.close()


def test_uploading_a_non_model_says_so(page, app_url, tmp_path):
    path = tmp_path / "notes.keras"
    path.write_text("this is not a model")
    open_app_page(page, f"{app_url}/perceptron")
    page.get_by_text("Save your work, or bring back a model you saved").click()
    page.locator('[data-testid="stFileUploader"]').filter(has_text="(.keras)").locator(
        'input[type="file"]').set_input_files(str(path))
    page.locator('[data-testid="stAlertContentError"]').wait_for(timeout=30_000)
    assert "not a Keras model" in page.locator('[data-testid="stAlertContentError"]').inner_text()
    assert_no_exception(page)

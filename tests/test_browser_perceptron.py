"""The Perceptron page in a real Chromium: train, draw a 1, read the prediction."""

import pytest

from browser import assert_no_exception, draw, drawing_canvas, open_app_page, wait_until_idle

pytestmark = pytest.mark.browser


def test_train_then_draw_a_one(page, app_url):
    open_app_page(page, f"{app_url}/perceptron?train_samples=3000&epochs=3")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Test accuracy:").wait_for(timeout=90_000)
    wait_until_idle(page)
    canvas = drawing_canvas(page)
    draw(page, canvas, [[(0.5, 0.12), (0.5, 0.5), (0.5, 0.88)]])
    page.get_by_text("Prediction: 1").wait_for(timeout=30_000)
    assert_no_exception(page)
    page.screenshot(path="/tmp/perceptron-browser.png", full_page=True)


def test_clear_button_empties_the_canvas(page, app_url):
    open_app_page(page, f"{app_url}/perceptron?train_samples=1000&epochs=1")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Test accuracy:").wait_for(timeout=90_000)
    wait_until_idle(page)
    draw(page, drawing_canvas(page), [[(0.5, 0.2), (0.5, 0.8)]])
    page.get_by_text("Prediction:").wait_for()
    page.get_by_role("button", name="Clear canvas").click()
    page.get_by_text("Draw a digit on the canvas").wait_for()
    assert page.get_by_text("Prediction:").count() == 0
    assert_no_exception(page)

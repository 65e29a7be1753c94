"""The Perceptron page in a real Chromium: train, draw a 1, read the prediction."""

import re

import pytest

from support.browser import assert_no_exception, draw, drawing_canvas, open_app_page, wait_until_idle

pytestmark = pytest.mark.browser


# Counts the presses of the canvas toolbar's send button (ui/canvas.py presses it when the pen lifts).
COUNT_SENDS = """
window.__sends = 0;
const click = HTMLButtonElement.prototype.click;
HTMLButtonElement.prototype.click = function () {
  if (this.getAttribute("aria-label") === "Update the app with this drawing") window.__sends += 1;
  return click.call(this);
};
"""


def test_train_then_draw_a_one(page, app_url):
    page.add_init_script(COUNT_SENDS)
    open_app_page(page, f"{app_url}/perceptron?train_samples=3000&epochs=3")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Test accuracy:").wait_for(timeout=90_000)
    wait_until_idle(page)
    canvas = drawing_canvas(page)
    draw(page, canvas, [[(0.5, 0.12), (0.5, 0.5), (0.5, 0.88)]])
    page.get_by_text("Prediction: 1").wait_for(timeout=30_000)
    # The drawing was sent as the pen lifted, not after the canvas component's own 200 ms wait.
    assert page.evaluate("() => window.__sends") == 1
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


def test_stop_training_keeps_what_was_learned_and_moving_sliders_is_harmless(page, app_url):
    # A long training: 50 epochs of tiny batches.
    open_app_page(page, f"{app_url}/perceptron?epochs=50&batch_size=8&train_samples=4000")
    page.get_by_role("button", name="Train", exact=True).click()
    try:  # past the first epoch, so that there is something learned to keep
        page.get_by_text(re.compile(r"Epoch ([2-9]|[1-4][0-9])/50")).wait_for(timeout=120_000)
    except Exception:
        shown = page.locator('[data-testid="stProgress"], [data-testid="stAlert"]').all_inner_texts()
        raise AssertionError(f"training did not pass its first epoch; the page showed {shown}") from None
    # Moving a slider and switching pages while it trains neither crashes nor interrupts it.
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Random seed").or_(
        page.locator('[data-testid="stSlider"]').filter(has_text="Validation share")).first
    slider.get_by_role("slider").press("ArrowRight")
    page.get_by_role("link", name="Home").first.click()
    page.get_by_text("Neural-network playground").first.wait_for()
    page.get_by_role("link", name="Perceptron", exact=True).first.click()
    page.get_by_role("button", name="Stop training").wait_for(timeout=60_000)
    assert_no_exception(page)
    page.get_by_role("button", name="Stop training").click()
    page.get_by_text("the model keeps what it learned").wait_for(timeout=60_000)
    page.get_by_text("Test accuracy:").wait_for(timeout=60_000)
    accuracy = float(page.get_by_text("Test accuracy:").inner_text().split(": ")[1].rstrip("%"))
    assert accuracy > 80  # at least an epoch of learning was kept
    page.get_by_text("What each neuron looks for").wait_for()
    assert_no_exception(page)

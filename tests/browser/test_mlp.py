"""The Multi-Layer Perceptron page in a real Chromium: train, look inside, draw a 0, read the prediction."""

import math

import pytest

from support.browser import assert_no_exception, draw, drawing_canvas, open_app_page, wait_until_idle

pytestmark = pytest.mark.browser


def ellipse(steps: int = 40) -> list[tuple[float, float]]:
    """A closed oval, taller than wide, as fractions of the canvas: a hand-drawn 0."""
    return [(0.5 + 0.22 * math.cos(2 * math.pi * step / steps), 0.5 + 0.33 * math.sin(2 * math.pi * step / steps))
            for step in range(steps + 2)]  # two points past the start close the loop


def test_train_look_inside_then_draw_a_zero(page, app_url):
    open_app_page(page, f"{app_url}/mlp?train_samples=3000&epochs=3")
    page.get_by_text("Parameters to learn").wait_for()
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Test accuracy:").wait_for(timeout=120_000)
    wait_until_idle(page)
    for heading in ("Confusion matrix", "Accuracy per digit", "Misclassified test digits", "Run history"):
        page.get_by_text(heading, exact=True).wait_for()
    draw(page, drawing_canvas(page), [ellipse()])
    page.get_by_text("Prediction: 0").wait_for(timeout=30_000)
    page.get_by_text("Inside the hidden layers").wait_for()
    wait_until_idle(page)
    assert_no_exception(page)
    page.screenshot(path="/tmp/mlp-browser.png", full_page=True)

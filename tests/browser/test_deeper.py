"""The "look deeper" views in a real Chromium: train a small MLP and a small CNN, open every view, draw.

Clicks go where a student clicks: a confusion-matrix cell, the tabs, the buttons, the
canvas. Each step waits for Streamlit to finish its run and checks that no traceback
shows.
"""

import math

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from support.browser import assert_no_exception, draw, drawing_canvas, open_app_page, wait_until_idle

pytestmark = pytest.mark.browser


def chart(page, slug: str, name: str):
    """A chart of the page by its name (Streamlit writes a key's dots as dashes in its class)."""
    return page.locator(f'[class*="st-key-{slug}-chart-{name}"]'.replace(".", "-")).first


def zero() -> list[tuple[float, float]]:
    return [(0.5 + 0.22 * math.cos(2 * math.pi * step / 40), 0.5 + 0.33 * math.sin(2 * math.pi * step / 40))
            for step in range(42)]


def train(page, url: str) -> None:
    open_app_page(page, url)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Test accuracy:").wait_for(timeout=120_000)
    wait_until_idle(page)
    page.get_by_text("Look deeper", exact=True).wait_for()


def click_point(figure, index: int, hover_text: str) -> None:
    """Click a Plotly marker as a person does: move onto it, see its hover label, then click.

    Plotly selects on a click the point its hover last found under the pointer. A click sent
    in one jump from elsewhere (as ``locator.click`` does) can come before any hover, and on a
    slow machine selected nothing: CI once lost the click this way.
    """
    point = figure.locator("g.scatterlayer path.point").nth(index)
    point.scroll_into_view_if_needed()
    label = figure.locator("g.hoverlayer").get_by_text(hover_text).first
    mouse = figure.page.mouse
    for _ in range(5):
        box = point.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        mouse.move(x - 8, y - 8)
        mouse.move(x, y, steps=5)
        try:
            label.wait_for(timeout=3_000)
            break
        except PlaywrightTimeout:  # no hover yet: move off and onto the point again
            mouse.move(0, 0)
    mouse.click(x, y)


def open_tab(page, name: str, last: bool = False) -> None:
    tabs = page.get_by_role("tab", name=name)
    (tabs.last if last else tabs.first).click()
    wait_until_idle(page)
    assert_no_exception(page)


def test_mlp_views_cells_and_a_drawn_digit(page, app_url):
    train(page, f"{app_url}/mlp?train_samples=2000&epochs=2&hidden_units=64&activations=relu")
    chart(page, "mlp", "map_after").locator("g.scatterlayer").first.wait_for()
    chart(page, "mlp", "map_before").locator("g.scatterlayer").first.wait_for()
    # A click on the matrix's cell "true 1, read 1" shows those digits.
    click_point(chart(page, "mlp", "confusion"), 1 * 10 + 1, "true 1, predicted 1")
    wait_until_idle(page)
    page.get_by_text("True 1, answered 1").first.wait_for()
    chart(page, "mlp", "cell_digits").wait_for()

    open_tab(page, "How robust")
    page.get_by_role("button", name="Measure the accuracy curves").click()
    wait_until_idle(page)
    chart(page, "mlp", "robustness_curves").locator("g.scatterlayer").first.wait_for()
    open_tab(page, "I don't know")
    page.get_by_text("the network answers").first.wait_for()
    open_tab(page, "Switch units off")
    page.get_by_role("button", name="Switch every neuron off").click()
    wait_until_idle(page)
    page.get_by_text("Every neuron of this layer is off").wait_for()

    draw(page, drawing_canvas(page), [zero()])
    page.get_by_text("Your digit, looked at deeper").wait_for(timeout=30_000)
    wait_until_idle(page)
    chart(page, "mlp", "saliency-drawn").locator("g.heatmaplayer, g.contourlayer, .hm").first.wait_for(state="attached")
    open_tab(page, "Units off", last=True)
    page.get_by_text("units off, your digit reads as").wait_for()
    open_tab(page, "On the map", last=True)
    chart(page, "mlp", "map_drawn").get_by_text("your digit").first.wait_for()
    assert_no_exception(page)
    page.screenshot(path="/tmp/deeper-mlp-browser.png")


def test_cnn_views_with_filters_and_a_drawn_digit(page, app_url):
    train(page, f"{app_url}/cnn?conv_blocks=1&filters_1=4&dense_units=0&train_samples=1000&epochs=1")
    chart(page, "cnn", "map_after").locator("g.scatterlayer").first.wait_for()
    open_tab(page, "Switch units off")
    page.get_by_role("button", name="Switch every filter off").click()
    wait_until_idle(page)
    page.get_by_text("Every filter of this layer is off").wait_for()
    open_tab(page, "How robust")
    page.get_by_text("Undamaged, the network reads").wait_for()
    draw(page, drawing_canvas(page), [zero()])
    page.get_by_text("Your digit, looked at deeper").wait_for(timeout=30_000)
    wait_until_idle(page)
    chart(page, "cnn", "saliency-drawn").wait_for()
    open_tab(page, "Damaged", last=True)
    page.get_by_text("your digit reads as").first.wait_for()
    assert_no_exception(page)
    page.screenshot(path="/tmp/deeper-cnn-browser.png")

"""The plane in a real Chromium: spirals learned while every neuron's picture moves, XOR with and without a
hidden layer (reached from the perceptron page), three classes, own points from a file and from clicks, the script."""

import os
import re
import subprocess
import sys
import time

import numpy as np
import pytest

from support.browser import assert_no_exception, open_app_page, press_download, wait_until_idle

from nn_core.plane import PlaneConfig
from nn_core.plane.training import plane_points

pytestmark = pytest.mark.browser

SPIRAL = "dataset=spiral&noise=0.1&train_samples=300&hidden_units=16,16&activations=tanh,tanh&epochs=200"
# Every picture a chart holds (its layout images), found by the chart's key.
IMAGES = """key => {
    const chart = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    return chart && chart.layout && chart.layout.images ? chart.layout.images.map(image => image.source) : null;
}"""


def train(page, timeout: float = 90_000) -> None:
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("What it learned").wait_for(timeout=timeout)
    wait_until_idle(page)


def accuracy(page) -> float:
    text = page.get_by_text(re.compile(r"^Test accuracy: [\d.]+%$")).inner_text()
    return float(text.split(": ")[1].rstrip("%")) / 100


def download_script(page, path) -> None:
    """Open the code expander and download the script (pressed twice at most, as the model download is)."""
    page.get_by_text("Show the code: this setting as a plain Keras script").click()
    press_download(page, page.get_by_role("button", name="Download the script"), path)


def test_two_spirals_are_learned_while_the_neurons_and_the_regions_change(page, app_url):
    open_app_page(page, f"{app_url}/plane?{SPIRAL}")
    page.get_by_role("button", name="Train", exact=True).click()
    hidden_states, regions = set(), set()
    deadline = time.time() + 90
    while time.time() < deadline and not page.get_by_text("What it learned").count():
        network = page.evaluate(IMAGES, "plane-chart-live-network")
        if network and len(network) == 2 + 8 + 8 + 1:  # inputs, two hidden layers (8 of 16 drawn), output
            hidden_states.add(tuple(network[2:18]))
        region = page.evaluate(IMAGES, "plane-chart-live-regions")
        if region:
            regions.add(region[0])
        time.sleep(0.1)
    page.get_by_text("What it learned").wait_for(timeout=30_000)
    wait_until_idle(page)
    assert len(hidden_states) >= 2, "the hidden neurons' pictures did not change while the network trained"
    assert len(regions) >= 2, "the decision regions did not change while the network trained"
    assert accuracy(page) > 0.85
    assert len(page.evaluate(IMAGES, "plane-chart-final-network")) == 19
    assert_no_exception(page)
    page.screenshot(path="/tmp/plane-spirals-browser.png")


def test_xor_fails_without_a_hidden_layer_and_the_perceptrons_link_brings_one_that_succeeds(page, app_url):
    open_app_page(page, f"{app_url}/plane?train_samples=300")
    page.get_by_role("button", name="XOR, no hidden layer").click()
    wait_until_idle(page)
    train(page)
    assert accuracy(page) < 0.8
    # To the perceptron page and back by its link, in the same session: the link's settings win.
    page.get_by_role("link", name="Perceptron", exact=True).first.click()
    link = page.get_by_role("link", name=re.compile("XOR with one hidden layer"))
    link.wait_for(timeout=60_000)
    link.click()
    page.get_by_text("4 tanh").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert "dataset=xor" in page.url and "hidden_units=4" in page.url
    train(page)
    assert accuracy(page) > 0.9
    assert_no_exception(page)


def test_three_classes_train_with_softmax(page, app_url):
    open_app_page(page, f"{app_url}/plane?dataset=gauss&classes=3&train_samples=300&epochs=20&hidden_units=6"
                        "&activations=relu")
    page.get_by_text("3 softmax neurons, one chance per class; loss: cross-entropy").wait_for()
    train(page)
    assert accuracy(page) > 0.8
    network = page.evaluate(IMAGES, "plane-chart-final-network")
    assert len(network) == 2 + 6 + 3  # one picture per output neuron, one per class
    assert_no_exception(page)


def test_a_bad_csv_is_told_and_a_good_one_trains(page, app_url, tmp_path):
    open_app_page(page, f"{app_url}/plane?dataset=custom&epochs=20")
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Upload points").locator(
        'input[type="file"]')
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,class\n" + "".join(f"{i},{i},{i}\n" for i in range(50)))
    uploader.set_input_files(str(bad))
    error = page.locator('[data-testid="stAlertContentError"]').filter(has_text="bad.csv")
    error.wait_for(timeout=30_000)
    assert "the third column holds 50 different classes" in error.inner_text()
    good = tmp_path / "rings.csv"
    rows = [(x / 2, y / 2) for x in range(-10, 11) for y in range(-10, 11)]
    good.write_text("".join(f"{x},{y},{'inner' if x * x + y * y < 9 else 'outer'}\n" for x, y in rows))
    uploader.set_input_files(str(good))
    page.get_by_text("Read 441 points in 2 classes from rings.csv").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    train(page)
    assert accuracy(page) > 0.8
    assert_no_exception(page)


def test_clicks_add_and_remove_points_that_then_train(page, app_url):
    open_app_page(page, f"{app_url}/plane?dataset=custom&hidden_units=4&activations=tanh&epochs=40")

    def click(fx: float, fy: float, count: int) -> None:
        area = page.locator('[class*="st-key-plane-chart-points-"] .nsewdrag').first
        area.scroll_into_view_if_needed()
        box = area.bounding_box()
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.get_by_text(f"{count} of your points (at most").wait_for(timeout=30_000)
        wait_until_idle(page)

    for count, (fx, fy) in enumerate([(0.2, 0.2), (0.3, 0.2), (0.2, 0.3), (0.3, 0.3)], start=1):
        click(fx, fy, count)
    page.get_by_text("class 1", exact=True).click()
    wait_until_idle(page)
    for count, (fx, fy) in enumerate([(0.8, 0.8), (0.7, 0.8), (0.8, 0.7), (0.7, 0.7)], start=5):
        click(fx, fy, count)
    click(0.8, 0.8, 7)  # on a point: it goes
    train(page)
    assert accuracy(page) == 1.0  # two clusters in opposite corners
    assert_no_exception(page)


def test_the_downloaded_script_makes_the_same_points_and_network(page, app_url, tmp_path):
    config = PlaneConfig(dataset="moons", train_samples=80, noise=0.3, features=("x1", "x2", "x1_x2"),
                         hidden_units=(5,), activations=("relu",), epochs=2, seed=5)
    query = "&".join(f"{name}={value}" for name, value in config.to_query().items())
    open_app_page(page, f"{app_url}/plane?{query}")
    script = tmp_path / "plane_playground.py"
    download_script(page, script)
    script.write_text(script.read_text() + '\nnp.savez("made.npz", points=points, targets=targets, x_test=x_test)\n')
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert result.returncode == 0, result.stderr[-3000:]
    data = plane_points(config)
    made = np.load(tmp_path / "made.npz")
    assert np.array_equal(made["points"], data.points) and np.array_equal(made["targets"], data.targets)
    assert np.array_equal(made["x_test"], data.inputs(config.features, test=True))
    assert f"Total params: {config.parameter_count(2):,}" in result.stdout
    assert_no_exception(page)

"""Steering a training in a real Chromium: pause, step, a new learning rate, resume; your digit over the
epochs; a hint that fixes a divergence; presses in any order from two tabs."""

import csv
import io
import re
import time

import pytest

from support.browser import assert_no_exception, draw, drawing_canvas, open_app_page, wait_until_idle

pytestmark = pytest.mark.browser
PROGRESS = '[data-testid="stProgress"]'
SAVE = "Save your work, or bring back a model you saved"
# Small batches of a small MLP: about a thousand quick batches an epoch, so a press lands mid-epoch.
LONG = "hidden_units=64&activations=relu&train_samples=8000&batch_size=8"


def train(page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()


def progress(page) -> str:
    return page.locator(PROGRESS).first.inner_text()


def batch_of(text: str) -> int:
    return int(re.search(r"batch (\d+)/", text).group(1))


def press(page, name: str, then=None) -> None:
    """Click a console button even while the console redraws under the mouse (it does every second).

    ``then``, a locator, is what the press must bring: when it has not come within 10 s (a click
    that landed on the button as a redraw replaced it), the button is pressed again.
    """
    for _ in range(3 if then is not None else 1):
        for _ in range(5):
            try:
                page.get_by_role("button", name=name, exact=True).click(force=True, timeout=3_000)
                break
            except Exception:  # detached by a redraw at that instant: press again, as a person would
                time.sleep(0.2)
        else:
            raise AssertionError(f"could not press {name!r}")
        if then is None:
            return
        try:
            then.wait_for(timeout=10_000)
            return
        except Exception:
            continue
    then.wait_for(timeout=30_000)


def test_pause_holds_the_batch_counter_step_and_a_new_learning_rate_then_resume_finishes(page, app_url, tmp_path):
    open_app_page(page, f"{app_url}/mlp?{LONG}&epochs=2")
    train(page)
    page.get_by_text(re.compile(r"Epoch 1/2 · batch \d+")).wait_for(timeout=60_000)
    press(page, "Pause", then=page.get_by_text("Paused at epoch"))
    held = progress(page)
    time.sleep(2)  # two redraws of the console
    assert progress(page).split(" · ")[:2] == held.split(" · ")[:2], (held, progress(page))
    press(page, "Step one batch", then=page.get_by_text(re.compile(rf"batch {batch_of(held) + 1}/")))

    page.get_by_role("textbox", name="New learning rate, from the next batch").fill("0.01")
    page.get_by_role("button", name="Set learning rate").click()
    page.get_by_text("The learning rate becomes 0.01 from the next batch.").wait_for(timeout=30_000)
    page.locator(".js-plotly-plot").filter(has_text="lr 0.01").first.wait_for(timeout=30_000)  # marked on the curves

    press(page, "Resume", then=page.get_by_text(re.compile(r"^Epoch \d/2 (· batch \d+/|complete)")))  # going on
    page.get_by_text("Epoch 2/2 complete").first.wait_for(timeout=120_000)
    page.get_by_text("Test accuracy:").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_text(SAVE).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download history (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    rates = [float(row["learning_rate"]) for row in rows]  # in force at each epoch's end
    assert len(rates) == 2 and rates[-1] == 0.01 and set(rates) <= {0.001, 0.01}, rates
    assert_no_exception(page)
    page.screenshot(path="/tmp/steering-browser.png")


def test_a_digit_drawn_before_train_is_read_after_every_epoch(page, app_url):
    open_app_page(page, f"{app_url}/perceptron?train_samples=2000&epochs=3")
    draw(page, drawing_canvas(page), [[(0.5, 0.12), (0.5, 0.5), (0.5, 0.88)]])  # a 1, before any training
    page.get_by_text("Draw a digit, then press").wait_for()
    wait_until_idle(page)
    train(page)
    said = page.get_by_text(re.compile(r"Your digit, epoch by epoch: after epoch 3 the network says \d"))
    said.wait_for(timeout=120_000)
    chart = page.locator(".js-plotly-plot").filter(has_text="probability").filter(has_text="epoch")
    assert chart.count() == 1  # ten lines over the epochs (the canvas's own bars have no epochs)
    page.get_by_text("Test accuracy:").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_text("Prediction: 1").wait_for(timeout=30_000)  # the canvas kept the digit through the training
    assert "says 1" in said.inner_text()
    assert_no_exception(page)


def test_a_learning_rate_of_five_gets_a_hint_whose_apply_trains_normally(page, app_url):
    open_app_page(page, f"{app_url}/mlp?hidden_units=64&activations=relu&train_samples=2000&epochs=2"
                        "&learning_rate=5.0")
    train(page)
    page.get_by_text("The learning rate is too high").wait_for(timeout=120_000)
    assert page.get_by_text("Training diverged").count() == 1
    wait_until_idle(page)
    page.get_by_role("button", name="Apply: learning rate 0.003").click()
    page.get_by_role("button", name="Applied").wait_for(timeout=30_000)
    wait_until_idle(page)
    assert "learning_rate=0.003" in page.url  # the link follows
    train(page)
    page.get_by_text("Epoch 2/2 complete ·").wait_for(timeout=120_000)  # the new run, not the diverged one
    accuracy = page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Test accuracy:").first
    accuracy.wait_for(timeout=120_000)
    assert float(accuracy.inner_text().split(": ")[1].rstrip("%")) > 80
    assert page.get_by_text("Training diverged").count() == 0
    assert_no_exception(page)


def test_presses_in_any_order_from_two_tabs_and_on_a_finished_run(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # one browser: one owner
    try:
        first, second = context.new_page(), context.new_page()
        open_app_page(first, f"{app_url}/mlp?{LONG}&epochs=3")
        train(first)
        first.get_by_text(re.compile(r"Epoch 1/3 · batch \d+")).wait_for(timeout=60_000)
        press(first, "Pause")  # so that it is still going when the second tab has loaded
        open_app_page(second, f"{app_url}/mlp?{LONG}&epochs=3")  # the same training, in a second tab
        second.get_by_text("Paused at epoch").wait_for(timeout=30_000)
        for name in ("Pause", "Resume", "Pause", "Step one batch", "Resume", "Pause", "Step one batch", "One more epoch",
                     "Step one batch", "Resume", "Pause"):
            for tab in (first, second):
                press(tab, name)
        box = second.get_by_role("textbox", name="New learning rate, from the next batch")
        for typed in ("0", "-1", "1e9", "banana"):
            box.fill(typed)
            second.get_by_role("button", name="Set learning rate").click()
            second.locator('[data-testid="stAlertContentError"]').first.wait_for(timeout=30_000)
        press(second, "Stop training")
        for tab in (first, second):
            tab.get_by_text("the model keeps what it learned").first.wait_for(timeout=60_000)
            tab.get_by_text("Test accuracy:").wait_for(timeout=60_000)
        wait_until_idle(first)
        press(first, "One more epoch")  # the finished run goes on as a new run of one epoch
        first.get_by_text(re.compile(r"Epoch (\d+)/\1 complete ·")).wait_for(timeout=120_000)
        for tab in (first, second):
            assert_no_exception(tab)
    finally:
        context.close()

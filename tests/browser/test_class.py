"""A teacher's class in real Chromium: a board of the runs students post, and a lesson link with a task.

A teacher creates a class; two students join from their own browsers with the join link,
train and post their runs; the board shows both, ordered by accuracy; the teacher opens
one and draws on its model. A lesson link with fixed settings and a task shows the task
and the fixed settings disabled; the same link edited by hand loses them.
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from support.browser import (assert_no_exception, create_class, draw, drawing_canvas, open_app_page, train_and_post,
                     wait_until_idle)

pytestmark = pytest.mark.browser
ONE = [[(0.5, 0.12), (0.5, 0.5), (0.5, 0.88)]]


def new_tab(browser):
    tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    tab.set_default_timeout(30_000)
    return tab


def join(tab, link: str, name: str) -> None:
    open_app_page(tab, link)
    tab.get_by_placeholder("Your name on the class board").fill(name)
    tab.get_by_role("button", name="Join", exact=True).click()
    tab.get_by_text(re.compile(f"you are {name} on its board")).wait_for()


def choose(tab, label: str, option: str) -> None:
    """Pick an option of a multiselect by typing it, as a person would; again if a rerun swallowed it."""
    chooser = tab.locator('[data-testid="stMultiSelect"]').filter(has_text=label)
    for _ in range(3):
        wait_until_idle(tab)
        chooser.locator("input").click()
        chooser.locator("input").press_sequentially(option)
        try:
            tab.get_by_role("option", name=option, exact=True).wait_for(timeout=5_000)
            chooser.locator("input").press("Enter")
            tab.keyboard.press("Escape")
            chooser.get_by_text(option, exact=True).wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            tab.keyboard.press("Escape")
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def test_a_class_board_and_a_lesson_link(browser, app_url):
    teacher = new_tab(browser)
    link = create_class(teacher, f"{app_url}/class", "Tuesday <b>class</b>")
    assert re.search(r"\?class=[A-Z2-9]{6}$", link)
    assert "key=" in teacher.url and "key=" not in link  # the teacher's secret is not in the join link
    teacher.get_by_text("Tuesday <b>class</b>").first.wait_for()  # the title as typed, never as HTML

    ada, bob = new_tab(browser), new_tab(browser)
    join(ada, link, "Ada")
    join(bob, link, "Bob")
    train_and_post(ada, f"{app_url}/perceptron?train_samples=2000&epochs=2")  # the better one
    train_and_post(bob, f"{app_url}/perceptron?train_samples=300&epochs=1&learning_rate=0.0001")

    cells = teacher.locator('[data-testid="stDataFrame"] td[role="gridcell"]')
    cells.get_by_text("Bob", exact=True).wait_for(state="attached", timeout=30_000)  # it came without a reload
    students = [text for text in cells.all_inner_texts() if text in ("Ada", "Bob")]
    assert students == ["Ada", "Bob"]  # best accuracy first

    teacher.locator('[data-testid="stDataFrame"]').first.click(position={"x": 15, "y": 55})  # the first row
    teacher.get_by_text(re.compile(r"^Run \d · Perceptron$")).wait_for()
    teacher.get_by_text("Open its model and draw on it").click()
    draw(teacher, drawing_canvas(teacher), ONE)
    teacher.get_by_text(re.compile(r"^Prediction: \d$")).wait_for()
    assert_no_exception(teacher)
    teacher.screenshot(path="/tmp/class-board.png", full_page=True)

    # A lesson link from the teacher's own lesson page: epochs fixed, a task and a target.
    open_app_page(teacher, f"{app_url}/perceptron?epochs=3")
    teacher.get_by_text("For your class: a link with this setting, a task and a target").click()
    choose(teacher, "Settings your students cannot change", "epochs")
    teacher.get_by_placeholder("e.g. Reach 97% with fewer than 50,000 parameters.").fill(
        "Reach 90% **without** changing the epochs <script>alert(1)</script>")
    teacher.keyboard.press("Control+Enter")
    wait_until_idle(teacher)
    lesson_link = teacher.locator('[data-testid="stCode"]').filter(has_text="sig=").first.inner_text().strip()
    assert "lock=epochs" in lesson_link

    open_app_page(ada, lesson_link)
    ada.get_by_text("Your teacher's task:").wait_for()
    ada.get_by_text("Reach 90% **without** changing the epochs <script>alert(1)</script>").wait_for()
    epochs = ada.locator('[data-testid="stSlider"]').filter(has_text="Epochs (set by your teacher)")
    epochs.wait_for()
    expect(epochs.get_by_role("slider")).to_be_disabled()
    expect(epochs.get_by_role("slider")).to_have_value("3")
    ada.screenshot(path="/tmp/class-task.png")

    edited = lesson_link.replace("epochs=3", "epochs=9")  # a student changing the fixed value by hand
    open_app_page(bob, edited)
    bob.get_by_text("This link was changed after your teacher made it").wait_for()
    assert bob.get_by_text("Your teacher's task:").count() == 0
    for tab in (ada, bob, teacher):
        assert_no_exception(tab)
        tab.context.close()

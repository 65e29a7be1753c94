"""A teacher's class in real Chromium: a board of the runs students post, and a lesson link with a task.

A teacher creates a class; two students join from their own browsers with the join link,
train and post their runs; the board shows both, ordered by accuracy; the teacher opens
one and draws on its model. A lesson link with fixed settings and a task shows the task
and the fixed settings disabled; the same link edited by hand loses them.

The board goes on the projector: a student who reads everything on it (its address, its
text, its links, its code blocks) and opens or types all of it in their own browser never
gets the board or a teacher's buttons. A one-time code typed on a second device makes it a
teacher too.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from support.browser import (assert_no_exception, create_class, draw, drawing_canvas, open_app_page, train_and_post,
                             wait_until_idle)

from nn_core.classes import HANDOVER_TRIES, normalise_handover

pytestmark = pytest.mark.browser
ONE = [[(0.5, 0.12), (0.5, 0.5), (0.5, 0.88)]]
HANDOVER_FIELD = "Teach a class from this device: type the one-time code"
TEACHERS_ONLY = ("Join link for students", "Clear the board, or close the class",
                 "Teach this class from another device",
                 "For your class: a link with this setting, a task and a target")


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
    code = link.rsplit("=", 1)[1]
    assert teacher.url == f"{app_url}/class?class={code}"  # the board's address carries nothing secret
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


def sees_no_teachers_tools(tab) -> None:
    """The tab shows no board, none of a teacher's buttons or expanders, and no traceback."""
    wait_until_idle(tab)
    for text in TEACHERS_ONLY:
        assert tab.get_by_text(text).count() == 0, f"{tab.url} shows {text!r}"
    for label in ("Clear the board", "Close the class", "Make a one-time code"):
        assert tab.get_by_role("button", name=label).count() == 0, f"{tab.url} has the button {label!r}"
    assert_no_exception(tab)


def everything_on_screen(tab) -> tuple[str, list[str]]:
    """All the text a projected page shows (code blocks included) and every link's address on it."""
    text = tab.locator("body").inner_text() + "\n" + "\n".join(tab.locator('[data-testid="stCode"]').all_inner_texts())
    hrefs = tab.locator("a[href]").evaluate_all("links => links.map(link => link.href)")
    return text, hrefs


def type_handover(tab, typed: str) -> None:
    field = tab.get_by_role("textbox", name=HANDOVER_FIELD)
    field.fill(typed)
    field.press("Enter")
    tab.locator('[data-testid="stAlertContentError"]').filter(has_text="cannot teach the class").wait_for()
    wait_until_idle(tab)


def test_a_student_who_sees_the_projected_board_cannot_act_as_the_teacher(browser, app_url):
    teacher = new_tab(browser)
    join_link = create_class(teacher, f"{app_url}/class", "Projected class")
    for expander in ("Teach this class from another device", "Clear the board, or close the class"):
        teacher.get_by_text(expander).click()  # opened on the projector, say, but no code made there
    wait_until_idle(teacher)
    teacher.screenshot(path="/tmp/class-projected-board.png", full_page=True)
    board_url = teacher.url
    text, hrefs = everything_on_screen(teacher)
    assert join_link in text

    addresses = {board_url, *re.findall(r"https?://[^\s<>\"']+", text), *hrefs}
    ours = sorted({address for address in addresses if urlsplit(address).netloc == urlsplit(app_url).netloc})
    tokens = sorted(set(re.findall(r"[A-Za-z0-9_-]{6,}", text + " " + " ".join(addresses))))
    # Codes and keys have digits or capitals; any 8-letter word could be typed as a one-time code.
    code_like = [token for token in tokens if re.search(r"\d", token) or token.isupper() or normalise_handover(token)]
    assert join_link.rsplit("=", 1)[1] in code_like
    identity = next(cookie["value"] for cookie in teacher.context.cookies() if cookie["name"] == "playground_id")
    assert identity not in text and not any(identity in address for address in addresses)  # the teacher's right

    student = new_tab(browser)
    for address in ours:
        open_app_page(student, address)
        sees_no_teachers_tools(student)
    open_app_page(student, f"{board_url}&key={code_like[0]}")  # an old teacher link's key, as if read off the screen
    student.get_by_text("no longer open a class's board").wait_for()
    sees_no_teachers_tools(student)
    for start in range(0, len(code_like), HANDOVER_TRIES - 1):  # a new browser (cookie) before the attempt limit
        student.context.close()
        student = new_tab(browser)
        open_app_page(student, board_url)
        for token in code_like[start:start + HANDOVER_TRIES - 1]:
            type_handover(student, token)
            sees_no_teachers_tools(student)
    open_app_page(student, f"{app_url}/perceptron")  # no lesson-link builder on the lesson pages either
    sees_no_teachers_tools(student)
    student.screenshot(path="/tmp/class-projected-student.png", full_page=True)

    # The teacher's own second device: a one-time code made on the teacher's screen, typed there.
    teacher.get_by_role("button", name="Make a one-time code").click()
    shown = teacher.locator('[data-testid="stCode"]').filter(has_text=re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    shown.wait_for()
    handover = shown.inner_text().strip()
    teacher.screenshot(path="/tmp/class-handover.png", full_page=True)
    laptop = new_tab(browser)
    open_app_page(laptop, f"{app_url}/class")
    field = laptop.get_by_role("textbox", name=HANDOVER_FIELD)
    field.fill(handover.lower())
    field.press("Enter")
    laptop.get_by_text("Join link for students").wait_for()
    assert laptop.url == board_url
    open_app_page(laptop, f"{app_url}/perceptron")
    laptop.get_by_text("For your class: a link with this setting, a task and a target").wait_for()
    open_app_page(student, f"{app_url}/class")
    type_handover(student, handover)  # used once: it is spent
    sees_no_teachers_tools(student)
    for tab in (teacher, laptop, student):
        assert_no_exception(tab)
        tab.context.close()


FORMATTING = "a, strong, em, code, del, img, [role=img], .katex, .stMarkdownColoredText, .stMarkdownColoredBackground"


def test_a_hostile_class_title_is_shown_as_typed(browser, app_url):
    title = ":red[big] :material/warning: [x](https://evil.example) **b** <b>x</b> $x^2$"
    teacher = new_tab(browser)
    create_class(teacher, f"{app_url}/class", title)
    header = teacher.locator('[data-testid="stHeading"] h2').first
    teacher.screenshot(path="/tmp/class-hostile-title.png")
    assert header.inner_text().replace("\u2060", "") == title
    formatted = header.evaluate(f"h => [...h.querySelectorAll('{FORMATTING}')].filter("
                                "e => !e.closest('[data-testid=stHeaderActionElements]')).map(e => e.outerHTML)")
    assert formatted == []  # no colour, icon, link, bold, HTML or LaTeX: the text as typed
    open_app_page(teacher, f"{app_url}/class")  # "Your classes": the title is the link's text, and only that
    listed = teacher.locator('[data-testid="stMarkdown"] li').filter(has_text="join code").first
    assert listed.locator("a").count() == 1 and listed.locator("a").inner_text().replace("\u2060", "") == title
    assert listed.evaluate(f"li => li.querySelectorAll('{FORMATTING}').length") == 2  # its link and its code
    assert_no_exception(teacher)
    teacher.context.close()


def test_a_pasted_title_too_long_is_refused_with_its_length(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    tab = context.new_page()
    open_app_page(tab, f"{app_url}/class")
    title = "Year 11 computing, Tuesday afternoon, room 4, the class that meets after lunch break"  # 84 characters
    box = tab.get_by_placeholder("e.g. Year 11 computing, Tuesday")
    box.click()
    tab.evaluate("text => navigator.clipboard.writeText(text)", title)
    tab.keyboard.press("Control+V")  # a person pastes it (a box with max_chars=80 dropped it whole, silently)
    assert box.input_value() == title
    tab.get_by_role("button", name="Create the class").click()
    tab.locator('[data-testid="stAlertContentError"]').filter(has_text="has 84 characters; at most 80").wait_for()
    assert "class=" not in tab.url
    assert_no_exception(tab)
    context.close()

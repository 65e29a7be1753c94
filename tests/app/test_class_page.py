"""The Class page and joining a class (AppTest): who sees a board, handing a class to another device,
old teacher links, bad codes, long or odd names and titles, closed classes."""

import html
import re

from support.apptest import button, finish_training, key, open_page, texts

from nn_core.classes import HANDOVER_TRIES
from ui.resources import class_book

TEACHER, LAPTOP, STUDENT = "teacher-browser-0000000001", "laptop-browser-00000000002", "student-browser-0000000003"
# Class titles that Streamlit's Markdown would show as colour, an icon, links, bold, LaTeX, emoji and a logo
# (each at most 80 characters, as a title may be).
HOSTILE = ":red[big] :material/warning: [x](https://evil.example) **b** <b>x</b> $x^2$"
FOUND_IN_TEXT = ":streamlit: :smile: www.evil.example a@evil.example https://evil.example"
BOARD = "Join link for students"


def new_class(title="Tuesday", teacher=TEACHER):
    return class_book().create(teacher, title)


def board_shown(app) -> bool:
    return BOARD in texts(app) or any(b.label in ("Clear the board", "Close the class") for b in app.button)


def shows_literally(markdown: str, text: str) -> bool:
    """Whether Markdown shows ``text`` as typed: each ASCII punctuation mark is a character reference, never syntax."""
    bare = re.sub(r"&#\d+;", "", markdown)
    return (not any(char in bare for char in "[]()*<>$:@`_#&\\") and
            html.unescape(markdown).replace("\u2060", "") == text)


def test_the_board_opens_only_in_its_teachers_browser():
    classroom = new_class()
    teacher = open_page("pages/class.py", {"class": classroom.code}, identity=TEACHER)
    assert board_shown(teacher) and not teacher.exception
    for identity in (STUDENT, None):  # another browser, a browser with no cookie yet
        other = open_page("pages/class.py", {"class": classroom.code}, identity=identity)
        assert not board_shown(other) and not other.exception
        assert any("Only this class's teacher can open its board" in warning.value for warning in other.warning)
        assert any(b.label == "Create the class" for b in other.button)  # the normal Class page
        assert "Your classes" not in texts(other)


def test_an_old_teacher_link_with_a_key_gives_no_rights_and_leaves_the_address():
    classroom = new_class()
    for secret in (classroom.secret, "guessed"):  # the class's real secret, as an old projected link showed it
        app = open_page("pages/class.py", {"class": classroom.code, "key": secret}, identity=STUDENT)
        assert not board_shown(app) and not app.exception
        assert any("no longer open" in warning.value for warning in app.warning)
        assert "key" not in app.query_params and app.query_params["class"] in (classroom.code, [classroom.code])
    teacher = open_page("pages/class.py", {"class": classroom.code, "key": classroom.secret}, identity=TEACHER)
    assert board_shown(teacher) and "key" not in teacher.query_params  # its own browser needs no key


def test_creating_a_class_opens_its_board_with_no_secret_in_the_address():
    app = open_page("pages/class.py", identity=TEACHER)
    app.text_input(key=key("class", "widget", "new_class")).set_value("Thursday")
    button(app, "Create the class").click().run()
    assert board_shown(app) and not app.exception
    assert dict(app.query_params).keys() == {"class"}
    classroom = class_book().get(app.query_params["class"] if isinstance(app.query_params["class"], str)
                                 else app.query_params["class"][0])
    assert classroom.teacher == TEACHER
    shown = texts(app) + "".join(block.value for block in app.code)
    assert classroom.secret not in shown
    listed = open_page("pages/class.py", identity=TEACHER)
    links = [markdown.value for markdown in listed.markdown if "join code" in markdown.value]
    assert any(f"/class?class={classroom.code})" in link for link in links)
    assert not any("key=" in link or classroom.secret in link for link in links)


def test_a_one_time_code_hands_the_class_to_another_device():
    classroom = new_class()
    teacher = open_page("pages/class.py", {"class": classroom.code}, identity=TEACHER)
    assert "taught from 1 device" in texts(teacher)
    button(teacher, "Make a one-time code").click().run()
    codes = [block.value for block in teacher.code if re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", block.value)]
    assert len(codes) == 1 and not teacher.exception

    laptop = open_page("pages/class.py", identity=LAPTOP)
    assert not board_shown(laptop)
    laptop.text_input(key=key("class", "widget", "handover_code")).set_value(codes[0].lower())
    button(laptop, "Teach this class").click().run()
    assert board_shown(laptop) and not laptop.exception
    assert laptop.query_params["class"] in (classroom.code, [classroom.code])
    lesson = open_page("pages/perceptron.py", identity=LAPTOP)  # its lesson pages make lesson links now
    assert any(expander.label.startswith("For your class") for expander in lesson.expander)

    again = open_page("pages/class.py", identity=STUDENT)  # the code, seen over a shoulder after it was used
    again.text_input(key=key("class", "widget", "handover_code")).set_value(codes[0])
    button(again, "Teach this class").click().run()
    assert any("already been used" in error.value for error in again.error) and not board_shown(again)
    student_lesson = open_page("pages/perceptron.py", identity=STUDENT)
    assert not any(expander.label.startswith("For your class") for expander in student_lesson.expander)

    teacher.run()
    assert "taught from 2 devices" in texts(teacher)
    button(teacher, "Remove").click().run()
    assert "taught from 1 device" in texts(teacher)
    laptop.run()
    assert not board_shown(laptop) and not laptop.exception


def test_wrong_one_time_codes_are_refused_and_then_limited():
    new_class()
    app = open_page("pages/class.py", identity="guessing-browser-000000004")
    field = key("class", "widget", "handover_code")
    for _ in range(HANDOVER_TRIES):
        app.text_input(key=field).set_value("ABCD-2345")
        button(app, "Teach this class").click().run()
        assert any("not one this server made" in error.value for error in app.error)
    app.text_input(key=field).set_value("ABCD-2346")
    button(app, "Teach this class").click().run()
    assert any("must wait" in error.value and "try again in 10 minutes" in error.value for error in app.error)
    assert not board_shown(app) and not app.exception


def test_a_hostile_class_title_is_shown_as_typed_on_the_board_and_in_the_post_buttons_tooltip():
    for title in (FOUND_IN_TEXT, HOSTILE):
        classroom = new_class(title)
        board = open_page("pages/class.py", {"class": classroom.code}, identity=TEACHER)
        assert [header.value for header in board.header] == [board.header[0].value]
        assert shows_literally(board.header[0].value, title)
        listed = open_page("pages/class.py", identity=TEACHER)
        link = next(markdown.value for markdown in listed.markdown if classroom.code in markdown.value)
        assert shows_literally(link.split("- [", 1)[1].split("](", 1)[0], title)

    app = open_page("pages/perceptron.py", {"class": classroom.code, "train_samples": "300", "epochs": "1"},
                    identity=STUDENT)
    app.text_input(key=key("perceptron", "class_name")).set_value("Ada")
    button(app, "Join").click().run()
    caption = next(caption.value for caption in app.caption if "you are" in caption.value)
    assert shows_literally(caption.split("Class **")[1].split("** ·")[0], HOSTILE)
    button(app, "Train").click().run()
    finish_training(app, "perceptron")
    post = next(b for b in app.button if b.label.startswith("Post Run"))
    title = re.search(r"board of \*\*(.*)\*\*, with", post.help)
    assert title and shows_literally(title.group(1), HOSTILE) and not app.exception


def test_a_wrong_class_code_says_so_and_the_page_works():
    app = open_page("pages/mlp.py", {"class": "ZZZZZ9"})
    assert any("does not exist" in warning.value for warning in app.warning)
    assert any(b.label == "Train" for b in app.button) and not app.exception


def test_a_name_too_long_is_refused_and_an_odd_one_is_kept_as_text():
    classroom = new_class()
    app = open_page("pages/perceptron.py", {"class": classroom.code})
    app.text_input(key=key("perceptron", "class_name")).set_value("x" * 10_000)
    button(app, "Join").click().run()
    # The box takes at most 40 characters; whatever reaches the server is checked again.
    names = class_book().members(classroom.code)
    assert any("at most 40" in error.value for error in app.error) or all(len(name) <= 40 for name in names.values())
    assert not app.exception
    other = new_class("Wednesday")
    app = open_page("pages/perceptron.py", {"class": other.code})
    app.text_input(key=key("perceptron", "class_name")).set_value("<b>Eve</b> **bold**")
    button(app, "Join").click().run()
    app.run()
    shown = texts(app)
    assert "&#60;b&#62;Eve&#60;&#47;b&#62; &#42;&#42;bold&#42;&#42;" in shown  # shown as typed, not as formatting
    assert not app.exception


def test_a_closed_class_takes_nobody():
    classroom = new_class()
    class_book().close(classroom.code)
    app = open_page("pages/home.py", {"class": classroom.code})
    assert any("is closed" in warning.value for warning in app.warning) and not app.exception
    assert not [b for b in app.button if b.label == "Join"]

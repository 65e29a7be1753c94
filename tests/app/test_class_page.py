"""The Class page and joining a class (AppTest): bad codes, guessed links, long or odd names, closed classes."""

from support.apptest import button, key, open_page, texts

from ui.resources import class_book


def new_class(title="Tuesday"):
    return class_book().create("a teacher", title)


def test_a_guessed_teacher_link_shows_no_board():
    classroom = new_class()
    app = open_page("pages/class.py", {"class": classroom.code, "key": "guessed"})
    assert any("teacher link is not valid" in error.value for error in app.error)
    assert "Join link for students" not in texts(app) and not app.exception
    real = open_page("pages/class.py", {"class": classroom.code, "key": classroom.secret})
    assert "Join link for students" in texts(real) and not real.exception


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
    assert r"\<b\>Eve\</b\> \*\*bold\*\*" in shown  # escaped: shown as typed, not as formatting
    assert not app.exception


def test_a_closed_class_takes_nobody():
    classroom = new_class()
    class_book().close(classroom.code)
    app = open_page("pages/home.py", {"class": classroom.code})
    assert any("is closed" in warning.value for warning in app.warning) and not app.exception
    assert not [b for b in app.button if b.label == "Join"]

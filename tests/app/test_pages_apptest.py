"""Every page loads without an exception; the Perceptron page trains (AppTest)."""

import pytest

from support.apptest import button, finish_training, key, open_page, texts

from nn_core.lessons import LESSONS

PAGES = ["pages/home.py"] + [lesson.page_path for lesson in LESSONS]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_exception(path):
    app = open_page(path)
    assert not app.exception, [e.value for e in app.exception]
    assert not any("link" in w.value for w in app.warning), [w.value for w in app.warning]  # the defaults fit


def test_home_says_which_data_is_loaded():
    app = open_page("pages/home.py")
    assert "bundled subset" in texts(app)


def test_home_has_a_card_for_every_lesson_and_for_the_class_page():
    app = open_page("pages/home.py")
    links = [link.proto.page for link in app.get("page_link")]
    assert links == [lesson.slug for lesson in LESSONS] + ["class"]  # the page names Streamlit resolves
    assert "Class" in [header.value for header in app.subheader]


def test_perceptron_trains_and_reports_test_accuracy():
    app = open_page("pages/perceptron.py")
    app.sidebar.slider(key=key("perceptron", "setting", "train_samples")).set_value(2000)
    app.sidebar.slider(key=key("perceptron", "setting", "epochs")).set_value(2).run()
    button(app, "Train").click().run()
    finish_training(app, "perceptron")
    assert not app.exception
    shown = texts(app)
    assert "Test accuracy:" in shown and "What each neuron looks for" in shown
    accuracy = float(shown.split("Test accuracy: ")[1].split("%")[0])
    assert 70 < accuracy <= 100
    assert len(app.get("plotly_chart")) >= 3  # curves, weight maps, gates


def test_perceptron_settings_come_from_the_link_and_bad_values_warn():
    app = open_page("pages/perceptron.py", {"epochs": "7", "learning_rate": "banana"})
    assert app.sidebar.slider(key=key("perceptron", "setting", "epochs")).value == 7
    assert any("learning_rate" in w.value for w in app.warning)
    assert not app.exception


@pytest.mark.parametrize("path, page, name, asked, used", [
    ("pages/perceptron.py", "perceptron", "train_samples", "60000", 8000),  # full MNIST's size, 8,000 bundled
    ("pages/cnn.py", "cnn", "epochs", "40", 30),  # the config allows 40, the page's slider stops at 30
    ("pages/cnn.py", "cnn", "train_samples", "10", 100),  # the page's slider starts at 100
])
def test_a_link_value_beyond_the_pages_slider_is_fitted_and_said(path, page, name, asked, used):
    app = open_page(path, {name: asked})
    assert app.sidebar.slider(key=key(page, "setting", name)).value == used
    assert any(f"{int(asked):,} is" in w.value and f"{used:,} is used" in w.value for w in app.warning)
    assert not app.exception
    app.run()  # the page goes on with the fitted value, and the note stays with the link's warnings
    assert app.sidebar.slider(key=key(page, "setting", name)).value == used and not app.exception
    assert sum(f"{int(asked):,} is" in w.value for w in app.warning) == 1


def test_a_preset_beyond_the_bundled_digits_is_fitted_quietly():
    app = open_page("pages/mlp.py")
    button(app, "As in the article").click().run()  # the article trains on 60,000 digits; 8,000 are bundled
    assert app.sidebar.slider(key=key("mlp", "setting", "train_samples")).value == 8000
    assert not any("link" in warning.value for warning in app.warning) and not app.exception


def test_perceptron_shows_the_xor_lesson():
    app = open_page("pages/perceptron.py")
    shown = texts(app)
    assert "XOR" in shown and not app.exception


def test_perceptron_shows_its_code_and_downloads():
    app = open_page("pages/perceptron.py", {"epochs": "1", "train_samples": "500"})
    code = [c.value for c in app.code if "keras.Sequential" in c.value and "model.fit" in c.value]
    assert code and "epochs=1" in code[0] and "Dense(units=10, activation='sigmoid')" in code[0]
    button(app, "Train").click().run()
    finish_training(app, "perceptron")
    assert not app.exception
    assert any(e.label.startswith("Save your work") for e in app.expander)

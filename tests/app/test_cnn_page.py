"""The Convolutional Network page through AppTest: the filter lab, the settings, training, a drawn digit."""

import pytest

from support.apptest import button, canvas_drawing, finish_training, key, open_page, texts
from nn_core.cnn import filters
from nn_core.cnn.images import sample_image

PAGE = "pages/cnn.py"
SMALL = {"conv_blocks": "1", "filters_1": "4", "dense_units": "0", "train_samples": "600", "epochs": "1"}


def lab(app, name):
    return app.selectbox(key=key("cnn", "widget", "lab", name))


def images(node) -> list:
    """Every st.image under ``node``, however deep in columns and containers."""
    found = []
    for child in getattr(node, "children", {}).values():
        if type(child).__name__ == "Image":
            found.append(child)
        found += images(child)
    return found


def test_the_lab_shows_the_articles_stages_side_by_side():
    app = open_page(PAGE)
    assert not app.exception
    shown = texts(app)
    assert "300x300x1 -> 300x300x1 -> 300x300x1 -> 150x150x1" in shown
    assert len(images(app.main)) == 4
    assert lab(app, "kernel").value == "Edge detector (the article's)"
    assert "Input patch" in str(app.get("plotly_chart")[0].proto.spec)


def test_stride_and_valid_padding_change_the_shapes():
    app = open_page(PAGE)
    lab(app, "padding").set_value("valid")
    lab(app, "stride").set_value(2).run()
    # (300 - 3) // 2 + 1 = 149, then 2x2 pooling: 74.
    assert "300x300x1 -> 149x149x1 -> 149x149x1 -> 74x74x1" in texts(app)
    lab(app, "pool_window").set_value(3)
    lab(app, "pool_stride").set_value(3).run()
    assert "-> 49x49x1" in texts(app) and not app.exception


def test_the_pixel_arithmetic_is_the_convolution_at_the_chosen_pixel():
    app = open_page(PAGE)
    row_input = next(n for n in app.number_input if n.key.startswith(key("cnn", "widget", "lab", "row")))
    col_input = next(n for n in app.number_input if n.key.startswith(key("cnn", "widget", "lab", "col")))
    row_input.set_value(60)
    col_input.set_value(20).run()
    convolution = filters.convolve(sample_image().pixels, filters.KERNELS["Edge detector (the article's)"])
    equation = next(code.value for code in app.code if " × " in code.value)
    assert equation.endswith(f"= {convolution[60, 20]:.2f}")
    assert "starts at row 59, column 19" in texts(app)


def test_nonsense_in_a_custom_kernel_gives_a_plain_message():
    app = open_page(PAGE)
    lab(app, "kernel").set_value("Custom: type your own").run()
    assert "300x300x1 -> 300x300x1" in texts(app)  # starts as the article's kernel
    app.text_area(key=key("cnn", "widget", "lab", "custom")).set_value("1 2 3\n4 banana 6\n7 8 9").run()
    assert not app.exception
    assert any("This kernel cannot be used" in error.value and "banana" in error.value for error in app.error)
    assert len(images(app.main)) == 0
    five = "\n".join(["1 1 1 1 1"] * 5)
    app.text_area(key=key("cnn", "widget", "lab", "custom")).set_value(five)
    lab(app, "padding").set_value("valid").run()
    assert "300x300x1 -> 296x296x1" in texts(app) and not app.error


def test_the_canvas_source_waits_for_a_drawing():
    app = open_page(PAGE)
    app.radio(key=key("cnn", "widget", "lab", "source")).set_value("Draw on a canvas").run()
    assert not app.exception and "Draw something on the canvas" in texts(app)
    app.radio(key=key("cnn", "widget", "lab", "source")).set_value("Upload a picture").run()
    assert not app.exception and "Choose a picture to upload" in texts(app)


def architecture(app) -> str:
    return next(code.value for code in app.code if code.value.startswith("digit 28x28x1"))


def test_filter_widgets_follow_the_number_of_blocks():
    app = open_page(PAGE)
    keys = lambda: {element.key for element in app.sidebar.select_slider}  # noqa: E731
    assert {key("cnn", "setting", "filters_1"), key("cnn", "setting", "filters_2")} <= keys() and key("cnn", "setting", "filters_3") not in keys()
    app.sidebar.slider(key=key("cnn", "setting", "conv_blocks")).set_value(3).run()
    assert key("cnn", "setting", "filters_3") in keys()
    assert "pool_3 (max 2x2) 3x3x64" in architecture(app)
    app.sidebar.slider(key=key("cnn", "setting", "conv_blocks")).set_value(1).run()
    assert key("cnn", "setting", "filters_2") not in keys() and "conv_2" not in architecture(app)
    assert not app.exception


def test_presets_set_the_widgets():
    app = open_page(PAGE)
    button(app, "Fast demo").click().run()
    assert app.sidebar.select_slider(key=key("cnn", "setting", "filters_1")).value == 8
    assert app.sidebar.slider(key=key("cnn", "setting", "train_samples")).value == 3000
    button(app, "As in the article").click().run()
    assert app.sidebar.slider(key=key("cnn", "setting", "conv_blocks")).value == 1
    assert not app.exception


def test_bad_link_values_warn_and_fall_back():
    app = open_page(PAGE, {"conv_blocks": "9", "pooling": "median", "filters_1": "8"})
    warnings = " ".join(warning.value for warning in app.warning)
    assert "conv_blocks" in warnings and "pooling" in warnings
    assert app.sidebar.slider(key=key("cnn", "setting", "conv_blocks")).value == 2
    assert app.sidebar.select_slider(key=key("cnn", "setting", "filters_1")).value == 8
    assert not app.exception


@pytest.fixture(scope="module")
def trained_app():
    app = open_page(PAGE, SMALL)
    button(app, "Train").click().run()
    return finish_training(app, "cnn")


def test_training_reports_test_accuracy_and_shows_the_kernels(trained_app):
    app = trained_app
    assert not app.exception
    shown = texts(app)
    accuracy = float(shown.split("Test accuracy: ")[1].split("%")[0])
    assert 20 < accuracy <= 100  # 600 digits, one epoch: well above chance (10%)
    assert "Kernels the first layer learned" in shown
    kernel_chart = app.get("plotly_chart")
    assert any("filter 4" in str(chart.proto.spec) for chart in kernel_chart)


def test_a_drawn_digit_gets_a_prediction_and_every_layers_maps(trained_app):
    app = trained_app
    app.session_state[key("cnn", "canvas", "main", 0)] = canvas_drawing()
    app.run()
    assert not app.exception
    shown = texts(app)
    assert any(subheader.value.startswith("Prediction: ") for subheader in app.subheader)
    assert "What each layer makes of your digit" in shown
    assert "conv_1 28x28x4 -> activation_1 28x28x4 -> pool_1 14x14x4" in shown
    toggle = app.toggle(key=key("cnn", "widget", "shared_scale"))
    assert toggle.value is True
    toggle.set_value(False).run()
    assert not app.exception

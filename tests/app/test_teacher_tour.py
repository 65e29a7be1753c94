"""What a teacher's tour found, items 6 and 7 (AppTest): settings that travel, and lessons that do not confuse.

6. Pasted text and the filter lab's settings live in the link; downloaded settings can be
   uploaded back.
7. The perceptron says what its sigmoid outputs are; a too-short text gets one message,
   not two.
"""

from support.apptest import button, canvas_drawing, finish_training, key, open_page, texts

from nn_core.mlp import MLPConfig
from nn_core.perceptron import PerceptronConfig
from nn_core.persistence import config_to_json


def settings_uploader(app):
    return next(uploader for uploader in app.file_uploader if "settings (JSON)" in uploader.label)


def test_downloaded_settings_come_back_with_an_upload():
    app = open_page("pages/mlp.py")
    wanted = MLPConfig(hidden_units=(64, 32), activations=("tanh", "relu"), epochs=7, batch_size=64)
    settings_uploader(app).set_value(("mlp_settings.json", config_to_json(wanted).encode(), "application/json")).run()
    app.run()
    assert not app.exception
    assert app.sidebar.slider(key=key("mlp", "setting", "epochs")).value == 7
    assert app.sidebar.select_slider(key=key("mlp", "setting", "batch_size")).value == 64
    assert [app.sidebar.select_slider(key=key("mlp", "layer", "hidden_units", index)).value
            for index in range(2)] == [64, 32]
    assert app.query_params["epochs"] in ("7", ["7"])  # and the link follows


def test_settings_for_another_page_or_not_settings_at_all_are_refused_plainly():
    app = open_page("pages/mlp.py")
    other = config_to_json(PerceptronConfig(epochs=9)).encode()
    settings_uploader(app).set_value(("perceptron_settings.json", other, "application/json")).run()
    assert any("for PerceptronConfig, not MLPConfig" in error.value for error in app.error)
    settings_uploader(app).set_value(("notes.json", b"{not json", "application/json")).run()
    assert any("not a JSON settings file" in error.value for error in app.error)
    assert app.sidebar.slider(key=key("mlp", "setting", "epochs")).value == 10 and not app.exception


def test_bad_values_in_an_uploaded_settings_file_are_said_at_the_top():
    app = open_page("pages/mlp.py")
    document = config_to_json(MLPConfig()).replace('"epochs": "10"', '"epochs": "many"').encode()
    settings_uploader(app).set_value(("mlp_settings.json", document, "application/json")).run()
    app.run()
    assert any("settings file" in warning.value and "epochs" in warning.value for warning in app.warning)
    assert not app.exception


def test_pasted_text_lives_in_the_link():
    app = open_page("pages/rnn.py", {"text_source": "paste", "text": "to be or not to be, that is the question"})
    assert app.text_area(key=key("rnn", "widget", "pasted")).value == "to be or not to be, that is the question"
    assert "Vocabulary" in texts(app) and not app.exception
    app.text_area(key=key("rnn", "widget", "pasted")).set_value("hello hello hello world").run()
    assert app.query_params["text"] in ("hello hello hello world", ["hello hello hello world"])
    app.text_area(key=key("rnn", "widget", "pasted")).set_value("long text " * 300).run()  # 3,000 characters
    assert "text" not in app.query_params and "stay out of the page's link" in texts(app)


def test_a_too_short_text_gets_one_message_not_two():
    app = open_page("pages/rnn.py", {"text_source": "paste"})
    app.text_area(key=key("rnn", "widget", "pasted")).set_value("ab").run()
    shown = texts(app)
    assert "The text has 2 characters" in shown
    assert "no usable text" not in shown and not app.exception


def test_the_filter_labs_settings_live_in_the_link():
    app = open_page("pages/cnn.py", {"lab_kernel": "Sobel x (vertical edges)", "lab_stride": "2",
                                     "lab_pooling": "average", "lab_pool_window": "99"})
    lab = lambda name: app.selectbox(key=key("cnn", "widget", "lab", name))  # noqa: E731
    assert lab("kernel").value == "Sobel x (vertical edges)" and lab("stride").value == 2
    assert lab("pooling").value == "average" and lab("pool_window").value == 2  # 99 is not offered: the default
    lab("padding").set_value("valid").run()
    assert app.query_params["lab_padding"] in ("valid", ["valid"]) and not app.exception
    lab("kernel").set_value("Custom: type your own").run()
    app.text_area(key=key("cnn", "widget", "lab", "custom")).set_value("0 1 0\n1 -4 1\n0 1 0").run()
    assert app.query_params["lab_custom"] in ("0 1 0\n1 -4 1\n0 1 0", ["0 1 0\n1 -4 1\n0 1 0"])
    again = open_page("pages/cnn.py", {name: value[0] if isinstance(value, list) else value
                                        for name, value in app.query_params.items()})
    assert again.text_area(key=key("cnn", "widget", "lab", "custom")).value == "0 1 0\n1 -4 1\n0 1 0"


def test_the_perceptron_says_what_its_sigmoid_outputs_are():
    app = open_page("pages/perceptron.py", {"train_samples": "1000", "epochs": "1"})
    button(app, "Train").click().run()
    finish_training(app, "perceptron")
    app.session_state[key("perceptron", "canvas", "main", 0)] = canvas_drawing()
    app.run()
    captions = " ".join(caption.value for caption in app.caption)
    assert "fires at" in captions and "need not add up to 1" in captions and not app.exception
    softmax = open_page("pages/perceptron.py", {"train_samples": "1000", "epochs": "1", "activation": "softmax"})
    button(softmax, "Train").click().run()
    finish_training(softmax, "perceptron")
    softmax.session_state[key("perceptron", "canvas", "main", 0)] = canvas_drawing()
    softmax.run()
    captions = " ".join(caption.value for caption in softmax.caption)
    assert "% sure" in captions and "fires at" not in captions

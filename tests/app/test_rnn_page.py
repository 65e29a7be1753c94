"""The Recurrent Network page (AppTest): text choices, training, generation and bad input."""

import html

from support.apptest import button, finish_training, key, open_page, texts

PAGE = "pages/rnn.py"


def messages(app, kind):
    """The page's messages of a kind as a person reads them (character references such as &#39; read as ')."""
    return html.unescape(" ".join(element.value for element in app.get(kind)))


def choose_source(app, source):
    app.sidebar.selectbox(key=key("rnn", "setting", "text_source")).set_value(source).run()
    return app


def test_page_shows_the_article_sentence_vocabulary_and_unfolded_network():
    app = open_page(PAGE)
    assert not app.exception
    shown = texts(app)
    assert "Vocabulary: 19 characters" in shown and "50 windows" in shown
    assert "backpropagation through time" in shown
    assert len(app.get("plotly_chart")) == 1  # the unfolded network
    assert any("SimpleRNN(units=50, activation='relu')" in code.value for code in app.code)


def test_train_then_generate_and_handle_bad_start_texts():
    app = open_page(PAGE, {"epochs": "3"})
    button(app, "Train").click().run()
    finish_training(app, "rnn")
    assert not app.exception, [e.value for e in app.exception]
    shown = texts(app)
    assert "Generated text" in shown and "Training accuracy:" in shown and "Sample after epoch 3" in shown
    assert len(app.get("plotly_chart")) >= 4  # unfolded, curves, next-character bars, hidden states
    start = next(box for box in app.text_input if box.label == "Start text")
    assert start.value == "This is G"
    # The run is in the history, compared by training accuracy, with no empty validation curve offered.
    curve = next(box for box in app.selectbox if box.label == "Curve")
    assert curve.options == ["Training accuracy", "Training loss"]

    start.set_value("This is G€").run()
    assert "never saw '€'" in messages(app, "warning") and not app.exception
    assert "Generated text" in texts(app)  # it went on without the unknown character

    next(box for box in app.text_input if box.label == "Start text").set_value("Th").run()
    assert "needs at least 3 characters" in messages(app, "warning") and not app.exception


def test_a_two_letter_text_gets_a_message_and_cannot_train():
    app = choose_source(open_page(PAGE), "paste")
    assert "Paste or type a text" in messages(app, "info")
    app.text_area(key=key("rnn", "widget", "pasted")).set_value("ab").run()
    assert "has 2 characters" in messages(app, "warning")
    button(app, "Train").click().run()
    assert "Cannot train" in messages(app, "error") and not app.exception


def test_uploads_utf8_any_script_and_refuses_other_encodings():
    app = choose_source(open_page(PAGE), "upload")
    uploader = app.get("file_uploader")[0]
    uploader.set_value(("latin.txt", "café crème brûlée".encode("latin-1"), "text/plain")).run()
    assert "not UTF-8" in messages(app, "error") and not app.exception

    mixed = "Привет 世界 😀 hello"
    app.get("file_uploader")[0].set_value(("mixed.txt", mixed.encode("utf-8"), "text/plain")).run()
    assert not app.exception
    assert f"Vocabulary: {len(set(mixed))} characters" in texts(app)


def test_presets_set_the_widgets():
    app = open_page(PAGE)
    button(app, "Best accuracy").click().run()
    assert app.sidebar.selectbox(key=key("rnn", "setting", "cell")).value == "LSTM"
    assert app.sidebar.selectbox(key=key("rnn", "setting", "text_source")).value == "fables"
    button(app, "As in the article").click().run()
    assert app.sidebar.selectbox(key=key("rnn", "setting", "cell")).value == "SimpleRNN"
    assert app.sidebar.slider(key=key("rnn", "setting", "sequence_length")).value == 3
    assert not app.exception


def test_a_very_long_pasted_text_is_cut_and_the_user_told():
    app = choose_source(open_page(PAGE), "paste")
    app.text_area(key=key("rnn", "widget", "pasted")).set_value("to be or not " * 20_000).run()  # 260,000 characters
    assert "only the first 200,000 are used" in messages(app, "warning") and not app.exception
    assert "Vocabulary: 7 characters" in texts(app)  # t o b e r n and the space


def test_a_start_text_from_a_link_is_shown_as_text_never_as_formatting():
    sneaky = "[Click here for the answers](https://evil.example) **now** :red[x] $x$ `code` <b>b</b> "
    app = open_page(PAGE, {"text_source": "paste", "text": sneaky * 3, "sequence_length": "60", "epochs": "1"})
    button(app, "Train").click().run()
    finish_training(app, "rnn")
    assert not app.exception
    shown = [element.value for kind in ("markdown", "subheader", "warning", "info", "caption")
             for element in app.get(kind) if isinstance(getattr(element, "value", None), str)]
    quoted = [text for text in shown if "Click here" in text]
    assert len(quoted) >= 3  # the sample's start, the generation's start and the next-character heading
    for text in quoted:  # shown as typed: every Markdown character written so that it is never formatting
        assert "[Click" not in text and "](" not in text and "**now**" not in text and "`code`" not in text, text

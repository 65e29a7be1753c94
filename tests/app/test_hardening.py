"""Bad input on every page ends in a plain message and a working page, never a traceback.

Each case opens a page with extreme or nonsensical settings in its link (as a student
could type them) and, where the settings are usable, trains with them.
"""

import pytest

from support.apptest import button, finish_training, key, open_page, texts

DIGIT_PAGES = [("pages/perceptron.py", "perceptron"), ("pages/mlp.py", "mlp"), ("pages/cnn.py", "cnn")]
SMALL = {"train_samples": "300", "epochs": "1"}


def messages(app) -> str:
    return "\n".join(element.value for kind in ("error", "warning", "info", "success")
                     for element in app.get(kind))


def assert_working(app) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert any(b.label == "Train" for b in app.button), "the page lost its Train button"


@pytest.mark.parametrize("path,page", DIGIT_PAGES)
def test_nonsense_in_the_link_warns_and_falls_back(path, page):
    app = open_page(path, {"learning_rate": "abc", "epochs": "99999", "train_samples": "0", "seed": "-5",
                           "optimizer": "<script>alert(1)</script>", "batch_size": "2.5"})
    assert_working(app)
    warned = messages(app)
    for name in ("learning_rate", "epochs", "train_samples", "seed", "optimizer", "batch_size"):
        assert f"Ignored {name}=" in warned


@pytest.mark.parametrize("path,page", DIGIT_PAGES)
def test_a_learning_rate_of_ten_ends_plainly(path, page):
    app = open_page(path, {**SMALL, "learning_rate": "10.0", "optimizer": "sgd"})
    button(app, "Train").click().run()
    finish_training(app, page)
    assert_working(app)
    shown = messages(app)
    # Either the loss blew up (said so in plain words) or the network survived it.
    assert "Training diverged" in shown or "Test accuracy:" in shown


@pytest.mark.parametrize("path,page", DIGIT_PAGES)
def test_one_epoch_with_a_batch_larger_than_the_data(path, page):
    app = open_page(path, {**SMALL, "batch_size": "10000", "train_samples": "300"})
    button(app, "Train").click().run()
    finish_training(app, page)
    assert_working(app)
    assert "Test accuracy:" in messages(app)


def test_text_page_with_extreme_settings():
    app = open_page("pages/rnn.py", {"learning_rate": "10.0", "epochs": "2", "batch_size": "4096",
                                     "sequence_length": "0", "units": "huge"})
    assert_working(app)
    assert "Ignored sequence_length=" in messages(app) and "Ignored units=" in messages(app)
    button(app, "Train").click().run()
    finish_training(app, "rnn")
    assert_working(app)
    assert "Training diverged" in messages(app) or "Generated text" in texts(app)


def test_server_limits_refuse_plainly(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "2")
    app = open_page("pages/perceptron.py", {"epochs": "5", "train_samples": "300"})
    assert_working(app)
    # The widget cannot offer more than the server allows.
    assert app.sidebar.slider(key=key("perceptron", "setting", "epochs")).value == 2


def test_a_training_too_large_for_the_servers_memory_is_said_before_and_refused_at_train():
    app = open_page("pages/cnn.py", {"conv_blocks": "1", "filters_1": "256", "batch_size": "4096",
                                     "train_samples": "8000", "epochs": "1"})
    assert_working(app)
    assert any("would need about 12.5 GB of memory" in warning.value for warning in app.warning)
    button(app, "Train").click().run()
    assert_working(app)
    assert any(error.value.startswith("Cannot train: this training would need about 12.5 GB") for error in app.error)

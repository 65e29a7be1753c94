"""The Multi-Layer Perceptron page (AppTest): controls, presets, training, looking inside, run history."""

from support.apptest import button, finish_training, key, open_page, texts

from nn_core.mlp import MLPConfig

PAGE_PATH = "pages/mlp.py"
SMALL = {"train_samples": "1000", "epochs": "2", "batch_size": "32", "hidden_units": "32", "activations": "relu"}


def _layer_widgets(app):
    units = [w for w in app.sidebar.select_slider if w.key.startswith("mlp.layer.hidden_units.")]
    activations = [w for w in app.sidebar.selectbox if w.key.startswith("mlp.layer.activations.")]
    return units, activations


def _metric(app, label):
    return next(m.value for m in app.metric if m.label == label)


def test_page_shows_the_network_and_counts_its_parameters():
    app = open_page(PAGE_PATH)
    assert not app.exception, [e.value for e in app.exception]
    units, activations = _layer_widgets(app)
    assert [w.value for w in units] == [256, 128] and [w.value for w in activations] == ["relu", "relu"]
    assert _metric(app, "Parameters to learn") == f"{784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10:,}"
    assert any(chart.proto.spec and "Hidden 2" in chart.proto.spec for chart in app.get("plotly_chart"))


def test_layer_count_changes_the_per_layer_controls():
    app = open_page(PAGE_PATH)
    app.sidebar.slider(key=key("mlp", "layer_count")).set_value(3).run()
    units, activations = _layer_widgets(app)
    assert [w.value for w in units] == [256, 128, 64]  # a new layer starts at half the one before
    assert len(activations) == 3 and not app.exception
    three = MLPConfig(hidden_units=(256, 128, 64), activations=("relu",) * 3)
    assert _metric(app, "Parameters to learn") == f"{three.parameter_count():,}"
    app.sidebar.select_slider(key="mlp.layer.hidden_units.2").set_value(16)
    app.sidebar.selectbox(key="mlp.layer.activations.2").set_value("tanh").run()
    assert app.query_params["hidden_units"] in ("256,128,16", ["256,128,16"])  # the link follows the layers
    assert app.query_params["activations"] in ("relu,relu,tanh", ["relu,relu,tanh"])
    app.sidebar.slider(key=key("mlp", "layer_count")).set_value(1).run()
    units, activations = _layer_widgets(app)
    assert len(units) == 1 and len(activations) == 1
    assert _metric(app, "Parameters to learn") == f"{784 * 256 + 256 + 256 * 10 + 10:,}"


def test_article_preset_sets_the_articles_network_and_says_why_it_learns_little():
    app = open_page(PAGE_PATH)
    app.sidebar.slider(key=key("mlp", "layer_count")).set_value(3).run()
    button(app, "As in the article").click().run()
    assert app.sidebar.slider(key=key("mlp", "layer_count")).value == 2  # the preset resets the layers too
    units, activations = _layer_widgets(app)
    assert [w.value for w in units] == [256, 128]
    assert [w.value for w in activations] == ["sigmoid", "sigmoid"]
    assert app.sidebar.select_slider(key=key("mlp", "setting", "batch_size")).value == 2000
    assert app.sidebar.slider(key=key("mlp", "setting", "dropout_rate")).value == 0.0
    warning = " ".join(w.value for w in app.warning)
    assert "Only 40 weight updates in all" in warning and "4 per epoch" in warning  # 6,400 digits / 2000
    assert "three digits in four" in warning and not app.exception


def test_link_sets_the_layers_and_a_bad_link_warns():
    app = open_page(PAGE_PATH, {"hidden_units": "64,32,16", "activations": "tanh,relu,sigmoid"})
    units, activations = _layer_widgets(app)
    assert [w.value for w in units] == [64, 32, 16]
    assert [w.value for w in activations] == ["tanh", "relu", "sigmoid"]
    between = open_page(PAGE_PATH, {"hidden_units": "100,30", "activations": "relu,elu"})
    assert [w.value for w in _layer_widgets(between)[0]] == [100, 30]  # widths between the slider's steps
    bad = open_page(PAGE_PATH, {"hidden_units": "64,32", "activations": "relu"})
    assert any("Ignored" in w.value for w in bad.warning) and not bad.exception
    assert [w.value for w in _layer_widgets(bad)[0]] == [256, 128]


def test_early_stopping_without_validation_is_explained():
    app = open_page(PAGE_PATH)
    app.sidebar.checkbox(key=key("mlp", "setting", "early_stopping")).check().run()
    app.sidebar.slider(key=key("mlp", "setting", "validation_split")).set_value(0.0).run()
    assert any("needs a validation share above 0" in e.value for e in app.sidebar.error)
    assert not app.exception


def test_trains_shows_test_accuracy_confusion_matrix_and_keeps_runs():
    app = open_page(PAGE_PATH, SMALL)
    button(app, "Train").click().run()
    finish_training(app, "mlp")
    assert not app.exception, [e.value for e in app.exception]
    shown = texts(app)
    accuracy = float(shown.split("Test accuracy: ")[1].split("%")[0])
    assert 60 < accuracy <= 100
    assert "Confusion matrix" in shown and "Misclassified test digits" in shown
    assert "Draw a digit on the canvas" in shown
    table = app.dataframe[0].value
    assert list(table["run"]) == ["Run 1"]
    app.sidebar.slider(key=key("mlp", "setting", "epochs")).set_value(1).run()
    button(app, "Train").click().run()
    finish_training(app, "mlp")
    table = app.dataframe[0].value
    assert list(table["run"]) == ["Run 1", "Run 2"]
    assert list(table["epochs"]) == ["2", "1"]  # the one setting that differs
    assert app.multiselect(key=key("mlp", "runs_selected")).value == ["Run 1", "Run 2"]
    assert not app.exception


def test_a_learning_rate_that_blows_up_stops_with_a_plain_message():
    app = open_page(PAGE_PATH, {**SMALL, "optimizer": "sgd", "learning_rate": "10.0", "epochs": "1"})
    button(app, "Train").click().run()
    finish_training(app, "mlp")
    assert any("Training diverged" in e.value for e in app.error)
    # Its accuracy is no result: said in a warning, never in the green box of a good one.
    assert not any("Test accuracy" in box.value for box in app.success)
    assert any(box.value.startswith("Test accuracy:") and "blowing up" in box.value for box in app.warning)
    # It blew up in its first epoch: a chance-level network gets no analysis, canvas or download.
    assert any("Nothing to look inside or draw on yet" in box.value for box in app.info)
    shown = texts(app)
    assert "Confusion matrix" not in shown and "Misclassified test digits" not in shown
    assert "Draw a digit on the canvas" not in shown
    assert not app.exception


def test_streamlit_no_longer_clears_keras_after_each_run():
    """Streamlit would call keras.backend.clear_session() after every run, under running jobs."""
    import ui.console  # noqa: F401  (applies the fix on import)
    from streamlit.runtime.scriptrunner import script_runner

    cleared = []
    import keras

    original = keras.backend.clear_session
    keras.backend.clear_session = lambda *args, **kwargs: cleared.append(True)
    try:
        script_runner._clean_problem_modules()
    finally:
        keras.backend.clear_session = original
    assert not cleared

"""The "look deeper" views on the MLP and CNN pages (AppTest): every tab, a drawn digit, bad cases.

Each page trains one tiny network once (module fixtures); the tests then open each view
by setting its tab's or expander's session key, as a click would, and feed the canvas
through its session-state value.
"""

import time

import pytest

from support.apptest import button, canvas_drawing, finish_training, key, open_page, texts

MLP_SMALL = {"train_samples": "1000", "epochs": "2", "batch_size": "32", "hidden_units": "32", "activations": "relu"}
CNN_SMALL = {"conv_blocks": "1", "filters_1": "4", "dense_units": "0", "train_samples": "600", "epochs": "1"}


def deeper(page, *parts):
    return key(page, "widget", "deeper", *parts)


def charts(app) -> set[str]:
    return {chart.key for chart in app.get("plotly_chart") if getattr(chart, "key", None)}


def chart_keys(app) -> set[str]:
    """The keys of the page's Plotly charts (their protos carry the widget id; the key is its suffix)."""
    found = set()
    for chart in app.get("plotly_chart"):
        identifier = getattr(chart.proto, "id", "") or ""
        found.add(identifier)
    return found


def has_chart(app, page, name) -> bool:
    wanted = key(page, "chart", name)
    return any(wanted in identifier for identifier in chart_keys(app))


def assert_fine(app) -> None:
    assert not app.exception, [e.value for e in app.exception]


def open_tab(app, page, tabs, label):
    app.session_state[deeper(page, tabs)] = label
    app.run()
    assert_fine(app)
    return app


@pytest.fixture(scope="module", autouse=True)
def fewer_digits_on_maps():
    """500 test digits instead of 2,000 for every view: the same code, a quarter of the work (t-SNE above all)."""
    from nn_core.digits import embedding

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(embedding, "MAP_DIGITS", 500)
        yield


@pytest.fixture(scope="module")
def mlp_app():
    app = open_page("pages/mlp.py", MLP_SMALL)
    button(app, "Train").click().run()
    return finish_training(app, "mlp")


@pytest.fixture(scope="module")
def cnn_app():
    app = open_page("pages/cnn.py", CNN_SMALL)
    button(app, "Train").click().run()
    return finish_training(app, "cnn")


def test_mlp_map_pca_before_and_after_then_tsne_on_request(mlp_app):
    app = mlp_app
    assert_fine(app)
    assert "Look deeper" in texts(app)
    layer = app.selectbox(key=deeper("mlp", "map_layer"))
    assert layer.value == "hidden_1" and layer.options[0].startswith("input pixels")
    assert has_chart(app, "mlp", "map_before") and has_chart(app, "mlp", "map_after")
    app.toggle(key=deeper("mlp", "map_compare")).set_value(False).run()
    app.radio(key=deeper("mlp", "map_method")).set_value("t-SNE").run()
    assert_fine(app)
    assert not has_chart(app, "mlp", "map_after")
    tsne = next(b for b in app.button if b.label.startswith("Compute the t-SNE map"))
    tsne.click().run()
    assert_fine(app)
    assert has_chart(app, "mlp", "map_after") and not has_chart(app, "mlp", "map_before")
    app.radio(key=deeper("mlp", "map_method")).set_value("PCA").run()
    app.selectbox(key=deeper("mlp", "map_layer")).set_value("pixels").run()
    assert_fine(app)
    assert "do not change with training" in texts(app)


def test_mlp_robustness_confidence_and_units_off(mlp_app):
    app = open_tab(mlp_app, "mlp", "tabs", "How robust")
    assert "Undamaged, the network reads" in texts(app)
    app.slider(key=deeper("mlp", "damage", "rotation")).set_value(45).run()
    assert "With these changes" in texts(app)
    button(app, "Measure the accuracy curves").click().run()
    assert_fine(app)
    assert has_chart(app, "mlp", "robustness_curves")

    app = open_tab(app, "mlp", "tabs", "I don't know")
    app.slider(key=deeper("mlp", "threshold")).set_value(0.5).run()
    assert "At **50%** the network answers" in texts(app)
    assert has_chart(app, "mlp", "threshold")

    app = open_tab(app, "mlp", "tabs", "Switch units off")
    button(app, "Switch every neuron off").click().run()
    assert_fine(app)
    assert "Every neuron of this layer is off" in texts(app)
    accuracy = next(metric for metric in app.metric if metric.label == "Test accuracy").value
    assert 5 <= float(accuracy.rstrip("%")) <= 15  # chance: one digit in ten
    button(app, "Reset: every unit on").click().run()
    assert app.multiselect(key=deeper("mlp", "ablation_off", "hidden_1")).value == []


def test_mlp_cells_mistakes_and_a_drawn_digit(mlp_app):
    app = mlp_app
    cell = app.selectbox(key=deeper("mlp", "cell"))
    row, column = cell.value.split("-")
    assert row != column  # the commonest confusion comes first
    assert has_chart(app, "mlp", "cell_digits")
    app.session_state[deeper("mlp", "explain")] = True
    app.run()
    assert_fine(app)
    assert has_chart(app, "mlp", "saliency.mistake")
    explain = app.selectbox(key=deeper("mlp", "why", "mistake"))
    assert "why not an 8?" in explain.options and "why not a 7?" in explain.options
    explain.set_value(8).run()
    assert "why not" not in texts(app) and "The network gives **8**" in texts(app)

    app.session_state[key("mlp", "canvas", "main", 0)] = canvas_drawing()
    app.run()
    assert_fine(app)
    assert "Your digit, looked at deeper" in texts(app) and has_chart(app, "mlp", "saliency.drawn")
    for label, expected in (("On the map", "The star is your digit"), ("Damaged", "your digit reads as"),
                            ("I don't know", "At a threshold of"), ("Units off", "Every unit is on")):
        app = open_tab(app, "mlp", "drawn_tabs", label)
        assert expected in texts(app), label
    app = open_tab(app, "mlp", "drawn_tabs", "Which pixels decided")


def test_cnn_views_with_filters(cnn_app):
    app = cnn_app
    assert_fine(app)
    layer = app.selectbox(key=deeper("cnn", "map_layer"))
    assert layer.value == "pool_1" and "4 filters of 14x14" in layer.format_func(layer.value)
    assert has_chart(app, "cnn", "map_after")
    app = open_tab(app, "cnn", "tabs", "Switch units off")
    app.multiselect(key=deeper("cnn", "ablation_off", "pool_1")).set_value([0, 2]).run()
    assert_fine(app)
    assert "2 of 4" in " ".join(metric.value for metric in app.metric)
    app = open_tab(app, "cnn", "tabs", "How robust")
    app.slider(key=deeper("cnn", "damage", "thickness")).set_value(2).run()
    assert "With these changes" in texts(app)
    app.session_state[key("cnn", "canvas", "main", 0)] = canvas_drawing()
    app.run()
    assert_fine(app)
    assert has_chart(app, "cnn", "saliency.drawn")
    app = open_tab(app, "cnn", "drawn_tabs", "Units off")
    assert "With 2 of pool_1's 4 units off" in texts(app)


def test_a_model_still_training_is_not_looked_into():
    app = open_page("pages/mlp.py", {**MLP_SMALL, "train_samples": "8000", "epochs": "30"})
    button(app, "Train").click().run()
    from support.apptest import current_job

    job = current_job(app, "mlp")
    deadline = time.time() + 30
    while job.model is None and time.time() < deadline:
        time.sleep(0.1)
    app.run()  # a rerun while it trains (a slider moved): its model is not final, so nothing measures it
    try:
        assert_fine(app)
        assert job.model is not None and not job.status.done
        assert "Look deeper" not in texts(app) and "Confusion matrix" not in texts(app)
    finally:
        job.stop()
        job.wait(60)


def test_an_uploaded_model_gets_the_views():
    from nn_core.mlp import MLPConfig
    from nn_core.networks import build_model
    from nn_core.persistence import model_from_bytes, model_to_bytes

    model = model_from_bytes(model_to_bytes(build_model(MLPConfig(hidden_units=(1,), activations=("relu",)))))
    app = open_page("pages/mlp.py")
    app.session_state[key("mlp", "uploaded")] = {"payload": model, "time": time.time(), "signature": ("x", 1, "y"),
                                                 "fresh": True, "epochs": 0}
    app.run()
    assert_fine(app)
    assert "Look deeper" in texts(app)
    assert "single unit" in texts(app)  # one unit: the map is a line, said so
    assert has_chart(app, "mlp", "map_before") and has_chart(app, "mlp", "map_after")
    app.radio(key=deeper("mlp", "map_method")).set_value("t-SNE").run()
    assert_fine(app)
    assert "at least two numbers per digit" in texts(app)


def test_the_recurrent_page_maps_its_hidden_states():
    app = open_page("pages/rnn.py", {"epochs": "3"})
    button(app, "Train").click().run()
    finish_training(app, "rnn")
    assert_fine(app)
    assert "A map of the hidden states" in texts(app) and "50 windows it trained on" in texts(app)
    assert has_chart(app, "rnn", "state_map")
    app.radio(key=key("rnn", "widget", "state_map", "colour")).set_value("guessed").run()
    assert_fine(app)
    assert has_chart(app, "rnn", "state_map")



def test_a_tsne_map_waiting_for_a_slot_says_so_then_how_long_it_takes():
    """The bar over a t-SNE map in the queue says how many go first, and when its own browser goes first."""
    import threading

    import numpy as np

    from nn_core.digits import tsne
    from nn_core.mlp import MLPConfig
    from nn_core.networks import build_model
    from nn_core.training import TrainingSlots
    from ui.digits.deeper.maps import tsne_progress_text

    def until(condition):
        deadline = time.monotonic() + 60
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.01)

    slots, gate = TrainingSlots(1), threading.Event()
    rng = np.random.default_rng(3)
    images, labels = rng.random((40, 28, 28)).astype(np.float32), rng.integers(0, 10, 40)

    def map_for(owner, seed):
        model = build_model(MLPConfig(hidden_units=(6,), activations=("relu",), seed=seed))
        job = tsne.tsne_job(model, images, labels, "hidden_1", owner=owner, slots=slots,
                            runner=lambda reduced: gate.wait(30) and reduced[:, :2].copy())
        until(lambda: slots.waits(job))
        return model, job

    assert slots.acquire("bob's training", give_up=lambda: False, owner="bob")
    alice = map_for("alice", 2)
    assert tsne_progress_text([alice[1]], "alice") == "t-SNE is waiting for a free slot on the server: it is next"
    bob = map_for("bob", 3)
    assert tsne_progress_text([bob[1]], "bob") == (
        "t-SNE is waiting for a free slot on the server: 1 ahead (this browser runs a training or another map now: "
        "one at a time per browser)")
    slots.release("bob's training")
    until(lambda: not alice[1].waiting)
    assert tsne_progress_text([alice[1]], "alice").startswith("Computing t-SNE: about ")
    gate.set()
    assert alice[1].wait(30) and bob[1].wait(30) and alice[1].result is not None and bob[1].result is not None

"""The plane page (AppTest): settings from links and presets, training, own points from a CSV file, bad files."""

from support.apptest import button, finish_training, key, open_page, texts

from nn_core.plane import PlaneConfig

PAGE_PATH = "pages/plane.py"
SMALL = {"dataset": "xor", "train_samples": "200", "epochs": "5", "hidden_units": "4", "activations": "tanh"}


def checked_features(app):
    return [box.key.rsplit(".", 1)[1] for box in app.sidebar.checkbox
            if box.key.startswith("plane.setting.features.") and box.value]


def test_the_page_shows_the_points_and_the_network_it_will_train():
    app = open_page(PAGE_PATH)
    assert not app.exception, [e.value for e in app.exception]
    assert checked_features(app) == ["x1", "x2"]
    assert f"{PlaneConfig().parameter_count(2):,} weights and biases to learn" in texts(app)
    assert "500 points: 350 to train on, 150 test points, in 2 classes" in texts(app)
    assert len(app.get("plotly_chart")) == 2  # the points and the network


def test_features_layers_and_a_link_without_hidden_layers():
    app = open_page(PAGE_PATH, {"dataset": "xor", "features": "x1_x2", "hidden_units": "", "activations": ""})
    assert checked_features(app) == ["x1_x2"] and app.sidebar.slider(key=key("plane", "layer_count")).value == 0
    assert "2 weights and biases to learn" in texts(app) and not app.warning
    app.sidebar.checkbox(key=key("plane", "setting", "features", "x1")).check().run()
    app.sidebar.slider(key=key("plane", "layer_count")).set_value(1).run()  # the first layer from none
    assert app.query_params["features"] in ("x1,x1_x2", ["x1,x1_x2"])
    assert app.query_params["hidden_units"] in ("8", ["8"]) and not app.exception
    app.sidebar.checkbox(key=key("plane", "setting", "features", "x1")).uncheck()
    app.sidebar.checkbox(key=key("plane", "setting", "features", "x1_x2")).uncheck().run()
    assert any("Tick at least one feature" in error.value for error in app.sidebar.error)
    assert app.query_params["features"] in ("x1,x1_x2", ["x1,x1_x2"]) and not app.exception  # the last ones kept


def test_a_preset_sets_every_widget():
    app = open_page(PAGE_PATH)
    button(app, "XOR from x1·x2 alone").click().run()
    assert checked_features(app) == ["x1_x2"] and app.sidebar.slider(key=key("plane", "layer_count")).value == 0
    assert app.sidebar.selectbox(key=key("plane", "setting", "dataset")).value == "xor"
    button(app, "Three spirals").click().run()
    assert checked_features(app) == ["x1", "x2"] and app.sidebar.slider(key=key("plane", "layer_count")).value == 2
    assert "in 3 classes" in texts(app) and "3 softmax neurons" in texts(app) and not app.exception


def test_trains_and_shows_what_it_learned():
    app = open_page(PAGE_PATH, SMALL)
    button(app, "Train").click().run()
    finish_training(app, "plane")
    assert not app.exception, [e.value for e in app.exception]
    shown = texts(app)
    assert "Test accuracy:" in shown and "What it learned" in shown
    charts = [chart.proto.spec for chart in app.get("plotly_chart")]
    assert sum('"images"' in spec for spec in charts) >= 2  # the trained network's neurons and its regions
    assert list(app.dataframe[0].value["run"]) == ["Run 1"]
    code = [block.value for block in app.code if "def generate(" in block.value]
    assert code and "generate(xor, 200, 2" in code[0]


def test_a_regression_trains_and_reports_its_error_instead_of_accuracy():
    app = open_page(PAGE_PATH, {"dataset": "surface", "train_samples": "100", "epochs": "3"})
    button(app, "Train").click().run()
    finish_training(app, "plane")
    assert "Mean squared error on the 30 test points" in texts(app) and not app.exception


def test_own_points_from_a_csv_file_train():
    app = open_page(PAGE_PATH, {"dataset": "custom", "epochs": "3", "validation_split": "0.25"})
    assert "no points of your own yet" in texts(app)  # the script says why there is none
    rows = "".join(f"{x},{y},{'in' if abs(x) + abs(y) < 3 else 'out'}\n" for x in range(-4, 5) for y in range(-4, 5))
    app.file_uploader(key=key("plane", "widget", "points_upload")).set_value(
        ("mine.csv", ("x,y,class\n" + rows).encode(), "text/csv")).run()
    assert "Read 81 points in 2 classes from mine.csv" in texts(app) and not app.exception
    button(app, "Train").click().run()
    finish_training(app, "plane")
    assert "Test accuracy:" in texts(app) and not app.exception
    assert any("POINTS = np.array" in block.value for block in app.code)


def test_a_bad_csv_file_is_told_in_words_and_the_page_goes_on():
    app = open_page(PAGE_PATH, {"dataset": "custom"})
    app.file_uploader(key=key("plane", "widget", "points_upload")).set_value(
        ("bad.csv", b"x1,x2,class\n1,2,0\n3,oops,1\n", "text/csv")).run()
    assert any("Cannot use bad.csv: row 3: 'oops' in the x2 column is not a number." == error.value
               for error in app.error)
    assert not app.exception
    button(app, "Train").click().run()
    assert any("no points of your own yet" in error.value for error in app.error) and not app.exception


def test_editing_a_data_set_copies_its_points_into_your_own():
    app = open_page(PAGE_PATH, {"dataset": "moons", "train_samples": "100"})
    button(app, "Edit these points").click().run()
    assert app.sidebar.selectbox(key=key("plane", "setting", "dataset")).value == "custom"
    assert "100 of your points (at most 5,000)" in texts(app) and not app.exception
    assert app.query_params["dataset"] in ("custom", ["custom"])


def test_the_two_class_output_is_offered_only_with_two_classes():
    def offered(app):
        return key("plane", "setting", "two_class_output") in [box.key for box in app.sidebar.selectbox]

    app = open_page(PAGE_PATH, {"dataset": "spiral", "classes": "2"})
    assert offered(app)
    app.sidebar.slider(key=key("plane", "setting", "classes")).set_value(3).run()
    assert not offered(app) and not app.exception  # "one sigmoid neuron" was offered with three classes
    assert "3 softmax neurons" in texts(app)
    app.sidebar.slider(key=key("plane", "setting", "classes")).set_value(2).run()
    assert offered(app) and not app.exception
    app.sidebar.selectbox(key=key("plane", "setting", "dataset")).set_value("surface").run()
    assert not offered(app)  # a number to learn: no classes at all
    app.sidebar.selectbox(key=key("plane", "setting", "dataset")).set_value("custom").run()
    assert offered(app)  # own points: their file decides, so the choice stays

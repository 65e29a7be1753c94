"""The live training curves: one faint segment per epoch, the epoch means on top."""

from nn_core.figures.curves import training_curves

HISTORY = {"loss": [1.2, 0.5], "accuracy": [0.6, 0.85], "val_loss": [0.7, 0.45], "val_accuracy": [0.8, 0.87]}
# Keras' running mean: it restarts low at each epoch's first batch.
BATCHES = [(0.5, 1.8, 0.4), (1.0, 1.2, 0.6), (1.5, 0.6, 0.82), (2.0, 0.5, 0.85)]


def traces(figure, name):
    return [trace for trace in figure.data if trace.name == name]


def test_within_epoch_points_break_between_epochs():
    figure = training_curves(HISTORY, BATCHES, total_epochs=2)
    loss, accuracy = traces(figure, "training, running mean within the epoch")
    assert list(loss.x) == [0.5, 1.0, None, 1.5, 2.0]  # no line from epoch 1's end to epoch 2's start
    assert list(loss.y) == [1.8, 1.2, None, 0.6, 0.5]
    assert list(accuracy.y) == [0.4, 0.6, None, 0.82, 0.85]


def test_epoch_means_and_validation_are_drawn_per_epoch():
    figure = training_curves(HISTORY, BATCHES, total_epochs=2)
    loss = traces(figure, "training")[0]
    assert list(loss.x) == [1, 2] and list(loss.y) == [1.2, 0.5]
    validation = traces(figure, "validation")
    assert [list(trace.y) for trace in validation] == [[0.7, 0.45], [0.8, 0.87]]


def test_first_epoch_still_running_has_no_epoch_points():
    figure = training_curves({}, [(0.25, 2.0, 0.3), (0.5, 1.7, 0.45)], total_epochs=5)
    assert not traces(figure, "training") and not traces(figure, "validation")
    assert list(traces(figure, "training, running mean within the epoch")[0].x) == [0.25, 0.5]
    assert figure.layout.xaxis.range == (0, 5.05)


def test_learning_rate_changes_are_marked_on_the_curves():
    figure = training_curves(HISTORY, BATCHES, total_epochs=2, markers=[(1.5, "lr 0.01")])
    assert [shape.x0 for shape in figure.layout.shapes] == [1.5, 1.5]  # on the loss and the accuracy panel
    assert any(annotation.text == "lr 0.01" for annotation in figure.layout.annotations)


def test_a_drawn_digit_over_epochs_highlights_what_the_network_decided():
    from nn_core.figures import theme
    from nn_core.figures.curves import digit_over_epochs

    unsure = [0.1] * 10
    sure = [0.02] * 10
    sure[7] = 0.82
    readings = [{"epoch": 1, "drawing": 1, "probabilities": unsure},
                {"epoch": 2, "drawing": 1, "probabilities": sure},
                {"epoch": 3, "drawing": 2, "probabilities": sure}]
    figure = digit_over_epochs(readings)
    assert len(figure.data) == 10 and figure.data[-1].name == "7"  # the decided digit on top
    assert figure.data[-1].line.color == theme.ACCENT and list(figure.data[-1].y) == [0.1, 0.82, 0.82]
    assert [annotation.text for annotation in figure.layout.annotations if annotation.text == "7"] == ["7"]
    assert [shape.x0 for shape in figure.layout.shapes] == [2.5]  # a new drawing before epoch 3
    assert digit_over_epochs([]).data == ()

"""The MLP's config, builder, presets and early stopping, against hand counts and NumPy."""

import numpy as np
import pytest

from nn_core.mlp import MLPConfig
from nn_core.mlp.config import PRESETS
from nn_core.mlp.early_stopping import EarlyStopping, validation_loss
from nn_core.mlp.job import mlp_job
from nn_core.networks import build_model
from nn_core.training import Callback, TrainingData, TrainingJob, TrainingSlots


def _layers(model, kind):
    return [layer for layer in model.layers if type(layer).__name__ == kind]


def test_builder_has_one_dense_layer_per_hidden_layer_plus_the_output():
    config = MLPConfig(hidden_units=(64, 32, 16), activations=("relu", "tanh", "sigmoid"), dropout_rate=0.0)
    model = build_model(config)
    dense = _layers(model, "Dense")
    assert [layer.units for layer in dense] == [64, 32, 16, 10]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "tanh", "sigmoid", "softmax"]
    assert model.input_shape == (None, 28, 28) and model.output_shape == (None, 10)
    assert not _layers(model, "Dropout")


def test_dropout_follows_every_hidden_layer_and_l2_sits_on_every_kernel():
    model = build_model(MLPConfig(hidden_units=(32, 16), activations=("relu", "relu"), dropout_rate=0.3, l2=1e-3))
    names = [layer.name for layer in model.layers]
    assert names == ["flatten", "hidden_1", "dropout_1", "hidden_2", "dropout_2", "output"]
    assert all(layer.rate == pytest.approx(0.3) for layer in _layers(model, "Dropout"))
    for layer in _layers(model, "Dense"):
        assert layer.kernel_regularizer is not None
        assert float(layer.kernel_regularizer.l2) == pytest.approx(1e-3)
    plain = build_model(MLPConfig(l2=0.0))
    assert all(layer.kernel_regularizer is None for layer in _layers(plain, "Dense"))


def test_parameter_count_by_hand():
    # 784*256 + 256, 256*128 + 128, 128*10 + 10
    assert MLPConfig(hidden_units=(256, 128), activations=("relu", "relu")).parameter_count() == 235_146
    assert MLPConfig(hidden_units=(1,), activations=("linear",)).parameter_count() == 784 + 1 + 10 + 10


@pytest.mark.parametrize("units", [(256, 128), (7,), (100, 50, 25, 12)])
def test_parameter_count_matches_keras(units):
    config = MLPConfig(hidden_units=units, activations=("relu",) * len(units), dropout_rate=0.5, l2=0.01)
    assert config.parameter_count() == build_model(config).count_params()


def test_article_preset_is_the_articles_model_exactly():
    config = PRESETS["As in the article"]
    model = build_model(config)
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Dense", "Dense", "Dense"]
    dense = _layers(model, "Dense")
    assert [layer.units for layer in dense] == [256, 128, 10]
    assert [layer.activation.__name__ for layer in dense] == ["sigmoid", "sigmoid", "softmax"]
    assert all(layer.kernel_regularizer is None for layer in dense)
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)
    assert model.loss == "sparse_categorical_crossentropy"
    assert (config.batch_size, config.validation_split, config.epochs) == (2000, 0.2, 10)
    assert config.train_samples == 60_000  # every MNIST training digit (the slider caps it to those loaded)
    assert not config.early_stopping


def test_defaults_are_the_better_setting_not_the_articles():
    config = MLPConfig()
    assert config == PRESETS["Better defaults"]
    assert config.activations == ("relu", "relu") and config.dropout_rate > 0
    assert config.batch_size < PRESETS["As in the article"].batch_size
    assert {"As in the article", "Fast demo", "Best accuracy"} <= set(PRESETS)


def test_config_round_trips_through_the_query_string():
    config = MLPConfig(hidden_units=(512, 64, 8), activations=("tanh", "elu", "relu"), dropout_rate=0.25,
                       l2=1e-4, early_stopping=True, patience=2)
    query = config.to_query()
    assert query["hidden_units"] == "512,64,8" and query["activations"] == "tanh,elu,relu"
    assert MLPConfig.from_query(query) == (config, [])


def test_impossible_settings_are_refused():
    with pytest.raises(ValueError, match="one entry per layer"):
        MLPConfig(hidden_units=(64, 32), activations=("relu",))
    with pytest.raises(ValueError, match="validation share"):
        MLPConfig(early_stopping=True, validation_split=0.0)
    with pytest.raises(ValueError):
        MLPConfig(hidden_units=(8, 8, 8, 8, 8), activations=("relu",) * 5)  # at most 4 layers
    config, warnings = MLPConfig.from_query({"early_stopping": "true", "validation_split": "0"})
    assert config == MLPConfig() and warnings


def scripted_model(true_probability):
    """A real Keras model giving every digit ``true_probability`` of being a 0.

    Flatten -> Dense(10, softmax) with a zero kernel: its bias alone sets the output, so
    ``set_epoch`` can script what each epoch's weights say.
    """
    import keras

    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    set_epoch(model, true_probability)
    return model


def set_epoch(model, true_probability):
    probabilities = np.full(10, (1 - true_probability) / 9)
    probabilities[0] = true_probability
    model.layers[-1].set_weights([np.zeros((784, 10), np.float32), np.log(probabilities).astype(np.float32)])


def true_probability(model):
    bias = model.layers[-1].get_weights()[1]
    return float(np.exp(bias[0]) / np.exp(bias).sum())


ZEROS = (np.zeros((4, 28, 28), np.float32), np.zeros(4, int))  # four validation digits, all labelled 0


def test_validation_loss_is_mean_negative_log_of_the_true_probability():
    assert validation_loss(scripted_model(0.5), *ZEROS) == pytest.approx(-np.log(0.5), rel=1e-5)


class ScriptedJob:
    """What ``EarlyStopping`` reads of a job: its model, its validation digits, its plan."""

    def __init__(self, model, epochs):
        self.model, self.epochs, self.first_epoch = model, epochs, 0
        self.data = TrainingData(*ZEROS, *ZEROS)
        model.stop_training = False

    def end_after_epoch(self):
        self.model.stop_training = True


def test_early_stopping_waits_patience_epochs_then_restores_the_best():
    script = [0.3, 0.6, 0.5, 0.4, 0.9]  # best at the second epoch, then worse
    model = scripted_model(script[0])
    job = ScriptedJob(model, epochs=5)
    stopper = EarlyStopping(patience=2)
    stopper.on_start(job)
    for epoch, probability in enumerate(script):
        set_epoch(model, probability)
        extra = stopper.on_epoch_end(job, epoch, {})
        if model.stop_training:
            break
    assert epoch == 3 and extra["stopped_early"] and extra["best_epoch"] == 2  # counted from 1
    assert true_probability(model) == pytest.approx(0.6, rel=1e-5)  # the best epoch's weights are back


def test_early_stopping_restores_the_best_after_the_last_epoch_without_stopping():
    script = [0.3, 0.8, 0.7]
    model = scripted_model(script[0])
    job = ScriptedJob(model, epochs=3)
    stopper = EarlyStopping(patience=5)
    for epoch, probability in enumerate(script):
        set_epoch(model, probability)
        extra = stopper.on_epoch_end(job, epoch, {})
    assert not model.stop_training and not extra["stopped_early"]
    assert true_probability(model) == pytest.approx(0.8, rel=1e-5)


def test_early_stopping_needs_validation_digits():
    job = ScriptedJob(scripted_model(0.5), epochs=3)
    job.data = TrainingData(*ZEROS, np.zeros((0, 28, 28), np.float32), np.zeros(0, int))
    with pytest.raises(ValueError):
        EarlyStopping(patience=2).on_start(job)
    with pytest.raises(ValueError):
        EarlyStopping(patience=0)


def test_setting_stop_training_after_an_epoch_ends_the_one_loop_there(mnist):
    """The mechanism early stopping uses: no batch is trained after the epoch that asked."""
    config = MLPConfig(hidden_units=(16,), activations=("relu",), train_samples=300, epochs=5, batch_size=50)
    job = mlp_job(config, mnist)

    class StopAfterSecond(Callback):
        def on_epoch_end(self, job, epoch, logs):
            if epoch == 1:
                job.end_after_epoch()
            return {"epoch": epoch}

    job.callbacks.append(StopAfterSecond())
    job.slots = TrainingSlots(1)
    job.start()
    assert job.wait(60)
    snapshot = job.snapshot()
    assert snapshot.status == "finished" and snapshot.epoch == 2
    assert len(snapshot.history["loss"]) == 2 and "test_accuracy" in snapshot.results


def test_mlp_job_with_early_stopping_ends_with_the_best_weights(mnist):
    config = MLPConfig(hidden_units=(16,), activations=("relu",), train_samples=400, epochs=3, batch_size=50,
                       early_stopping=True, patience=1)
    job = mlp_job(config, mnist)
    [stopper] = job.callbacks
    assert isinstance(stopper, EarlyStopping)
    job.slots = TrainingSlots(1)
    job.start()
    assert job.wait(60)
    for kept, best in zip(job.model.get_weights(), stopper.best_weights):
        np.testing.assert_array_equal(kept, best)
    assert job.snapshot().extras[-1]["best_epoch"] == stopper.best_epoch + 1
    assert mlp_job(config.changed(early_stopping=False), mnist).callbacks == []


def test_plain_training_job_still_accepts_an_mlp(mnist):
    """The MLP trains through the shared job like any digit model."""
    from nn_core.digits.job import split_training

    config = MLPConfig(hidden_units=(8,), activations=("sigmoid",), train_samples=200, epochs=1)
    x_train, y_train, _, _ = split_training(mnist, config)
    job = TrainingJob(TrainingData(x_train, y_train), 1, 32, build=lambda: build_model(config),
                      slots=TrainingSlots(1)).start()
    assert job.wait(60) and job.snapshot().status == "finished"


def test_the_default_setting_reaches_95_percent_on_the_bundled_digits(mnist):
    """The page's promise: the defaults learn far more than the article's setting, in seconds."""
    job = mlp_job(MLPConfig(), mnist)
    job.slots = TrainingSlots(1)
    job.start()
    assert job.wait(180)
    snapshot = job.snapshot()
    assert snapshot.status == "finished" and snapshot.epoch == MLPConfig().epochs
    assert snapshot.results["test_accuracy"] >= 0.95, snapshot.results

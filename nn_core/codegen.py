"""The code behind every click: a standalone Keras script for the current settings.

The script needs only TensorFlow and NumPy. Its layers are read from the network the
config actually builds (each layer's non-default arguments), so the script and the app
cannot drift apart. For the digit models it loads MNIST, holds back the same share for
validation, builds, compiles, fits and evaluates; ``nn_core.text_codegen`` does the same
for the text generator.
"""

from __future__ import annotations

import inspect
from typing import Any

from nn_core.config import TrainingConfig
from nn_core.data import SPLIT_SEED, TEST_FRACTION

OPTIMIZER_CODE = {
    "adam": "keras.optimizers.Adam(learning_rate={lr})",
    "sgd": "keras.optimizers.SGD(learning_rate={lr}, momentum=0.9)",
    "rmsprop": "keras.optimizers.RMSprop(learning_rate={lr})",
}
# Values Keras fills in for arguments left at their default (None).
IMPLIED_ARGUMENTS = {("data_format", "channels_last"), ("activation", "linear")}
# Arguments that say nothing a reader needs (names, dtypes, bookkeeping).
SKIPPED_ARGUMENTS = {"name", "dtype", "trainable", "batch_input_shape", "batch_shape", "input_shape"}


def optimizer_code(config: TrainingConfig) -> str:
    """The Python expression that makes the config's optimizer."""
    return OPTIMIZER_CODE[config.optimizer].format(lr=repr(config.learning_rate))


def _value_code(value: Any) -> str | None:
    """Python source for a layer argument, or None when it cannot be written simply."""
    if isinstance(value, dict) and value.get("class_name") in {"L2", "L1", "L1L2"}:
        arguments = ", ".join(f"{name}={number!r}" for name, number in value["config"].items() if number)
        return f"keras.regularizers.{value['class_name']}({arguments})"
    if isinstance(value, (list, tuple)):
        value = tuple(value)
    if value is None or isinstance(value, (bool, int, float, str, tuple)):
        return repr(value)
    return None


def layer_code(layer: Any) -> str:
    """``keras.layers.Name(arg=value, ...)`` with the layer's non-default arguments."""
    parameters = inspect.signature(type(layer).__init__).parameters
    config = layer.get_config()
    arguments = []
    for name in parameters:  # in the constructor's order: units before its options
        if name in SKIPPED_ARGUMENTS or name not in config:
            continue
        value = config[name]
        default = parameters[name].default
        if isinstance(value, list):
            value = tuple(value)
        if default is not inspect.Parameter.empty and value == default:
            continue
        if isinstance(value, str) and (name, value) in IMPLIED_ARGUMENTS:
            continue
        if isinstance(value, dict) and value.get("module", "").startswith("keras.initializers"):
            continue  # initial weights come from the seed set at the top of the script
        code = _value_code(value)
        if code is not None:
            arguments.append(f"{name}={code}")
    return f"keras.layers.{type(layer).__name__}({', '.join(arguments)})"


def model_code(model: Any) -> str:
    """``keras.Sequential([...])`` source for a built Sequential model."""
    lines = [f"keras.Input(shape={tuple(model.input_shape[1:])!r})"]
    lines += [layer_code(layer) for layer in model.layers]
    body = ",\n".join(f"    {line}" for line in lines)
    return f"keras.Sequential([\n{body}\n])"


DIGIT_SCRIPT = '''\
"""{title}: the neural-network playground's settings as a plain Keras script.

Run it with only TensorFlow and NumPy installed: python {filename}
It trains on the full MNIST when Keras can download it; offline, set MNIST_NPZ to the
playground's bundled file (nn_core/assets/mnist_10k.npz) to use those 10,000 digits,
split as the playground splits them.
"""

import os

import numpy as np
import keras

SEED = {seed}
keras.utils.set_random_seed(SEED)  # the same initial weights and digit order every run


def load_digits():
    """(x_train, y_train), (x_test, y_test) as uint8 28x28 images and labels."""
    bundled = os.environ.get("MNIST_NPZ")
    if not bundled:
        return keras.datasets.mnist.load_data()
    with np.load(bundled) as archive:
        x, y = archive["x"], archive["y"]
    # The playground's split: {test_percent}% of each digit for testing, seeded.
    rng = np.random.default_rng({split_seed})
    train, test = [], []
    for label in np.unique(y):
        indices = rng.permutation(np.flatnonzero(y == label))
        n_test = int(round(len(indices) * {test_fraction}))
        test.append(indices[:n_test])
        train.append(indices[n_test:])
    train, test = rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))
    return (x[train], y[train]), (x[test], y[test])


(x_train, y_train), (x_test, y_test) = load_digits()

# A seeded subset of {train_samples} training digits; the first {validation_percent}% of it held back for validation.
order = np.random.default_rng(SEED).permutation(len(x_train))[:{train_samples}]
x_train, y_train = x_train[order], y_train[order]
n_validation = int(round(len(x_train) * {validation_split}))
x_val, y_val = x_train[:n_validation], y_train[:n_validation]
x_train, y_train = x_train[n_validation:], y_train[n_validation:]


def prepare(images):
    """Pixels to [0, 1], shaped as the network takes them: {input_shape}."""
    return (images.astype("float32") / 255.0).reshape((-1,) + {input_shape})


model = {model}
model.compile(
    optimizer={optimizer},
    loss="{loss}",
    metrics=["accuracy"],
)
model.summary()

history = model.fit(
    prepare(x_train),
    y_train,
    epochs={epochs},
    batch_size={batch_size},
    validation_data=(prepare(x_val), y_val) if len(x_val) else None,{callbacks}
)
loss, accuracy = model.evaluate(prepare(x_test), y_test, verbose=0)
print(f"Accuracy on the {{len(x_test)}} test digits: {{accuracy:.1%}}")
'''


def digit_script(config: TrainingConfig, title: str) -> str:
    """A standalone script that trains the config's digit model as the app does.

    Args:
        config: a digit model's config (perceptron, MLP, CNN).
        title: a few words naming the lesson, for the script's docstring.

    Returns:
        Python source.
    """
    model = config.build()  # type: ignore[attr-defined]
    filename = f"{type(config).__name__.replace('Config', '').lower()}_playground.py"
    return DIGIT_SCRIPT.format(
        title=title, filename=filename, seed=config.seed, split_seed=SPLIT_SEED,
        test_fraction=TEST_FRACTION, test_percent=round(TEST_FRACTION * 100),
        train_samples=config.train_samples, validation_split=config.validation_split,
        validation_percent=round(config.validation_split * 100),
        input_shape=repr(tuple(config.input_shape)),  # type: ignore[attr-defined]
        model=model_code(model),
        optimizer=optimizer_code(config), loss=config.loss,
        epochs=config.epochs, batch_size=config.batch_size, callbacks=_callbacks_code(config),
    )


def _callbacks_code(config: TrainingConfig) -> str:
    """The ``callbacks=[...]`` argument for settings that need one (early stopping)."""
    if not getattr(config, "early_stopping", False):
        return ""
    return ("\n    # Stop when the validation loss has not improved for a while; keep the best weights."
            "\n    callbacks=[keras.callbacks.EarlyStopping(monitor=\"val_loss\", "
            f"patience={config.patience}, restore_best_weights=True)],")

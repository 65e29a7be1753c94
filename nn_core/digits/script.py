"""A digit model's settings as a standalone Keras script: the code behind every click.

The script needs only TensorFlow and NumPy. It loads MNIST, picks the same seeded subset
and holds back the same share for validation as the app, builds the network the config
builds (read from it by ``nn_core.codegen.model_code``), compiles, fits and evaluates.
"""

from __future__ import annotations

from functools import lru_cache

from nn_core.codegen import compile_code, model_code
from nn_core.config import TrainingConfig
from nn_core.digits.data import SPLIT_SEED, TEST_FRACTION
from nn_core.training import steering_comment

DIGIT_SCRIPT = '''\
"""{title}: the neural-network playground's settings as a plain Keras script.

Run it with only TensorFlow and NumPy installed: python {filename}
It trains on the full MNIST when Keras can download it; offline, set MNIST_NPZ to the
playground's bundled file (nn_core/digits/mnist_10k.npz) to use those 10,000 digits,
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
{compile}

{steering}history = model.fit(
    prepare(x_train),
    y_train,
    epochs={epochs},
    batch_size={batch_size},
    validation_data=(prepare(x_val), y_val) if len(x_val) else None,{callbacks}
)
loss, accuracy = model.evaluate(prepare(x_test), y_test, verbose=0)
print(f"Accuracy on the {{len(x_test)}} test digits: {{accuracy:.1%}}")
'''


@lru_cache(maxsize=64)
def digit_script(config: TrainingConfig, title: str, changes: tuple[tuple[float, str], ...] = ()) -> str:
    """A standalone script that trains the config's digit model as the app does.

    Args:
        config: a digit model's config (perceptron, MLP, CNN).
        title: a few words naming the lesson, for the script's docstring.
        changes: what was changed by hand while the page's run of these settings trained
            ((epoch progress, label) events), written as comments before the training.

    Returns:
        Python source (worked out once per setting: it builds the network to read it).
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
        compile=compile_code(config),
        epochs=config.epochs, batch_size=config.batch_size, callbacks=_callbacks_code(config),
        steering=steering_comment(changes),
    )


def _callbacks_code(config: TrainingConfig) -> str:
    """The ``callbacks=[...]`` argument for settings that need one (early stopping)."""
    if not getattr(config, "early_stopping", False):
        return ""
    return ("\n    # Stop when the validation loss has not improved for a while; keep the best weights."
            "\n    callbacks=[keras.callbacks.EarlyStopping(monitor=\"val_loss\", "
            f"patience={config.patience}, restore_best_weights=True)],")

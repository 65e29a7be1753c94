"""The one training loop: ``model.fit`` with hooks, a seeded order of samples, and divergence caught.

``fit`` knows nothing of who calls it: it calls back after every batch and every complete
epoch (a callback may hold the thread between two batches: that is how a training pauses),
stops after the current batch when asked (keeping the weights learned so far), may be
made longer while it runs, counts only complete epochs, orders the samples of each epoch
by the run's own seed (``seeded_batches``), and raises ``Diverged`` when the loss blows up.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras

EpochHook = Callable[[int, dict[str, float]], None]
BatchHook = Callable[[int, dict[str, float]], None]
# A cross-entropy starts near ln(classes), about 2.3 for ten digits, and Keras clips it
# below about 16 a sample, so a blown-up network shows as a loss that climbs far above
# where it started rather than as infinity. The training has diverged when the loss is not
# a number, passes DIVERGED_LOSS, or when the running loss of an epoch, over at least
# DIVERGENCE_BATCHES batches (a few lone batches of one sample can be unlucky), passes
# DIVERGENCE_FACTOR times where it started (and that plus DIVERGENCE_MARGIN). Where it
# started is ln(classes) for a cross-entropy, the first running loss otherwise.
DIVERGED_LOSS = 100.0
DIVERGENCE_FACTOR = 2.5
DIVERGENCE_MARGIN = 2.0
DIVERGENCE_BATCHES = 20
UNBOUNDED_EPOCHS = 1_000_000  # what ``model.fit`` is told when the planned epochs may still grow


def starting_loss(model: Any) -> float | None:
    """The loss an untrained classifier starts near (ln of its classes), or None when it is not one."""
    loss = getattr(model, "loss", None)
    name = loss if isinstance(loss, str) else type(loss).__name__
    if "crossentropy" not in str(name).lower().replace("_", ""):
        return None
    classes = int(model.output_shape[-1])
    return math.log(max(classes, 2))


class Diverged(Exception):
    """The loss became NaN, infinite or absurdly large: the learning rate is too large."""


def seeded_batches(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int, first_epoch: int = 0) -> Any:
    """An endless ``tf.data`` stream of batches, each epoch in an order fixed by (seed, epoch).

    The shuffle is stateless: it depends on nothing but the seed and the epoch's number,
    so runs training side by side in one process cannot disturb each other's order (a
    shuffle seeded from TensorFlow's global state could). Each epoch ends with its own
    smaller last batch, as ``model.fit`` does with arrays.

    Args:
        x: (n, ...) inputs.
        y: (n, ...) targets.
        batch_size: samples per batch.
        seed: the run's seed.
        first_epoch: the number of the first epoch (a continued run goes on from there).

    Returns:
        A dataset of (x, y) batches; ``fit`` reads ``ceil(n / batch_size)`` batches an epoch.
    """
    import tensorflow as tf

    count = len(x)
    inputs, targets = tf.constant(x), tf.constant(y)
    seed_tensor = tf.constant(int(seed), tf.int64)

    def epoch_batches(epoch: Any) -> Any:
        order = tf.random.experimental.stateless_shuffle(tf.range(count, dtype=tf.int64),
                                                          seed=tf.stack([seed_tensor, epoch]))
        return tf.data.Dataset.from_tensor_slices(order).batch(batch_size)

    batches = tf.data.Dataset.range(first_epoch, 2**31).flat_map(epoch_batches)  # batches of indices
    return batches.map(lambda index: (tf.gather(inputs, index), tf.gather(targets, index))).prefetch(2)


def _plain_updates(optimizer: Any) -> None:
    """Let ``optimizer`` update each weight directly instead of through ``tf.distribute``.

    Keras' optimizers on TensorFlow apply their updates through the default distribution
    strategy (``maybe_merge_call`` and ``extended.update``). Traced inside the train step,
    that path keeps every trained model's weights and optimizer state alive in
    TensorFlow's runtime after the model itself is gone: measured here, each training of a
    256-128 MLP left about 10 MB behind, and memory grew for as long as students trained.
    With one device there is nothing to distribute, so the same ``update_step`` is called
    for each weight directly; the arithmetic is the same and nothing stays behind.
    ``tests/unit/test_memory.py`` fails if a Keras release brings the leak back.
    """
    import keras

    if keras.backend.backend() != "tensorflow" or not hasattr(optimizer, "_backend_update_step"):
        return

    def update(grads: Any, trainable_variables: Any, learning_rate: Any) -> None:
        for grad, variable in zip(grads, trainable_variables):
            optimizer.update_step(grad, variable, learning_rate)

    optimizer._backend_update_step = update


def fit(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int | Callable[[], int],
    batch_size: int,
    seed: int | None = None,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    on_epoch_end: EpochHook | None = None,
    on_batch_end: BatchHook | None = None,
    should_stop: Callable[[], bool] | None = None,
    initial_epoch: int = 0,
) -> dict[str, list[float]]:
    """Train ``model`` with ``model.fit``, calling back after every batch and every complete epoch.

    Args:
        model: a compiled Keras model.
        x: training inputs, already shaped for the model.
        y: training targets.
        epochs: index of the last epoch to run (as in ``model.fit``), or a function that gives it,
            asked after every complete epoch, so that a training can be made longer while it runs.
        batch_size: samples per weight update.
        seed: orders the samples of each epoch (``seeded_batches``); None lets Keras shuffle.
        validation_data: (x_val, y_val), evaluated after every epoch, or None.
        on_epoch_end: called with (epoch, logs) after each complete epoch; logs are floats.
        on_batch_end: called with (batch, logs) after each batch; logs are running
            averages over the epoch so far.
        should_stop: checked after each batch; True stops training there. The epoch it
            interrupts does not count: ``on_epoch_end`` is not called for it.
        initial_epoch: the epoch to start from, to continue an earlier run.

    Returns:
        The history: metric name -> one value per complete epoch.

    Raises:
        Diverged: the training loss became NaN or infinite, or climbed far above where it started
            (the weights are those of the batch where it happened; callers that care keep their own copy).
    """
    import keras

    steps = max(1, math.ceil(len(x) / max(1, batch_size)))
    reference = starting_loss(model)

    class Hooks(keras.callbacks.Callback):
        diverged = False
        batches = 0  # done in the current epoch
        first_loss: float | None = None
        history: dict[str, list[float]] = {}

        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self.batches = 0

        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            logs = logs or {}
            self.batches = batch + 1
            loss = float(logs.get("loss", 0.0))
            if self.first_loss is None and math.isfinite(loss):
                self.first_loss = loss
            start = reference if reference is not None else (self.first_loss if self.first_loss is not None else loss)
            limit = max(DIVERGENCE_FACTOR * start, start + DIVERGENCE_MARGIN)
            settled = self.batches >= min(DIVERGENCE_BATCHES, steps)
            if not math.isfinite(loss) or loss > DIVERGED_LOSS or (settled and loss > limit):
                self.diverged = True
                self.model.stop_training = True
                return
            if on_batch_end is not None:
                on_batch_end(batch, logs)
            if should_stop is not None and should_stop():
                self.model.stop_training = True

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if self.diverged or self.batches < steps:
                return  # an epoch cut short is not an epoch
            values = {name: float(value) for name, value in (logs or {}).items()}
            for name, value in values.items():
                self.history.setdefault(name, []).append(value)
            if on_epoch_end is not None:
                on_epoch_end(epoch, values)
            if callable(epochs) and epoch + 1 >= epochs():
                self.model.stop_training = True  # the planned end, as it stands now

    hooks = Hooks()
    hooks.history = {}
    _plain_updates(model.optimizer)
    if seed is None:
        arguments: dict[str, Any] = {"x": x, "y": y, "batch_size": batch_size}
    else:
        arguments = {"x": seeded_batches(x, y, batch_size, seed, initial_epoch), "steps_per_epoch": steps,
                     "shuffle": False}
    # A training that may grow is given room to (the hooks end it at the planned epoch); the
    # seeded stream of batches is endless anyway.
    model.fit(
        **arguments,
        epochs=epochs if not callable(epochs) else initial_epoch + UNBOUNDED_EPOCHS,
        initial_epoch=initial_epoch,
        validation_data=validation_data,
        callbacks=[hooks],
        verbose=0,
    )
    if hooks.diverged:
        raise Diverged("the loss became NaN, infinite or absurdly large")
    return hooks.history

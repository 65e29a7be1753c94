"""How long a training will take, and how much memory it needs, said before Train is pressed.

A training's time is mostly its weight updates: each costs a fixed overhead, a pass over
every weight (the gradient and the optimizer's update of each one), and the arithmetic
of the batch (multiply-adds of every sample, forwards and backwards). ``Workload`` counts
those for a setting; ``TrainingClock`` turns them into seconds with per-unit costs
measured on the development machine (2 cores, ``COSTS``), then corrects itself from the
trainings the server actually runs, one correction per lesson, so a faster or a busier
server soon estimates its own speed.

A training's memory is mostly what the forward pass keeps for the backward pass: every
layer's output for every sample of a batch (a recurrent layer's at every step, gates
included), so it grows with the batch. ``check_memory`` refuses a training whose estimate
is above ``PLAYGROUND_MAX_TRAINING_MB``: one student's CNN of 256 filters in batches of
4,096, all on the sidebar's menus, took 9.5 GB, and two of them would take a classroom
server down.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nn_core import limits
from nn_core.config import TrainingConfig
from nn_core.errors import LimitError
from nn_core.training import Callback, Status, TrainingJob


@dataclass(frozen=True)
class Costs:
    """Seconds per unit of work (fitted on 10 trainings of all three digit networks, 2 cores)."""

    start: float = 0.6  # building the model and tracing its training step
    per_update: float = 4.8e-4  # Keras' own overhead for one batch
    per_weight_update: float = 2.8e-9  # one weight's gradient and optimizer update, once per batch
    per_multiply_add: float = 4.8e-11  # one multiply-add of one sample, forward and backward together


COSTS = Costs()
BYTES_PER_VALUE = 6
"""Memory per value a layer keeps for the backward pass, per sample of a batch: a float32 and
TensorFlow's temporaries (measured: 4.6 bytes a value for a CNN of 256 filters, 5.5 for an LSTM)."""
BYTES_PER_WEIGHT = 16
"""A weight, its gradient and two optimizer slots (Adam's moments), in float32."""
KEPT_PER_STEP = {"SimpleRNN": 3, "LSTM": 6, "GRU": 5}
"""Values a recurrent layer keeps per unit and step of the sequence (its state and its gates)."""
LEARNING_RATE = 0.3  # how far one finished training moves a lesson's correction
CORRECTION_LIMITS = (0.2, 5.0)


@dataclass(frozen=True)
class Workload:
    """The work in one training.

    Attributes:
        updates: weight updates (batches, all epochs).
        samples: samples trained on (all epochs).
        validation_samples: samples evaluated after the epochs (all epochs).
        weights: trainable weights.
        multiply_adds: multiply-adds for one sample going forwards.
        values: values the forward pass keeps for one sample (see ``network_size``).
        batch_size: samples per update.
    """

    updates: int
    samples: int
    validation_samples: int
    weights: int
    multiply_adds: int
    values: int = 0
    batch_size: int = 1

    @property
    def memory_bytes(self) -> int:
        """Memory the training needs: a batch's kept values and the weights with their gradients and slots."""
        return memory_bytes(self.weights, self.values, self.batch_size)


def network_size(model: Any) -> tuple[int, int, int]:
    """(trainable weights, multiply-adds per sample, values kept per sample) of a built Keras model.

    Dense and convolution layers cost a multiply-add per weight per output position;
    recurrent layers per weight per step of the sequence; the rest costs little. The
    forward pass keeps every layer's output (its input too) for the backward pass; a
    recurrent layer keeps its state and gates at every step (``KEPT_PER_STEP``).
    """
    macs, values = 0, int(math.prod(model.input_shape[1:]))
    for layer in model.layers:
        kind = type(layer).__name__
        weights = sum(int(math.prod(weight.shape)) for weight in layer.trainable_weights)
        if kind == "Conv2D":
            macs += weights * int(layer.output.shape[1]) * int(layer.output.shape[2])  # per output position
        elif kind in KEPT_PER_STEP:
            macs += weights * int(layer.input.shape[1])  # per step of the sequence
        elif kind == "Dense":
            macs += weights
        if kind in KEPT_PER_STEP:
            values += int(layer.input.shape[1]) * int(layer.units) * KEPT_PER_STEP[kind]
        elif kind != "InputLayer":
            values += int(math.prod(layer.output.shape[1:]))
    return int(model.count_params()), macs, values


def memory_bytes(weights: int, values: int, batch_size: int) -> int:
    """Memory one training needs (see the module's docstring)."""
    return batch_size * values * BYTES_PER_VALUE + weights * BYTES_PER_WEIGHT


def memory_problem(work: Workload) -> str | None:
    """What is wrong with a training's memory, in a sentence, or None when it fits this server's limit."""
    limit = limits.max_training_bytes()
    if work.memory_bytes <= limit:
        return None
    fits = (limit - work.weights * BYTES_PER_WEIGHT) // max(1, work.values * BYTES_PER_VALUE)
    advice = f"use batches of at most {fits:,}, or a smaller network" if fits >= 1 else "use a smaller network"
    return (f"this training would need about {work.memory_bytes / 1e9:,.1f} GB of memory (batches of "
            f"{work.batch_size:,}), and this server gives one training at most {limit / 1e9:,.1f} GB: {advice}")


def check_memory(work: Workload) -> None:
    """Raise ``LimitError`` when a training needs more memory than this server gives one."""
    problem = memory_problem(work)
    if problem is not None:
        raise LimitError(problem)


def check_training_memory(config: Any, samples: int, *build_args: Any, model: Any = None) -> None:
    """``check_memory`` for training ``model`` (or else the network ``config`` builds) in the config's batches.

    Args:
        config: the settings.
        samples: training samples: a batch larger than them holds only them.
        *build_args: what ``config.build`` needs besides itself.
        model: the model to train further, if any.

    Raises:
        LimitError: with a plain sentence that says what would fit.
    """
    weights, _, values = network_size(model) if model is not None else config_size(config, *build_args)
    check_memory(Workload(0, 0, 0, weights, 0, values, batch_held(config, samples)))


def batch_held(config: Any, samples: int) -> int:
    """Samples one batch holds: the config's batch size, or all the samples when they are fewer."""
    return max(1, min(config.batch_size, samples))


def config_size(config: Any, *build_args: Any) -> tuple[int, int, int]:
    """``network_size`` of the network a config builds (built once per network, then remembered).

    Settings of the training alone (seed, epochs, batch size, learning rate...) are set to
    their defaults first, so another seed or batch size builds no other network: each build
    leaves a little of Keras' state behind.
    """
    defaults = type(config)()
    same_network = dataclasses.replace(config, **{item.name: getattr(defaults, item.name)
                                                  for item in dataclasses.fields(TrainingConfig)})
    return _network_size(same_network, *build_args)


@lru_cache(maxsize=256)
def _network_size(config: Any, *build_args: Any) -> tuple[int, int, int]:
    return network_size(config.build(*build_args))


def workload(config: Any, samples: int, validation_samples: int, *build_args: Any) -> Workload:
    """The work of training a config's network on ``samples`` samples for its epochs, in its batches.

    Args:
        config: the settings (``epochs``, ``batch_size`` and the network ``build`` makes).
        samples: training samples.
        validation_samples: samples evaluated after each epoch.
        *build_args: what ``config.build`` needs besides itself (a text model's vocabulary size).
    """
    weights, macs, values = config_size(config, *build_args)
    updates = math.ceil(samples / max(1, config.batch_size)) * config.epochs
    return Workload(updates, samples * config.epochs, validation_samples * config.epochs, weights, macs, values,
                    batch_held(config, samples))


class TrainingClock:
    """Estimates of training times, corrected by the trainings this server finishes.

    Args:
        costs: the starting costs per unit of work.
    """

    def __init__(self, costs: Costs = COSTS) -> None:
        self.costs = costs
        self._corrections: dict[str, float] = {}
        self._lock = threading.Lock()

    def _raw(self, work: Workload) -> float:
        costs = self.costs
        per_update = costs.per_update + work.weights * costs.per_weight_update
        arithmetic = (work.samples + work.validation_samples / 3) * work.multiply_adds * costs.per_multiply_add
        return costs.start + work.updates * per_update + arithmetic

    def estimate(self, work: Workload, lesson: str = "") -> float:
        """Seconds the training should take here, alone on the server."""
        with self._lock:
            correction = self._corrections.get(lesson, 1.0)
        return self._raw(work) * correction

    def learn(self, work: Workload, seconds: float, lesson: str = "") -> None:
        """Correct the lesson's estimates with a training that ran to its end in ``seconds``."""
        raw = self._raw(work)
        if raw <= 0 or not math.isfinite(seconds) or seconds <= 0:
            return
        low, high = CORRECTION_LIMITS
        with self._lock:
            old = self._corrections.get(lesson, 1.0)
            new = math.exp((1 - LEARNING_RATE) * math.log(old) + LEARNING_RATE * math.log(seconds / raw))
            self._corrections[lesson] = min(high, max(low, new))

    def listener(self, work: Workload, lesson: str) -> Callback:
        """A training callback that teaches this clock how long the training really took."""
        return _Learn(self, work, lesson)


class _Learn(Callback):
    def __init__(self, clock: TrainingClock, work: Workload, lesson: str) -> None:
        self.clock, self.work, self.lesson = clock, work, lesson

    def on_end(self, job: TrainingJob) -> None:
        snapshot = job.snapshot()
        if snapshot.status == Status.FINISHED and snapshot.epoch == job.epochs:  # stopped runs say nothing
            self.clock.learn(self.work, snapshot.elapsed, self.lesson)

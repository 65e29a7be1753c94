"""How a digit model's hidden units behave on held-back digits: dead ReLUs and saturated squashers.

A ReLU unit whose input is negative for every digit outputs 0 for every digit, gets no
gradient, and never learns again: it is dead. A sigmoid (or tanh) unit pushed far into
its flat ends outputs nearly 0 or 1 whatever the digit, and its gradient vanishes: it is
saturated. Both are measured the way ``nn_core.digits.analysis.hidden_activations`` looks
inside a model: the digits go through the layers one by one with direct calls
(``training=False``), and every hidden layer with such an activation is read, Dense
layers and the CNN's activation layers alike (a convolution's unit is one filter, read
over every position).
"""

from __future__ import annotations

from typing import Any

import numpy as np

SATURATED_SIGMOID = 0.02  # a sigmoid output within this of 0 or 1 is in its flat end
SATURATED_TANH = 0.04  # a tanh output within this of -1 or 1 is in its flat end
SATURATED_SHARE = 0.95  # a unit saturated on at least this share of the digits counts as saturated
MOST_DIGITS = 256  # the digits looked at: enough to find a unit that ever fires, and quick after every epoch


def _activation_name(layer: Any) -> str:
    return str(getattr(getattr(layer, "activation", None), "__name__", ""))


def unit_activity(model: Any, x: np.ndarray) -> dict[str, float]:
    """The hidden units of ``model`` that never fire (ReLU) or are stuck at their ends (sigmoid, tanh).

    Args:
        model: a ``keras.Sequential`` digit model.
        x: (n, ...) digits shaped as the model takes them (at most ``MOST_DIGITS`` are used).

    Returns:
        {"relu_units", "dead_relu_units", "dead_relu_share", "squashing_units", "saturated_units",
        "saturated_share"}: counts over every hidden layer, and shares (0 when there are no such units).
    """
    x = np.asarray(x[:MOST_DIGITS], dtype=np.float32)
    counts = {"relu_units": 0, "dead_relu_units": 0, "squashing_units": 0, "saturated_units": 0}
    hidden = {id(layer) for layer in model.layers[:-1]}  # the output layer's units are the answers, not hidden
    for layer in model.layers:
        x = layer(x, training=False)
        name = _activation_name(layer)
        if id(layer) not in hidden or name not in ("relu", "sigmoid", "tanh"):
            continue
        values = np.asarray(x).reshape(-1, np.asarray(x).shape[-1])  # (digits x positions, units)
        if name == "relu":
            counts["relu_units"] += values.shape[1]
            counts["dead_relu_units"] += int(np.sum(values.max(axis=0) <= 0.0))
        else:
            low, high, margin = (0.0, 1.0, SATURATED_SIGMOID) if name == "sigmoid" else (-1.0, 1.0, SATURATED_TANH)
            stuck = (values < low + margin) | (values > high - margin)
            counts["squashing_units"] += values.shape[1]
            counts["saturated_units"] += int(np.sum(stuck.mean(axis=0) >= SATURATED_SHARE))
    return {
        **{name: float(count) for name, count in counts.items()},
        "dead_relu_share": counts["dead_relu_units"] / counts["relu_units"] if counts["relu_units"] else 0.0,
        "saturated_share": (counts["saturated_units"] / counts["squashing_units"]
                            if counts["squashing_units"] else 0.0),
    }

"""A single perceptron learning the logic gates AND, OR, NOR and XOR.

The seed lesson's point: one layer draws one straight line through the plane of its two
inputs, so it learns any gate whose ones and zeros a line can separate (AND, OR, NOR) and
never XOR, whose ones sit on a diagonal. The neuron here is the same as a Keras
``Dense(1, activation="sigmoid")`` trained with gradient descent on the cross-entropy; it
is written out in NumPy because four points need no framework and train in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)  # (4, 2)
UNDECIDED = 0.005  # an output this close to 0.5 shows as 0.50: the neuron says neither 0 nor 1
GATES = {
    "AND": np.array([0, 0, 0, 1.0]),
    "OR": np.array([0, 1, 1, 1.0]),
    "NOR": np.array([1, 0, 0, 0.0]),
    "XOR": np.array([0, 1, 1, 0.0]),
}


@dataclass(frozen=True)
class GateResult:
    """A trained gate neuron.

    Attributes:
        gate: the gate's name.
        weights: (2,) input weights.
        bias: the bias.
        outputs: (4,) the neuron's outputs on the four inputs, in [0, 1].
        predictions: (4,) outputs rounded to 0 or 1, or -1 where the output is 0.50 (undecided).
        correct: how many of the four rows it gets right (an undecided row is not right).
    """

    gate: str
    weights: np.ndarray
    bias: float
    outputs: np.ndarray
    predictions: np.ndarray
    correct: int

    def output_grid(self, extent: tuple[float, float] = (-0.5, 1.5), size: int = 60) -> np.ndarray:
        """(size, size) outputs over the plane, rows along x2 and columns along x1."""
        axis = np.linspace(extent[0], extent[1], size)
        x1, x2 = np.meshgrid(axis, axis)
        return _sigmoid(self.weights[0] * x1 + self.weights[1] * x2 + self.bias)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def train_gate(gate: str, epochs: int = 2000, learning_rate: float = 1.0, seed: int = 0) -> GateResult:
    """Train one sigmoid neuron on a gate's truth table by full-batch gradient descent.

    Args:
        gate: "AND", "OR", "NOR" or "XOR".
        epochs: gradient steps.
        learning_rate: step size.
        seed: seed of the small random initial weights.

    Returns:
        The trained neuron and how it does on the truth table.
    """
    if gate not in GATES:
        raise ValueError(f"gate must be one of {', '.join(GATES)}, got {gate!r}")
    targets = GATES[gate]
    rng = np.random.default_rng(seed)
    weights = rng.normal(0.0, 0.5, size=2)
    bias = 0.0
    for _ in range(epochs):
        outputs = _sigmoid(INPUTS @ weights + bias)  # (4,)
        error = outputs - targets  # gradient of the cross-entropy w.r.t. the sum
        weights -= learning_rate * INPUTS.T @ error / len(targets)
        bias -= learning_rate * float(error.mean())
    outputs = _sigmoid(INPUTS @ weights + bias)
    predictions = np.where(np.abs(outputs - 0.5) < UNDECIDED, -1, (outputs >= 0.5).astype(int))
    return GateResult(gate, weights, bias, outputs, predictions, int((predictions == targets).sum()))


def truth_table(results: dict[str, GateResult]) -> str:
    """One Markdown truth table for several gates: a row per input, a column per gate.

    Each cell reads ``target → output ✓`` (``✗`` when the rounded output is wrong, ``?``
    when the output is 0.50 and says neither), so the gates can be compared row by row.
    """
    header = "| x1 | x2 | " + " | ".join(f"{gate}: target → output" for gate in results) + " |"
    rule = "|" + ":-:|" * (2 + len(results))
    rows = []
    for row, (x1, x2) in enumerate(INPUTS):
        cells = []
        for gate, result in results.items():
            target = int(GATES[gate][row])
            prediction = result.predictions[row]
            mark = "?" if prediction == -1 else "✓" if prediction == target else "✗"
            cells.append(f"{target} → {result.outputs[row]:.2f} {mark}")
        rows.append(f"| {int(x1)} | {int(x2)} | " + " | ".join(cells) + " |")
    return "\n".join([header, rule, *rows])

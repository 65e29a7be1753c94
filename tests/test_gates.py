"""One neuron learns AND, OR and NOR, and cannot learn XOR."""

import numpy as np
import pytest

from nn_core.gates import GATES, INPUTS, train_gate


@pytest.mark.parametrize("gate", ["AND", "OR", "NOR"])
def test_separable_gates_are_learned(gate):
    result = train_gate(gate)
    assert result.correct == 4
    np.testing.assert_array_equal(result.predictions, GATES[gate])


def test_xor_is_not_learned():
    for seed in range(5):
        assert train_gate("XOR", seed=seed).correct <= 3


def test_outputs_match_weights():
    result = train_gate("AND")
    expected = 1 / (1 + np.exp(-(INPUTS @ result.weights + result.bias)))
    np.testing.assert_allclose(result.outputs, expected)
    assert result.output_grid(size=10).shape == (10, 10)


def test_unknown_gate():
    with pytest.raises(ValueError):
        train_gate("NAND?")

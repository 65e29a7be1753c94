""""I don't know": a confidence threshold's counts, checked on hand-made probabilities."""

import numpy as np
import pytest

from nn_core.digits.confidence import at_threshold, threshold_curve, verdict

PROBABILITIES = np.array([
    [0.9, 0.1, 0.0],  # sure, right (label 0)
    [0.6, 0.4, 0.0],  # fairly sure, wrong (label 1)
    [0.2, 0.3, 0.5],  # unsure, right (label 2)
    [0.1, 0.8, 0.1],  # sure, right (label 1)
])
LABELS = np.array([0, 1, 2, 1])


def test_counts_at_one_threshold():
    result = at_threshold(PROBABILITIES, LABELS, 0.55)
    assert (result.answered, result.right, result.total) == (3, 2, 4)
    assert result.answered_share == pytest.approx(0.75) and result.accuracy == pytest.approx(2 / 3)
    nobody = at_threshold(PROBABILITIES, LABELS, 0.95)
    assert nobody.answered == 0 and np.isnan(nobody.accuracy)


def test_curve_answers_fewer_and_better_as_the_threshold_rises():
    curve = threshold_curve(PROBABILITIES, LABELS, np.array([0.0, 0.55, 0.7, 0.95]))
    np.testing.assert_allclose(curve.answered, [1.0, 0.75, 0.5, 0.0])
    np.testing.assert_allclose(curve.accuracy[:3], [0.75, 2 / 3, 1.0])
    assert np.isnan(curve.accuracy[3])


def test_a_digits_verdict():
    assert verdict([0.1, 0.7, 0.2], 0.5) == 1
    assert verdict([0.1, 0.7, 0.2], 0.8) is None


def test_mismatched_input_is_refused():
    with pytest.raises(ValueError):
        threshold_curve(PROBABILITIES, LABELS[:3])

"""The hidden-state map of a text model, against NumPy's SVD of the states the generator reports."""

from types import SimpleNamespace

import numpy as np
import pytest

from nn_core.rnn import RNNConfig
from nn_core.rnn.config import build_text_model
from nn_core.rnn.generation import TextGenerator
from nn_core.rnn.states import cached_state_map, run_windows, state_map, text_windows
from nn_core.rnn.text import Vocabulary

TEXT = "the cat sat on the mat and the rat ran at the cat. "


def generator(units, seed=0):
    vocabulary = Vocabulary.of(TEXT)
    model = build_text_model(RNNConfig(units=units, sequence_length=4, seed=seed), vocabulary.size)
    return TextGenerator(model, vocabulary), vocabulary


def test_text_windows_leave_out_unknown_characters_and_spread_evenly():
    vocabulary = Vocabulary.of(TEXT)
    windows = text_windows(vocabulary, "thé cat!", 3)
    assert [vocabulary.decode(window) for window in windows] == ["th ", "h c", " ca", "cat"]
    assert len(text_windows(vocabulary, TEXT * 100, 4, limit=50)) == 50
    assert text_windows(vocabulary, "ab", 4).shape == (0, 4)


def test_state_map_is_the_pca_of_the_states():
    model, vocabulary = generator(6)
    windows = text_windows(vocabulary, TEXT, 4)
    result = state_map(model, windows)
    hidden, probabilities = model.step(windows)
    centred = hidden - hidden.mean(axis=0)
    _, values, vectors = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    for axis in range(2):
        expected = centred @ vectors[axis]
        sign = np.sign(expected @ result.coordinates[:, axis])
        np.testing.assert_allclose(result.coordinates[:, axis], sign * expected, atol=1e-4)
    np.testing.assert_allclose(result.variance, values[:2] ** 2 / np.square(values).sum(), rtol=1e-4)
    np.testing.assert_array_equal(result.read, windows[:, -1])
    np.testing.assert_array_equal(result.guessed, np.argmax(probabilities, axis=1))
    assert cached_state_map(model, windows) is cached_state_map(model, windows)


def test_a_one_unit_state_is_a_line():
    model, vocabulary = generator(1)
    result = state_map(model, text_windows(vocabulary, TEXT, 4))
    assert "single unit" in result.note and not result.coordinates[:, 1].any()
    with pytest.raises(ValueError):
        state_map(model, np.zeros((0, 4), np.int32))


def test_a_loaded_model_maps_the_pages_text_and_a_run_its_own_windows():
    vocabulary = Vocabulary.of(TEXT)
    loaded = SimpleNamespace(vocabulary=vocabulary, start="the c", config=RNNConfig(sequence_length=4))
    assert len(run_windows(loaded, TEXT)) == len(TEXT) - 3
    assert len(run_windows(loaded, None)) == 2  # only the start text: "the c" has two windows of 4
    windows = np.arange(40, dtype=np.int32).reshape(10, 4)
    trained = SimpleNamespace(job=SimpleNamespace(data=SimpleNamespace(x_train=windows[:8], x_val=windows[8:])))
    np.testing.assert_array_equal(run_windows(trained, "ignored"), windows)


def test_state_map_figure_colours_the_commonest_characters():
    from nn_core.rnn.state_figures import state_map_figure

    model, vocabulary = generator(3)
    result = state_map(model, text_windows(vocabulary, TEXT, 4))
    figure = state_map_figure(result, vocabulary, "read")
    names = [trace.name for trace in figure.data]
    assert names[0] == "“␣”" and names[-1] == "other" and len(names) == 10  # the space is the commonest
    assert sum(len(trace.x) for trace in figure.data) == len(result.coordinates)
    with pytest.raises(ValueError):
        state_map_figure(result, vocabulary, "colour")


def test_the_state_map_cache_does_not_keep_a_model_alive():
    import gc
    import weakref

    model, vocabulary = generator(2, seed=4)
    cached_state_map(model, text_windows(vocabulary, TEXT, 4))
    alive = weakref.ref(model.model)
    del model
    gc.collect()
    assert alive() is None

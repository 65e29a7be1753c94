"""Text handling for the recurrent page: windows, vocabulary, sampling, samples, bad input."""

import codecs

import numpy as np
import pytest

from nn_core.rnn.text import MAX_TEXT_CHARS, SAMPLES, TextError, Vocabulary, decode_upload, make_windows, one_hot, prepare_text, reshape_probabilities, sample_indices, sample_text, visible


def test_windows_and_targets_of_a_hand_made_example():
    vocabulary = Vocabulary.of("hello")
    assert vocabulary.characters == ("e", "h", "l", "o")
    indices = vocabulary.encode("hello")
    np.testing.assert_array_equal(indices, [1, 0, 2, 2, 3])
    inputs, targets = make_windows(indices, 3)
    # "hel" -> "l", "ell" -> "o"
    np.testing.assert_array_equal(inputs, [[1, 0, 2], [0, 2, 2]])
    np.testing.assert_array_equal(targets, [2, 3])
    assert [vocabulary.decode(row) for row in inputs] == ["hel", "ell"]
    assert vocabulary.decode(targets) == "lo"


def test_windows_match_the_articles_loop():
    text = "This is Greenfield a tiny school where machines learn"
    vocabulary = Vocabulary.of(text)
    sequence_length = 3
    inputs, targets = make_windows(vocabulary.encode(text), sequence_length)
    # The article's loop, written out.
    starts = range(len(text) - sequence_length)
    expected_x = [[vocabulary.index(c) for c in text[i:i + sequence_length]] for i in starts]
    expected_y = [vocabulary.index(text[i + sequence_length]) for i in starts]
    np.testing.assert_array_equal(inputs, expected_x)
    np.testing.assert_array_equal(targets, expected_y)
    assert inputs.shape == (50, 3) and inputs.dtype == np.int32


def test_one_window_needs_one_more_character_than_its_length():
    inputs, targets = make_windows(np.array([0, 1, 2]), 2)
    assert inputs.shape == (1, 2) and targets.tolist() == [2]
    with pytest.raises(ValueError):
        make_windows(np.array([0, 1]), 2)


def test_vocabulary_is_sorted_by_code_point_and_handles_any_script():
    text = "Zoë 😀 мир 世界 a\n"
    vocabulary = Vocabulary.of(text)
    assert list(vocabulary.characters) == sorted(set(text), key=ord)
    assert vocabulary.size == len(set(text))
    assert vocabulary.decode(vocabulary.encode(text)) == text
    assert vocabulary.unknown("a😀bé") == ["b", "é"]
    with pytest.raises(ValueError, match="not in the vocabulary"):
        vocabulary.encode("xyz")
    assert visible(" ") == "␣" and visible("\n") == "⏎" and visible("\x07") == "U+0007"


def test_one_hot_rows():
    np.testing.assert_array_equal(one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])


def test_temperature_zero_is_argmax():
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(7), size=50)  # (50, 7)
    chosen = sample_indices(probabilities, [0.0] * 50, rng)
    np.testing.assert_array_equal(chosen, probabilities.argmax(axis=1))
    reshaped = reshape_probabilities(probabilities, 0.0)
    np.testing.assert_array_equal(reshaped.argmax(axis=1), probabilities.argmax(axis=1))
    assert np.all(reshaped.max(axis=1) == 1.0)


def test_temperature_one_draws_at_the_given_frequencies():
    probabilities = np.array([0.5, 0.3, 0.15, 0.05, 0.0])
    rng = np.random.default_rng(123)
    draws = 20_000
    chosen = sample_indices(np.tile(probabilities, (draws, 1)), [1.0] * draws, rng)
    frequencies = np.bincount(chosen, minlength=5) / draws
    # Binomial standard error is at most 0.0035 here; 0.015 is over four of them.
    np.testing.assert_allclose(frequencies, probabilities, atol=0.015)
    assert frequencies[4] == 0.0  # impossible stays impossible


def test_temperature_reshapes_as_power_law():
    p = np.array([0.6, 0.3, 0.1])
    np.testing.assert_allclose(reshape_probabilities(p, 1.0), p)
    half = p**2 / (p**2).sum()  # T = 0.5 squares the odds
    np.testing.assert_allclose(reshape_probabilities(p, 0.5), half)
    flat = reshape_probabilities(p, 2.0)
    assert flat[0] < p[0] and flat[2] > p[2]
    with pytest.raises(ValueError):
        reshape_probabilities(p, 2.5)
    with pytest.raises(ValueError):
        reshape_probabilities(p, -0.1)


def test_samples_load():
    assert sample_text("tiny").startswith("This is G") and len(sample_text("tiny")) == 53
    assert sample_text("zen") == codecs.decode(__import__("this").s, "rot13")
    fables = sample_text("fables")
    assert len(fables) > 5000 and fables.count("\n\n") >= 20
    for name, sample in SAMPLES.items():
        assert sample.start in sample_text(name), name
    with pytest.raises(ValueError):
        sample_text("nope")


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_refused_with_a_sentence(text):
    with pytest.raises(TextError, match="The text is empty"):
        prepare_text(text, 3)


def test_text_shorter_than_one_window_is_refused():
    with pytest.raises(TextError, match="has 2 characters.*at least 4"):
        prepare_text("ab", 3)
    assert prepare_text("abcd", 3) == ("abcd", [])


def test_long_text_is_cut_and_the_user_told():
    text, notes = prepare_text("ab" * MAX_TEXT_CHARS, 3)
    assert len(text) == MAX_TEXT_CHARS
    assert notes and "only the first" in notes[0]


def test_line_ends_and_unicode_forms_are_made_uniform():
    text, _ = prepare_text("cafe\u0301\r\nnext\rline", 3)  # e + combining accent
    assert text == "café\nnext\nline"
    assert "\u0301" not in Vocabulary.of(text).characters


def test_upload_of_utf8_text_emoji_and_non_latin_scripts():
    raw = "Привет, 世界! 😀\n".encode("utf-8")
    assert decode_upload(raw) == ("Привет, 世界! 😀\n", [])
    assert decode_upload(codecs.BOM_UTF8 + b"hi there")[0] == "hi there"


def test_upload_that_is_not_utf8_is_answered_with_a_message():
    with pytest.raises(TextError, match="not UTF-8"):
        decode_upload("café crème".encode("latin-1"))
    with pytest.raises(TextError, match="binary"):
        decode_upload(b"\x00\x01\x02abc")
    with pytest.raises(TextError, match="empty"):
        decode_upload(b"")


def test_large_upload_is_cut_without_breaking_a_character():
    raw = ("é" * 10).encode("utf-8")  # 20 bytes; a cut at 7 bytes splits the fourth é
    text, notes = decode_upload(raw, max_bytes=7)
    assert text == "ééé" and "only its first" in notes[0]


def test_a_text_of_too_many_different_characters_is_refused_in_a_sentence():
    from nn_core.rnn.text import MAX_VOCABULARY, TextError, prepare_text

    many = "".join(chr(0x4E00 + index) for index in range(MAX_VOCABULARY + 1))
    with pytest.raises(TextError, match=f"{MAX_VOCABULARY + 1:,} different characters"):
        prepare_text(many * 2, 10)
    assert prepare_text(many[:MAX_VOCABULARY] * 2, 10)[0]  # the most it takes

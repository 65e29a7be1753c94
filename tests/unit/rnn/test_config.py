"""The character model, its generation and its training job, against independent references."""

import time

import numpy as np
import pytest

from nn_core.rnn.figures import hidden_state_heatmap, next_character_bars, unfolded_network
from nn_core.rnn import RNNConfig
from nn_core.rnn.config import build_text_model
from nn_core.rnn.config import PRESETS
from nn_core.rnn.training import default_start, text_training
from nn_core.rnn.text import TextError, Vocabulary, reshape_probabilities, sample_text
from nn_core.rnn.generation import TextGenerator, clean_start


def softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)


def test_article_network_shapes_and_loss():
    model = build_text_model(RNNConfig(), 17)
    assert model.input_shape == (None, 3) and model.output_shape == (None, 17)
    # SimpleRNN(50): 17*50 input weights, 50*50 recurrent, 50 biases; Dense(17) on 50 states.
    assert model.count_params() == (17 * 50 + 50 * 50 + 50) + (50 * 17 + 17)
    assert model.loss == "categorical_crossentropy"
    assert model.optimizer.__class__.__name__ == "Adam"
    assert model.get_layer("recurrent_1").activation.__name__ == "relu"


def test_simple_rnn_output_equals_a_numpy_unrolled_loop():
    model = build_text_model(RNNConfig(units=6, sequence_length=4, seed=5), 5)
    kernel, recurrent, bias = model.get_layer("recurrent_1").get_weights()  # (5, 6), (6, 6), (6,)
    dense, dense_bias = model.get_layer("output").get_weights()  # (6, 5), (5,)
    windows = np.array([[0, 3, 3, 1], [4, 2, 0, 0]], dtype=np.int32)
    state = np.zeros((2, 6))
    for step in range(4):
        x = np.eye(5)[windows[:, step]]  # one-hot (2, 5)
        state = np.maximum(0, x @ kernel + state @ recurrent + bias)  # relu
    expected = softmax(state @ dense + dense_bias)
    np.testing.assert_allclose(np.asarray(model(windows)), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("changes", [{"cell": "LSTM"}, {"cell": "GRU", "recurrent_layers": 2},
                                     {"input_encoding": "embedding", "embedding_dim": 4}])
def test_other_cells_layers_and_embedding_build(changes):
    config = RNNConfig(units=8, sequence_length=5, **changes)
    model = build_text_model(config, 11)
    assert model.output_shape == (None, 11)
    assert model.get_layer("recurrent_1").__class__.__name__ == config.cell
    probabilities = np.asarray(model(np.zeros((2, 5), np.int32)))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_seed_fixes_initial_weights():
    first = build_text_model(RNNConfig(seed=3), 9).get_weights()
    again = build_text_model(RNNConfig(seed=3), 9).get_weights()
    other = build_text_model(RNNConfig(seed=4), 9).get_weights()
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_config_round_trips_through_the_url_and_rejects_nonsense():
    config = PRESETS["Best accuracy"]
    assert RNNConfig.from_query(config.to_query())[0] == config
    restored, warnings = RNNConfig.from_query({"cell": "Transformer", "sequence_length": "0"})
    assert restored == RNNConfig() and len(warnings) == 2
    with pytest.raises(ValueError):
        RNNConfig(recurrent_layers=3)


def test_generation_is_greedy_argmax_of_the_direct_model_call():
    vocabulary = Vocabulary.of("abcde ")
    model = build_text_model(RNNConfig(units=12, seed=2), vocabulary.size)
    generator = TextGenerator(model, vocabulary)
    generation = generator.generate("abc", 20)[0]
    # The same loop written plainly with direct model calls.
    text = "abc"
    for _ in range(20):
        window = vocabulary.encode(text[-3:])[None]
        text += vocabulary.characters[int(np.argmax(np.asarray(model(window, training=False))[0]))]
    assert generation.text == text
    assert generation.hidden.shape == (20, 12)
    np.testing.assert_allclose(generation.first_probabilities,
                               np.asarray(model(vocabulary.encode("abc")[None]))[0], rtol=1e-5)


def test_sampled_generation_repeats_with_its_seed_and_batches_temperatures():
    vocabulary = Vocabulary.of("abcdefgh")
    generator = TextGenerator(build_text_model(RNNConfig(units=8), vocabulary.size), vocabulary)
    one = generator.generate("abc", 30, (0.0, 1.0, 2.0), seed=7)
    two = generator.generate("abc", 30, (0.0, 1.0, 2.0), seed=7)
    assert [g.text for g in one] == [g.text for g in two]
    assert one[0].text == generator.generate("abc", 30)[0].text  # greedy ignores the other rows
    with pytest.raises(ValueError, match="at least 3"):
        generator.generate("ab", 5)
    with pytest.raises(ValueError, match="never saw"):
        generator.generate("abz", 5)


def test_unknown_start_characters_are_dropped_and_named():
    vocabulary = Vocabulary.of("hello world")
    assert clean_start("hé😀llo", vocabulary) == ("hllo", ["é", "😀"])


def test_generating_200_characters_takes_well_under_a_second():
    vocabulary = Vocabulary.of(sample_text("tiny"))
    generator = TextGenerator(build_text_model(RNNConfig(), vocabulary.size), vocabulary)
    generator.generate("This is G", 5)  # the first call compiles the step
    started = time.perf_counter()
    generator.generate("This is G", 200)
    assert time.perf_counter() - started < 1.0


def test_article_preset_learns_the_sentence():
    config = PRESETS["As in the article"]
    assert (config.cell, config.units, config.activation, config.sequence_length, config.epochs,
            config.input_encoding, config.optimizer) == ("SimpleRNN", 50, "relu", 3, 100, "one-hot", "adam")
    text = sample_text(config.text_source)
    run = text_training(config, text)
    assert run.windows == len(text) - 3 and run.vocabulary.size == 19
    started = time.perf_counter()
    run.job.start()
    assert run.job.wait(120)
    seconds = time.perf_counter() - started
    snapshot = run.job.snapshot()
    assert snapshot.status == "finished", snapshot.message
    assert snapshot.results["train_accuracy"] >= 0.9
    generated = run.generator().generate("This is G", 50)[0].text
    print(f"article preset: {seconds:.1f} s, accuracy {snapshot.results['train_accuracy']:.3f}: {generated!r}")
    assert generated.startswith(text)  # greedy generation continues the sentence to its end
    # Samples were kept after epochs, the first and the last among them.
    epochs = [extra["epoch"] for extra in snapshot.extras]
    assert epochs[0] == 1 and epochs[-1] == 100 and epochs == sorted(epochs)
    assert all(extra["sample"].startswith("This is G") for extra in snapshot.extras)
    # The same start continued greedily after each epoch: by the last one, it is the sentence.
    assert all(extra["greedy"].startswith("This is G") for extra in snapshot.extras)
    assert snapshot.extras[-1]["greedy"][: len(generated)] == generated


def test_bad_texts_end_in_sentences_not_tracebacks():
    with pytest.raises(TextError, match="empty"):
        text_training(RNNConfig(), "")
    with pytest.raises(TextError, match="at least 4"):
        text_training(RNNConfig(), "ab")
    run = text_training(RNNConfig(validation_split=0.3), "abcd")  # one window: none to hold back
    assert run.job.data.x_val is None and "without validation" in run.notes[0]


def test_validation_windows_come_from_the_end_and_windows_are_capped():
    text = "abcdefghij" * 30  # 300 characters, 297 windows of 3
    run = text_training(RNNConfig(validation_split=0.2, train_samples=100, epochs=1), text)
    data = run.job.data
    assert len(data.x_train) == 100 and run.windows == 100
    assert len(data.x_val) == 59  # round(297 * 0.2), the last ones
    assert data.y_train.shape == (100, 10) and data.y_train.dtype == np.uint8  # one-hot targets
    assert any("only the first 100" in note for note in run.notes)


def test_emoji_and_non_latin_text_train_and_generate():
    text = "Привет, мир! 😀 Здравствуй, мир! 🌍 " * 4
    run = text_training(RNNConfig(epochs=2, units=8), text)
    run.job.start()
    assert run.job.wait(60) and run.job.snapshot().status == "finished"
    generation = run.generator().generate(run.start, 30, (1.0,), seed=1)[0]
    assert set(generation.generated) <= set(text)


def test_default_start_is_the_samples_or_the_texts_opening():
    fables = sample_text("fables")
    assert default_start(fables, 3, "fables") == "A hungry fox"
    long_start = default_start(fables, 32, "fables")
    assert len(long_start) == 32 and long_start.startswith("A hungry fox") and long_start in fables
    assert default_start("just some pasted words", 3) == "just some pa"


def test_unfolded_drawing_has_a_column_per_step_and_a_gap_for_long_windows():
    short = unfolded_network(3, "SimpleRNN", 50, 1, 19, "one-hot", "Thi")
    boxes = [shape for shape in short.layout.shapes if shape.type == "rect"]
    assert len(boxes) == 3 + 3 + 1 + 1  # inputs, states, the zero state, the softmax
    labels = [trace.text[0] for trace in short.data]
    assert "x1 'T'" in labels and "h3" in labels and "softmax 19" in labels
    long = unfolded_network(32, "LSTM", 128, 2, 54, "embedding", None)
    boxes = [shape for shape in long.layout.shapes if shape.type == "rect"]
    assert len(boxes) == 7 * (1 + 2) + 2 + 1  # 7 drawn steps of 32, two layers
    labels = [trace.text[0] for trace in long.data]
    assert "x32 '?'" in labels and "···" in labels and "x5 '?'" not in labels


def test_hidden_state_heatmap_is_units_by_characters():
    figure = hidden_state_heatmap(np.arange(12.0).reshape(4, 3), "ab c")  # 4 steps, 3 units
    assert np.asarray(figure.data[0].z).shape == (3, 4)
    assert list(figure.layout.xaxis.ticktext) == ["a", "b", "␣", "c"]


def test_next_character_bars_put_the_most_likely_first():
    p = np.array([0.1, 0.6, 0.3])
    figure = next_character_bars(p, ("a", "b", " "), reshape_probabilities(p, 0.5), 0.5)
    assert list(figure.data[0].x) == ["'b'", "'␣'", "'a'"]
    np.testing.assert_allclose(figure.data[1].y, reshape_probabilities(p, 0.5)[[1, 2, 0]])

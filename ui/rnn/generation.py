"""The recurrent page's outputs: a sample after each epoch while training, the same start continued
after each epoch side by side, then generation."""

from __future__ import annotations

import streamlit as st

from nn_core.rnn import figures
from nn_core.rnn.generation import clean_start
from nn_core.rnn.text import MAX_TEMPERATURE, reshape_probabilities, visible
from nn_core.rnn.training import SAMPLE_TEMPERATURE, LoadedTextModel, TextRun
from nn_core.training import Snapshot
from ui.charts import show
from ui.plain_text import plain
from ui.state import PageState

SIDE_BY_SIDE = (0.0, 0.5, 1.0, 1.5)  # temperatures compared in columns
HEATMAP_STEPS = 120  # the hidden-state heatmap shows at most this many characters


def latest_sample(snapshot: Snapshot, live: object = None) -> None:
    """The latest epoch's sample; the training console redraws it live."""
    if not snapshot.extras:
        if not snapshot.done:
            st.caption("A sample of the network's writing appears here after the first epoch.")
        return
    latest = snapshot.extras[-1]
    st.markdown(f"**Sample after epoch {latest['epoch']}** (temperature {SAMPLE_TEMPERATURE:g}, "
                f"starting from {plain(repr(latest['start']))}):")
    st.code(latest["sample"], language=None, wrap_lines=True)
    continuations(snapshot)


def continuations(snapshot: Snapshot) -> None:
    """The same start text continued greedily after each epoch, newest first: the same question, answered better."""
    rows = [extra for extra in snapshot.extras if "greedy" in extra]
    if not rows:
        return
    st.markdown(f"**The same start, {plain(repr(rows[-1]['start']))}, continued after each epoch** (always the "
                "likeliest "
                "character, so the epochs compare; short epochs are sampled about twice a second):")
    st.dataframe({"epoch": [row["epoch"] for row in reversed(rows)],
                  "continuation": ["".join("⏎" if char == "\n" else char for char in row["greedy"])
                                   for row in reversed(rows)]},
                 hide_index=True, width="stretch", height=min(36 * len(rows) + 38, 300))


def sample_history(snapshot: Snapshot) -> None:
    """Every epoch's sample, once training is over: from noise to words."""
    extras = [extra for extra in snapshot.extras if "sample" in extra]
    if len(extras) > 1:
        with st.expander(f"Every sample, epoch by epoch ({len(extras)})"):
            st.dataframe({"epoch": [extra["epoch"] for extra in extras],
                          "sample": [extra["sample"] for extra in extras]},
                         hide_index=True, width="stretch")


def training_summary(snapshot: Snapshot) -> None:
    """The trained model's accuracy on its own text (there is no test set for text)."""
    results = snapshot.results
    if "train_accuracy" in results:
        windows = int(results["evaluated_windows"])
        st.success(f"Training accuracy: {results['train_accuracy']:.1%} · loss {results['train_loss']:.3f} "
                   f"(next character guessed right in {windows:,} windows of the training text)")
    validation = [value for value in snapshot.history.get("val_accuracy", []) if value == value]
    if validation:
        st.info(f"Validation accuracy (the held-back end of the text): {validation[-1]:.1%}")


def generation_section(state: PageState, run: TextRun | LoadedTextModel, run_id: str) -> None:
    """Start text, length and temperature in; the text, its odds and its hidden states out."""
    generator = run.generator()
    if generator is None:
        return
    config = run.config
    st.header("Generated text")
    st.write(
        f"The trained {config.cell} reads the last {config.sequence_length} characters, gives every "
        "character of its vocabulary a probability, and one is picked and appended; then the window "
        "slides on by one. Temperature 0 always picks the most likely character (greedy, as in the "
        "article); higher temperatures pick less likely ones more often."
    )
    def key(name: str) -> str:  # a new run starts from its own defaults
        return state.key("widget", "generation", run_id, name)

    left, middle, right = st.columns([3, 2, 2])
    start_typed = left.text_input("Start text", value=run.start, key=key("start"),
                                  help=f"At least {config.sequence_length} characters the network has seen.")
    length = middle.slider("Characters to generate", 10, 1000, 200, step=10, key=key("length"))
    temperature = right.slider("Temperature", 0.0, MAX_TEMPERATURE, 0.0, step=0.1, key=key("temperature"),
                               help="0 = greedy (always the most likely character). 1 = the network's own "
                                    "odds. Above 1 = more surprising, less like the text.")
    seed = right.number_input("Sampling seed", 0, 2**31 - 1, 0, key=key("seed"),
                              help="Fixes the random picks, so a sample repeats; change it for another.")
    start, dropped = clean_start(start_typed, run.vocabulary)
    if dropped:
        listed = plain(", ".join(f"'{visible(char)}'" for char in dropped))
        were = "they were" if len(dropped) > 1 else "it was"
        st.warning(f"The network never saw {listed} in its training text, so {were} dropped from the start "
                   f"text: it continues from {plain(repr(start))}.")
    if len(start) < config.sequence_length:
        st.warning(f"The start text needs at least {config.sequence_length} characters that the network knows "
                   f"(it reads {config.sequence_length} at a time); it has {len(start)}. "
                   f"Type a longer one, e.g. {plain(repr(run.start))}.")
        return
    generation = generator.generate(start, int(length), (float(temperature),), seed=int(seed))[0]
    st.markdown(f"**Start:** {plain(repr(start))} → **{len(generation.generated)} new characters** at temperature "
                f"{temperature:g}:")
    st.code(generation.text, language=None, wrap_lines=True)
    st.caption(f"Generated in {generation.seconds * 1000:.0f} ms ({generation.seconds / max(1, length) * 1000:.2f} ms "
               "a character: one compiled call of the network per character).")

    st.subheader("The same start at several temperatures")
    side_by_side = generator.generate(start, min(int(length), 300), SIDE_BY_SIDE, seed=int(seed))
    for column, sample in zip(st.columns(len(SIDE_BY_SIDE)), side_by_side):
        column.markdown(f"**Temperature {sample.temperature:g}**" + (" (greedy)" if sample.temperature == 0 else ""))
        column.code(sample.text, language=None, wrap_lines=True)

    st.subheader(f"What the network expects after {plain(repr(start[-config.sequence_length:]))}")
    st.write("Blue: the network's probabilities for the next character. Orange: the same reshaped by the "
             "temperature, which is what the pick is drawn from.")
    probabilities = generation.first_probabilities
    reshaped = reshape_probabilities(probabilities, float(temperature)) if temperature != 1.0 else None
    show(state, figures.next_character_bars(probabilities, run.vocabulary.characters, reshaped, float(temperature)),
         "next_bars")

    st.subheader("The hidden state while it writes")
    shown = min(HEATMAP_STEPS, len(generation.generated))
    st.write(f"Each column is the {config.units}-number state of the last recurrent layer from which one "
             "character was picked" + (f" (the first {shown})" if shown < len(generation.generated) else "")
             + ". Rows are units: a unit that fires before every space or after every capital shows as a "
             "pattern along its row.")
    if shown:
        show(state, figures.hidden_state_heatmap(generation.hidden[:shown], generation.generated[:shown]), "hidden")

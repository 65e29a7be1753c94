"""The recurrent page's text: a sample, pasted text or an uploaded file, and its vocabulary."""

from __future__ import annotations

import streamlit as st

from nn_core.rnn.config import RNNConfig
from nn_core.rnn.text import (MAX_TEXT_CHARS, MAX_UPLOAD_BYTES, SAMPLES, TextError, Vocabulary, decode_upload,
                              prepare_text, sample_text, visible)
from ui.settings import keep_in_link, linked_start
from ui.state import PageState

SHOWN_CHARACTERS = 400  # a vocabulary longer than this (e.g. Chinese) is listed in part
LINK_CHARACTERS = 2_000  # a pasted text up to this long travels in the link (longer ones make links too long)


@st.cache_data(show_spinner=False)
def _sample(name: str) -> str:
    return sample_text(name)


def _raw_text(state: PageState, source: str) -> str | None:
    """The text as the user gave it, or None (with a hint or an error shown)."""
    if source in SAMPLES:
        sample = SAMPLES[source]
        st.caption(sample.description)
        text = _sample(source)
        with st.expander(f"Read the text ({len(text):,} characters)", expanded=len(text) < 200):
            st.text(text)
        return text
    if source == "paste":
        key = state.key("widget", "pasted")
        linked_start(key, "text", "", parse=lambda raw: raw[:LINK_CHARACTERS])
        text = st.text_area(
            "Your text", key=key, height=180,
            placeholder="Paste or type any text: a poem, a song, code, another language, emoji...",
            help=f"Any script works: the vocabulary is every distinct Unicode character. Texts longer than "
                 f"{MAX_TEXT_CHARS:,} characters are cut.",
        )
        keep_in_link("text", text if len(text) <= LINK_CHARACTERS else None, "")
        if len(text) > LINK_CHARACTERS:
            st.caption(f"Texts longer than {LINK_CHARACTERS:,} characters stay out of the page's link (it would be "
                       "too long to share): share the text itself, or save it as a .txt file.")
        if not text:
            st.info("Paste or type a text above; a few hundred characters or more teach the network the most.")
            return None
        return text
    upload = st.file_uploader(
        f"A plain-text file (.txt, UTF-8; the first {MAX_UPLOAD_BYTES // 1000} kB are used)", type=["txt"],
        key=state.key("widget", "text_upload"),
    )
    if upload is None:
        st.info("Upload a .txt file to train on it.")
        return None
    try:
        text, notes = decode_upload(upload.getvalue())
    except TextError as error:
        st.error(str(error))
        return None
    for note in notes:
        st.warning(note)
    return text


def choose_text(state: PageState, config: RNNConfig) -> str | None:
    """Draw the text section; return the training text, or None if there is none usable.

    Every problem (no text, a file that is not UTF-8, a text too short for one window)
    ends in a plain message, and the page goes on.
    """
    raw = _raw_text(state, config.text_source)
    if raw is None:
        return None
    try:
        text, notes = prepare_text(raw, config.sequence_length)
    except TextError as error:
        st.warning(str(error))
        return None
    for note in notes:
        st.warning(note)
    show_vocabulary(Vocabulary.of(text), len(text), config.sequence_length)
    return text


def show_vocabulary(vocabulary: Vocabulary, length: int, sequence_length: int) -> None:
    """The vocabulary (every distinct character, by code point) and what training will see."""
    shown = " ".join(visible(char) for char in vocabulary.characters[:SHOWN_CHARACTERS])
    more = vocabulary.size - SHOWN_CHARACTERS
    st.markdown(
        f"**Vocabulary: {vocabulary.size} characters** (sorted by Unicode code point; ␣ is a space, "
        f"⏎ a line break). The network's output has one neuron per character. The text makes "
        f"**{length - sequence_length:,} windows** of {sequence_length} characters, each with the "
        "character that follows it as the target."
    )
    st.code(shown + (f"  ... and {more:,} more" if more > 0 else ""), language=None, wrap_lines=True)

"""The picture of the recurrent network's hidden-state map (``nn_core.rnn.states``).

One point per window of the text, coloured by a character: the one just read, or the one
the network guesses next. The most common characters get a colour each; the rest share
a grey. Plain data in, a ``plotly.graph_objects.Figure`` out; no Streamlit.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nn_core.figures import theme
from nn_core.rnn.states import StateMap
from nn_core.rnn.text import Vocabulary, visible

COLOURED = len(theme.CATEGORIES) - 1  # the last colour (grey) is kept for "other"
OTHER = "#c7c7c7"


def state_map_figure(state_map: StateMap, vocabulary: Vocabulary, colour_by: str = "read") -> go.Figure:
    """The hidden-state map, coloured by the character read ("read") or guessed next ("guessed").

    Args:
        state_map: from ``state_map``.
        vocabulary: the model's characters.
        colour_by: "read" or "guessed".

    Returns:
        One trace per coloured character (most common first), one for all the others.
    """
    if colour_by not in ("read", "guessed"):
        raise ValueError(f"colour_by must be 'read' or 'guessed', got {colour_by!r}")
    keys = state_map.read if colour_by == "read" else state_map.guessed
    counts = np.bincount(keys, minlength=vocabulary.size)
    common = [int(index) for index in np.argsort(-counts, kind="stable")[:COLOURED] if counts[index]]
    windows = [vocabulary.decode(window) for window in state_map.windows]
    hover = np.array([f"read “{''.join(visible(char) for char in window)}”<br>guesses "
                      f"“{visible(vocabulary.characters[guess])}” next"
                      for window, guess in zip(windows, state_map.guessed)])
    figure = go.Figure()
    colours = [colour for colour in theme.CATEGORIES if colour != "#7f7f7f"]
    groups = [(f"“{visible(vocabulary.characters[index])}”", keys == index, colours[rank % len(colours)])
              for rank, index in enumerate(common)]
    rest = ~np.isin(keys, common)
    if rest.any():
        groups.append(("other", rest, OTHER))
    for name, chosen, colour in groups:
        figure.add_trace(go.Scatter(x=state_map.coordinates[chosen, 0], y=state_map.coordinates[chosen, 1],
                                    mode="markers", name=name, hovertext=hover[chosen],
                                    hovertemplate="%{hovertext}<extra></extra>",
                                    marker={"color": colour, "size": 6, "opacity": 0.75}))
    what = "character just read" if colour_by == "read" else "character guessed next"
    figure.update_xaxes(showticklabels=False, zeroline=False, showgrid=False,
                        title=f"first principal direction ({state_map.variance[0]:.0%} of the variance)")
    figure.update_yaxes(showticklabels=False, zeroline=False, showgrid=False,
                        title=f"second ({state_map.variance[1]:.0%})")
    return theme.finish(figure, 460, theme.margins(40, 10, 10, 40), plot_bgcolor="white",
                        legend={"title": {"text": what}, "itemsizing": "constant"})

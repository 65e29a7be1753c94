"""Plotly figures of the recurrent page: the unfolded network, next-character odds, states.

Each function takes plain data and returns a ``plotly.graph_objects.Figure``; none knows
about Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nn_core.figures import theme
from nn_core.rnn.text import visible

INPUT_COLOUR = "#dbe9f6"
STATE_COLOUR = "#fde2c4"
OUTPUT_COLOUR = "#d5f0d5"
MAX_DRAWN_STEPS = 8  # longer windows are drawn as their first and last steps with a gap


def _drawn_steps(sequence_length: int) -> list[int | None]:
    """Step indices to draw, None marking the gap of a long window."""
    if sequence_length <= MAX_DRAWN_STEPS:
        return list(range(sequence_length))
    head = MAX_DRAWN_STEPS // 2
    tail = MAX_DRAWN_STEPS - head - 1
    return list(range(head)) + [None] + list(range(sequence_length - tail, sequence_length))


def unfolded_network(
    sequence_length: int,
    cell: str,
    units: int,
    layers: int,
    vocab_size: int,
    encoding: str,
    window: str | None = None,
) -> go.Figure:
    """The recurrent network unfolded over its window: one column per character read.

    Every column is the same layer with the same weights (W_xh from the input, W_hh from
    the previous step); only the last state goes on to the softmax that guesses the next
    character. Backpropagation through time runs these arrows backwards.

    Args:
        sequence_length: L, characters per window (columns).
        cell: "SimpleRNN", "LSTM" or "GRU".
        units: size of each hidden state.
        layers: recurrent layers (rows of states).
        vocab_size: V, the softmax's width.
        encoding: "one-hot" or "embedding" (how a character enters).
        window: an example window of L characters to label the inputs, or None.

    Returns:
        The drawing.
    """
    steps = _drawn_steps(sequence_length)
    figure = go.Figure()
    shapes, notes = [], []
    width, height = 0.7, 0.5

    def box(x: float, y: float, label: str, colour: str, hover: str) -> None:
        shapes.append({"type": "rect", "x0": x - width / 2, "x1": x + width / 2, "y0": y - height / 2,
                       "y1": y + height / 2, "fillcolor": colour, "line": {"color": "#888", "width": 1},
                       "layer": "below"})
        figure.add_trace(go.Scatter(x=[x], y=[y], mode="text", text=[label], hovertext=[hover],
                                    hoverinfo="text", showlegend=False, textfont={"size": 12}))

    def arrow(x0: float, y0: float, x1: float, y1: float, label: str = "") -> None:
        notes.append({"x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x",
                      "ayref": "y", "showarrow": True, "arrowhead": 2, "arrowsize": 1, "arrowwidth": 1.3,
                      "arrowcolor": theme.MUTED, "text": ""})
        if label:  # beside a vertical arrow, above a horizontal one
            vertical = x0 == x1
            notes.append({"x": (x0 + x1) / 2 + (0.06 if vertical else 0),
                          "y": (y0 + y1) / 2 + (0 if vertical else 0.34), "text": label, "showarrow": False,
                          "xanchor": "left" if vertical else "center", "font": {"size": 11, "color": theme.MUTED}})

    encoded = f"one-hot {vocab_size}" if encoding == "one-hot" else "embedding"
    columns = list(range(len(steps)))
    for column, step in zip(columns, steps):
        if step is None:
            for row in range(layers + 1):
                figure.add_trace(go.Scatter(x=[column], y=[row], mode="text", text=["···"], hoverinfo="skip",
                                            showlegend=False, textfont={"size": 18}))
            continue
        char = visible(window[step]) if window and len(window) == sequence_length else "?"
        box(column, 0, f"x{step + 1} '{char}'", INPUT_COLOUR, f"step {step + 1}: character '{char}' as {encoded}")
        for layer in range(1, layers + 1):
            box(column, layer, f"h{step + 1}", STATE_COLOUR,
                f"hidden state of layer {layer} after step {step + 1}: {units} numbers")
            arrow(column, layer - 1 + height / 2, column, layer - height / 2,
                  "W_xh" if column == 0 else "")
            previous = column - 1
            if previous >= 0 and steps[previous] is not None:
                arrow(previous + width / 2, layer, column - width / 2, layer, "W_hh" if previous == 0 else "")
            elif previous >= 0:  # the gap: the state still flows through the hidden steps
                arrow(previous + 0.25, layer, column - width / 2, layer)
    # The initial state, all zeros, feeds the first step of every layer.
    for layer in range(1, layers + 1):
        box(-1, layer, "h0 = 0", "#eeeeee", "the state starts at zero for every window")
        arrow(-1 + width / 2, layer, -width / 2, layer)
    last = columns[-1]
    top = layers + 1
    box(last, top, f"softmax {vocab_size}", OUTPUT_COLOUR,
        f"Dense({vocab_size}, softmax): probabilities of the next character")
    arrow(last, layers + height / 2, last, top - height / 2, "W_hy")
    notes.append({"x": last + width / 2 + 0.1, "y": top, "text": "→ next character", "showarrow": False,
                  "xanchor": "left", "font": {"size": 12}})
    notes.append({"x": -1.5, "y": 0, "text": "input", "showarrow": False, "xanchor": "right"})
    for layer in range(1, layers + 1):
        label = f"{cell} {units}" + (f"<br>layer {layer}" if layers > 1 else "")
        notes.append({"x": -1.5, "y": layer, "text": label, "showarrow": False, "xanchor": "right"})
    return theme.finish(
        figure, 130 + 95 * (layers + 1), shapes=shapes, annotations=notes, showlegend=False, plot_bgcolor="white",
        xaxis={"visible": False, "range": [-2.9, last + 2.4]},
        yaxis={"visible": False, "range": [-0.5, top + 0.5]},
    )


def next_character_bars(
    probabilities: np.ndarray,
    characters: Sequence[str],
    sampled: np.ndarray | None = None,
    temperature: float | None = None,
    top: int = 25,
) -> go.Figure:
    """The most likely next characters, as bars (the network's odds, and at a temperature).

    Args:
        probabilities: (V,) the network's softmax output.
        characters: the V characters, in the vocabulary's order.
        sampled: (V,) the same reshaped by ``temperature``, drawn next to them, or None.
        temperature: the temperature of ``sampled`` (for the legend).
        top: how many characters to show, most likely first.

    Returns:
        A grouped bar chart.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    order = np.argsort(-probabilities, kind="stable")[: min(top, len(probabilities))]
    labels = [f"'{visible(characters[i])}'" for i in order]
    figure = go.Figure(go.Bar(x=labels, y=probabilities[order], name="network (temperature 1)",
                              marker_color=theme.PRIMARY))
    if sampled is not None:
        figure.add_trace(go.Bar(x=labels, y=np.asarray(sampled)[order], name=f"at temperature {temperature:g}",
                                marker_color=theme.ACCENT))
    return theme.finish(figure, 280, theme.margins(50, 10, 10, 40), barmode="group",
                        yaxis={"range": [0, 1.05], "title": "probability"}, xaxis={"type": "category"},
                        legend={"orientation": "h", "y": 1.12})


def hidden_state_heatmap(hidden: np.ndarray, generated: str) -> go.Figure:
    """The last recurrent layer's state (units x steps) while the network wrote ``generated``.

    Column i is the state from which character i was chosen; each row is one unit, so a
    unit that lights up before every space, say, shows as a striped row.

    Args:
        hidden: (steps, units) states.
        generated: the ``steps`` characters written.

    Returns:
        A heatmap, red for positive values and blue for negative ones.
    """
    hidden = np.asarray(hidden, dtype=np.float64)
    steps = hidden.shape[0]
    limit = float(np.abs(hidden).max()) if hidden.size else 1.0
    labels = [visible(char) for char in generated[:steps]]
    figure = go.Figure(go.Heatmap(
        z=hidden.T, x=list(range(steps)), colorscale=theme.SIGNED, zmid=0,
        zmin=-limit or -1.0, zmax=limit or 1.0, colorbar={"title": "state"},
        customdata=[[labels[i] for i in range(steps)]] * hidden.shape[1],
        hovertemplate="unit %{y}, wrote '%{customdata}' (step %{x})<br>state %{z:.3f}<extra></extra>",
    ))
    return theme.finish(
        figure, max(260, min(520, 6 * hidden.shape[1] + 120)), theme.margins(50, 10, 10, 40),
        xaxis={"tickmode": "array", "tickvals": list(range(steps)), "ticktext": labels, "tickangle": 0,
               "title": "character written"},
        yaxis={"title": "unit"},
    )

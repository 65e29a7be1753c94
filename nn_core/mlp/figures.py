"""The MLP's picture of itself: layers as columns of neurons, joined by their connections.

Takes plain numbers and returns a ``plotly.graph_objects.Figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from nn_core.figures import theme

MAX_DRAWN = 10  # neurons drawn per layer; wider layers show an ellipsis for the rest


def _drawn_positions(units: int, max_drawn: int) -> tuple[list[float], bool]:
    """Vertical positions of the neurons drawn for a layer, and whether some are left out."""
    shown = min(units, max_drawn)
    spacing = 1.0
    positions = [(index - (shown - 1) / 2) * spacing for index in range(shown)]
    return positions, units > max_drawn


def network_diagram(
    widths: Sequence[int],
    names: Sequence[str],
    notes: Sequence[str] = (),
    max_drawn: int = MAX_DRAWN,
) -> go.Figure:
    """Layers as columns of neurons joined by their connections, input on the left.

    A layer of up to ``max_drawn`` neurons is drawn in full; a wider one shows
    ``max_drawn`` of them with an ellipsis, and its width in the label says how many
    there are. Between two layers, the number of weights and biases they add is written.

    Args:
        widths: neurons per layer, e.g. [784, 256, 128, 10].
        names: a title per layer, e.g. ["Input", "Hidden 1", "Hidden 2", "Output"].
        notes: an extra line per layer, e.g. "relu", "dropout 20%" (optional).
        max_drawn: at most this many neurons drawn per layer.

    Returns:
        The figure.
    """
    if len(widths) != len(names) or len(widths) < 2:
        raise ValueError("give at least two layers, with one name per layer")
    if any(width < 1 for width in widths):
        raise ValueError("every layer needs at least one neuron")
    notes = list(notes) + [""] * (len(widths) - len(notes))
    columns = [_drawn_positions(width, max_drawn) for width in widths]
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for index in range(len(widths) - 1):
        for y_from in columns[index][0]:
            for y_to in columns[index + 1][0]:
                edge_x += [index, index + 1, None]
                edge_y += [y_from, y_to, None]
    figure = go.Figure(go.Scatter(x=edge_x, y=edge_y, mode="lines", line={"color": theme.FAINT, "width": 1},
                                  hoverinfo="skip", showlegend=False))
    node_x, node_y, hover = [], [], []
    for index, ((positions, _), width, name) in enumerate(zip(columns, widths, names)):
        node_x += [index] * len(positions)
        node_y += positions
        hover += [f"{name}: {width:,} neurons"] * len(positions)
    figure.add_trace(go.Scatter(x=node_x, y=node_y, mode="markers", hovertext=hover, hoverinfo="text",
                                marker={"size": 12, "color": theme.PRIMARY, "line": {"width": 1, "color": "white"}},
                                showlegend=False))
    low = -(max_drawn - 1) / 2 - 1.0
    high = (max_drawn - 1) / 2 + 1.2
    for index, ((positions, cut), width, name, note) in enumerate(zip(columns, widths, names, notes)):
        if cut:  # say that the column goes on
            figure.add_annotation(x=index, y=positions[0] - 0.75, text="⋮", showarrow=False, font={"size": 16})
        label = f"<b>{name}</b><br>{width:,}" + (f"<br>{note}" if note else "")
        figure.add_annotation(x=index, y=low, text=label, showarrow=False, yanchor="top", font={"size": 12})
    for index in range(len(widths) - 1):
        count = widths[index] * widths[index + 1] + widths[index + 1]
        # Two short lines, not one long one: on a phone's screen the gaps are ~80 px wide.
        figure.add_annotation(x=index + 0.5, y=high, text=f"{count:,}<br>parameters", showarrow=False,
                              font={"size": 11, "color": theme.MUTED})
    figure.update_xaxes(visible=False, range=[-0.5, len(widths) - 0.5])
    figure.update_yaxes(visible=False, range=[low - 2.6, high + 1.1])
    return theme.finish(figure, 330, plot_bgcolor="white")

"""Plotly drawings for looking at and inside a network.

A network's layers and widths as columns of neurons (``network_diagram``), and what a
trained digit model does: its confusion matrix, its accuracy per digit, the digits it
got wrong with its top-3 guesses, and the activations of its hidden layers for one
digit. Each function takes plain data (see ``nn_core.analysis``) and returns a
``plotly.graph_objects.Figure``; none knows about Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nn_core.analysis import Mistake

NODE_COLOUR = "#1f77b4"
EDGE_COLOUR = "rgba(120, 120, 120, 0.25)"
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
    figure = go.Figure(go.Scatter(x=edge_x, y=edge_y, mode="lines", line={"color": EDGE_COLOUR, "width": 1},
                                  hoverinfo="skip", showlegend=False))
    node_x, node_y, hover = [], [], []
    for index, ((positions, _), width, name) in enumerate(zip(columns, widths, names)):
        node_x += [index] * len(positions)
        node_y += positions
        hover += [f"{name}: {width:,} neurons"] * len(positions)
    figure.add_trace(go.Scatter(x=node_x, y=node_y, mode="markers", hovertext=hover, hoverinfo="text",
                                marker={"size": 12, "color": NODE_COLOUR, "line": {"width": 1, "color": "white"}},
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
        figure.add_annotation(x=index + 0.5, y=high, text=f"{count:,} parameters", showarrow=False,
                              font={"size": 11, "color": "#555"})
    figure.update_xaxes(visible=False, range=[-0.5, len(widths) - 0.5])
    figure.update_yaxes(visible=False, range=[low - 2.6, high + 0.6])
    figure.update_layout(height=330, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white")
    return figure


def confusion_heatmap(matrix: np.ndarray) -> go.Figure:
    """A confusion matrix: right answers on a green diagonal, confusions in shades of red.

    Args:
        matrix: (k, k) counts, row = true label, column = prediction.

    Returns:
        A heatmap with each cell's count written in it; a red cell's shade grows with its
        count, so the most common confusions stand out.
    """
    matrix = np.asarray(matrix)
    size = matrix.shape[0]
    labels = [str(index) for index in range(size)]
    on_diagonal = np.eye(size, dtype=bool)
    diagonal = np.where(on_diagonal, 1.0, np.nan)  # one even green: right is right
    off = np.where(on_diagonal | (matrix == 0), np.nan, matrix).astype(float)  # empty cells stay white
    worst = float(np.nanmax(off)) if np.isfinite(off).any() else 1.0
    totals = np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    custom = np.dstack([matrix, matrix / totals])  # (k, k, 2): count and share of the row
    template = "true %{y}, predicted %{x}: %{customdata[0]} digits (%{customdata[1]:.1%} of the %{y}s)<extra></extra>"
    figure = go.Figure()
    figure.add_trace(go.Heatmap(z=diagonal, x=labels, y=labels, colorscale=[[0, "#a1d99b"], [1, "#a1d99b"]],
                                showscale=False, customdata=custom, hovertemplate=template, xgap=1, ygap=1))
    figure.add_trace(go.Heatmap(z=off, x=labels, y=labels, colorscale=[[0, "#fee0d2"], [1, "#cb181d"]],
                                zmin=0, zmax=max(worst, 1.0), showscale=False, customdata=custom,
                                hovertemplate=template, xgap=1, ygap=1))
    for row in range(size):
        for column in range(size):
            count = int(matrix[row, column])
            if count:
                dark = row != column and count > 0.6 * worst
                figure.add_annotation(x=labels[column], y=labels[row], text=str(count), showarrow=False,
                                      font={"size": 12, "color": "white" if dark else "black"})
    figure.update_xaxes(title_text="predicted digit", type="category", showgrid=False)
    figure.update_yaxes(title_text="true digit", type="category", autorange="reversed", scaleanchor="x",
                        showgrid=False)
    figure.update_layout(height=440, margin={"l": 50, "r": 10, "t": 10, "b": 50}, plot_bgcolor="white")
    return figure


def per_digit_accuracy(accuracy: Sequence[float]) -> go.Figure:
    """One bar per digit: the share of its test digits read right."""
    values = np.asarray(accuracy, dtype=float)
    labels = [str(index) for index in range(len(values))]
    worst = int(np.nanargmin(values)) if np.isfinite(values).any() else -1
    colours = ["#d62728" if index == worst else NODE_COLOUR for index in range(len(values))]
    figure = go.Figure(go.Bar(x=labels, y=values, marker_color=colours,
                              text=[f"{value:.0%}" if np.isfinite(value) else "" for value in values],
                              textposition="outside"))
    low = max(0.0, (float(np.nanmin(values)) if np.isfinite(values).any() else 0.0) - 0.1)
    step = 0.05 if low >= 0.6 else 0.1
    ticks = [tick for tick in np.arange(0.0, 1.0 + 1e-9, step) if tick >= low - 1e-9]  # none past 100%
    figure.update_layout(height=300, xaxis={"type": "category", "title": "digit"},
                         yaxis={"title": "read right", "range": [low, 1.08], "tickvals": ticks, "tickformat": ".0%"},
                         margin={"l": 50, "r": 10, "t": 10, "b": 40})
    return figure


def mistakes_gallery(mistakes: Sequence[Mistake], columns: int = 6) -> go.Figure:
    """Misclassified digits, each titled "true -> predicted" with the model's top-3 guesses."""
    if not mistakes:
        raise ValueError("no mistakes to show")
    rows = math.ceil(len(mistakes) / columns)
    titles = [
        f"<b>{item.true_label} → {item.predicted}</b><br>"
        + " · ".join(f"{digit}: {probability:.0%}" for digit, probability in item.top3)
        for item in mistakes
    ]
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=titles, horizontal_spacing=0.02,
                           vertical_spacing=0.12 if rows > 1 else 0.0)
    for index, item in enumerate(mistakes):
        figure.add_trace(go.Heatmap(z=item.image[::-1], colorscale="gray", zmin=0, zmax=1, showscale=False,
                                    hoverinfo="skip"),
                         row=index // columns + 1, col=index % columns + 1)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    for index in range(len(mistakes)):
        axis = "" if index == 0 else str(index + 1)
        figure.update_layout({f"yaxis{axis}": {"scaleanchor": f"x{axis}"}})
    figure.update_annotations(font_size=12)
    figure.update_layout(height=210 * rows + 20, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure


def activation_maps(layers: Sequence[tuple[str, np.ndarray]], notes: Sequence[str] = ()) -> go.Figure:
    """Each hidden layer's activations for one digit, its neurons tiled into a square.

    Args:
        layers: (layer name, (units,) activations) per hidden layer.
        notes: a short line per layer for its title, e.g. its activation function.

    Returns:
        One heatmap per layer, side by side; bright neurons are the ones this digit
        excites. Hovering shows each neuron's number and value.
    """
    if not layers:
        raise ValueError("the network has no hidden layers to show")
    notes = list(notes) + [""] * (len(layers) - len(notes))
    titles = [f"{name} ({len(values)} neurons{', ' + note if note else ''})"
              for (name, values), note in zip(layers, notes)]
    figure = make_subplots(rows=1, cols=len(layers), subplot_titles=titles, horizontal_spacing=0.06)
    for index, (_, values) in enumerate(layers):
        values = np.asarray(values, dtype=float)
        side = math.ceil(math.sqrt(len(values)))
        grid = np.full(side * side, np.nan)
        grid[: len(values)] = values
        numbers = np.arange(side * side).reshape(side, side)
        figure.add_trace(
            # Each layer on its own scale (their ranges differ): bright = this layer's most excited.
            go.Heatmap(z=grid.reshape(side, side), customdata=numbers, colorscale="Viridis", showscale=False,
                       hovertemplate="neuron %{customdata}: %{z:.3f}<extra></extra>"),
            row=1, col=index + 1,
        )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, autorange="reversed")
    for index in range(len(layers)):
        axis = "" if index == 0 else str(index + 1)
        figure.update_layout({f"yaxis{axis}": {"scaleanchor": f"x{axis}", "autorange": "reversed"}})
    figure.update_annotations(font_size=12)
    figure.update_layout(height=300, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return figure

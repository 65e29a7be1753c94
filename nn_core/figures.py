"""Plotly figures the pages show: training curves, weights, probabilities, digits.

Each function takes plain NumPy data and returns a ``plotly.graph_objects.Figure``; none
knows about Streamlit, so the same figures work in a notebook.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

TRAIN_COLOUR = "#1f77b4"
VALIDATION_COLOUR = "#ff7f0e"
RUN_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


def training_curves(
    history: Mapping[str, Sequence[float]],
    batch_curve: Sequence[tuple[float, float, float]] = (),
    total_epochs: int | None = None,
) -> go.Figure:
    """Loss and accuracy for training and validation, side by side.

    Args:
        history: per completed epoch: "loss", "accuracy", "val_loss", "val_accuracy".
        batch_curve: (epoch progress, running loss, running accuracy) within epochs, so
            the training curve moves during a long epoch too.
        total_epochs: fixes the x-axis to the planned length while training runs.

    Returns:
        A figure with a loss panel and an accuracy panel.
    """
    figure = make_subplots(rows=1, cols=2, subplot_titles=("Loss", "Accuracy"), horizontal_spacing=0.1)
    for column, metric in ((1, "loss"), (2, "accuracy")):
        show_legend = column == 1
        if batch_curve:
            # Keras reports a running mean that restarts each epoch, so each epoch is its
            # own faint segment; joining them would draw a cliff at every epoch boundary.
            progress, values = _epoch_segments(batch_curve, column)
            figure.add_trace(
                go.Scatter(x=progress, y=values, name="training, running mean within the epoch", mode="lines",
                           line={"color": TRAIN_COLOUR, "width": 1}, opacity=0.5, showlegend=show_legend,
                           legendgroup="batches", connectgaps=False),
                row=1, col=column,
            )
        if history.get(metric):
            epochs = list(range(1, len(history[metric]) + 1))
            figure.add_trace(
                go.Scatter(x=epochs, y=history[metric], name="training", mode="lines+markers",
                           line={"color": TRAIN_COLOUR}, showlegend=show_legend, legendgroup="train"),
                row=1, col=column,
            )
        validation = [value for value in history.get(f"val_{metric}", []) if np.isfinite(value)]
        if validation:
            figure.add_trace(
                go.Scatter(x=list(range(1, len(validation) + 1)), y=validation, name="validation",
                           mode="lines+markers", line={"color": VALIDATION_COLOUR},
                           showlegend=show_legend, legendgroup="val"),
                row=1, col=column,
            )
    if total_epochs:
        figure.update_xaxes(range=[0, total_epochs + 0.05])
    figure.update_xaxes(title_text="epoch")
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 1.02], row=1, col=2)
    figure.update_layout(height=320, margin={"l": 40, "r": 20, "t": 40, "b": 40},
                         legend={"orientation": "h", "y": -0.25})
    return figure


def _epoch_segments(
    batch_curve: Sequence[tuple[float, float, float]], column: int
) -> tuple[list[float | None], list[float | None]]:
    """The within-epoch points as one line per epoch: a gap (None) between epochs."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    segment = None
    for point in batch_curve:
        epoch = math.ceil(point[0]) - 1  # an epoch's points run from just past e to e + 1
        if segment is not None and epoch != segment:
            xs.append(None)
            ys.append(None)
        segment = epoch
        xs.append(point[0])
        ys.append(point[column])
    return xs, ys


def compare_curves(runs: Mapping[str, Mapping[str, Sequence[float]]], metric: str = "val_accuracy") -> go.Figure:
    """One metric of several runs overlaid, to compare what a change did.

    Args:
        runs: run name -> its per-epoch history.
        metric: e.g. "loss", "accuracy", "val_loss", "val_accuracy".

    Returns:
        A figure with one line per run.
    """
    figure = go.Figure()
    for index, (name, history) in enumerate(runs.items()):
        values = list(history.get(metric, []))
        figure.add_trace(go.Scatter(x=list(range(1, len(values) + 1)), y=values, name=name,
                                    mode="lines+markers",
                                    line={"color": RUN_COLOURS[index % len(RUN_COLOURS)]}))
    figure.update_layout(height=320, xaxis_title="epoch", yaxis_title=metric.replace("_", " "),
                         margin={"l": 40, "r": 20, "t": 20, "b": 40})
    return figure


def digit_image(image: np.ndarray, title: str = "") -> go.Figure:
    """A greyscale picture of one (28, 28) digit, pixel by pixel."""
    figure = go.Figure(go.Heatmap(z=np.asarray(image)[::-1], colorscale="gray", zmin=0, zmax=1,
                                  showscale=False, hovertemplate="row %{y}, col %{x}: %{z:.2f}<extra></extra>"))
    figure.update_layout(title=title or None, height=260, width=260, margin={"l": 10, "r": 10, "t": 30 if title else 10, "b": 10})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, scaleanchor="x")
    return figure


def probability_bars(probabilities: np.ndarray, labels: Sequence[str] | None = None) -> go.Figure:
    """One bar per class, the most likely highlighted."""
    probabilities = np.asarray(probabilities, dtype=float)
    labels = list(labels) if labels is not None else [str(index) for index in range(len(probabilities))]
    best = int(np.argmax(probabilities))
    colours = [VALIDATION_COLOUR if index == best else TRAIN_COLOUR for index in range(len(probabilities))]
    figure = go.Figure(go.Bar(x=labels, y=probabilities, marker_color=colours,
                              text=[f"{value:.0%}" for value in probabilities], textposition="outside"))
    figure.update_layout(height=260, yaxis={"range": [0, 1.15], "title": "probability"},
                         xaxis={"type": "category"}, margin={"l": 40, "r": 10, "t": 10, "b": 30})
    return figure


def weight_maps(kernel: np.ndarray, titles: Sequence[str] | None = None, columns: int = 5) -> go.Figure:
    """Each output neuron's weights over the 784 pixels, as a 28x28 map.

    Red pixels push the neuron's score up when inked, blue ones push it down: the map is
    what that neuron looks for.

    Args:
        kernel: (784, n) weights of a Dense layer on flattened digits.
        titles: one per neuron; defaults to "0".."n-1".
        columns: maps per row.

    Returns:
        A grid of heatmaps sharing one symmetric colour scale.
    """
    kernel = np.asarray(kernel)
    count = kernel.shape[1]
    titles = list(titles) if titles is not None else [str(index) for index in range(count)]
    rows = int(np.ceil(count / columns))
    limit = float(np.abs(kernel).max()) or 1.0
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=titles,
                           horizontal_spacing=0.02, vertical_spacing=0.08)
    for index in range(count):
        figure.add_trace(
            go.Heatmap(z=kernel[:, index].reshape(28, 28)[::-1], colorscale="RdBu_r", zmin=-limit, zmax=limit,
                       showscale=index == 0, coloraxis=None,
                       hovertemplate="weight %{z:.3f}<extra></extra>"),
            row=index // columns + 1, col=index % columns + 1,
        )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    for index in range(count):
        axis = "" if index == 0 else str(index + 1)
        figure.update_layout({f"yaxis{axis}": {"scaleanchor": f"x{axis}"}})
    figure.update_layout(height=170 * rows + 40, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return figure


def decision_boundary(
    grid: np.ndarray, points: np.ndarray, targets: np.ndarray, extent: tuple[float, float], title: str
) -> go.Figure:
    """A two-input classifier's output over the plane, with its training points.

    Args:
        grid: (n, n) outputs in [0, 1] over ``extent`` x ``extent``.
        points: (m, 2) inputs.
        targets: (m,) 0 or 1.
        extent: (low, high) of both axes.
        title: shown above.

    Returns:
        A heatmap with the 0.5 contour (the boundary) and the points coloured by target.
    """
    axis = np.linspace(extent[0], extent[1], grid.shape[0])
    figure = go.Figure()
    figure.add_trace(go.Heatmap(x=axis, y=axis, z=grid, colorscale="RdBu_r", zmin=0, zmax=1,
                                showscale=False, opacity=0.6, hoverinfo="skip", showlegend=False))
    if np.ptp(grid) > 1e-3:  # a flat output (XOR's 0.5 everywhere) has no boundary to draw
        figure.add_trace(go.Contour(x=axis, y=axis, z=grid, contours={"start": 0.5, "end": 0.5, "coloring": "none"},
                                    line={"width": 2, "color": "black"}, showscale=False, hoverinfo="skip",
                                    showlegend=False))
    else:
        figure.add_annotation(x=0.5, y=extent[0] - 0.25, text="no line: 0.5 everywhere", showarrow=False,
                              font={"size": 11, "color": "#444"})
    figure.add_trace(go.Scatter(
        x=points[:, 0], y=points[:, 1], mode="markers+text",
        text=[str(int(t)) for t in targets], textposition="top center",
        marker={"size": 16, "color": ["#d62728" if t else "#1f77b4" for t in targets],
                "line": {"width": 2, "color": "white"}},
        hovertemplate="x1=%{x}, x2=%{y}<extra></extra>", showlegend=False))
    figure.update_layout(title=title, height=280, margin={"l": 30, "r": 10, "t": 40, "b": 30},
                         xaxis={"title": "x1", "range": list(extent)},
                         yaxis={"title": "x2", "range": list(extent), "scaleanchor": "x"})
    return figure


def digit_grid(images: np.ndarray, labels: Sequence[int] | None = None, columns: int = 10) -> go.Figure:
    """Many (28, 28) digits tiled into one picture, e.g. a first look at the data."""
    images = np.asarray(images)
    rows = int(np.ceil(len(images) / columns))
    canvas = np.zeros((rows * 30, columns * 30), dtype=np.float32)
    for index, image in enumerate(images):
        top, left = (index // columns) * 30 + 1, (index % columns) * 30 + 1
        canvas[top : top + 28, left : left + 28] = image
    figure = go.Figure(go.Heatmap(z=canvas[::-1], colorscale="gray", showscale=False, hoverinfo="skip"))
    if labels is not None:
        for index, label in enumerate(labels):
            figure.add_annotation(x=(index % columns) * 30 + 4, y=rows * 30 - (index // columns) * 30 - 5,
                                  text=str(label), showarrow=False, font={"color": "#ffcc00", "size": 10})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, scaleanchor="x")
    figure.update_layout(height=max(200, 30 * rows + 40), margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return figure

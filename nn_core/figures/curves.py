"""Training curves as a network learns, the curves of several runs compared, and a drawn digit
read again after every epoch.

Epochs are numbered as people count them, from 1; a run that continues an earlier one
goes on from the epoch where that one ended (``first_epoch``), so its curves carry on
instead of starting again at the left edge.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nn_core.figures import theme


def epoch_numbers(count: int, first_epoch: int = 0) -> list[int]:
    """The x values of ``count`` per-epoch values: first_epoch + 1, first_epoch + 2, ..."""
    return list(range(first_epoch + 1, first_epoch + count + 1))


def training_curves(
    history: Mapping[str, Sequence[float]],
    batch_curve: Sequence[tuple[float, float, float]] = (),
    total_epochs: int | None = None,
    first_epoch: int = 0,
    markers: Sequence[tuple[float, str]] = (),
) -> go.Figure:
    """Loss and accuracy for training and validation, side by side.

    Args:
        history: per complete epoch: "loss", "accuracy", "val_loss", "val_accuracy".
        batch_curve: (epoch progress, running loss, running accuracy) within epochs, so
            the training curve moves during a long epoch too (progress counts continued
            epochs too).
        total_epochs: fixes the x-axis to the planned length while training runs.
        first_epoch: epochs the model had before this run.
        markers: (epoch progress, label) of events to mark with a vertical line.

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
                           line={"color": theme.PRIMARY, "width": 1}, opacity=0.5, showlegend=show_legend,
                           legendgroup="batches", connectgaps=False),
                row=1, col=column,
            )
        if history.get(metric):
            figure.add_trace(
                go.Scatter(x=epoch_numbers(len(history[metric]), first_epoch), y=history[metric], name="training",
                           mode="lines+markers", line={"color": theme.PRIMARY}, showlegend=show_legend,
                           legendgroup="train"),
                row=1, col=column,
            )
        validation = [value for value in history.get(f"val_{metric}", []) if np.isfinite(value)]
        if validation:
            figure.add_trace(
                go.Scatter(x=epoch_numbers(len(validation), first_epoch), y=validation, name="validation",
                           mode="lines+markers", line={"color": theme.ACCENT},
                           showlegend=show_legend, legendgroup="val"),
                row=1, col=column,
            )
    for progress, label in markers:
        figure.add_vline(x=progress, line={"color": theme.MUTED, "width": 1, "dash": "dot"},
                         annotation_text=label, annotation_position="top left", annotation_font_size=10)
    if total_epochs:
        figure.update_xaxes(range=[first_epoch, first_epoch + total_epochs + 0.05])
    figure.update_xaxes(title_text="epoch")
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 1.02], row=1, col=2)
    return theme.finish(figure, 320, theme.margins(40, 20, 40, 40), legend={"orientation": "h", "y": -0.25})


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


def compare_curves(
    runs: Mapping[str, Mapping[str, Sequence[float]]],
    metric: str = "val_accuracy",
    first_epochs: Mapping[str, int] | None = None,
) -> go.Figure:
    """One metric of several runs overlaid, to compare what a change did.

    Args:
        runs: run name -> its per-epoch history.
        metric: e.g. "loss", "accuracy", "val_loss", "val_accuracy".
        first_epochs: run name -> epochs its model had before it (continued runs).

    Returns:
        A figure with one line per run.
    """
    figure = go.Figure()
    last = 0
    for index, (name, history) in enumerate(runs.items()):
        values = list(history.get(metric, []))
        first = (first_epochs or {}).get(name, 0)
        last = max(last, first + len(values))
        figure.add_trace(go.Scatter(x=epoch_numbers(len(values), first), y=values, name=name, mode="lines+markers",
                                    line={"color": theme.RUN_COLOURS[index % len(theme.RUN_COLOURS)]}))
    if last <= 12:  # whole epochs only: a run of two epochs has no epoch 1.4
        figure.update_xaxes(dtick=1)
    return theme.finish(figure, 320, theme.margins(40, 20, 20, 40), xaxis_title="epoch",
                        yaxis_title=metric.replace("_", " "))


def digit_over_epochs(readings: Sequence[Mapping[str, Any]]) -> go.Figure:
    """How the network made up its mind about a drawn digit: each digit's probability after every epoch.

    Args:
        readings: one per epoch, ``{"epoch": 3, "drawing": 1, "probabilities": [ten floats]}``
            (``nn_core.digits.watch.DigitWatch`` keeps them); ``drawing`` counts the digits drawn, so a
            new drawing part-way through is marked.

    Returns:
        A small line chart: the digit most likely now in the accent colour, the others faint, each
        line named at its end when it holds any real share.
    """
    epochs = [int(reading["epoch"]) for reading in readings]
    probabilities = np.array([reading["probabilities"] for reading in readings], dtype=float)  # (epochs, 10)
    figure = go.Figure()
    if not len(epochs):
        return theme.finish(figure, 240, theme.margins(40, 30, 10, 40))
    best = int(np.argmax(probabilities[-1]))
    for digit in [*(d for d in range(probabilities.shape[1]) if d != best), best]:  # the best drawn last, on top
        values = probabilities[:, digit]
        strong = digit == best
        figure.add_trace(go.Scatter(
            x=epochs, y=values, name=str(digit), mode="lines+markers" if len(epochs) <= 20 else "lines",
            line={"color": theme.ACCENT if strong else theme.PRIMARY, "width": 3 if strong else 1},
            opacity=1.0 if strong else (0.7 if values.max() >= 0.1 else 0.25), showlegend=False,
            hovertemplate=f"{digit}: %{{y:.0%}} after epoch %{{x}}<extra></extra>"))
        if strong or values[-1] >= 0.05:
            figure.add_annotation(x=epochs[-1], y=values[-1], text=str(digit), showarrow=False, xanchor="left",
                                  xshift=6, font={"color": theme.ACCENT if strong else theme.PRIMARY, "size": 13})
    for before, after in zip(readings, readings[1:]):
        if after.get("drawing") != before.get("drawing"):
            figure.add_vline(x=int(after["epoch"]) - 0.5, line={"color": theme.MUTED, "width": 1, "dash": "dot"},
                             annotation_text="new drawing", annotation_font_size=10)
    figure.update_xaxes(title_text="epoch", range=[min(epochs) - 0.3, max(epochs) + 0.6],
                        dtick=1 if len(epochs) <= 15 else None)
    figure.update_yaxes(title_text="probability", range=[0, 1.02], tickformat=".0%")
    return theme.finish(figure, 240, theme.margins(50, 30, 10, 40))

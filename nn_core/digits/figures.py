"""Pictures of digits and of what a digit model makes of them.

A digit as the model sees it, many digits tiled, the ten probabilities of one digit,
and what a trained model does on the test digits: its confusion matrix, its accuracy per
digit, the digits it got wrong with its top-3 guesses, and the activations of its hidden
layers for one digit. Each function takes plain data (see ``nn_core.digits.analysis``)
and returns a ``plotly.graph_objects.Figure``; none knows about Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nn_core.digits.analysis import Mistake
from nn_core.figures import theme


def digit_image(image: np.ndarray, title: str = "") -> go.Figure:
    """A greyscale picture of one (28, 28) digit, pixel by pixel."""
    figure = go.Figure(go.Heatmap(z=np.asarray(image)[::-1], colorscale=theme.GREY, zmin=0, zmax=1,
                                  showscale=False, hovertemplate="row %{y}, col %{x}: %{z:.2f}<extra></extra>"))
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, scaleanchor="x")
    return theme.finish(figure, 260, theme.margins(top=30 if title else 10), title=title or None, width=260)


def probability_bars(probabilities: np.ndarray, labels: Sequence[str] | None = None) -> go.Figure:
    """One bar per class, the most likely highlighted."""
    probabilities = np.asarray(probabilities, dtype=float)
    labels = list(labels) if labels is not None else [str(index) for index in range(len(probabilities))]
    best = int(np.argmax(probabilities))
    colours = [theme.ACCENT if index == best else theme.PRIMARY for index in range(len(probabilities))]
    figure = go.Figure(go.Bar(x=labels, y=probabilities, marker_color=colours,
                              text=[f"{value:.0%}" for value in probabilities], textposition="outside"))
    return theme.finish(figure, 260, theme.margins(40, 10, 10, 30), yaxis={"range": [0, 1.15], "title": "probability"},
                        xaxis={"type": "category"})


def digit_sheet(images: np.ndarray, labels: Sequence[int] | None = None, columns: int = 10,
                scale: int = 3) -> np.ndarray:
    """Many (28, 28) digits tiled into one RGB picture, each label in a corner, e.g. a first look at the data.

    A picture, not a chart: a hundred digits as a Plotly heatmap weigh half a megabyte to
    send on every page run; as a PNG they weigh a few tens of kilobytes.

    Args:
        images: (n, 28, 28) digits in [0, 1].
        labels: n labels to write on them, or None.
        columns: digits per row.
        scale: each pixel drawn as scale x scale pixels.

    Returns:
        (rows * 30 * scale, columns * 30 * scale, 3) uint8.
    """
    from PIL import Image, ImageColor, ImageDraw

    images = np.asarray(images, dtype=np.float32)
    rows = int(np.ceil(len(images) / columns))
    tile = 30  # 28 pixels and a one-pixel border on each side
    canvas = np.zeros((rows * tile, columns * tile), dtype=np.uint8)
    for index, image in enumerate(images):
        top, left = (index // columns) * tile + 1, (index % columns) * tile + 1
        canvas[top : top + 28, left : left + 28] = np.clip(image * 255, 0, 255).astype(np.uint8)
    picture = Image.fromarray(canvas).resize((columns * tile * scale, rows * tile * scale), Image.Resampling.NEAREST)
    picture = picture.convert("RGB")
    if labels is not None:
        pen, colour = ImageDraw.Draw(picture), ImageColor.getrgb(theme.HIGHLIGHT_TEXT)
        for index, label in enumerate(labels):
            pen.text(((index % columns) * tile * scale + 4, (index // columns) * tile * scale + 2), str(label),
                     fill=colour)
    return np.asarray(picture)


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
    figure.add_trace(go.Heatmap(z=diagonal, x=labels, y=labels, colorscale=[[0, theme.GOOD], [1, theme.GOOD]],
                                showscale=False, customdata=custom, hovertemplate=template, xgap=1, ygap=1))
    figure.add_trace(go.Heatmap(z=off, x=labels, y=labels, colorscale=theme.CONFUSIONS,
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
    return theme.finish(figure, 440, theme.margins(50, 10, 10, 50), plot_bgcolor="white")


def per_digit_accuracy(accuracy: Sequence[float]) -> go.Figure:
    """One bar per digit: the share of its test digits read right."""
    values = np.asarray(accuracy, dtype=float)
    labels = [str(index) for index in range(len(values))]
    worst = int(np.nanargmin(values)) if np.isfinite(values).any() else -1
    colours = [theme.ALERT if index == worst else theme.PRIMARY for index in range(len(values))]
    figure = go.Figure(go.Bar(x=labels, y=values, marker_color=colours,
                              text=[f"{value:.0%}" if np.isfinite(value) else "" for value in values],
                              textposition="outside"))
    low = max(0.0, (float(np.nanmin(values)) if np.isfinite(values).any() else 0.0) - 0.1)
    step = 0.05 if low >= 0.6 else 0.1
    ticks = [tick for tick in np.arange(0.0, 1.0 + 1e-9, step) if tick >= low - 1e-9]  # none past 100%
    return theme.finish(figure, 300, theme.margins(50, 10, 10, 40), xaxis={"type": "category", "title": "digit"},
                        yaxis={"title": "read right", "range": [low, 1.08], "tickvals": ticks, "tickformat": ".0%"})


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
        figure.add_trace(go.Heatmap(z=item.image[::-1], colorscale=theme.GREY, zmin=0, zmax=1, showscale=False,
                                    hoverinfo="skip"),
                         row=index // columns + 1, col=index % columns + 1)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    for index in range(len(mistakes)):
        axis = "" if index == 0 else str(index + 1)
        figure.update_layout({f"yaxis{axis}": {"scaleanchor": f"x{axis}"}})
    figure.update_annotations(font_size=12)
    return theme.finish(figure, 210 * rows + 20, theme.margins(top=50))


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
            go.Heatmap(z=grid.reshape(side, side), customdata=numbers, colorscale=theme.INTENSITY, showscale=False,
                       hovertemplate="neuron %{customdata}: %{z:.3f}<extra></extra>"),
            row=1, col=index + 1,
        )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, autorange="reversed")
    for index in range(len(layers)):
        axis = "" if index == 0 else str(index + 1)
        figure.update_layout({f"yaxis{axis}": {"scaleanchor": f"x{axis}", "autorange": "reversed"}})
    figure.update_annotations(font_size=12)
    return theme.finish(figure, 300, theme.margins(top=40))

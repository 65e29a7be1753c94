"""Pictures of the "look deeper" views: maps of a layer, saliency, damaged digits, thresholds, units off.

Each function takes plain data (from ``embedding``, ``saliency``, ``robustness``,
``confidence`` and ``ablation`` in this package) and returns a
``plotly.graph_objects.Figure``; none knows about Streamlit. Digits on maps keep their
test-set index in ``customdata``, so a page can show the digits a student selects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nn_core.digits import a_digit
from nn_core.digits.confidence import ThresholdCurve
from nn_core.digits.figures import confusion_heatmap
from nn_core.digits.robustness import CHANGES, Curve
from nn_core.figures import theme

TILE = 28
GAP = 14  # room under each tile for its caption


def layer_map_figure(coordinates: np.ndarray, labels: np.ndarray, predictions: np.ndarray,
                     indices: np.ndarray | None = None, confidence: np.ndarray | None = None,
                     marked: np.ndarray | None = None, title: str = "", height: int = 430) -> go.Figure:
    """Digits as points on a map, one colour per true digit; misread digits drawn as crosses.

    Args:
        coordinates: (n, 2) map coordinates.
        labels: (n,) true digits.
        predictions: (n,) what the model said.
        indices: (n,) each point's test-set index, kept in ``customdata`` (default 0..n-1).
        confidence: (n,) the model's probability of its answer, for the hover text.
        marked: (2,) where a drawn digit lands: a black star.
        title: the map's title.
        height: in pixels.

    Returns:
        One trace per digit (its legend entry hides or shows it), and one for the star.
    """
    coordinates = np.asarray(coordinates, dtype=float)
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    indices = np.arange(len(labels)) if indices is None else np.asarray(indices)
    confidence = np.full(len(labels), np.nan) if confidence is None else np.asarray(confidence, dtype=float)
    figure = go.Figure()
    for digit in range(len(theme.CATEGORIES)):
        chosen = np.flatnonzero(labels == digit)
        if not len(chosen):
            continue
        # Digits read right first: the legend shows the first point's symbol, and crosses land on top.
        chosen = chosen[np.argsort(predictions[chosen] != digit, kind="stable")]
        wrong = predictions[chosen] != digit
        sure = [f" ({confidence[i]:.0%} sure)" if np.isfinite(confidence[i]) else "" for i in chosen]
        hover = [f"{a_digit(digit)}, read as {predictions[i]}{how}<br>test digit #{indices[i]}"
                 for i, how in zip(chosen, sure)]
        figure.add_trace(go.Scatter(
            x=coordinates[chosen, 0], y=coordinates[chosen, 1], mode="markers", name=str(digit),
            marker={"color": theme.CATEGORIES[digit], "size": np.where(wrong, 8, 5).tolist(), "opacity": 0.75,
                    "symbol": np.where(wrong, "x", "circle").tolist()},
            customdata=indices[chosen], hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
            selected={"marker": {"opacity": 1.0}}, unselected={"marker": {"opacity": 0.25}}))
    if marked is not None:
        figure.add_trace(go.Scatter(
            x=[float(marked[0])], y=[float(marked[1])], mode="markers+text", name="your digit", text=["your digit"],
            textposition="top center", textfont={"size": 13, "color": "black"}, hoverinfo="skip",
            marker={"symbol": "star", "size": 22, "color": "black", "line": {"color": "white", "width": 2}}))
    figure.update_xaxes(showticklabels=False, zeroline=False, showgrid=False)
    figure.update_yaxes(showticklabels=False, zeroline=False, showgrid=False)
    return theme.finish(figure, height, theme.margins(10, 10, 40 if title else 10, 10), title=title or None,
                        legend={"title": {"text": "digit"}, "itemsizing": "constant"}, dragmode="lasso",
                        plot_bgcolor="white")


def digit_tiles(images: np.ndarray, captions: Sequence[str], wrong: Sequence[bool] = (),
                columns: int = 10) -> go.Figure:
    """Digits tiled in one picture, each with a short caption under it (red for a wrong answer).

    Args:
        images: (n, 28, 28) digits in [0, 1].
        captions: one line per digit, e.g. "7 → 1 · 64%".
        wrong: per digit, whether its caption reports a mistake.
        columns: tiles per row.
    """
    images = np.asarray(images, dtype=np.float32)
    if not len(images):
        raise ValueError("no digits to show")
    wrong = list(wrong) + [False] * (len(images) - len(wrong))
    columns = min(columns, len(images))
    rows = math.ceil(len(images) / columns)
    step_x, step_y = TILE + 2, TILE + GAP
    canvas = np.full((rows * step_y, columns * step_x), np.nan, dtype=np.float32)  # NaN: the white gaps
    figure = go.Figure()
    for index, image in enumerate(images):
        top, left = (index // columns) * step_y, (index % columns) * step_x
        canvas[top : top + TILE, left : left + TILE] = image
        figure.add_annotation(x=left + TILE / 2, y=top + TILE + GAP / 2, text=captions[index], showarrow=False,
                              font={"size": 11, "color": theme.ALERT if wrong[index] else "black"})
    figure.add_trace(go.Heatmap(z=canvas, colorscale=theme.GREY, zmin=0, zmax=1, showscale=False, hoverinfo="skip"))
    figure.update_xaxes(visible=False, range=[-1, columns * step_x - 1])
    figure.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    width_px = 1100 if columns >= 10 else 110 * columns
    return theme.finish(figure, int(width_px * rows * step_y / (columns * step_x)) + 20, theme.margins(0, 0, 0, 0),
                        plot_bgcolor="white")


def saliency_figure(image: np.ndarray, gradient: np.ndarray, occlusion: np.ndarray, digit: int) -> go.Figure:
    """The digit the model sees, then its gradient and occlusion maps for ``digit``, its outline on top.

    Both maps share the signed colours: red speaks for ``digit``, blue against it, white
    neither; each is scaled to its own largest values.
    """
    image = np.asarray(image, dtype=float)
    titles = ["What the model sees", f"Gradient: more ink here → more '{digit}'",
              f"Occlusion: hiding this costs '{digit}'"]
    figure = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.04)
    figure.add_trace(go.Heatmap(z=image[::-1], colorscale=theme.GREY, zmin=0, zmax=1, showscale=False,
                                hovertemplate="pixel %{z:.2f}<extra></extra>"), row=1, col=1)
    for column, (values, what) in enumerate(((gradient, "gradient"), (occlusion, "probability drop")), start=2):
        values = np.asarray(values, dtype=float)
        # Scaled to the 99th percentile, so that two or three extreme pixels do not wash out the rest.
        largest = float(np.percentile(np.abs(values), 99)) or float(np.abs(values).max()) or 1.0
        figure.add_trace(go.Heatmap(z=values[::-1], colorscale=theme.SIGNED, zmin=-largest, zmax=largest,
                                    showscale=False, hovertemplate=f"{what} %{{z:.3f}}<extra></extra>"),
                         row=1, col=column)
        # The digit's outline over the map: where the ink is.
        figure.add_trace(go.Contour(z=image[::-1], contours={"start": 0.4, "end": 0.4, "coloring": "none"},
                                    line={"color": "black", "width": 1.2}, showscale=False, showlegend=False,
                                    hoverinfo="skip"),
                         row=1, col=column)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    for column in range(1, 4):
        axis = "" if column == 1 else str(column)
        figure.update_layout({f"yaxis{axis}": {"scaleanchor": f"x{axis}"}})
    figure.update_annotations(font_size=12)
    return theme.finish(figure, 300, theme.margins(10, 10, 40, 10), plot_bgcolor="white")


def robustness_figure(curves: Mapping[str, Curve], current: Mapping[str, float], baseline: float) -> go.Figure:
    """Accuracy against each change measured so far, one small chart per change.

    Args:
        curves: by change name.
        current: each change's slider value, marked with a vertical line.
        baseline: the model's accuracy on the undamaged digits (a dotted line).
    """
    names = [name for name in CHANGES if name in curves]
    if not names:
        raise ValueError("no curve to draw")
    figure = make_subplots(rows=1, cols=len(names), subplot_titles=[CHANGES[name].label for name in names],
                           horizontal_spacing=0.06, shared_yaxes=True)
    for column, name in enumerate(names, start=1):
        curve = curves[name]
        figure.add_trace(go.Scatter(x=curve.levels, y=curve.accuracy, mode="lines+markers", name=name,
                                    line={"color": theme.PRIMARY}, showlegend=False,
                                    hovertemplate="%{x:g}: %{y:.1%} right<extra></extra>"), row=1, col=column)
        figure.add_hline(y=baseline, line={"color": theme.MUTED, "dash": "dot", "width": 1}, row=1, col=column)
        if name in current:
            figure.add_vline(x=float(current[name]), line={"color": theme.ACCENT, "width": 2}, row=1, col=column)
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%")
    figure.update_yaxes(title_text="read right", row=1, col=1)
    figure.update_annotations(font_size=12)
    return theme.finish(figure, 280, theme.margins(60, 10, 40, 30))


def threshold_figure(curve: ThresholdCurve, threshold: float) -> go.Figure:
    """Share of test digits answered, and accuracy of those, against the confidence threshold."""
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=curve.thresholds, y=curve.answered, name="digits answered",
                                line={"color": theme.PRIMARY}, hovertemplate="threshold %{x:.0%}: %{y:.1%} answered"
                                                                             "<extra></extra>"))
    figure.add_trace(go.Scatter(x=curve.thresholds, y=curve.accuracy, name="of those, read right",
                                line={"color": theme.ACCENT}, hovertemplate="threshold %{x:.0%}: %{y:.1%} right"
                                                                            "<extra></extra>"))
    figure.add_vline(x=float(threshold), line={"color": theme.MUTED, "dash": "dash"})
    return theme.finish(figure, 320, theme.margins(60, 10, 10, 40),
                        xaxis={"title": "confidence needed to answer", "tickformat": ".0%", "range": [0, 1]},
                        yaxis={"tickformat": ".0%", "range": [0, 1.02]},
                        legend={"orientation": "h", "y": 1.12, "x": 0})


def ablation_figure(whole: np.ndarray, ablated: np.ndarray) -> go.Figure:
    """Accuracy per digit with every unit on, and with the chosen units off, side by side."""
    labels = [str(digit) for digit in range(len(whole))]
    figure = go.Figure()
    for values, name, colour in ((whole, "every unit on", theme.PRIMARY), (ablated, "chosen units off", theme.ACCENT)):
        values = np.asarray(values, dtype=float)
        figure.add_trace(go.Bar(x=labels, y=values, name=name, marker_color=colour,
                                text=[f"{value:.0%}" if value == value else "" for value in values],
                                textposition="outside", hovertemplate="digit %{x}: %{y:.1%} right<extra></extra>"))
    return theme.finish(figure, 300, theme.margins(50, 10, 10, 40), barmode="group",
                        xaxis={"type": "category", "title": "digit"},
                        yaxis={"title": "read right", "range": [0, 1.15], "tickformat": ".0%"},
                        legend={"orientation": "h", "y": 1.15, "x": 0})


def clickable_confusion(matrix: np.ndarray) -> go.Figure:
    """The confusion matrix, each cell clickable: an invisible square marker sits on every cell.

    Plotly cannot select a heatmap's cells, but it selects markers on a click; the
    marker's ``customdata`` is (true digit, predicted digit).
    """
    figure = confusion_heatmap(matrix)
    size = np.asarray(matrix).shape[0]
    rows, columns = np.divmod(np.arange(size * size), size)
    counts = np.asarray(matrix).reshape(-1)
    figure.add_trace(go.Scatter(
        x=[str(column) for column in columns], y=[str(row) for row in rows], mode="markers", showlegend=False,
        customdata=np.stack([rows, columns, counts], axis=1),
        marker={"symbol": "square", "size": 34, "color": "rgba(0, 0, 0, 0)"},
        selected={"marker": {"color": "rgba(0, 0, 0, 0.25)"}}, unselected={"marker": {"opacity": 1.0}},
        hovertemplate="true %{y}, predicted %{x}: %{customdata[2]} digits — click to see them<extra></extra>"))
    figure.update_layout(clickmode="event+select", dragmode=False)
    return figure

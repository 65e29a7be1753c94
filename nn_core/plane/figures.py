"""The plane's figures: the points, the decision regions, and the network with a picture per neuron.

Takes plain arrays (``nn_core.plane.maps`` computes them) and returns Plotly figures.
Pictures are made in ``nn_core.plane.pictures`` and placed on the figures
(``layout.images``) rather than drawn by the browser from heat-map and marker traces:
the live pictures are redrawn three times a second, and measured in Chromium a figure of
500 marker points took 70-180 ms to draw against under 20 ms for the same plane as one
picture. So the decision regions come with their points painted in (``regions_figure``);
only the plane a student clicks on draws its points as Plotly markers (``plane_figure``),
since a click must find them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nn_core.figures import theme
from nn_core.plane.data import FEATURES, PLANE
from nn_core.plane.maps import NEURON_STRIDE, PlaneMaps, grid
from nn_core.plane.pictures import (NEGATIVE, POSITIVE, class_chances, class_rgb, jpeg_source, one_class_rgb,
                                    png_source, points_picture, signed_rgb, value_limit)
from nn_core.plane.training import PlanePoints

MAX_DRAWN = 8
"""Neurons drawn per layer; a wider layer shows its first eight and says how many more it has."""
CLICK_RESOLUTION = 40
"""The clickable spots a side on the plane where a student adds points."""
CLICK_MARGIN = 0.15
"""The clickable spots keep this far from the plane's edge, so a point added there is seen whole."""
SPOT_SPACING = 2 * (PLANE - CLICK_MARGIN) / (CLICK_RESOLUTION - 1)
"""The distance between neighbouring clickable spots."""
WEIGHT_WIDTHS = (0.5, 1.5, 3.0, 5.0)
"""Line widths of weights, by quarter of the largest weight's size."""


def _plane_axes() -> dict:
    """The layout of a square plane from -6 to 6 on both axes."""
    axis = {"range": [-PLANE, PLANE], "zeroline": False, "showgrid": False, "dtick": 2, "constrain": "domain",
            "fixedrange": True}
    return {"xaxis": {**axis, "title": {"text": "x₁", "standoff": 2}},
            "yaxis": {**axis, "title": {"text": "x₂", "standoff": 2}, "scaleanchor": "x"},
            "plot_bgcolor": "white", "dragmode": False,
            "legend": {"orientation": "h", "y": -0.12, "font": {"size": 11}}}


def _legend_entries(figure: go.Figure, data: PlanePoints) -> None:
    """Legend entries only (no points): each class's colour, and what the rims mean."""
    entries = [(f"class {name}", theme.CLASS_COLOURS[label % len(theme.CLASS_COLOURS)], "white")
               for label, name in enumerate(data.class_names)] if data.classes else \
        [("training point", "white", "#bbbbbb")]
    entries.append(("test point (dark rim)", "white", "black"))
    for name, colour, rim in entries:
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
                                    marker={"size": 7, "color": colour, "line": {"width": 1.5, "color": rim}}))


def regions_figure(data: PlanePoints, outputs: np.ndarray | None, height: int = 380) -> go.Figure:
    """The network's answer over the plane with the points on it, as one picture.

    Args:
        data: the points.
        outputs: (outputs, r, r) the output neurons over the plane; None for the points alone.
        height: in pixels.

    Returns:
        The figure: axes, the picture, and a legend.
    """
    figure = go.Figure()
    figure.add_layout_image(source=jpeg_source(points_picture(data, outputs)), xref="x", yref="y", x=-PLANE, y=PLANE,
                            sizex=2 * PLANE, sizey=2 * PLANE, sizing="stretch", layer="below")
    _legend_entries(figure, data)
    return theme.finish(figure, height, theme.margins(35, 10, 10, 30), **_plane_axes())


def plane_figure(data: PlanePoints, height: int = 430, clickable: bool = False) -> go.Figure:
    """The plane with its points as markers: training points, test points with a dark rim.

    Args:
        data: the points.
        height: in pixels.
        clickable: add a grid of invisible spots a click selects (to add a point there);
            points then carry their index in ``customdata`` (a click on one removes it).

    Returns:
        The figure; with ``clickable``, the click grid is its last trace.
    """
    figure = go.Figure()
    limit = value_limit(data)
    index = np.arange(len(data.points))
    for test in (False, True):
        chosen = data.is_test if test else ~data.is_test
        rim = {"width": 1.5, "color": "black"} if test else {"width": 1, "color": "white"}
        kind = "test" if test else "training"
        if data.classes == 0:
            figure.add_trace(go.Scatter(
                x=data.points[chosen, 0], y=data.points[chosen, 1], mode="markers", name=f"{kind} points",
                customdata=index[chosen], marker={"size": 7, "color": data.targets[chosen], "colorscale": theme.SIGNED,
                                                  "cmin": -limit, "cmax": limit, "line": rim},
                hovertemplate=f"{kind} point (%{{x:.2f}}, %{{y:.2f}}): %{{marker.color:.2f}}<extra></extra>"))
            continue
        for label, name in enumerate(data.class_names):
            mine = chosen & (data.targets == label)
            figure.add_trace(go.Scatter(
                x=data.points[mine, 0], y=data.points[mine, 1], mode="markers", customdata=index[mine],
                name=f"class {name}", legendgroup=str(label), showlegend=not test,
                marker={"size": 7, "color": theme.CLASS_COLOURS[label % len(theme.CLASS_COLOURS)], "line": rim},
                hovertemplate=f"{kind} point of class {name} (%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))
    if data.classes:  # a legend entry saying what the dark rim means
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="test point (dark rim)",
                                    marker={"size": 7, "color": "white", "line": {"width": 1.5, "color": "black"}}))
    if clickable:
        spots = grid(CLICK_RESOLUTION) * (PLANE - CLICK_MARGIN) / PLANE
        figure.add_trace(go.Scatter(
            x=spots[:, 0], y=spots[:, 1], mode="markers", showlegend=False, name="add",
            marker={"size": 11, "color": "rgba(0, 0, 0, 0)"},
            hovertemplate="click: add a point at (%{x:.1f}, %{y:.1f})<extra></extra>"))
    return theme.finish(figure, height, theme.margins(35, 10, 10, 30), **_plane_axes())


def network_figure(
    features: Sequence[str],
    hidden_units: Sequence[int],
    activations: Sequence[str],
    outputs: int,
    data: PlanePoints,
    inputs: np.ndarray,
    maps: PlaneMaps | None = None,
    max_drawn: int = MAX_DRAWN,
) -> go.Figure:
    """The network as columns of neuron pictures joined by its weights.

    Each neuron is drawn as a small map of what it computes over the plane: the input
    features, each hidden neuron's output (blue negative, white zero, red positive, each on
    its own scale), and each output neuron (a class's chance, or the number learned). A
    weight is a line whose colour is its sign and whose thickness is its size.

    Args:
        features: the input features' names.
        hidden_units: neurons per hidden layer.
        activations: each hidden layer's activation.
        outputs: output neurons.
        data: the points (for the classes' colours and names).
        inputs: (features, s, s) each feature over the plane.
        maps: the trained (or training) network over the plane; None draws empty neurons.
        max_drawn: neurons drawn per layer at most.

    Returns:
        The figure.
    """
    widths = [len(features), *hidden_units, outputs]
    drawn = [min(width, max_drawn) for width in widths]
    rows = max(2, *drawn)
    columns = len(widths)
    figure = go.Figure()
    positions = [[(count - 1) / 2 - index for index in range(count)] for count in drawn]  # top first
    if maps is not None:
        _weight_lines(figure, maps.kernels, positions)
    # Pictures are gathered and set at once (Plotly checks the whole list on every addition);
    # labels are one text trace, which a browser draws in a third of the time of as many annotations.
    images: list[dict] = []
    labels: dict[str, list] = {"x": [], "y": [], "text": [], "position": [], "size": [], "colour": []}

    def label(x: float, y: float, text: str, position: str = "middle center", size: int = 11,
              colour: str = "#31333f") -> None:
        for name, value in zip(labels, (x, y, text, position, size, colour)):
            labels[name].append(value)

    hover_x, hover_y, hover_text = [], [], []
    for column, (width, count) in enumerate(zip(widths, drawn)):
        for index in range(count):
            picture, text = _neuron(column, index, columns, features, activations, data, inputs, maps)
            y = positions[column][index]
            if picture is not None:
                images.append({"source": png_source(picture), "xref": "x", "yref": "y", "x": column, "y": y,
                               "sizex": 0.8, "sizey": 0.8, "xanchor": "center", "yanchor": "middle",
                               "sizing": "contain", "layer": "above"})
            hover_x.append(column)
            hover_y.append(y)
            hover_text.append(text)
            name = _side_label(column, index, columns, features, data, widths[-1])
            if name:  # inputs are named on their left, outputs on their right
                label(column + (-0.45 if column == 0 else 0.45), y, name,
                      "middle left" if column == 0 else "middle right")
        if width > count:
            label(column, positions[column][-1] - 0.62, f"+{width - count} more", size=10, colour=theme.MUTED)
        label(column, rows / 2 + 0.35, _column_title(column, columns, width, activations))
    figure.add_trace(go.Scatter(
        x=hover_x, y=hover_y, mode="markers", hovertext=hover_text, hoverinfo="text", showlegend=False,
        marker={"size": 34, "symbol": "square", "color": "rgba(0, 0, 0, 0)" if maps is not None else "#eeeeee",
                "line": {"width": 1, "color": "#bbbbbb"}}))
    figure.add_trace(go.Scatter(
        x=labels["x"], y=labels["y"], text=labels["text"], mode="text", textposition=labels["position"],
        textfont={"size": labels["size"], "color": labels["colour"]}, hoverinfo="skip", showlegend=False))
    figure.update_xaxes(visible=False, range=[-1.05, columns - 0.1], fixedrange=True)
    figure.update_yaxes(visible=False, range=[-rows / 2 - 0.45, rows / 2 + 0.7], fixedrange=True)
    return theme.finish(figure, 50 + 46 * rows, theme.margins(5, 5, 5, 5), plot_bgcolor="white", dragmode=False,
                        images=images)


def _column_title(column: int, columns: int, width: int, activations: Sequence[str]) -> str:
    if column == 0:
        return "<b>Input</b>"
    if column == columns - 1:
        return "<b>Output</b>"
    return f"<b>Hidden {column}</b><br>{width} {activations[column - 1]}"


def _side_label(column: int, index: int, columns: int, features: Sequence[str], data: PlanePoints,
                outputs: int) -> str:
    """The name written beside an input (its feature) or an output (its class)."""
    if column == 0:
        return FEATURES[features[index]]
    if column < columns - 1:
        return ""
    if data.classes == 0:
        return "value"
    if outputs == 1:
        return f"P({data.class_names[1]})"
    return data.class_names[index] if index < len(data.class_names) else str(index)


def _neuron(column: int, index: int, columns: int, features: Sequence[str], activations: Sequence[str],
            data: PlanePoints, inputs: np.ndarray, maps: PlaneMaps | None) -> tuple[np.ndarray | None, str]:
    """One neuron's picture (None: not computed yet) and its hover text."""
    if column == 0:
        return signed_rgb(inputs[index]), f"input {FEATURES[features[index]]}"
    if column < columns - 1:
        text = f"hidden layer {column}, neuron {index + 1} ({activations[column - 1]})"
        return (None if maps is None else signed_rgb(maps.hidden[column - 1][index])), text
    output = None if maps is None else maps.outputs[:, ::NEURON_STRIDE, ::NEURON_STRIDE]  # (outputs, 50, 50)
    if data.classes == 0:
        return (None if output is None else signed_rgb(output[0], value_limit(data))), "output: the number learned"
    if output is not None and output.shape[0] == 1:  # one sigmoid: both classes' colours in one picture
        return class_rgb(class_chances(output, 2)), f"output: the chance of class {data.class_names[1]} (sigmoid)"
    name = data.class_names[index] if index < len(data.class_names) else str(index)
    return (None if output is None else one_class_rgb(output[index], index)), f"output: the chance of class {name}"


def _weight_lines(figure: go.Figure, kernels: Sequence[np.ndarray], positions: Sequence[Sequence[float]]) -> None:
    """Every drawn weight as a line between neuron centres: colour its sign, width its size.

    Lines are gathered into one trace per (sign, width) pair: a few traces, however many weights.
    """
    largest = max((float(np.max(np.abs(kernel))) for kernel in kernels if kernel.size), default=0.0) or 1.0
    buckets: dict[tuple[bool, int], tuple[list, list]] = {}
    for column, kernel in enumerate(kernels):  # (inputs, units) between column and column + 1
        for source, y_from in enumerate(positions[column]):
            for target, y_to in enumerate(positions[column + 1]):
                weight = float(kernel[source, target])
                level = min(len(WEIGHT_WIDTHS) - 1, int(abs(weight) / largest * len(WEIGHT_WIDTHS)))
                xs, ys = buckets.setdefault((weight >= 0, level), ([], []))
                xs += [column, column + 1, None]
                ys += [y_from, y_to, None]
    for (positive, level), (xs, ys) in sorted(buckets.items()):
        figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False, opacity=0.7,
                                    line={"color": POSITIVE if positive else NEGATIVE,
                                          "width": WEIGHT_WIDTHS[level]}))

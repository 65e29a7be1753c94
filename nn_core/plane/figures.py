"""The plane's pictures: the points, the decision regions, and the network with a picture per neuron.

Takes plain arrays (``nn_core.plane.maps`` computes them) and returns Plotly figures.
Pictures are made here and placed on the figures (``layout.images``) rather than drawn
by the browser from heat-map and marker traces: the live pictures are redrawn three
times a second, and measured in Chromium a figure of 500 marker points took 70-180 ms
to draw against about 30 ms for the same plane as one picture. So the decision regions
come with their points painted in (``regions_figure``); only the plane a student clicks
on draws its points as Plotly markers (``plane_figure``), since a click must find them.
Colours come from ``nn_core.figures.theme``: classes in ``CLASS_COLOURS``, signed values
(a neuron's output, a feature, a number to learn) in ``SIGNED`` (blue negative, white
zero, red positive), each map on its own scale.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from PIL import Image, ImageDraw

from nn_core.figures import theme
from nn_core.plane.data import FEATURES, PLANE
from nn_core.plane.maps import NEURON_STRIDE, PlaneMaps, grid
from nn_core.plane.training import PlanePoints

MAX_DRAWN = 8
"""Neurons drawn per layer; a wider layer shows its first eight and says how many more it has."""
CLICK_RESOLUTION = 40
"""The clickable spots a side on the plane where a student adds points."""
CLICK_MARGIN = 0.15
"""The clickable spots keep this far from the plane's edge, so a point added there is seen whole."""
SPOT_SPACING = 2 * (PLANE - CLICK_MARGIN) / (CLICK_RESOLUTION - 1)
"""The distance between neighbouring clickable spots."""
REGION_STRENGTH = 0.5
"""How strongly a region takes its class's colour where the network is sure (the points stay readable)."""
WEIGHT_WIDTHS = (0.5, 1.5, 3.0, 5.0)
"""Line widths of weights, by quarter of the largest weight's size."""
REGION_PIXELS = 400
"""The decision regions' picture is this many pixels a side (drawn at about 330)."""
POINT_RADIUS = 4.2
"""A point's radius in the regions' picture, in its pixels: about a Plotly marker of size 7 as drawn."""
SUPERSAMPLING = 2
"""Points are painted at this many times the picture's size and scaled down, for smooth edges."""


def _lookup_table(scale: str, size: int = 256) -> np.ndarray:
    """A named Plotly colour scale as (size, 3) uint8 RGB, for colouring arrays fast."""
    stops = plotly.colors.get_colorscale(scale)
    positions = np.array([float(position) for position, _ in stops])
    colours = np.array([plotly.colors.unlabel_rgb(colour) if colour.startswith("rgb")
                        else plotly.colors.hex_to_rgb(colour) for _, colour in stops], dtype=float)  # (stops, 3)
    where = np.linspace(0.0, 1.0, size)
    return np.stack([np.interp(where, positions, colours[:, channel]) for channel in range(3)],
                    axis=1).round().astype(np.uint8)


_SIGNED = _lookup_table(theme.SIGNED)  # (256, 3): index 0 the most negative, 255 the most positive
_CLASS_RGB = np.array([plotly.colors.hex_to_rgb(colour) for colour in theme.CLASS_COLOURS], dtype=float)  # (5, 3)
POSITIVE, NEGATIVE = (plotly.colors.label_rgb(tuple(int(c) for c in _SIGNED[index])) for index in (230, 25))
"""The colours of a positive and a negative weight: near the ends of the signed scale."""


def signed_rgb(values: np.ndarray, limit: float | None = None) -> np.ndarray:
    """Signed values as colours: blue negative, white zero, red positive.

    Args:
        values: (h, w) values, row 0 at the bottom of the plane.
        limit: the size drawn at full colour; the largest size in ``values`` by default.

    Returns:
        (h, w, 3) uint8 RGB, row 0 at the top (as pictures are stored).
    """
    limit = float(np.max(np.abs(values))) if limit is None else limit
    scaled = np.clip(np.nan_to_num(values) / max(limit, 1e-6), -1.0, 1.0)
    return _SIGNED[np.round((scaled + 1) / 2 * 255).astype(int)][::-1]


def class_rgb(chances: np.ndarray) -> np.ndarray:
    """Class chances as colours: the likeliest class's colour, stronger the surer the network is.

    Args:
        chances: (classes, h, w), summing to 1 over the classes; row 0 at the bottom.

    Returns:
        (h, w, 3) uint8 RGB, row 0 at the top.
    """
    classes = chances.shape[0]
    likeliest = np.argmax(chances, axis=0)  # (h, w)
    sure = (np.max(chances, axis=0) - 1 / classes) / (1 - 1 / classes)  # 0 undecided .. 1 certain
    strength = REGION_STRENGTH * np.clip(np.nan_to_num(sure), 0.0, 1.0)[..., None]
    rgb = 255.0 * (1 - strength) + _CLASS_RGB[likeliest % len(_CLASS_RGB)] * strength  # (h, w, 3)
    return rgb.round().astype(np.uint8)[::-1]


def one_class_rgb(chance: np.ndarray, label: int) -> np.ndarray:
    """One class's chance as white (0) to its colour (1); row 0 of ``chance`` at the bottom."""
    strength = np.clip(np.nan_to_num(chance), 0.0, 1.0)[..., None]
    rgb = 255.0 * (1 - strength) + _CLASS_RGB[label % len(_CLASS_RGB)] * strength
    return rgb.round().astype(np.uint8)[::-1]


def png_source(rgb: np.ndarray) -> str:
    """An (h, w, 3) uint8 picture as a PNG data URI, for a figure's ``layout.images``."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb), "RGB").save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def jpeg_source(rgb: np.ndarray) -> str:
    """An (h, w, 3) uint8 picture as a JPEG data URI: the regions' picture is 45 kB so, 110 kB as a PNG."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb), "RGB").save(buffer, format="JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def class_chances(outputs: np.ndarray, classes: int) -> np.ndarray:
    """Output neurons' values as per-class chances: one sigmoid (the chance of class 1) becomes two."""
    if classes and outputs.shape[0] == 1:
        return np.stack([1 - outputs[0], outputs[0]])
    return outputs


def value_limit(data: PlanePoints) -> float:
    """The number a regression's colours reach full strength at: the largest target's size."""
    if data.classes or not len(data.targets):
        return 1.0
    return max(float(np.max(np.abs(data.targets))), 1e-3)


def region_picture(outputs: np.ndarray, classes: int, limit: float = 1.0) -> np.ndarray:
    """The network's answer over the plane as a picture: classes by colour, or a number's sign and size.

    Args:
        outputs: (outputs, r, r) each output neuron over the plane, row 0 at the bottom.
        classes: how many classes (0: a number, drawn on the signed scale up to ``limit``).
        limit: the number drawn at full colour.

    Returns:
        (r, r, 3) uint8 RGB, top row first.
    """
    if classes == 0:
        return signed_rgb(outputs[0], limit)
    return class_rgb(class_chances(outputs, classes))


def points_picture(data: PlanePoints, outputs: np.ndarray | None, size: int = REGION_PIXELS) -> np.ndarray:
    """The decision regions with the points painted on them: training points white-rimmed, test points dark-rimmed.

    Args:
        data: the points.
        outputs: (outputs, r, r) the output neurons over the plane, row 0 at the bottom; None
            for the points on white.
        size: the picture's side in pixels.

    Returns:
        (size, size, 3) uint8 RGB, top row first.
    """
    limit = value_limit(data)
    large = size * SUPERSAMPLING
    if outputs is None:
        picture = Image.new("RGB", (large, large), (255, 255, 255))
    else:
        picture = Image.fromarray(region_picture(outputs, data.classes, limit)).resize((large, large), Image.BILINEAR)
    pen = ImageDraw.Draw(picture)
    radius = POINT_RADIUS * SUPERSAMPLING
    columns = (data.points[:, 0] + PLANE) / (2 * PLANE) * large  # x1 -> pixels from the left
    rows = (PLANE - data.points[:, 1]) / (2 * PLANE) * large  # x2 -> pixels from the top
    if data.classes:
        fills = _CLASS_RGB[data.targets.astype(int) % len(_CLASS_RGB)]
    else:
        fills = _SIGNED[np.round((np.clip(data.targets / limit, -1, 1) + 1) / 2 * 255).astype(int)].astype(float)
    for test in (False, True):  # test points on top, where they are easiest to see
        rim, width = ((0, 0, 0), round(1.5 * SUPERSAMPLING)) if test else ((255, 255, 255), SUPERSAMPLING)
        for column, row, fill in zip(columns[data.is_test == test], rows[data.is_test == test],
                                     fills[data.is_test == test]):
            pen.ellipse([column - radius, row - radius, column + radius, row + radius],
                        fill=tuple(int(value) for value in fill), outline=rim, width=width)
    return np.asarray(picture.resize((size, size), Image.LANCZOS))


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

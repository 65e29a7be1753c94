"""The perceptron's pictures: each neuron's weights as a 28x28 map, and a gate neuron's line.

Each function takes plain NumPy data and returns a ``plotly.graph_objects.Figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nn_core.figures import theme


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
            go.Heatmap(z=kernel[:, index].reshape(28, 28)[::-1], colorscale=theme.SIGNED, zmin=-limit, zmax=limit,
                       showscale=index == 0, coloraxis=None,
                       hovertemplate="weight %{z:.3f}<extra></extra>"),
            row=index // columns + 1, col=index % columns + 1,
        )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    for index in range(count):
        axis = "" if index == 0 else str(index + 1)
        figure.update_layout({f"yaxis{axis}": {"scaleanchor": f"x{axis}"}})
    return theme.finish(figure, 170 * rows + 40, theme.margins(top=30))


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
    figure.add_trace(go.Heatmap(x=axis, y=axis, z=grid, colorscale=theme.SIGNED, zmin=0, zmax=1,
                                showscale=False, opacity=0.6, hoverinfo="skip", showlegend=False))
    if np.ptp(grid) > 1e-3:  # a flat output (XOR's 0.5 everywhere) has no boundary to draw
        figure.add_trace(go.Contour(x=axis, y=axis, z=grid, contours={"start": 0.5, "end": 0.5, "coloring": "none"},
                                    line={"width": 2, "color": "black"}, showscale=False, hoverinfo="skip",
                                    showlegend=False))
    else:
        figure.add_annotation(x=0.5, y=extent[0] - 0.25, text="no line: 0.5 everywhere", showarrow=False,
                              font={"size": 11, "color": theme.MUTED})
    figure.add_trace(go.Scatter(
        x=points[:, 0], y=points[:, 1], mode="markers+text",
        text=[str(int(t)) for t in targets], textposition="top center",
        marker={"size": 16, "color": [theme.ALERT if t else theme.PRIMARY for t in targets],
                "line": {"width": 2, "color": "white"}},
        hovertemplate="x1=%{x}, x2=%{y}<extra></extra>", showlegend=False))
    return theme.finish(figure, 280, theme.margins(30, 10, 40, 30), title=title,
                        xaxis={"title": "x1", "range": list(extent)},
                        yaxis={"title": "x2", "range": list(extent), "scaleanchor": "x"})

"""Pictures for the convolution page: stage images, one pixel's arithmetic, feature maps, kernels.

The filter lab's maps can be 512x512, too many cells for a Plotly heatmap to ship to a
browser at every slider move, so they are coloured here into small RGB arrays (a PNG of a
few tens of kilobytes once shown). The trained network's maps are small (28x28 and less)
and go into Plotly heatmaps, where hovering a cell shows its value.

Signed maps use the theme's ``SIGNED_ON_DARK`` scale everywhere, symmetric about zero:
light blue and blue negative, black zero, red and yellow positive. Zero is black (as in
the article's dark pictures) because most of an edge map is zero: its thin edges then
shine on a dark ground instead of fading on a white one. What ReLU removes (the blue) is
plain to see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nn_core.cnn.feature_maps import LayerMaps
from nn_core.cnn.filters import PixelArithmetic
from nn_core.figures import theme

PATCH_COLOUR = (0, 230, 64)  # marks the arithmetic's patch and pixel: green shows on grey, black, red and blue
MIN_DISPLAY_SIDE = 256  # small pictures are enlarged (pixel by pixel) to at least this


def _lookup_table(scale: list, size: int) -> np.ndarray:
    """(size, 3) uint8 colours of a Plotly colour scale, its low end first."""
    colours = plotly.colors.sample_colorscale(scale, list(np.linspace(0.0, 1.0, size)))
    rgb = np.array([plotly.colors.unlabel_rgb(colour) for colour in colours], dtype=np.float64)  # (size, 3)
    return rgb.round().astype(np.uint8)


# An odd number of diverging colours, so that zero falls exactly on the middle one (black).
_TABLES = {"grey": np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1),
           "diverging": _lookup_table(theme.SIGNED_ON_DARK, 255)}


def symmetric_limit(values: np.ndarray) -> float:
    """The largest absolute value (1.0 for an all-zero map), for a scale symmetric about 0."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    limit = float(np.abs(finite).max()) if finite.size else 0.0
    return limit if limit > 0 else 1.0


def to_rgb(values: np.ndarray, scale: str = "diverging", low: float | None = None,
           high: float | None = None) -> np.ndarray:
    """Colour a map.

    Args:
        values: (H, W) numbers.
        scale: "grey" (black to white) or "diverging" (blue, white, red).
        low: the value drawn at the scale's first colour; by default 0 for grey and
            minus the largest absolute value for diverging.
        high: the value at the last colour; by default 1 for grey and the largest
            absolute value for diverging.

    Returns:
        (H, W, 3) uint8.
    """
    values = np.asarray(values, dtype=np.float64)
    if scale == "grey":
        low, high = (0.0 if low is None else low), (1.0 if high is None else high)
    else:
        limit = symmetric_limit(values)
        low, high = (-limit if low is None else low), (limit if high is None else high)
    table = _TABLES[scale]
    last = len(table) - 1
    span = high - low if high > low else 1.0
    index = np.clip((values - low) / span * last, 0, last)
    index = np.nan_to_num(index, nan=last / 2).round().astype(np.intp)  # (H, W)
    return table[index]  # (H, W, 3)


def enlarge(rgb: np.ndarray, min_side: int = MIN_DISPLAY_SIDE) -> tuple[np.ndarray, int]:
    """Repeat each pixel so that a small picture shows its pixels crisply, not blurred.

    Args:
        rgb: (H, W, 3) picture.
        min_side: enlarge by a whole factor until the longer side is at least this.

    Returns:
        ((H * f, W * f, 3) picture, factor f).
    """
    factor = max(1, min_side // max(rgb.shape[:2]))
    if factor == 1:
        return rgb, 1
    return np.repeat(np.repeat(rgb, factor, axis=0), factor, axis=1), factor


def outline(rgb: np.ndarray, top: int, left: int, height: int, width: int,
            colour: tuple[int, int, int] = PATCH_COLOUR) -> np.ndarray:
    """A copy of ``rgb`` with a rectangle's border drawn (clipped to the picture).

    Args:
        rgb: (H, W, 3) picture.
        top: the rectangle's first row (may be negative: the part outside is not drawn).
        left: its first column.
        height: its rows.
        width: its columns.
        colour: the border's RGB.

    Returns:
        (H, W, 3) picture.
    """
    marked = rgb.copy()
    rows, cols = marked.shape[:2]
    bottom, right = top + height - 1, left + width - 1
    r0, r1, c0, c1 = max(top, 0), min(bottom, rows - 1), max(left, 0), min(right, cols - 1)
    if r0 > r1 or c0 > c1:
        return marked
    for row in (top, bottom):
        if 0 <= row < rows:
            marked[row, c0 : c1 + 1] = colour
    for col in (left, right):
        if 0 <= col < cols:
            marked[r0 : r1 + 1, col] = colour
    return marked


def arithmetic_figure(arithmetic: PixelArithmetic) -> go.Figure:
    """The patch, the kernel and their products as three small grids of numbers.

    Args:
        arithmetic: from ``nn_core.cnn.filters.pixel_arithmetic``.

    Returns:
        Three annotated heatmaps side by side; padding cells are marked "pad".
    """
    titles = ("Input patch", "Kernel", "Patch × kernel")
    figure = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.06)
    size = arithmetic.kernel.shape[0]
    patch_text = [[f"{value:.2f}" if inside else "pad 0" for value, inside in zip(row, inside_row)]
                  for row, inside_row in zip(arithmetic.patch, arithmetic.inside)]
    kernel_text = [[f"{value:.3g}" for value in row] for row in arithmetic.kernel]
    product_text = [[f"{round(float(value), 2) + 0.0:.2f}" for value in row]  # + 0.0: no "-0.00"
                    for row in arithmetic.products]
    grids = ((arithmetic.patch, patch_text, "grey"), (arithmetic.kernel, kernel_text, "diverging"),
             (arithmetic.products, product_text, "diverging"))
    for column, (grid, text, scale) in enumerate(grids, start=1):
        limit = symmetric_limit(grid)
        figure.add_trace(go.Heatmap(
            z=grid, text=text, texttemplate="%{text}",  # Plotly picks a readable text colour per cell
            colorscale=theme.GREY if scale == "grey" else theme.SIGNED_ON_DARK,
            zmin=0 if scale == "grey" else -limit, zmax=1 if scale == "grey" else limit,
            showscale=False, hoverinfo="skip", textfont={"size": 14 if size == 3 else 11},
        ), row=1, col=column)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, autorange="reversed")  # row 0 at the top, as in the image
    for column in range(1, 4):
        axis = "" if column == 1 else str(column)
        figure.update_layout({f"yaxis{axis}": {"scaleanchor": f"x{axis}"}})
    return theme.finish(figure, 260, theme.margins(top=40))


def feature_map_figure(block: Sequence[LayerMaps], shared_scale: bool = True, max_filters: int = 32,
                       columns: int = 4, tile: int = 28) -> go.Figure:
    """One block's maps, filter by filter: convolution | activation | pooling side by side.

    Every map is drawn on a ``tile`` x ``tile`` square (pooled maps, being smaller,
    show larger pixels), four filters to a row by default.

    Args:
        block: the block's three ``LayerMaps`` (conv, activation, pool) in order.
        shared_scale: True: one colour scale per layer, so filters compare; False:
            each map stretched to its own range, so faint maps show their pattern.
        max_filters: at most this many filters are drawn (the first ones).
        columns: filters per row.
        tile: side of each drawn map, in cells.

    Returns:
        One heatmap of the whole block; hovering shows each cell's real value.
    """
    if len(block) != 3:
        raise ValueError(f"expected a block's 3 layers (conv, activation, pool), got {len(block)}")
    count = min(block[0].maps.shape[2], max_filters)
    rows = int(np.ceil(count / columns))
    gap, card_gap, row_gap = 2, 6, 11  # empty cells between a card's maps, between cards, between rows
    card_width = 3 * tile + 2 * gap
    height = rows * tile + (rows - 1) * row_gap
    width = columns * card_width + (columns - 1) * card_gap
    colour = np.full((height, width), np.nan)  # what is coloured, in [-1, 1]
    real = np.full((height, width), np.nan)  # the real values, for hovering
    limits = [symmetric_limit(layer.maps[:, :, :count]) for layer in block]
    annotations = []
    for index in range(count):
        top = (index // columns) * (tile + row_gap)  # room for the next row's "filter N" labels
        card_left = (index % columns) * (card_width + card_gap)
        for stage, layer in enumerate(block):
            values = layer.maps[:, :, index]  # (h, w)
            pick_rows = np.arange(tile) * values.shape[0] // tile  # nearest-neighbour enlargement
            pick_cols = np.arange(tile) * values.shape[1] // tile
            big = values[np.ix_(pick_rows, pick_cols)]  # (tile, tile)
            limit = limits[stage] if shared_scale else symmetric_limit(values)
            left = card_left + stage * (tile + gap)
            real[top : top + tile, left : left + tile] = big
            colour[top : top + tile, left : left + tile] = big / limit
        annotations.append({"x": card_left + card_width / 2 - 0.5, "y": top - 0.5, "text": f"filter {index + 1}",
                            "showarrow": False, "yanchor": "bottom", "font": {"size": 11}})
    figure = go.Figure(go.Heatmap(
        z=colour, customdata=real, colorscale=theme.SIGNED_ON_DARK, zmin=-1, zmax=1, showscale=False,
        hovertemplate="value %{customdata:.3f}<extra></extra>", hoverongaps=False,
    ))
    figure.update_layout(annotations=annotations)
    figure.update_xaxes(visible=False, range=[-0.5, width - 0.5])
    figure.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    pixels_per_cell = 900 / width  # the main column of a laptop screen; wider ones add side margins
    return theme.finish(figure, int(height * pixels_per_cell) + 30, theme.margins(0, 0, 20, 0))


def kernel_figure(kernels: np.ndarray, columns: int = 8, max_kernels: int = 64) -> go.Figure:
    """Learned kernels as small pictures on one symmetric colour scale.

    Args:
        kernels: (filters, k, k) weights, e.g. from ``first_layer_kernels``.
        columns: kernels per row.
        max_kernels: at most this many are drawn.

    Returns:
        One heatmap; red and yellow weights reward ink under them, blue ones penalise it.
    """
    kernels = np.asarray(kernels, dtype=np.float64)[:max_kernels]
    count, size = kernels.shape[0], kernels.shape[1]
    rows = int(np.ceil(count / columns))
    step = size + 1
    grid = np.full((rows * step - 1, columns * step - 1), np.nan)
    labels = np.full(grid.shape, "", dtype=object)
    for index, kernel in enumerate(kernels):
        top, left = (index // columns) * step, (index % columns) * step
        grid[top : top + size, left : left + size] = kernel
        labels[top : top + size, left : left + size] = f"filter {index + 1}"
    limit = symmetric_limit(kernels)
    figure = go.Figure(go.Heatmap(
        z=grid, customdata=labels, colorscale=theme.SIGNED_ON_DARK, zmin=-limit, zmax=limit, hoverongaps=False,
        hovertemplate="%{customdata}: weight %{z:.3f}<extra></extra>", colorbar={"thickness": 12},
    ))
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    return theme.finish(figure, min(700, 70 * rows + 40), theme.margins(0, 0, 10, 10))

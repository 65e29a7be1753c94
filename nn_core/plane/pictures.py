"""The plane's pictures as pixels: maps coloured, the decision regions with their points painted in, encoded.

Colours come from ``nn_core.figures.theme``: classes in ``CLASS_COLOURS``, signed values (a
neuron's output, a feature, a number to learn) in ``SIGNED`` (blue negative, white zero,
red positive). Pictures are NumPy arrays (height, width, 3) of uint8, top row first, as
pictures are stored; maps come in with row 0 at the bottom of the plane (x2 = -6), as
``nn_core.plane.maps`` computes them, and are turned over here. ``nn_core.plane.figures``
places them on Plotly figures.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.colors
from PIL import Image, ImageDraw

from nn_core.figures import theme
from nn_core.plane.data import PLANE
from nn_core.plane.training import PlanePoints

REGION_STRENGTH = 0.5
"""How strongly a region takes its class's colour where the network is sure (the points stay readable)."""
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

"""One visual vocabulary for every figure: colours, colour scales, margins, the chart toolbar.

Each colour has one meaning across the app, as CNN Explainer's ``config.js`` gives each
layer kind one colour scale: the network's own numbers and training curves are
``PRIMARY``, validation and whatever is highlighted ``ACCENT``, what went wrong
``ALERT``. Signed numbers (weights, hidden states) use ``SIGNED`` on light ground;
feature maps, mostly zero, use ``SIGNED_ON_DARK``, whose zero is black.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

PRIMARY = "#1f77b4"
"""Training curves, the network's probabilities, neurons."""
ACCENT = "#ff7f0e"
"""Validation curves, the chosen or most likely answer."""
ALERT = "#d62728"
"""The weakest digit, a wrong answer, class 1 of a gate."""
GOOD = "#a1d99b"
"""Answers that are right (the confusion matrix's diagonal)."""
MUTED = "#555555"
"""Arrows and secondary text."""
FAINT = "rgba(120, 120, 120, 0.25)"
"""Connections drawn behind neurons."""
HIGHLIGHT_TEXT = "#ffcc00"
"""Labels written over black pictures."""
RUN_COLOURS = (PRIMARY, ACCENT, "#2ca02c", ALERT, "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
"""One colour per run when runs are compared."""
CLASS_COLOURS = (PRIMARY, ALERT, "#2ca02c", "#9467bd", ACCENT)
"""One colour per class of points on the plane: class 0 blue and class 1 red as a gate's, then green, purple, orange."""
CATEGORIES = (PRIMARY, ACCENT, "#2ca02c", ALERT, "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
"""One colour per digit (or character) on the maps of a layer, digit 0 first."""

GREY = "gray"
"""Pixels: black 0 to white 1."""
SIGNED = "RdBu_r"
"""Signed numbers on light ground: blue negative, white zero, red positive."""
SIGNED_ON_DARK = [[0.0, "#9fe3ff"], [0.25, "#1f6fd1"], [0.5, "#000000"], [0.75, "#d62728"], [1.0, "#ffe45c"]]
"""Signed maps that are mostly zero: light blue and blue negative, black zero, red and yellow positive."""
SIGNED_ON_DARK_IN_WORDS = "blue is negative, black zero, red to yellow positive"
"""``SIGNED_ON_DARK`` in words, for captions."""
INTENSITY = "Viridis"
"""How strongly something responds: dark low, bright high."""
CONFUSIONS = [[0, "#fee0d2"], [1, "#cb181d"]]
"""How often a wrong answer was given: pale to deep red."""

PLOTLY_CONFIG = {"displayModeBar": False}
"""The chart toolbar is hidden: in class it covers more than it helps."""


def margins(left: int = 10, right: int = 10, top: int = 10, bottom: int = 10) -> dict[str, int]:
    """A Plotly margin in pixels; small by default, so the pictures get the room."""
    return {"l": left, "r": right, "t": top, "b": bottom}


def finish(figure: go.Figure, height: int, margin: dict[str, int] | None = None, **layout: Any) -> go.Figure:
    """Give a figure its height and margins (and any other layout), and return it."""
    figure.update_layout(height=height, margin=margin or margins(), **layout)
    return figure

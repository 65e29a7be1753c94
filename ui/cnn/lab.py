"""The filter stages lab of the Convolutional Network page: one picture, one kernel, three stages.

No training here: a fixed kernel (a preset such as the article's edge detector, or one the
student types) is run over a picture (the built-in sample, an upload, or a drawing), and
the picture after convolution, activation and pooling is shown side by side, with the
arithmetic behind one pixel spelled out.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from nn_core.cnn import filters
from nn_core.cnn.config import POOLINGS
from nn_core.cnn.figures import arithmetic_figure, enlarge, outline, to_rgb
from nn_core.cnn.images import MAX_SIDE, UPLOAD_TYPES, ImageError, LoadedImage, canvas_image, load_image, sample_image
from nn_core.figures.theme import SIGNED_ON_DARK_IN_WORDS
from ui.canvas import draw_digit
from ui.charts import show
from ui.settings import keep_in_link, linked_start
from ui.state import PageState

SOURCES = ("Built-in sample", "Upload a picture", "Draw on a canvas")
SOURCE_NAMES = dict(zip(("sample", "upload", "draw"), SOURCES))  # link value -> label
CUSTOM = "Custom: type your own"
ARTICLE_KERNEL = "Edge detector (the article's)"


@st.cache_data(show_spinner=False)
def _sample() -> LoadedImage:
    return sample_image()


@st.cache_data(show_spinner="Reading the picture...", max_entries=8)
def _upload(data: bytes, name: str) -> LoadedImage:
    return load_image(data, name)  # an ImageError is not cached: it is raised again


# The lab's settings live in the link too, as lab_<name>=value (the defaults are left out).
# An uploaded or drawn picture cannot travel in a link; the choice of source can.
STAGE_CHOICES = {"stride": [1, 2, 3], "padding": list(filters.PADDINGS), "activation": list(filters.STAGE_ACTIVATIONS),
                 "pooling": list(POOLINGS), "pool_window": [2, 3, 4], "pool_stride": [1, 2, 3, 4]}
STAGE_DEFAULTS = {"stride": 1, "padding": "same", "activation": "relu", "pooling": "max", "pool_window": 2,
                  "pool_stride": 2}


def _linked(state: PageState, name: str, default, choices=None, parse=str) -> str:
    """The widget key of the lab setting ``name``, its first value taken from the link."""
    key = state.key("widget", "lab", name)
    linked_start(key, f"lab_{name}", default, parse, choices)
    return key


def choose_picture(state: PageState) -> LoadedImage | None:
    """The source picker and the picture it gives; None (with a message) when there is none yet."""
    key = _linked(state, "source", SOURCES[0], SOURCES, lambda raw: SOURCE_NAMES.get(raw))
    source = st.radio("Picture", SOURCES, horizontal=True, key=key,
                      help=f"Every picture becomes greyscale, at most {MAX_SIDE} pixels a side (larger ones are "
                           "scaled down for speed).")
    keep_in_link("lab_source", {name: slug for slug, name in SOURCE_NAMES.items()}[source], "sample")
    if source == SOURCES[0]:
        return _sample()
    if source == SOURCES[1]:
        upload = st.file_uploader("A PNG, JPEG, GIF, BMP or WebP picture (up to 10 MB)", type=list(UPLOAD_TYPES),
                                  key=state.key("widget", "lab", "upload"))
        if upload is None:
            st.info("Choose a picture to upload, or switch to the built-in sample.")
            return None
        try:
            return _upload(upload.getvalue(), upload.name)
        except ImageError as error:
            st.error(str(error))
            return None
    drawing = draw_digit(state, "lab")
    try:
        picture = canvas_image(drawing) if drawing is not None else None
    except ValueError:
        picture = None
    if picture is None or float(picture.pixels.max()) <= 0:
        st.info("Draw something on the canvas: the stages appear below it.")
        return None
    return picture


def choose_kernel(state: PageState) -> np.ndarray | None:
    """The kernel picker (presets or typed numbers); None (with a message) for a kernel that cannot be read."""
    names = list(filters.KERNELS) + [CUSTOM]
    key = _linked(state, "kernel", ARTICLE_KERNEL, names)
    name = st.selectbox("Kernel", names, key=key,
                        help="The small grid of numbers slid over the picture. The article uses the edge detector.")
    keep_in_link("lab_kernel", name, ARTICLE_KERNEL)
    if name != CUSTOM:
        if "lab_custom" in st.query_params:
            del st.query_params["lab_custom"]
        kernel = filters.KERNELS[name]
        st.latex(_matrix(kernel))
        return kernel
    default_text = filters.format_kernel(filters.KERNELS[ARTICLE_KERNEL])
    key = _linked(state, "custom", default_text, parse=lambda raw: raw[:400])
    text = st.text_area("Kernel numbers: 3 rows of 3 (or 5 rows of 5), separated by spaces or commas", height=120,
                        key=key, help="Fractions such as 1/9 work too.")
    keep_in_link("lab_custom", text, None)
    try:
        return filters.parse_kernel(text)
    except filters.StageError as error:
        st.error(f"This kernel cannot be used: {error}.")
        return None


def _matrix(kernel: np.ndarray) -> str:
    """A kernel as a LaTeX matrix, fractions kept short (1/9 shows as 0.111)."""
    rows = [" & ".join(f"{value:.3g}" for value in row) for row in kernel]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def stage_settings(state: PageState) -> dict:
    """Stride, padding, activation and pooling widgets, in one row."""
    labels = {"stride": "Stride", "padding": "Padding", "activation": "Activation", "pooling": "Pooling",
              "pool_window": "Pool window", "pool_stride": "Pool stride"}
    helps = {
        "stride": "Step of the kernel, in pixels: 2 halves the map's size.",
        "padding": "same: zeros around the picture keep its size (at stride 1); valid: the kernel stays inside, "
                   "the map shrinks by k-1 pixels.",
        "pooling": "Keep the largest value of each window, or their mean.",
        "pool_stride": "Step between pooling windows: equal to the window, they sit side by side.",
    }
    settings = {}
    for column, (name, choices) in zip(st.columns(len(STAGE_CHOICES)), STAGE_CHOICES.items()):
        parse = int if isinstance(choices[0], int) else str
        key = _linked(state, name, STAGE_DEFAULTS[name], choices, parse)
        settings[name] = column.selectbox(labels[name], choices, key=key, help=helps.get(name),
                                          format_func=filters.STAGE_ACTIVATIONS.get if name == "activation" else str)
        keep_in_link(f"lab_{name}", settings[name], STAGE_DEFAULTS[name])
    return settings


def show_stages(state: PageState, picture: LoadedImage, kernel: np.ndarray, settings: dict) -> None:
    """Compute the stages, draw them side by side, and explain the sum at one pixel."""
    started = time.perf_counter()
    try:
        stages = filters.run_stages(picture.pixels, kernel, **settings)
    except filters.StageError as error:
        st.error(f"These settings do not fit this picture: {error}.")
        return
    milliseconds = (time.perf_counter() - started) * 1000
    shapes = " -> ".join(filters.shape_text(values) for _, values in stages.named())
    st.markdown(f"**{shapes}** (height x width x channels) · computed in {milliseconds:.0f} ms")
    for note in picture.notes:
        st.caption(note)

    pictures = st.container()  # drawn last: they outline the pixel chosen below

    conv_rows, conv_cols = stages.convolution.shape
    st.subheader("The arithmetic at one pixel")
    # The keys include the map's size, so a new picture starts at its own strongest pixel.
    size_key = f"{conv_rows}x{conv_cols}"
    strongest = _strongest_pixel(stages.convolution)
    left, right = st.columns(2)
    row = left.number_input(f"Row of the convolution's pixel (0 to {conv_rows - 1})", 0, conv_rows - 1,
                            int(strongest[0]), key=state.key("widget", "lab", "row", size_key))
    col = right.number_input(f"Column (0 to {conv_cols - 1})", 0, conv_cols - 1, int(strongest[1]),
                             key=state.key("widget", "lab", "col", size_key))
    arithmetic = filters.pixel_arithmetic(picture.pixels, kernel, int(row), int(col),
                                          stride=settings["stride"], padding=settings["padding"],
                                          activation=settings["activation"])
    with pictures:
        _stage_pictures(stages, arithmetic, picture.source)
    show(state, arithmetic_figure(arithmetic), "lab.arithmetic")
    size = kernel.shape[0]
    st.write(f"The kernel's {size}x{size} window starts at row {arithmetic.top}, column {arithmetic.left} of the "
             "picture (the small green box; cells outside the picture are the zero padding). Each picture value "
             "is multiplied by the kernel number over it, and the products are added up:")
    st.code(arithmetic.equation(), language=None, wrap_lines=True)
    activation = f"{filters.STAGE_ACTIVATIONS[settings['activation']]}: {filters.ACTIVATION_FORMULAS[settings['activation']]}"
    st.write(f"The activation then turns **{arithmetic.total:.3f}** into **{arithmetic.activated:.3f}** "
             f"({activation}), and pooling keeps the {settings['pooling']} of each "
             f"{settings['pool_window']}x{settings['pool_window']} window of the activated map.")


def _strongest_pixel(values: np.ndarray) -> tuple[int, int]:
    """Where |values| is largest away from the border (a border pixel's patch is mostly padding)."""
    rows, cols = values.shape
    margin_rows, margin_cols = rows // 10, cols // 10
    inner = np.abs(values[margin_rows : rows - margin_rows, margin_cols : cols - margin_cols])
    if inner.size == 0:
        return rows // 2, cols // 2
    row, col = np.unravel_index(int(np.argmax(inner)), inner.shape)
    return int(row) + margin_rows, int(col) + margin_cols


def _stage_pictures(stages: filters.Stages, arithmetic: filters.PixelArithmetic, source: str) -> None:
    """The four maps side by side, the arithmetic's patch and pixel outlined in green."""
    size = arithmetic.kernel.shape[0]
    columns = st.columns(4)
    for column, (name, values) in zip(columns, stages.named()):
        rgb = to_rgb(values, "grey" if name == "Original" else "diverging")
        rgb, factor = enlarge(rgb)
        if name == "Original":
            top, left, height = arithmetic.top, arithmetic.left, size
        elif name in ("Convolution", "Activation"):
            top, left, height = arithmetic.row, arithmetic.col, 1
        else:
            top = left = height = None
        if top is not None:
            rgb = _mark(rgb, top * factor, left * factor, height * factor)
        caption = f"{name} · {filters.shape_text(values)}"
        if name != "Original":
            caption += f" · {float(values.min()):.2f} to {float(values.max()):.2f}"
        column.image(rgb, caption=caption, width="stretch")
    st.caption(f"Picture: {source}, in greyscale (the lab takes at most {MAX_SIDE} pixels a side). In the maps "
               f"{SIGNED_ON_DARK_IN_WORDS}, each map on its own scale symmetric about zero: what ReLU removes is the blue. "
               "The green boxes mark the pixel explained below.")


def _mark(rgb: np.ndarray, top: int, left: int, side: int) -> np.ndarray:
    """Outline a square, and a larger box around it so that a one-pixel mark is found on a large map."""
    marked = outline(rgb, top, left, side, side)
    margin = max(3, max(rgb.shape[:2]) // 40)
    return outline(marked, top - margin, left - margin, side + 2 * margin, side + 2 * margin)

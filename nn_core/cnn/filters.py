"""One filter on one greyscale image, stage by stage: convolution -> activation -> pooling.

The three stages of a convolutional layer, written in NumPy so that each is plain to read
and costs a few milliseconds on a 512x512 image:

- ``convolve``: slide a small kernel over the image; each output pixel is the sum of the
  pixels under the kernel times the kernel's numbers. Like ``tf.nn.conv2d`` (and every deep
  learning library) the kernel is not flipped: strictly this is cross-correlation.
- ``activate``: ReLU, leaky ReLU, tanh or nothing, pixel by pixel.
- ``pool``: shrink the map by keeping the largest value (max) or the mean (average) of
  each window.

Padding and output sizes follow TensorFlow's rules: "valid" uses only positions where the
kernel fits inside the image; "same" pads so that the output has ``ceil(size / stride)``
pixels a side, with any odd extra padding after (below and right). Convolution pads with
zeros; pooling ignores padded cells (max of the real ones, mean of the real ones).

``KERNELS`` holds the preset kernels (the article's edge detector first), ``parse_kernel``
reads a kernel a user typed, ``run_stages`` does all three stages, and
``pixel_arithmetic`` spells out the sum behind one output pixel.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from nn_core.cnn.config import POOLINGS
from nn_core.errors import PlaygroundError


class StageError(PlaygroundError):
    """A kernel typed wrong, or stage settings that do not fit the picture."""


KERNELS: dict[str, np.ndarray] = {
    # The article's kernel: eight times the centre minus its eight neighbours. It is 0 on
    # flat areas and large where the centre differs from its surroundings: an edge.
    "Edge detector (the article's)": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], np.float32),
    # Sobel: right minus left (vertical edges) and bottom minus top (horizontal edges),
    # the middle row or column counted twice.
    "Sobel x (vertical edges)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32),
    "Sobel y (horizontal edges)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], np.float32),
    "Sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], np.float32),
    "Box blur": np.full((3, 3), 1 / 9, np.float32),
    "Gaussian blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], np.float32) / 16,
    "Gaussian blur 5x5": np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]).astype(np.float32) / 256,
    "Emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], np.float32),
    "Identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], np.float32),
}
"""Preset kernels by name; each a square float32 array (3x3, one 5x5)."""

KERNEL_SIZES = (3, 5)
"""Sizes a typed kernel may have."""
KERNEL_LIMIT = 1000.0  # larger numbers are surely a typo, and would only wash the maps out
PADDINGS = ("same", "valid")
LEAKY_SLOPE = 0.2  # leaky ReLU's slope for negative inputs (tf.nn.leaky_relu's default)
STAGE_ACTIVATIONS = {"relu": "ReLU", "leaky_relu": "Leaky ReLU", "tanh": "tanh", "none": "none"}
"""Activations of the stages lab: name -> label."""
ACTIVATION_FORMULAS = {
    "relu": "max(0, x)",
    "leaky_relu": f"x if x > 0, else {LEAKY_SLOPE} x",
    "tanh": "tanh(x)",
    "none": "x, unchanged",
}
"""How each activation turns a value x into its output."""


def _padding_amounts(size: int, window: int, stride: int, padding: str) -> tuple[int, int, int]:
    """(before, after, output size) along one axis, by TensorFlow's rules."""
    if padding == "valid":
        if size < window:
            raise StageError(f"the window ({window} px) is larger than the image ({size} px) with valid padding")
        return 0, 0, (size - window) // stride + 1
    if padding == "same":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + window - size, 0)
        return total // 2, total - total // 2, out
    raise ValueError(f"padding must be one of {', '.join(PADDINGS)}, got {padding!r}")


def _check_image(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 2 or image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"expected a 2-D greyscale image, got shape {image.shape}")
    return image


def _check_stride(stride: int) -> int:
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
        raise ValueError(f"stride must be a whole number of at least 1, got {stride!r}")
    return int(stride)


def convolve(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: str = "same") -> np.ndarray:
    """Slide ``kernel`` over ``image``: the convolution stage.

    Args:
        image: (H, W) greyscale values.
        kernel: (k, k) numbers, applied as is (not flipped), as ``tf.nn.conv2d`` does.
        stride: step between kernel positions, in pixels.
        padding: "same" (zeros around the image; output ``ceil(H / stride)`` rows) or
            "valid" (only positions where the kernel fits; ``(H - k) // stride + 1`` rows).

    Returns:
        (H', W') float32 feature map.

    Raises:
        ValueError: bad shapes, stride or padding, or a kernel larger than the image
            with valid padding.
    """
    image = _check_image(image)
    kernel = np.asarray(kernel, dtype=np.float32)
    if kernel.ndim != 2 or kernel.shape[0] < 1 or kernel.shape[1] < 1:
        raise ValueError(f"expected a 2-D kernel, got shape {kernel.shape}")
    stride = _check_stride(stride)
    top, bottom, _ = _padding_amounts(image.shape[0], kernel.shape[0], stride, padding)
    left, right, _ = _padding_amounts(image.shape[1], kernel.shape[1], stride, padding)
    padded = np.pad(image, ((top, bottom), (left, right)))  # zeros around the image
    out_rows = (padded.shape[0] - kernel.shape[0]) // stride + 1
    out_cols = (padded.shape[1] - kernel.shape[1]) // stride + 1
    # One whole-image multiply-add per kernel cell (9 for a 3x3 kernel) rather than one
    # small dot product per output pixel: the same sum, a few milliseconds for 512x512.
    output = np.zeros((out_rows, out_cols), dtype=np.float32)  # (H', W')
    for (i, j), weight in np.ndenumerate(kernel):
        if weight:
            output += weight * _shifted(padded, i, j, out_rows, out_cols, stride)
    return output


def activate(values: np.ndarray, activation: str) -> np.ndarray:
    """The activation stage, pixel by pixel.

    Args:
        values: any array.
        activation: one of ``STAGE_ACTIVATIONS``: "relu", "leaky_relu", "tanh" or "none".

    Returns:
        float32 array of the same shape.
    """
    values = np.asarray(values, dtype=np.float32)
    if activation == "relu":
        return np.maximum(values, 0.0)
    if activation == "leaky_relu":
        return np.where(values > 0, values, LEAKY_SLOPE * values).astype(np.float32)
    if activation == "tanh":
        return np.tanh(values)
    if activation == "none":
        return values.copy()
    raise ValueError(f"activation must be one of {', '.join(STAGE_ACTIVATIONS)}, got {activation!r}")


def pool(
    values: np.ndarray, kind: str = "max", window: int = 2, stride: int | None = None, padding: str = "valid"
) -> np.ndarray:
    """The pooling stage: one number per window, its maximum or its mean.

    Args:
        values: (H, W) feature map.
        kind: "max" or "average".
        window: width and height of the window.
        stride: step between windows; the window's size by default (windows side by side).
        padding: "valid" (only whole windows) or "same" (windows may hang over the edge;
            only the real cells count, as in TensorFlow).

    Returns:
        (H', W') float32 map.
    """
    values = _check_image(values)
    if kind not in POOLINGS:
        raise ValueError(f"pooling must be one of {', '.join(POOLINGS)}, got {kind!r}")
    window = _check_stride(window)
    stride = window if stride is None else _check_stride(stride)
    top, bottom, _ = _padding_amounts(values.shape[0], window, stride, padding)
    left, right, _ = _padding_amounts(values.shape[1], window, stride, padding)
    pads = ((top, bottom), (left, right))
    out_rows = (values.shape[0] + top + bottom - window) // stride + 1
    out_cols = (values.shape[1] + left + right - window) // stride + 1
    # As in ``convolve``, one whole-map operation per window cell. Padding must not
    # count: -inf never wins a max, and the mean divides by the real cells only.
    if kind == "max":
        padded = np.pad(values, pads, constant_values=-np.inf)
        output = np.full((out_rows, out_cols), -np.inf, dtype=np.float32)  # (H', W')
        for i in range(window):
            for j in range(window):
                np.maximum(output, _shifted(padded, i, j, out_rows, out_cols, stride), out=output)
        return output
    padded = np.pad(values, pads)
    real = np.pad(np.ones_like(values), pads)  # 1 on the image, 0 on the padding
    total = np.zeros((out_rows, out_cols), dtype=np.float32)
    count = np.zeros((out_rows, out_cols), dtype=np.float32)
    for i in range(window):
        for j in range(window):
            total += _shifted(padded, i, j, out_rows, out_cols, stride)
            count += _shifted(real, i, j, out_rows, out_cols, stride)
    return total / count  # every window holds at least one real cell (TensorFlow's rule)


def _shifted(padded: np.ndarray, i: int, j: int, out_rows: int, out_cols: int, stride: int) -> np.ndarray:
    """The cells that window offset (i, j) covers at every output position: (out_rows, out_cols)."""
    return padded[i : i + (out_rows - 1) * stride + 1 : stride, j : j + (out_cols - 1) * stride + 1 : stride]


@dataclass(frozen=True)
class Stages:
    """One image after each stage of a convolutional layer, all (H, W) float32."""

    original: np.ndarray
    convolution: np.ndarray
    activation: np.ndarray
    pooling: np.ndarray

    def named(self) -> list[tuple[str, np.ndarray]]:
        """(stage name, map) in order, e.g. for drawing them side by side."""
        return [("Original", self.original), ("Convolution", self.convolution),
                ("Activation", self.activation), ("Pooling", self.pooling)]


def run_stages(
    image: np.ndarray,
    kernel: np.ndarray,
    *,
    stride: int = 1,
    padding: str = "same",
    activation: str = "relu",
    pooling: str = "max",
    pool_window: int = 2,
    pool_stride: int | None = None,
) -> Stages:
    """Convolution -> activation -> pooling of one greyscale image, as the article does.

    Args:
        image: (H, W) greyscale in [0, 1].
        kernel: (k, k) kernel.
        stride: the convolution's step.
        padding: "same" or "valid", for the convolution and the pooling alike.
        activation: one of ``STAGE_ACTIVATIONS``.
        pooling: "max" or "average".
        pool_window: the pooling window's side.
        pool_stride: the pooling's step (the window's side by default).

    Returns:
        The four maps.
    """
    image = _check_image(image)
    convolution = convolve(image, kernel, stride, padding)
    activated = activate(convolution, activation)
    pooled = pool(activated, pooling, pool_window, pool_stride, padding)
    return Stages(image, convolution, activated, pooled)


def shape_text(values: np.ndarray) -> str:
    """A map's shape as height x width x channels, e.g. "300x300x1"."""
    shape = np.shape(values)
    channels = shape[2] if len(shape) == 3 else 1
    return f"{shape[0]}x{shape[1]}x{channels}"


def parse_kernel(text: str) -> np.ndarray:
    """A kernel typed as rows of numbers, one row a line.

    Numbers within a row are separated by spaces, commas or semicolons; brackets are
    ignored, so ``[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`` works too, as do fractions such
    as ``1/9``.

    Args:
        text: what the user typed.

    Returns:
        (k, k) float32 with k in ``KERNEL_SIZES``.

    Raises:
        StageError: a plain sentence saying what is wrong.
    """
    text = text.strip()
    if not text:
        raise StageError("the kernel is empty: type 3 rows of 3 numbers (or 5 rows of 5)")
    if len(text) > 2000:
        raise StageError("that is far too long for a 3x3 or 5x5 kernel")
    # "[[1, 2], [3, 4]]" on one line: each "],[" ends a row.
    lines = re.split(r"\]\s*,?\s*\[|\n", text)
    rows = []
    for line in lines:
        cells = [cell for cell in re.split(r"[\s,;]+", line.replace("[", " ").replace("]", " ")) if cell]
        if cells:
            rows.append([_parse_number(cell) for cell in cells])
    size = len(rows)
    if size not in KERNEL_SIZES:
        raise StageError(f"the kernel has {size} rows; it needs 3 (a 3x3 kernel) or 5 (a 5x5 kernel)")
    for index, row in enumerate(rows, start=1):
        if len(row) != size:
            raise StageError(f"row {index} has {len(row)} numbers; every row needs {size}")
    kernel = np.array(rows, dtype=np.float64)
    if np.abs(kernel).max() > KERNEL_LIMIT:
        raise StageError(f"keep the numbers between -{KERNEL_LIMIT:g} and {KERNEL_LIMIT:g}")
    return kernel.astype(np.float32)


def _parse_number(cell: str) -> float:
    """One number, e.g. "-1", "0.25", "1e-2" or "1/9"; a plain sentence when it is none."""
    try:
        if "/" in cell:
            numerator, denominator = cell.split("/", 1)
            value = float(numerator) / float(denominator)
        else:
            value = float(cell)
    except (ValueError, ZeroDivisionError):
        raise StageError(f"{cell[:20]!r} is not a number") from None
    if not math.isfinite(value):
        raise StageError(f"{cell[:20]!r} is not a finite number")
    return value


def format_kernel(kernel: np.ndarray) -> str:
    """A kernel as text that ``parse_kernel`` reads back, one row a line."""
    return "\n".join(" ".join(f"{value:g}" for value in row) for row in np.asarray(kernel, dtype=np.float64))


@dataclass(frozen=True)
class PixelArithmetic:
    """The sum behind one pixel of the convolution, and what the next stages make of it.

    Attributes:
        row, col: the pixel in the convolution's output.
        top, left: where the patch starts in the input image; negative or past the edge
            where it covers padding.
        patch: (k, k) input pixels under the kernel, padding as 0.
        inside: (k, k) True where the patch covers the image, False on padding.
        kernel: (k, k) the kernel.
        products: (k, k) patch * kernel, cell by cell.
        total: the sum of the products: the convolution's pixel.
        activated: the activation applied to ``total``.
    """

    row: int
    col: int
    top: int
    left: int
    patch: np.ndarray
    inside: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    total: float
    activated: float

    def equation(self, digits: int = 2) -> str:
        """The sum written out, e.g. "(-1 × 0.20) + (8 × 0.75) + ... = 3.10"."""
        terms = [f"({k:g} × {p:.{digits}f})" for k, p in zip(self.kernel.ravel(), self.patch.ravel())]
        return " + ".join(terms) + f" = {round(self.total, digits) + 0.0:.{digits}f}"  # + 0.0: no "-0.00"


def pixel_arithmetic(
    image: np.ndarray, kernel: np.ndarray, row: int, col: int, *, stride: int = 1, padding: str = "same",
    activation: str = "relu",
) -> PixelArithmetic:
    """Spell out the convolution at one output pixel.

    Args:
        image: (H, W) greyscale.
        kernel: (k, k).
        row: the output pixel's row in the convolution's map.
        col: its column.
        stride: as in ``convolve``.
        padding: as in ``convolve``.
        activation: as in ``activate``.

    Returns:
        The patch, the kernel, their products and sum, and the activated value.

    Raises:
        ValueError: the pixel is outside the convolution's map.
    """
    image = _check_image(image)
    kernel = np.asarray(kernel, dtype=np.float32)
    stride = _check_stride(stride)
    top_pad, _, out_rows = _padding_amounts(image.shape[0], kernel.shape[0], stride, padding)
    left_pad, _, out_cols = _padding_amounts(image.shape[1], kernel.shape[1], stride, padding)
    if not (0 <= row < out_rows and 0 <= col < out_cols):
        raise ValueError(f"pixel ({row}, {col}) is outside the {out_rows}x{out_cols} convolution")
    top, left = row * stride - top_pad, col * stride - left_pad
    rows = np.arange(top, top + kernel.shape[0])[:, None]  # (k, 1) image rows under the kernel
    cols = np.arange(left, left + kernel.shape[1])[None, :]  # (1, k)
    inside = (rows >= 0) & (rows < image.shape[0]) & (cols >= 0) & (cols < image.shape[1])  # (k, k)
    patch = np.where(inside, image[np.clip(rows, 0, image.shape[0] - 1), np.clip(cols, 0, image.shape[1] - 1)], 0.0)
    patch = patch.astype(np.float32)
    products = patch * kernel
    total = float(products.sum(dtype=np.float64))
    activated = float(activate(np.array([total]), activation)[0])
    return PixelArithmetic(row, col, top, left, patch, inside, kernel, products, total, activated)

"""Turning a drawing on the canvas into a digit as MNIST would have stored it.

MNIST's digits were size-normalised into a 20x20 box (keeping their aspect ratio, with
anti-aliasing) and centred in a 28x28 image by their centre of mass. A model trained on
them expects exactly that, so a drawing gets the same treatment; merely resizing the whole
canvas would leave a small or off-centre digit unrecognisable.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

DIGIT_BOX = 20  # MNIST fitted each digit's longer side to 20 pixels
IMAGE_SIZE = 28
MIN_INK = 0.05  # a canvas whose strongest pixel is fainter than this is empty
# Pixels fainter than this share of the strongest are anti-aliasing fringe: they do not
# widen the bounding box (they still count for the scaled image and its centre of mass).
INK_THRESHOLD = 0.3


def ink_from_rgba(rgba: np.ndarray) -> np.ndarray:
    """How much ink each pixel holds, 0..1, from a canvas image.

    On a transparent background the alpha channel is the ink. On an opaque background the
    brightness is, inverted when the background is light (dark ink on white paper).

    Args:
        rgba: (H, W, 4) uint8 canvas image.

    Returns:
        (H, W) float32 ink in [0, 1].
    """
    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.shape[0] < 1 or rgba.shape[1] < 1:
        raise ValueError(f"expected an (H, W, 4) RGBA image, got shape {rgba.shape}")
    alpha = rgba[..., 3].astype(np.float32) / 255.0
    if alpha.min() < 1.0:
        return alpha  # (H, W): transparent background, the strokes are opaque
    brightness = rgba[..., :3].astype(np.float32).mean(axis=2) / 255.0  # (H, W)
    border = np.concatenate([brightness[0], brightness[-1], brightness[:, 0], brightness[:, -1]])
    return 1.0 - brightness if np.median(border) > 0.5 else brightness


def canvas_to_mnist(rgba: np.ndarray) -> np.ndarray:
    """A canvas drawing as a (28, 28) MNIST-style digit.

    Crop to the ink's bounding box, scale the longer side to 20 px keeping the aspect
    ratio (anti-aliased), paste into 28x28, shift the centre of mass to the centre and
    scale to [0, 1].

    Args:
        rgba: (H, W, 4) uint8 image: light ink on a dark opaque background, or any ink on
            a transparent one.

    Returns:
        (28, 28) float32 in [0, 1], white digit on black, brightest pixel 1.

    Raises:
        ValueError: the canvas holds no ink (or is not an RGBA image).
    """
    ink = ink_from_rgba(rgba)  # (H, W)
    if ink.max() < MIN_INK:
        raise ValueError("the canvas is empty: draw a digit first")
    core = ink > INK_THRESHOLD * ink.max()  # (H, W) bool
    rows = np.flatnonzero(core.any(axis=1))
    cols = np.flatnonzero(core.any(axis=0))
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # (h, w)
    height, width = crop.shape
    scale = DIGIT_BOX / max(height, width)
    new_size = (max(1, round(width * scale)), max(1, round(height * scale)))  # PIL: (w, h)
    scaled = Image.fromarray((crop * 255).astype(np.uint8)).resize(new_size, Image.Resampling.LANCZOS)
    digit = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    top, left = (IMAGE_SIZE - new_size[1]) // 2, (IMAGE_SIZE - new_size[0]) // 2
    digit[top : top + new_size[1], left : left + new_size[0]] = np.asarray(scaled, np.float32)
    digit = _centre_by_mass(digit)
    peak = digit.max()
    if peak <= 0:
        raise ValueError("the canvas is empty: draw a digit first")
    return (digit / peak).astype(np.float32)


SMALLEST_DIGIT = 0.12  # a drawing whose ink spans less than this share of the canvas is a dot
LARGEST_INK = 0.45  # ink on more than this share of the canvas is a scribble, not a stroke


def drawing_doubts(rgba: np.ndarray) -> str:
    """Why a drawing may not be a digit at all, in a sentence ("" when it looks like one).

    The network names a digit for anything it is shown; a dot or a scribble gets a
    confident-looking answer too. Two signs say the answer means little: ink that spans
    only a sliver of the canvas, and ink that covers most of it.

    Args:
        rgba: (H, W, 4) uint8 canvas image, as ``canvas_to_mnist`` takes it.
    """
    ink = ink_from_rgba(rgba)  # (H, W)
    if ink.max() < MIN_INK:
        return ""
    core = ink > INK_THRESHOLD * ink.max()  # (H, W) bool
    rows, cols = np.flatnonzero(core.any(axis=1)), np.flatnonzero(core.any(axis=0))
    extent = max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) / max(ink.shape)
    if extent < SMALLEST_DIGIT:
        return ("That is more a dot than a digit: the network still names one, but the answer means little. "
                "Draw a digit across a good part of the canvas.")
    if core.mean() > LARGEST_INK:
        return ("That covers most of the canvas, more a scribble than a digit: the answer means little. Clear the "
                "canvas and draw one digit with a few strokes.")
    return ""


def _centre_by_mass(image: np.ndarray) -> np.ndarray:
    """Shift ``image`` by whole pixels so that its centre of mass is at the centre."""
    total = image.sum()
    if total <= 0:
        return image
    rows, cols = np.indices(image.shape)
    # MNIST put the centre of mass at pixel (14, 14) of the 28x28 field (measured on its
    # digits: 14.0 +- 0.3), not at the geometric centre 13.5.
    centre = np.array(image.shape) / 2.0
    shift_rows = int(round(centre[0] - (rows * image).sum() / total))
    shift_cols = int(round(centre[1] - (cols * image).sum() / total))
    shifted = np.zeros_like(image)
    src_rows = slice(max(0, -shift_rows), image.shape[0] - max(0, shift_rows))
    dst_rows = slice(max(0, shift_rows), image.shape[0] - max(0, -shift_rows))
    src_cols = slice(max(0, -shift_cols), image.shape[1] - max(0, shift_cols))
    dst_cols = slice(max(0, shift_cols), image.shape[1] - max(0, -shift_cols))
    shifted[dst_rows, dst_cols] = image[src_rows, src_cols]
    return shifted

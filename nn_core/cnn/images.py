"""Pictures for the filter lab: uploads read safely, a built-in sample, the drawing canvas.

Every source ends as the same thing, a ``LoadedImage``: (H, W) float32 greyscale in
[0, 1], at most ``MAX_SIDE`` pixels a side, with plain notes on what was done to it.

An upload is user input and may be anything, so ``load_image`` only ever raises
``ImageError`` with a sentence a student can act on:

- only PNG, JPEG, GIF, BMP and WebP decoders are tried (``Image.open(formats=...)``);
- the size in the header is checked before any pixel is decoded, so a "decompression
  bomb" (a small file that unpacks into billions of pixels) is refused at once; Pillow's
  own ``Image.MAX_IMAGE_PIXELS`` guard is turned from a warning into an error as well,
  without changing that process-wide setting;
- a truncated file is an error, not a half-grey picture (``LOAD_TRUNCATED_IMAGES`` is
  left off);
- animated images give their first frame; CMYK, palettes, 16-bit greyscale and
  transparency are each converted properly (transparent parts are laid on white).
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from nn_core.digits.preprocess import ink_from_rgba
from nn_core.errors import PlaygroundError

MAX_SIDE = 512
"""The lab works on at most this many pixels a side; larger pictures are scaled down."""
MAX_PIXELS = 40_000_000
"""Larger images (by their header) are refused before decoding: 40 megapixels is 160 MB of RGBA."""
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")
"""The decoders tried on an upload."""
UPLOAD_TYPES = ("png", "jpg", "jpeg", "gif", "bmp", "webp")
"""File extensions to offer in an upload dialog."""
SAMPLE_SIZE = 300  # the article resizes its photo to 300x300


class ImageError(PlaygroundError):
    """An upload that cannot be used; the message is a plain sentence for the user."""


@dataclass(frozen=True)
class LoadedImage:
    """A picture ready for the filter stages.

    Attributes:
        pixels: (H, W) float32 greyscale, 0 black to 1 white.
        source: where it came from, e.g. "photo.png (PNG, 768x1024)" (height x width).
        notes: what was done to it on the way (scaled down, first frame, ...).
    """

    pixels: np.ndarray
    source: str
    notes: tuple[str, ...] = ()


def load_image(data: bytes, name: str = "upload", max_side: int = MAX_SIDE,
               max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Read an uploaded file as a greyscale picture, or say plainly why not.

    Args:
        data: the file's bytes.
        name: the file's name, for the messages.
        max_side: the longer side is scaled down to this many pixels if larger.
        max_pixels: images whose header announces more pixels are refused undecoded.

    Returns:
        The picture, at most ``max_side`` pixels a side.

    Raises:
        ImageError: not an image of an accepted format, damaged, or far too large.
    """
    if not data:
        raise ImageError(f"{name} is empty.")
    notes: list[str] = []
    with warnings.catch_warnings():
        # Pillow warns above Image.MAX_IMAGE_PIXELS and raises above twice that; here
        # both are errors, scoped to this block so other code keeps Pillow's defaults.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = image.size
            if width * height > max_pixels:
                raise ImageError(_too_large(name, width, height, max_pixels))
            if getattr(image, "is_animated", False):
                frames = getattr(image, "n_frames", 2)
                image.seek(0)
                notes.append(f"An animated image ({frames} frames): the lab uses its first frame.")
            if image.format == "JPEG":
                # Let the JPEG decoder scale down by 2, 4 or 8 as it reads: large photos
                # decode several times faster, still at least ``max_side`` pixels a side.
                image.draft(image.mode, (max_side, max_side))
            image.load()
        except ImageError:
            raise
        except UnidentifiedImageError:
            raise ImageError(f"{name} is not an image this page can read: upload a PNG, JPEG, GIF, BMP or "
                             "WebP picture.") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            # Raised by Image.open itself, from the header, before any pixel is decoded.
            raise ImageError(f"{name} would unpack into an enormous image (over "
                             f"{Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels), so it was not opened: it may "
                             "be a 'decompression bomb'. Upload a smaller picture.") from None
        except (OSError, ValueError, EOFError, SyntaxError, struct.error, IndexError) as error:
            # Pillow reports damaged data with any of these, e.g. "image file is truncated".
            raise ImageError(f"{name} looks damaged or cut short, so it cannot be read ({error}). Try "
                             "saving it again or upload another picture.") from None
        except MemoryError:
            raise ImageError(f"{name} is too large to decode here.") from None
        file_format = image.format or "image"
        try:
            image = ImageOps.exif_transpose(image)  # photos from phones stand upright
        except Exception:  # a broken EXIF block only costs the rotation
            pass
        pixels, grey_notes = to_greyscale(image)
    notes += grey_notes
    # The JPEG draft may already have shrunk the picture: the note names the file's own size.
    pixels, size_note = cap_size(pixels, max_side, original=(height, width))
    if size_note:
        notes.append(size_note)
    source = f"{name} ({file_format}, {height}x{width})"  # height x width, as the maps' shapes
    return LoadedImage(pixels, source, tuple(notes))


def _too_large(name: str, width: int, height: int, max_pixels: int) -> str:
    return (f"{name} is {height:,}x{width:,} pixels ({width * height / 1e6:,.0f} megapixels); this page "
            f"opens images of up to {max_pixels / 1e6:.0f} megapixels. (A small file that unpacks into an "
            "enormous image is a 'decompression bomb'.) Upload a smaller picture.")


def to_greyscale(image: Image.Image) -> tuple[np.ndarray, list[str]]:
    """One grey level per pixel, whatever the image's mode.

    Colours become grey by the ITU-R 601 luma formula (0.299 R + 0.587 G + 0.114 B),
    as Pillow's "L" mode does; 16-bit images keep their full range; transparent pixels
    are laid over white.

    Args:
        image: a loaded Pillow image.

    Returns:
        ((H, W) float32 in [0, 1], notes on the conversion).
    """
    notes: list[str] = []
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        # Pillow's own conversion to 8 bits clips 16-bit values at 255 (nearly all
        # white); dividing by the 16-bit maximum keeps the picture.
        values = np.asarray(image, dtype=np.float64)  # (H, W)
        notes.append("A 16-bit greyscale image: its 65,536 levels are scaled to 0..1.")
        return np.clip(values / 65535.0, 0.0, 1.0).astype(np.float32), notes
    if mode == "F":
        values = np.asarray(image, dtype=np.float64)
        values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
        low, high = float(values.min()), float(values.max())
        notes.append("A floating-point image: stretched to 0..1.")
        return ((values - low) / (high - low) if high > low else np.zeros_like(values)).astype(np.float32), notes
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in image.info)
    if has_alpha:
        rgba = image.convert("RGBA")
        if rgba.getextrema()[3][0] < 255:
            notes.append("The image has transparent parts: they are laid on white, as this page shows them.")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    elif mode == "CMYK":
        notes.append("A CMYK (print) image: its colours are converted to grey.")
    grey = image.convert("L")
    return np.asarray(grey, dtype=np.float32) / 255.0, notes  # (H, W)


def cap_size(pixels: np.ndarray, max_side: int = MAX_SIDE,
             original: tuple[int, int] | None = None) -> tuple[np.ndarray, str]:
    """Scale a picture down (keeping its aspect ratio) so that its longer side fits.

    Args:
        pixels: (H, W) float32 in [0, 1].
        max_side: the largest side allowed.
        original: (height, width) of the file, when the decoder already shrank it.

    Returns:
        (pixels, note): the picture, unchanged if it fits, and a sentence saying what was
        done ("" when nothing was).
    """
    height, width = original or pixels.shape
    if max(height, width) <= max_side:
        return pixels, ""
    scale = max_side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))  # PIL: (w, h)
    if pixels.shape != (size[1], size[0]):
        image = Image.fromarray(np.asarray(pixels, np.float32), mode="F")
        # Lanczos rings slightly past the original range near sharp edges.
        pixels = np.clip(np.asarray(image.resize(size, Image.Resampling.LANCZOS), np.float32), 0.0, 1.0)
    note = (f"Scaled down from {height}x{width} to {size[1]}x{size[0]} (height x width): the lab works on "
            f"at most {max_side} pixels a side, for speed.")
    return pixels, note


def sample_image(size: int = SAMPLE_SIZE) -> LoadedImage:
    """The built-in picture, drawn here (nothing is downloaded).

    Shapes with edges in every direction and several grey levels over a soft gradient,
    so each kernel has something to find: a disc, a ring, a square, a triangle, stripes,
    a checkerboard and a thin diagonal line.

    Args:
        size: its width and height in pixels.

    Returns:
        A (size, size) picture.
    """
    scale = size / 300  # the drawing is laid out on a 300x300 grid
    gradient = np.linspace(60, 140, size, dtype=np.float32)
    canvas = Image.fromarray(np.tile(gradient, (size, 1)).astype(np.uint8), mode="L")
    draw = ImageDraw.Draw(canvas)

    def box(*corners: float) -> list[float]:
        return [value * scale for value in corners]

    draw.ellipse(box(20, 20, 120, 120), fill=235)  # a bright disc
    draw.ellipse(box(180, 20, 280, 120), outline=20, width=max(1, round(10 * scale)))  # a dark ring
    draw.rectangle(box(25, 175, 115, 265), fill=15)  # a dark square
    draw.polygon(box(210, 170, 150, 280, 270, 280), fill=210)  # a light triangle
    for left in range(135, 170, 12):  # vertical stripes
        draw.rectangle(box(left, 20, left + 5, 150), fill=250)
    cell = 10
    for row in range(4):  # a checkerboard
        for col in range(4):
            fill = 255 if (row + col) % 2 else 0
            draw.rectangle(box(130 + col * cell, 160 + row * cell, 130 + (col + 1) * cell - 1,
                               160 + (row + 1) * cell - 1), fill=fill)
    draw.line(box(5, 295, 295, 140), fill=255, width=max(1, round(3 * scale)))  # a thin diagonal
    pixels = np.asarray(canvas, dtype=np.float32) / 255.0  # (size, size)
    return LoadedImage(pixels, f"the built-in sample ({size}x{size}, drawn by the app)")


def canvas_image(rgba: np.ndarray) -> LoadedImage:
    """The drawing canvas's picture: its ink as brightness, white on black.

    Args:
        rgba: (H, W, 4) uint8 canvas image.

    Returns:
        The drawing at its full size (the canvas is 280x280), not shrunk to MNIST's 28x28.
    """
    ink = ink_from_rgba(rgba)  # (H, W) float32 in [0, 1]
    height, width = ink.shape
    return LoadedImage(ink.astype(np.float32), f"your drawing ({height}x{width})")

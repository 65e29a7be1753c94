"""Loading pictures for the filter lab: good files, and every kind of bad one, generated here."""

import io
import warnings

import numpy as np
import pytest
from PIL import Image

from nn_core.cnn.images import MAX_SIDE, ImageError, canvas_image, cap_size, load_image, sample_image, to_greyscale


def encode(image: Image.Image, file_format: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, file_format, **options)
    return buffer.getvalue()


def gradient(height: int = 40, width: int = 60) -> np.ndarray:
    """(height, width) uint8, brighter to the right."""
    return np.tile(np.linspace(0, 255, width).round().astype(np.uint8), (height, 1))


@pytest.mark.parametrize("file_format", ["PNG", "JPEG", "GIF", "BMP", "WEBP"])
def test_each_accepted_format_loads_as_greyscale(file_format):
    data = encode(Image.fromarray(gradient()).convert("RGB"), file_format)
    picture = load_image(data, f"ramp.{file_format.lower()}")
    assert picture.pixels.shape == (40, 60) and picture.pixels.dtype == np.float32
    assert 0.0 <= picture.pixels.min() and picture.pixels.max() <= 1.0
    # Left dark, right bright, whatever the compression did.
    assert picture.pixels[:, :5].mean() < 0.15 and picture.pixels[:, -5:].mean() > 0.85
    assert f"{file_format}, 40x60" in picture.source


def test_colours_become_luma():
    red = load_image(encode(Image.new("RGB", (4, 4), (255, 0, 0)))).pixels
    green = load_image(encode(Image.new("RGB", (4, 4), (0, 255, 0)))).pixels
    # ITU-R 601: 0.299 R + 0.587 G + 0.114 B.
    assert red[0, 0] == pytest.approx(0.299, abs=0.01) and green[0, 0] == pytest.approx(0.587, abs=0.01)


def test_a_file_that_is_not_an_image_gets_a_plain_message():
    with pytest.raises(ImageError, match="not an image this page can read"):
        load_image(b"name,score\nada,10\n", "scores.png")


def test_an_empty_file_gets_a_plain_message():
    with pytest.raises(ImageError, match="empty"):
        load_image(b"", "nothing.png")


def test_other_formats_are_not_decoded():
    with pytest.raises(ImageError, match="PNG, JPEG, GIF, BMP or WebP"):
        load_image(encode(Image.new("L", (8, 8)), "TIFF"), "scan.tiff")


@pytest.mark.parametrize("file_format", ["PNG", "JPEG"])
def test_a_truncated_image_gets_a_plain_message(file_format):
    noise = (np.random.default_rng(0).random((120, 120, 3)) * 255).astype(np.uint8)
    data = encode(Image.fromarray(noise), file_format)
    with pytest.raises(ImageError, match="damaged or cut short"):
        load_image(data[: len(data) // 3], f"cut.{file_format.lower()}")


def test_a_decompression_bomb_is_refused_before_decoding():
    # 20,000 x 20,000 black pixels compress to a few hundred kilobytes, under the upload cap,
    # and would unpack to 400 megapixels.
    data = encode(Image.new("1", (20_000, 20_000)))
    assert len(data) < 10 * 1024 * 1024
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DecompressionBombWarning may escape either
        with pytest.raises(ImageError, match="decompression bomb"):
            load_image(data, "bomb.png")


def test_an_image_above_our_own_cap_is_refused_from_its_header():
    data = encode(Image.new("1", (8_000, 6_000)))  # 48 megapixels, below Pillow's own limit
    with pytest.raises(ImageError, match="6,000x8,000 pixels"):
        load_image(data, "huge.png")
    assert load_image(data, "huge.png", max_pixels=50_000_000).pixels.shape == (384, 512)


def test_the_bomb_guard_leaves_pillows_global_setting_alone():
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(ImageError):
        load_image(encode(Image.new("1", (20_000, 20_000))), "bomb.png")
    assert Image.MAX_IMAGE_PIXELS == before


def test_an_animated_gif_gives_its_first_frame_and_says_so():
    frames = [Image.new("L", (16, 16), level) for level in (30, 200, 120)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    picture = load_image(data, "blink.gif")
    assert picture.pixels.mean() == pytest.approx(30 / 255, abs=0.02)
    assert any("animated image (3 frames)" in note and "first frame" in note for note in picture.notes)


def test_cmyk_is_converted():
    cyan = encode(Image.new("CMYK", (10, 10), (255, 0, 0, 0)), "JPEG", quality=95)
    white = encode(Image.new("CMYK", (10, 10), (0, 0, 0, 0)), "JPEG", quality=95)
    cyan_picture, white_picture = load_image(cyan, "cyan.jpg"), load_image(white, "white.jpg")
    assert white_picture.pixels.mean() > 0.95
    # Cyan is RGB (0, 255, 255): luma 0.701.
    assert cyan_picture.pixels.mean() == pytest.approx(0.701, abs=0.05)
    assert any("CMYK" in note for note in cyan_picture.notes)


def test_16_bit_greyscale_keeps_its_levels():
    levels = np.array([[0, 16384], [32768, 65535]], dtype=np.uint16)
    image = Image.fromarray(levels)
    assert image.mode.startswith("I;16")
    picture = load_image(encode(image), "deep.png")
    # Pillow's own 8-bit conversion would clip all but the first to white.
    np.testing.assert_allclose(picture.pixels, levels / 65535, atol=1e-4)
    assert any("16-bit" in note for note in picture.notes)


def test_transparency_is_laid_on_white():
    rgba = np.zeros((8, 8, 4), dtype=np.uint8)  # black everywhere...
    rgba[:, :4, 3] = 255  # ...opaque on the left half only
    picture = load_image(encode(Image.fromarray(rgba, "RGBA")), "logo.png")
    np.testing.assert_allclose(picture.pixels[:, :4], 0.0)
    np.testing.assert_allclose(picture.pixels[:, 4:], 1.0)
    assert any("transparent" in note for note in picture.notes)


def test_greyscale_with_alpha_and_palette_transparency():
    grey_alpha = Image.fromarray(np.dstack([np.full((4, 4), 100, np.uint8), np.full((4, 4), 0, np.uint8)]), "LA")
    assert load_image(encode(grey_alpha), "la.png").pixels.min() == pytest.approx(1.0)
    palette = Image.new("P", (4, 4), 0)
    palette.putpalette([0, 0, 0, 255, 255, 255])
    palette.info["transparency"] = 0
    picture = load_image(encode(palette, transparency=0), "p.png")
    assert picture.pixels.min() == pytest.approx(1.0)


def test_an_opaque_rgba_image_has_no_transparency_note():
    picture = load_image(encode(Image.new("RGBA", (4, 4), (10, 10, 10, 255))), "opaque.png")
    assert not any("transparent" in note for note in picture.notes)


def test_large_pictures_are_capped_and_the_cap_is_stated():
    data = encode(Image.fromarray(gradient(1000, 1500)))
    picture = load_image(data, "wide.png")
    assert picture.pixels.shape == (341, MAX_SIDE)
    assert any(f"at most {MAX_SIDE} pixels a side" in note and "1000x1500" in note for note in picture.notes)


def test_cap_size_keeps_small_pictures_and_the_range():
    small = np.random.default_rng(1).random((20, 30)).astype(np.float32)
    same, note = cap_size(small, 64)
    assert same is small and note == ""
    sharp = np.zeros((100, 200), np.float32)
    sharp[:, 100:] = 1.0  # a hard edge makes Lanczos ring past 0..1, which must be clipped
    capped, note = cap_size(sharp, 50)
    assert capped.shape == (25, 50) and capped.min() >= 0.0 and capped.max() <= 1.0 and note


def test_to_greyscale_of_float_images_stretches_them():
    values = np.array([[-1.0, 0.0], [1.0, 3.0]], dtype=np.float32)
    pixels, notes = to_greyscale(Image.fromarray(values, "F"))
    np.testing.assert_allclose(pixels, [[0, 0.25], [0.5, 1]])
    assert notes


def test_the_sample_is_drawn_here_and_has_edges():
    picture = sample_image()
    again = sample_image()
    assert picture.pixels.shape == (300, 300) and picture.pixels.dtype == np.float32
    np.testing.assert_array_equal(picture.pixels, again.pixels)  # no randomness, no download
    assert picture.pixels.min() < 0.1 and picture.pixels.max() > 0.9
    assert sample_image(64).pixels.shape == (64, 64)


def test_canvas_image_is_the_ink_at_full_size():
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., 3] = 255
    rgba[100:180, 130:150, :3] = 255  # a white bar on black
    picture = canvas_image(rgba)
    assert picture.pixels.shape == (280, 280)
    assert picture.pixels[140, 140] == pytest.approx(1.0) and picture.pixels[10, 10] == 0.0


def test_a_large_jpeg_is_decoded_small_and_reports_its_own_size():
    # The JPEG decoder shrinks by 2 as it reads (600x800, still over the cap); the notes
    # and the source give the file's size, not the decoder's.
    data = encode(Image.fromarray(gradient(1200, 1600)).convert("RGB"), "JPEG")
    picture = load_image(data, "photo.jpg")
    assert picture.pixels.shape == (384, 512)
    assert "JPEG, 1200x1600" in picture.source
    assert any("from 1200x1600 to 384x512" in note for note in picture.notes)
    assert picture.pixels[:, :20].mean() < 0.1 and picture.pixels[:, -20:].mean() > 0.9

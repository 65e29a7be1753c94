"""The Convolutional Network page in a real Chromium: train, draw a 7, read the prediction; bad uploads."""

import io
import re

import pytest
from PIL import Image

from support.browser import assert_no_exception, draw, drawing_canvas, open_app_page, wait_until_idle

pytestmark = pytest.mark.browser

# The picture uploader of the filter lab (the model uploader further down takes .keras files).
UPLOAD_INPUT = '[data-testid="stFileUploader"]:has-text("WebP picture") [data-testid="stFileUploaderDropzoneInput"]'
ERROR = '[data-testid="stAlertContentError"]'
# A clear 7: a horizontal top stroke, then a diagonal down to the lower left.
SEVEN = [[(0.22, 0.18), (0.78, 0.18)], [(0.78, 0.18), (0.62, 0.5), (0.45, 0.85)]]


def shapes(*stages: str):
    """The lab's shape line; Markdown draws its "->" as an arrow."""
    return re.compile(r"\s+\S+\s+".join(map(re.escape, stages)))


SAMPLE_SHAPES = shapes("300x300x1", "300x300x1", "300x300x1", "150x150x1")


def test_train_then_draw_a_seven(page, app_url):
    open_app_page(page, f"{app_url}/cnn")
    # The Fast demo preset: 3,000 digits, 4 epochs, about 93% on the test digits, which
    # reads a clear 7 with near certainty (checked over several seeds).
    page.get_by_role("button", name="Fast demo").click()
    wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Test accuracy:").wait_for(timeout=240_000)
    wait_until_idle(page)
    page.get_by_text("Kernels the first layer learned").wait_for()
    draw(page, drawing_canvas(page), SEVEN)
    page.get_by_text("Prediction: 7").wait_for(timeout=30_000)
    page.get_by_text("What each layer makes of your digit").wait_for(timeout=30_000)
    page.get_by_text("Block 2:").wait_for()
    assert_no_exception(page)
    page.screenshot(path="/tmp/cnn-browser.png", full_page=True)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_uploads_a_picture_then_a_file_that_is_not_one(page, app_url):
    open_app_page(page, f"{app_url}/cnn")
    page.get_by_text(SAMPLE_SHAPES).wait_for()
    page.get_by_text("Upload a picture").click()
    page.locator(UPLOAD_INPUT).wait_for(state="attached")
    page.locator(UPLOAD_INPUT).set_input_files(
        files=[{"name": "red.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.get_by_text(shapes("30x40x1", "30x40x1", "30x40x1", "15x20x1")).wait_for(timeout=30_000)
    # A text file dressed up as a PNG: the page says so plainly and stays usable.
    page.locator(UPLOAD_INPUT).set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"shopping list: eggs, flour\n"}])
    error = page.locator(ERROR).filter(has_text="not an image")
    error.wait_for(timeout=30_000)
    assert "notes.png" in error.inner_text()
    assert_no_exception(page)
    page.get_by_text("Built-in sample").click()
    page.get_by_text(SAMPLE_SHAPES).wait_for()
    assert page.locator(ERROR).count() == 0

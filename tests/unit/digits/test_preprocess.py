"""Drawn digits become MNIST-style digits wherever and however large they are drawn."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from nn_core.digits.preprocess import canvas_to_mnist


def drawing(box, size=280, transparent=False, width=18):
    """A '1'-like stroke plus a short flag, inside ``box`` (left, top, right, bottom)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0 if transparent else 255))
    pen = ImageDraw.Draw(image)
    left, top, right, bottom = box
    middle = (left + right) // 2
    pen.line([(middle, top), (middle, bottom)], fill=(255, 255, 255, 255), width=width)
    pen.line([(middle, top), (left, top + (bottom - top) // 4)], fill=(255, 255, 255, 255), width=width)
    return np.asarray(image)


def centre_of_mass(image):
    rows, cols = np.indices(image.shape)
    return (rows * image).sum() / image.sum(), (cols * image).sum() / image.sum()


@pytest.mark.parametrize("box", [(100, 40, 180, 240), (10, 10, 60, 70), (200, 190, 270, 275), (5, 5, 275, 275)])
def test_any_size_and_place_is_normalised(box):
    digit = canvas_to_mnist(drawing(box))
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert digit.min() >= 0 and digit.max() == pytest.approx(1.0)
    row, col = centre_of_mass(digit)
    assert abs(row - 13.5) <= 1 and abs(col - 13.5) <= 1
    rows = np.flatnonzero(digit.max(axis=1) > 0.05)
    assert 18 <= rows[-1] - rows[0] + 1 <= 22  # the longer side fills MNIST's 20-pixel box


def test_small_and_large_drawings_give_the_same_digit():
    small = canvas_to_mnist(drawing((120, 120, 150, 180), width=4))
    large = canvas_to_mnist(drawing((40, 20, 160, 260), width=16))
    assert np.abs(small - large).mean() < 0.08


def test_transparent_and_opaque_backgrounds_agree():
    opaque = canvas_to_mnist(drawing((100, 40, 180, 240)))
    transparent = canvas_to_mnist(drawing((100, 40, 180, 240), transparent=True))
    np.testing.assert_allclose(opaque, transparent, atol=1e-6)


def test_dark_ink_on_white_is_inverted():
    image = 255 - drawing((100, 40, 180, 240))
    image[..., 3] = 255
    np.testing.assert_allclose(canvas_to_mnist(image), canvas_to_mnist(drawing((100, 40, 180, 240))), atol=1e-6)


def test_empty_canvas_raises_value_error():
    with pytest.raises(ValueError, match="empty"):
        canvas_to_mnist(np.zeros((280, 280, 4), np.uint8))
    black = np.zeros((280, 280, 4), np.uint8)
    black[..., 3] = 255
    with pytest.raises(ValueError):
        canvas_to_mnist(black)


def test_wrong_shape_raises_value_error():
    with pytest.raises(ValueError):
        canvas_to_mnist(np.zeros((28, 28), np.uint8))


def test_real_mnist_digit_survives_the_round_trip(mnist):
    # A real digit pasted small into a corner of a big canvas comes back close to itself.
    digit = mnist.x_test[0]
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[..., 3] = 255
    big = np.asarray(Image.fromarray(digit).resize((84, 84), Image.Resampling.BILINEAR))
    canvas[190:274, 10:94, :3] = big[..., None]
    restored = canvas_to_mnist(canvas)
    original = digit.astype(np.float32) / digit.max()
    assert np.abs(restored - original).mean() < 0.1


def test_digits_anywhere_and_any_size_are_recognised_as_well_as_centred_ones(mnist):
    """Real test digits pasted into a canvas at random sizes and places, small and in corners."""
    from nn_core.digits.job import digit_job
    from nn_core.digits.inference import predict_batch
    from nn_core.mlp import MLPConfig

    job = digit_job(MLPConfig(epochs=4, train_samples=8000), mnist).start()
    assert job.wait(180)
    model = job.model
    rng = np.random.default_rng(0)
    images, labels = mnist.x_test[:300], mnist.y_test[:300]
    centred = predict_batch(model, images.astype(np.float32) / 255).argmax(axis=1)
    drawn = []
    for image in images:
        size = int(rng.integers(50, 270))  # from a small scribble to the whole canvas
        left, top = rng.integers(0, 280 - size + 1, size=2)
        canvas = np.zeros((280, 280, 4), np.uint8)
        canvas[..., 3] = 255
        big = np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
        canvas[top : top + size, left : left + size, :3] = big[..., None]
        drawn.append(canvas_to_mnist(canvas))
    anywhere = predict_batch(model, np.stack(drawn)).argmax(axis=1)
    centred_accuracy, anywhere_accuracy = (centred == labels).mean(), (anywhere == labels).mean()
    assert centred_accuracy > 0.9
    assert anywhere_accuracy >= centred_accuracy - 0.03, (centred_accuracy, anywhere_accuracy)


def test_a_dot_and_a_scribble_are_doubted_and_a_digit_is_not():
    from nn_core.digits.preprocess import drawing_doubts

    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[..., 3] = 255  # opaque black
    dot = canvas.copy()
    dot[138:146, 138:146, :3] = 255
    assert "dot" in drawing_doubts(dot)
    scribble = canvas.copy()
    scribble[10:270, 10:270, :3] = 255
    assert "scribble" in drawing_doubts(scribble)
    one = canvas.copy()
    one[40:240, 130:148, :3] = 255  # a stroke of a "1", 200 px tall
    assert drawing_doubts(one) == ""
    assert drawing_doubts(canvas) == ""  # nothing drawn: the canvas's own hint says so

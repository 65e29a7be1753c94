"""The worst a student could upload, on every page that takes uploads: a plain message, a working page, bounded memory.

Each hostile model file (``support.hostile``: a bomb in every member, bzip2, a lying zip
directory, layers and inputs declared gigabytes wide, HDF5 datasets that store nothing,
a Lambda layer, a truncated file, no zip at all, a model for another page) is uploaded in
turn on each lesson page, as a person would with the page's own uploader. The process's
peak memory during each upload is measured (the kernel's high-water mark, reset before
it): it must stay under 300 MB above where it started. Before these checks, one 1 MB
file took 2 GB. The other upload paths (settings, points, texts, pictures) get their own
worst files.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from nn_core.lessons import LESSONS
from support.apptest import button, key, open_page, texts
from support.hostile import PeakMemory, genuine_model_file, hostile_folder

PEAK_MEGABYTES = 300
LOADS_WITHOUT_NOTES = {"deeply_nested_notes.keras"}  # a digit model needs no notes; unreadable ones are none


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return {entry.slug: hostile_folder(entry.slug, root) for entry in LESSONS}


def upload(app, widget_key: str, name: str, data: bytes, mime: str) -> float:
    """Upload a file through the page's uploader and run the page; the peak memory it took, in MB."""
    uploader = app.file_uploader(key=widget_key)
    with PeakMemory() as peak:
        uploader.set_value((name, data, mime)).run()
    return peak.megabytes


def assert_working(app) -> None:
    assert not app.exception, [element.value for element in app.exception]
    assert any(b.label == "Train" for b in app.button), "the page lost its Train button"


@pytest.mark.parametrize("slug", [entry.slug for entry in LESSONS])
def test_every_hostile_model_file_on_every_page(hostile, slug):
    app = open_page(f"pages/{slug}.py")
    for name, path in hostile[slug].items():
        peak = upload(app, key(slug, "upload"), name, path.read_bytes(), "application/zip")
        assert_working(app)
        errors = [error.value for error in app.error if error.value.startswith(f"Cannot use {name}:")]
        if name in LOADS_WITHOUT_NOTES and slug in ("perceptron", "mlp", "cnn"):
            assert errors or f"Loaded {name}" in texts(app)
        else:
            assert errors, f"{slug}: {name} was not refused; the page says {texts(app)[:300]!r}"
            assert "Traceback" not in errors[0] and len(errors[0]) < 400
        assert peak < PEAK_MEGABYTES, f"{slug}: {name} took {peak:.0f} MB"
    # After all that, a genuine file of the page is still taken.
    upload(app, key(slug, "upload"), f"mine_{slug}.keras", genuine_model_file(slug), "application/zip")
    assert_working(app)
    assert f"Loaded mine_{slug}.keras" in texts(app)


HOSTILE_SETTINGS = {
    "nested.json": b"[" * 5_000_000,
    "garbage.json": bytes(range(256)) * 20_000,
    "huge_values.json": b'{"model": "MLPConfig", "settings": {"hidden_units": "' + b"2048," * 200_000 + b'2048"}}',
    "markup.json": b'{"model": "<img src=x onerror=alert(1)>", "settings": {}}',
}


@pytest.mark.parametrize("slug", [entry.slug for entry in LESSONS])
def test_hostile_settings_files(slug):
    app = open_page(f"pages/{slug}.py")
    for name, data in HOSTILE_SETTINGS.items():
        peak = upload(app, key(slug, "settings_upload"), name, data, "application/json")
        assert_working(app)
        shown = texts(app)
        assert f"Cannot use {name}" in shown or "Ignored hidden_units" in shown, (name, shown[:300])
        assert peak < PEAK_MEGABYTES, f"{name} took {peak:.0f} MB"


def test_hostile_points_files_on_the_plane():
    app = open_page("pages/plane.py", {"dataset": "custom"})
    files = {
        "one_long_line.csv": b"1," * 5_000_000,
        "a_million_rows.csv": b"1,2,0\n" * 1_000_000,
        "not_numbers.csv": b"nan,inf,0\n-inf,1e308,1\n" * 10,
        "binary.csv": bytes(range(256)) * 20_000,
        "markup.csv": b"1,2,<img src=x onerror=alert(1)>\n3,4,**b**\n" * 5,
    }
    for name, data in files.items():
        peak = upload(app, key("plane", "widget", "points_upload"), name, data, "text/csv")
        assert_working(app)
        assert peak < PEAK_MEGABYTES, f"{name} took {peak:.0f} MB"
        assert f"Cannot use {name}" in texts(app) or f"from {name}" in texts(app)


def test_hostile_texts_on_the_recurrent_page():
    app = open_page("pages/rnn.py")
    app.sidebar.selectbox(key=key("rnn", "setting", "text_source")).set_value("upload").run()
    every_character = "".join(chr(code) for code in range(0x4E00, 0x4E00 + 60_000) if chr(code).isprintable())
    files = {
        "every_character.txt": every_character.encode("utf-8"),
        "binary.txt": bytes(range(256)) * 40_000,
        "nul.txt": b"hello\x00world" * 10_000,
    }
    for name, data in files.items():
        peak = upload(app, key("rnn", "widget", "text_upload"), name, data, "text/plain")
        assert_working(app)
        assert peak < PEAK_MEGABYTES, f"{name} took {peak:.0f} MB"
        assert app.error or app.warning, f"{name} was taken without a word"
    upload(app, key("rnn", "widget", "text_upload"), "every_character.txt", files["every_character.txt"],
           "text/plain")
    assert any("different characters" in warning.value for warning in app.warning)
    button(app, "Train").click().run()
    assert_working(app)
    assert key("rnn", "run") not in app.session_state  # nothing was trained on it


def test_a_picture_bomb_in_the_filter_lab():
    app = open_page("pages/cnn.py")
    app.radio(key=key("cnn", "widget", "lab", "source")).set_value("Upload a picture").run()
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG")  # 400 megapixels in a few hundred kB
    peak = upload(app, key("cnn", "widget", "lab", "upload"), "bomb.png", buffer.getvalue(), "image/png")
    assert_working(app)
    assert peak < PEAK_MEGABYTES, f"the picture bomb took {peak:.0f} MB"
    assert any("decompression bomb" in error.value for error in app.error)

"""A folder of hostile model files: the worst a student could upload, made fresh for the tests.

``hostile_files(folder, good)`` writes each file from ``good``, the bytes of a genuine
model file of the page under test (so a file passes every check but the one it attacks),
and returns {name: path}. The bombs are small on disk and huge when unpacked: a gigabyte
of spaces deflates to about a megabyte, and far more in bzip2.

    python -m tests.support.hostile FOLDER   # writes them from a perceptron, to upload by hand
"""

from __future__ import annotations

import bz2
import functools
import io
import json
import struct
import sys
import zipfile
import zlib
from pathlib import Path

BOMB_BYTES = 1024**3  # what each bomb unpacks to
CHUNK = 16 * 1024**2


@functools.cache
def _packed_spaces(method: int) -> tuple[bytes, int]:
    """A gigabyte of spaces packed once per test session (deflate: about 1 MB; bzip2: under 1 kB), and its CRC."""
    if method == zipfile.ZIP_DEFLATED:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    else:
        compressor = bz2.BZ2Compressor(9)
    spaces, crc, parts = b" " * CHUNK, 0, []
    for _ in range(BOMB_BYTES // CHUNK):
        parts.append(compressor.compress(spaces))
        crc = zlib.crc32(spaces, crc)
    parts.append(compressor.flush())
    return b"".join(parts), crc


def _zip(members: dict[str, bytes], bomb: str | None = None, method: int = zipfile.ZIP_DEFLATED,
         declared: int | None = None) -> bytes:
    """A model file with ``members``; the member ``bomb`` is a gigabyte of spaces instead.

    Written by hand (Python's zipfile cannot take data packed beforehand): ``declared`` is
    the unpacked size the directory claims for the bomb (its true size by default).
    """
    entries = [(name, zipfile.ZIP_STORED, zlib.crc32(data), data, len(data))
               for name, data in members.items() if name != bomb]
    if bomb is not None:
        packed, crc = _packed_spaces(method)
        entries.append((bomb, method, crc, packed, BOMB_BYTES if declared is None else declared))
    body, directory = io.BytesIO(), io.BytesIO()
    for name, compression, crc, data, size in entries:
        encoded = name.encode()
        version = 46 if compression == zipfile.ZIP_BZIP2 else 20
        offset = body.tell()
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", version, 0, compression, 0, 0, crc, len(data), size,
                               len(encoded), 0) + encoded + data)
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", version, version, 0, compression, 0, 0, crc,
                                    len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), directory.tell(), body.tell(), 0)
    return body.getvalue() + directory.getvalue() + end


def _members(good: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _config(members: dict[str, bytes], change) -> dict[str, bytes]:
    config = json.loads(members["config.json"])
    change(config["config"]["layers"])
    return {**members, "config.json": json.dumps(config).encode()}


def _huge_dense(units: int):
    def change(layers: list[dict]) -> None:
        dense = next(layer for layer in layers if layer["class_name"] == "Dense")
        dense["config"]["units"] = units
        dense.pop("build_config", None)
        # A second Dense after it, so the model still has the page's outputs.
        output = json.loads(json.dumps(dense))
        output["config"].update(name="sneaky_output", units=10)
        layers.append(output)

    return change


def _declared_input(layers: list[dict]) -> None:
    """The input layer as the page's, but the first Dense built on 50,000,000 inputs."""
    dense = next(layer for layer in layers if layer["class_name"] == "Dense")
    dense["build_config"] = {"input_shape": [None, 50_000_000]}


def _h5_shape_bomb(members: dict[str, bytes]) -> dict[str, bytes]:
    """Weights whose first dataset declares 400,000,000 floats (1.6 GB) and stores none of them."""
    import h5py

    source = h5py.File(io.BytesIO(members["model.weights.h5"]), "r")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as target:
        def copy(name: str, item) -> None:
            if isinstance(item, h5py.Dataset):
                if "vars/0" in name and "bombed" not in target.attrs:
                    target.attrs["bombed"] = 1
                    target.create_dataset(name, shape=(400_000_000,), dtype="float32", chunks=(1_000_000,),
                                          compression="gzip", fillvalue=0.0)
                else:
                    target.create_dataset(name, data=item[()])
            else:
                target.require_group(name)

        source.visititems(copy)
    source.close()
    return {**members, "model.weights.h5": buffer.getvalue()}


def _lambda(members: dict[str, bytes]) -> bytes:
    import keras

    model = keras.Sequential([keras.Input((784,)), keras.layers.Lambda(lambda x: x * 2), keras.layers.Dense(10)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    from nn_core.persistence import model_to_bytes

    return model_to_bytes(model)


def hostile_files(folder: Path, good: bytes, other_page: bytes) -> dict[str, Path]:
    """Write the hostile files into ``folder``.

    Args:
        folder: where to write them.
        good: a genuine model file of the page the files are for.
        other_page: a genuine model file of another page.

    Returns:
        file name -> path.
    """
    members = _members(good)
    files = {
        "bomb_in_config.keras": _zip(members, bomb="config.json"),
        "bomb_in_metadata.keras": _zip(members, bomb="metadata.json"),
        "bomb_in_weights.keras": _zip(members, bomb="model.weights.h5"),
        "bomb_in_notes.keras": _zip(members, bomb="playground.json"),
        "bomb_with_a_lying_directory.keras": _zip(members, bomb="playground.json", declared=100),
        "bomb_in_bzip2.keras": _zip(members, bomb="playground.json", method=zipfile.ZIP_BZIP2, declared=100),
        "honest_bomb_in_bzip2.keras": _zip(members, bomb="model.weights.h5", method=zipfile.ZIP_BZIP2),
        "deeply_nested_notes.keras": _zip({**members, "playground.json": b"[" * 1_000_000}),
        "huge_declared_layer.keras": _zip(_config(members, _huge_dense(50_000_000))),
        "large_declared_layer.keras": _zip(_config(members, _huge_dense(200_000))),
        "huge_declared_input.keras": _zip(_config(members, _declared_input)),
        "weights_declaring_gigabytes.keras": _zip(_h5_shape_bomb(members)),
        "lambda_layer.keras": _lambda(members),
        "truncated.keras": good[: len(good) // 2],
        "not_a_zip.keras": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
        "many_members.keras": _zip({f"part{index}": b"x" for index in range(3000)}),
        "model_for_another_page.keras": other_page,
    }
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def genuine_model_file(slug: str) -> bytes:
    """A small genuine model file of a lesson's page, as its download button writes it."""
    from nn_core.networks import build_model
    from nn_core.persistence import model_to_bytes

    if slug == "rnn":
        from nn_core.rnn.config import RNNConfig, build_text_model
        from nn_core.rnn.text import Vocabulary
        from nn_core.rnn.training import text_model_notes

        config, vocabulary = RNNConfig(units=8), Vocabulary.of("hello world")
        return model_to_bytes(build_text_model(config, vocabulary.size), text_model_notes(config, vocabulary, "hel"))
    if slug == "plane":
        from nn_core.plane import PlaneConfig
        from nn_core.plane.training import NOTES_PAGE

        config = PlaneConfig()
        return model_to_bytes(build_model(config, 2), {"page": NOTES_PAGE, "settings": config.to_query()})
    from nn_core.lessons import lesson

    return model_to_bytes(build_model(lesson(slug).config_class()))


def hostile_folder(slug: str, root: Path) -> dict[str, Path]:
    """The hostile files for a lesson's page, in ``root / slug`` (a model of another page included)."""
    other = "plane" if slug != "plane" else "perceptron"
    return hostile_files(root / slug, genuine_model_file(slug), genuine_model_file(other))


class PeakMemory:
    """The most memory this process held inside a ``with`` block, above what it held on entry (Linux).

    Writing 5 to /proc/self/clear_refs resets the kernel's high-water mark (VmHWM) to the
    resident memory now, so the mark read on exit is the peak within the block.
    """

    def __enter__(self) -> PeakMemory:
        with open("/proc/self/clear_refs", "w") as control:
            control.write("5")
        self.start = _status_megabytes("VmRSS")
        return self

    def __exit__(self, *exception: object) -> None:
        self.megabytes = _status_megabytes("VmHWM") - self.start


def _status_megabytes(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


if __name__ == "__main__":
    for slug in sys.argv[2:] or ["perceptron"]:
        for name, path in hostile_folder(slug, Path(sys.argv[1])).items():
            print(f"{path.stat().st_size:>12,}  {slug}/{name}")

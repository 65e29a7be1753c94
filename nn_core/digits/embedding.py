"""A map of the digits as one layer sees them: principal components, computed at once.

Each test digit leaves a long list of numbers in a layer (784 pixels, 256 neurons, 3,136
numbers of a CNN's maps). ``layer_map`` squeezes those lists into two coordinates, so
that digits the layer finds alike land close together: a principal component analysis
(PCA: the two directions along which the digits differ most), computed in well under a
second. ``nn_core.digits.tsne`` turns the same map into a t-SNE map on request.

Maps are cached per trained model and layer, in a ``WeakKeyDictionary`` whose values
hold arrays only, never the model: a model nobody uses any more is freed with its maps.

``untrained_twin`` gives the same network before training, for the "before and after"
maps.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nn_core.digits.probes import DeeperError, layer_outputs

if TYPE_CHECKING:
    import keras

MAP_DIGITS = 2000
"""Test digits on a map: enough to see every digit's cloud, few enough to draw at once."""
REDUCED = 50
"""t-SNE and the placing of a new digit work on this many principal components (the usual choice)."""
NEIGHBOURS = 5
"""A new digit lands among this many nearest test digits on a t-SNE map."""
SEED = 0
EXACT_LIMIT = 1024
"""Up to this many numbers per digit, principal components are computed exactly."""


@dataclass(frozen=True)
class Projection:
    """Principal components of some points.

    Attributes:
        mean: (d,) the points' mean.
        components: (d, k) orthonormal directions, most variance first.
        coordinates: (n, k) the points along them.
        variance: (k,) share of the points' total variance along each direction.
    """

    mean: np.ndarray
    components: np.ndarray
    coordinates: np.ndarray
    variance: np.ndarray

    def project(self, points: np.ndarray) -> np.ndarray:
        """(m, d) new points -> (m, k) coordinates along the same directions."""
        return (np.asarray(points, dtype=np.float32) - self.mean) @ self.components


def principal_components(points: np.ndarray, count: int = 2, seed: int = SEED) -> Projection:
    """The ``count`` directions along which ``points`` differ most.

    Points of at most ``EXACT_LIMIT`` numbers (pixels, a dense layer), or few points, are
    solved exactly; larger ones (a CNN's maps) with a randomised SVD (Halko, Martinsson
    and Tropp, 2011: a random sketch of the points' range, refined by power iterations),
    which finds the leading directions of real data to float32 precision in a fraction of
    the time. Each direction's sign is fixed so that its largest loading is positive: the
    same points always give the same picture.

    Args:
        points: (n, d) one row per point.
        count: directions wanted; fewer are returned when the points span fewer.
        seed: seeds the random sketch.

    Returns:
        The ``Projection``; with no variance at all, zero coordinates and zero variance.
    """
    points = np.asarray(points, dtype=np.float32)
    n, d = points.shape
    mean = points.mean(axis=0)
    centred = points - mean  # (n, d)
    count = max(1, min(count, n, d))
    total = float(np.square(centred, dtype=np.float64).sum())
    if d <= EXACT_LIMIT:
        # The (d, d) scatter matrix's eigenvectors, largest first: exact and quick for small d.
        eigenvalues, eigenvectors = np.linalg.eigh(centred.T.astype(np.float64) @ centred)
        values = np.sqrt(np.clip(eigenvalues[::-1][:count], 0, None))
        vectors = eigenvectors[:, ::-1][:, :count].T  # (k, d)
    elif n <= EXACT_LIMIT or count + 10 >= min(n, d):
        _, values, vectors = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
        values, vectors = values[:count], vectors[:count]  # (k,), (k, d)
    else:
        rng = np.random.default_rng(seed)
        sketch = centred @ rng.standard_normal((d, count + 10)).astype(np.float32)  # (n, k + 10)
        for _ in range(4):  # power iterations sharpen the sketch towards the leading directions
            basis, _ = np.linalg.qr(sketch)
            basis, _ = np.linalg.qr(centred.T @ basis)  # (d, k + 10)
            sketch = centred @ basis
        basis, _ = np.linalg.qr(sketch)  # (n, k + 10)
        _, values, vectors = np.linalg.svd((basis.T @ centred).astype(np.float64), full_matrices=False)
        values, vectors = values[:count], vectors[:count]
    components = vectors.T.astype(np.float32)  # (d, k)
    signs = np.sign(components[np.argmax(np.abs(components), axis=0), np.arange(components.shape[1])])
    components *= np.where(signs == 0, 1.0, signs).astype(np.float32)
    variance = (values**2 / total) if total > 0 else np.zeros(len(values))
    if total <= 0:
        components = np.zeros_like(components)
    return Projection(mean, components, centred @ components, np.asarray(variance, dtype=np.float64))


def map_sample(labels: np.ndarray, size: int | None = None, seed: int = SEED) -> np.ndarray:
    """Which test digits go on a map: all of them, or ``size`` drawn evenly from every label.

    Args:
        labels: (n,) the test labels.
        size: at most this many (``MAP_DIGITS`` by default).
        seed: which ones, when there are more.

    Returns:
        (m,) sorted indices into the test set.
    """
    labels = np.asarray(labels)
    size = MAP_DIGITS if size is None else size
    if len(labels) <= size:
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    share = size / len(labels)
    chosen = [rng.permutation(np.flatnonzero(labels == label))[: int(round(share * np.sum(labels == label)))]
              for label in np.unique(labels)]
    return np.sort(np.concatenate(chosen))[:size]


@dataclass(frozen=True)
class LayerMap:
    """Digits placed on a plane by what one layer makes of them.

    Attributes:
        layer: the probe's name.
        method: "PCA" or "t-SNE".
        coordinates: (n, 2) one point per digit.
        reduced: (n, r) the digits' leading principal components (t-SNE's input).
        projection: the layer's principal components (to place a new digit).
        note: a sentence about a map that is not the usual picture (one unit, no variance).
    """

    layer: str
    method: str
    coordinates: np.ndarray
    reduced: np.ndarray
    projection: Projection
    note: str = ""

    def place(self, features: np.ndarray) -> np.ndarray:
        """Where a new digit lands: (size,) its layer's numbers -> (2,) map coordinates.

        On a PCA map the digit is projected like the others. t-SNE has no formula for a
        new point, so there the digit lands at the mean place of its ``NEIGHBOURS``
        nearest test digits, nearness measured as t-SNE measures it.
        """
        reduced = self.projection.project(np.asarray(features, dtype=np.float32).reshape(1, -1))[0]  # (r,)
        if self.method == "PCA":
            return _plane(reduced[None], self.projection.coordinates.shape[1])[0]
        distances = np.square(self.reduced - reduced).sum(axis=1)  # (n,)
        nearest = np.argsort(distances, kind="stable")[:NEIGHBOURS]
        return self.coordinates[nearest].mean(axis=0)


def _plane(reduced: np.ndarray, available: int) -> np.ndarray:
    """The first two principal coordinates; a second axis of zeros when there is only one."""
    if available >= 2:
        return reduced[:, :2]
    return np.concatenate([reduced[:, :1], np.zeros((len(reduced), 1), dtype=reduced.dtype)], axis=1)


def pca_map(features: np.ndarray, layer: str) -> LayerMap:
    """A PCA map of some digits' layer outputs.

    Args:
        features: (n, size) what the layer holds for each digit.
        layer: the probe's name (kept on the map).

    Returns:
        The map; a layer of one unit gives a line (its value, and 0), with a note.
    """
    features = np.asarray(features, dtype=np.float32)
    if not np.isfinite(features).all():
        raise DeeperError("this layer holds numbers that are not finite (the training diverged), so there is "
                          "nothing to map")
    projection = principal_components(features, REDUCED)
    note = ""
    if features.shape[1] == 1:
        note = "This layer has a single unit: each digit is one number, so the map is a line."
    elif not projection.variance.any():
        note = "Every digit gives this layer the same numbers (its units are all silent), so all the points coincide."
    coordinates = _plane(projection.coordinates, projection.coordinates.shape[1])
    return LayerMap(layer, "PCA", coordinates.astype(np.float32), projection.coordinates, projection, note)


def data_key(images: np.ndarray, labels: np.ndarray) -> tuple[int, int]:
    """Which digits: their count and a checksum of their first labels (as ``cached_evaluation`` does)."""
    return len(images), int(np.asarray(labels[:64], dtype=np.int64).sum())


_MAPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MAPS_LOCK = threading.Lock()


def layer_map(model: keras.Model, images: np.ndarray, labels: np.ndarray, layer: str) -> LayerMap:
    """The PCA map of ``images`` at ``layer``, computed once per model, digits and layer.

    Args:
        model: a finished digit model (a model still training must not be asked: its
            cached map would go stale).
        images: (n, 28, 28) float32 digits (a ``map_sample`` of the test set).
        labels: (n,) their labels (only to tell sets of digits apart).
        layer: a probe's name.

    Returns:
        The map.
    """
    key = (layer, data_key(images, labels))
    with _MAPS_LOCK:
        cached = _MAPS.get(model, {}).get(key)
    if cached is None:
        cached = pca_map(layer_outputs(model, images, layer, stop=True), layer)
        with _MAPS_LOCK:
            _MAPS.setdefault(model, {})[key] = cached
    return cached


_TWINS: OrderedDict = OrderedDict()  # config -> untrained model, the latest few configs
_CLONES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # trained model -> untrained copy
_TWINS_LOCK = threading.Lock()
TWINS_KEPT = 4


def _same_shapes(first: keras.Model, second: keras.Model) -> bool:
    return [w.shape for w in first.weights] == [w.shape for w in second.weights] and \
        [layer.name for layer in first.layers] == [layer.name for layer in second.layers]


def untrained_twin(model: keras.Model, config: Any = None) -> keras.Model:
    """The same network before any training: its layers, with freshly initialised weights.

    Built from ``config`` (with its seed: the very weights the run started from), and
    shared by every run of that config; the last ``TWINS_KEPT`` configs are kept. A model
    without its config (an upload), or one that no longer matches it (a continued
    training), gets a fresh copy of its own layers instead, kept while it lives.

    Args:
        model: the trained model.
        config: the settings it was trained with, if known.

    Returns:
        An untrained model with the same layers. It is never trained, so sharing it is safe.
    """
    import keras

    from nn_core.networks import build_model

    with _TWINS_LOCK:
        if config is not None and getattr(config, "build", None) is not None:
            twin = _TWINS.get(config)
            if twin is None:
                twin = build_model(config)
                _TWINS[config] = twin
                while len(_TWINS) > TWINS_KEPT:
                    _TWINS.popitem(last=False)
            _TWINS.move_to_end(config)
            if _same_shapes(twin, model):
                return twin
        clone = _CLONES.get(model)
        if clone is None:
            # clone_model builds new layers from the layers' settings: new weights, nothing shared.
            clone = keras.models.clone_model(model)
            _CLONES[model] = clone
        return clone

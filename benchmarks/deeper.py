"""Benchmarks of the "look deeper" views: how long a student waits for each.

Run ``python benchmarks/deeper.py`` (``--quick`` for fewer repeats). Each view is timed
on the pages' default networks (an MLP of 256 and 128 ReLU neurons, a CNN of 16 and 32
filters with a dense layer of 128), untrained (speed does not depend on the weights),
over the 2,000 bundled test digits the views use. Caches are bypassed: every figure is
the cost of a first look, not of a cached one. It prints a table, then as its last line
one JSON object:

- ``pca_map_seconds``: a PCA map of one layer, from the digits (the layer's outputs
  included); the slowest of the MLP's first hidden layer and the CNN's first pooling layer.
- ``saliency_seconds``: the gradient and occlusion maps of one drawn digit; the slower model.
- ``robustness_curve_seconds``: one accuracy curve (rotation, 13 levels x 2,000 digits); the slower model.
- ``robustness_all_curves_seconds``: the four curves the button measures, CNN.
- ``tsne_seconds``: a t-SNE map of 2,000 digits (MLP's first hidden layer).
- ``ablation_seconds``: the test accuracy with half a layer switched off; the slower model.
- ``drawn_on_map_seconds``: placing a drawn digit on a cached map (its layer outputs and the star).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PLAYGROUND_DATA", "bundled")

import nn_core  # noqa: E402,F401  (thread settings before TensorFlow)

from benchmarks.timing import median_seconds  # noqa: E402
from nn_core.cnn import CNNConfig  # noqa: E402
from nn_core.digits import ablation, embedding, robustness, saliency, tsne  # noqa: E402
from nn_core.digits.data import load_mnist, to_float  # noqa: E402
from nn_core.digits.probes import layer_outputs, probe  # noqa: E402
from nn_core.mlp import MLPConfig  # noqa: E402
from nn_core.networks import build_model  # noqa: E402


def seconds(function, repeats: int) -> float:
    """Median seconds of ``repeats`` calls after a warm-up (graph tracing, BLAS start-up)."""
    return median_seconds(function, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    options = parser.parse_args()
    repeats = 2 if options.quick else 5
    started = time.perf_counter()
    data = load_mnist("bundled")
    indices = embedding.map_sample(data.y_test)
    images, labels = to_float(data.x_test[indices]), data.y_test[indices]
    drawn = images[0]
    models = {"MLP": (build_model(MLPConfig()), "hidden_1"), "CNN": (build_model(CNNConfig()), "pool_1")}
    rows, figures = [], {name: [] for name in ("pca", "saliency", "curve", "ablation", "drawn")}
    for name, (model, layer) in models.items():
        pca = seconds(lambda: embedding.pca_map(layer_outputs(model, images, layer, stop=True), layer), repeats)
        why = seconds(lambda: (saliency.gradient_saliency(model, drawn, 3),
                               saliency.occlusion_saliency(model, drawn, 3)), repeats * 4)
        curve = seconds(lambda: robustness.robustness_curve(model, images, labels, "rotation"), repeats)
        off = list(range(probe(model, layer).units // 2))
        switched = seconds(lambda: ablation.ablated_evaluation(model, images, labels, layer, off), repeats)
        layer_map = embedding.pca_map(layer_outputs(model, images, layer, stop=True), layer)
        placed = seconds(lambda: layer_map.place(layer_outputs(model, drawn[None], layer, stop=True)[0]), repeats * 4)
        for key, value in (("pca", pca), ("saliency", why), ("curve", curve), ("ablation", switched),
                           ("drawn", placed)):
            figures[key].append(value)
        rows += [[f"PCA map of {layer} ({name}, {len(images):,} digits)", f"{pca * 1000:.0f} ms"],
                 [f"saliency of one digit, gradient + occlusion ({name})", f"{why * 1000:.1f} ms"],
                 [f"robustness curve, rotation x 13 levels ({name})", f"{curve:.2f} s"],
                 [f"accuracy with half of {layer} off ({name})", f"{switched * 1000:.0f} ms"],
                 [f"a drawn digit placed on the {layer} map ({name})", f"{placed * 1000:.1f} ms"]]
    cnn = models["CNN"][0]
    all_curves = seconds(lambda: [robustness.robustness_curve(cnn, images, labels, change)
                                  for change in robustness.CHANGES], max(1, repeats // 2))
    rows.append(["all four robustness curves (CNN)", f"{all_curves:.2f} s"])
    mlp, layer = models["MLP"]
    reduced = embedding.pca_map(layer_outputs(mlp, images, layer, stop=True), layer).reduced
    tsne_started = time.perf_counter()
    tsne.run_tsne(reduced)
    tsne_seconds = time.perf_counter() - tsne_started
    rows.append([f"t-SNE map of {layer} (MLP, {len(images):,} digits)", f"{tsne_seconds:.1f} s"])

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    width = max(len(row[0]) for row in rows)
    for row in rows:
        print(row[0].ljust(width), row[1])
    print(f"total {time.perf_counter() - started:.0f} s")
    print(json.dumps({
        "pca_map_seconds": round(max(figures["pca"]), 3),
        "saliency_seconds": round(max(figures["saliency"]), 4),
        "robustness_curve_seconds": round(max(figures["curve"]), 2),
        "robustness_all_curves_seconds": round(all_curves, 2),
        "tsne_seconds": round(tsne_seconds, 1),
        "ablation_seconds": round(max(figures["ablation"]), 3),
        "drawn_on_map_seconds": round(max(figures["drawn"]), 4),
    }))


if __name__ == "__main__":
    main()

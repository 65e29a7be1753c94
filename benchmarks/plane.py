"""Benchmark of the plane: how fast its networks train, and how long one redraw of the live pictures takes.

Run ``python benchmarks/plane.py`` (about a minute). It prints a table, then as its last
line one JSON object:

- ``epochs_per_second``: the default setting (500 points, 350 of them for training in
  batches of 10, two hidden layers of 8 tanh neurons) trained by the page's own job, after
  its first epoch (building and tracing the network are paid once per training);
- ``epochs_per_second_naive``: the same job with one batch per Keras call and Keras'
  validation pass over the test points after every epoch, the way ``model.fit`` is
  usually called: what the compiled multi-batch step and the test-point callback save;
- ``epochs_per_second_while_drawing``: the default again, while another thread redraws
  the live pictures every 0.3 s as the page does;
- ``redraw_ms`` / ``redraw_ms_large``: one redraw of the live pictures (every neuron's map
  from one call of the network, the network figure, the decision regions, both figures
  turned into the JSON Streamlit sends), median, for the default network and for six
  hidden layers of 64 neurons (eight drawn per layer).
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn_core  # noqa: E402,F401  (thread settings before TensorFlow)
import plotly.io  # noqa: E402

from benchmarks.timing import median_seconds  # noqa: E402
from nn_core.plane import PlaneConfig  # noqa: E402
from nn_core.plane.figures import network_figure, regions_figure  # noqa: E402
from nn_core.plane.maps import feature_maps, plane_maps  # noqa: E402
from nn_core.plane.training import PlaneRun, compile_plane_model, plane_training  # noqa: E402
from nn_core.training import Callback, TrainingData, TrainingJob  # noqa: E402

DEFAULT = PlaneConfig(epochs=60)
LARGE = PlaneConfig(hidden_units=(64,) * 6, activations=("relu",) * 6, features=tuple(
    ["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"]), epochs=20)


class EpochClock(Callback):
    """When each epoch ended."""

    def __init__(self) -> None:
        self.ends: list[float] = []

    def on_epoch_end(self, job, epoch, logs):  # noqa: ANN001, ANN201
        self.ends.append(time.perf_counter())


def steady_rate(job: TrainingJob) -> float:
    """Epochs per second after the first epoch of a job, run to its end."""
    clock = EpochClock()
    job.callbacks.append(clock)
    job.start()
    job.wait()
    return (len(clock.ends) - 1) / (clock.ends[-1] - clock.ends[0])


def redraw(run: PlaneRun) -> None:
    """What the live console does for the plane every 0.3 s: maps, two figures, their JSON."""
    config = run.config
    maps = plane_maps(run.model, config.features)
    network = network_figure(config.features, config.hidden_units, config.activations, int(run.model.output_shape[-1]),
                             run.data, feature_maps(config.features), maps)
    regions = regions_figure(run.data, maps.outputs)
    plotly.io.to_json(network, validate=False)
    plotly.io.to_json(regions, validate=False)


def naive_job(config: PlaneConfig) -> TrainingJob:
    """The default job as ``model.fit`` is usually called: one batch a call, Keras' validation every epoch."""
    run = plane_training(config)
    data = run.data
    outputs = config.outputs(data.classes)
    return TrainingJob(
        TrainingData(data.inputs(config.features, False), data.labels(False, outputs),
                     data.inputs(config.features, True), data.labels(True, outputs)),
        config.epochs, config.batch_size, seed=config.seed,
        build=lambda: compile_plane_model(config.build(data.classes), config, data.classes, steps=1))


def trained(config: PlaneConfig) -> PlaneRun:
    run = plane_training(config)
    run.job.start()
    run.job.wait()
    return run


def main() -> None:
    rows, figures = [], {}
    trained(DEFAULT)  # warm-up: TensorFlow's first graphs are paid once per process
    rates = [steady_rate(plane_training(DEFAULT).job) for _ in range(3)]
    figures["epochs_per_second"] = round(statistics.median(rates), 1)
    naive = [steady_rate(naive_job(DEFAULT)) for _ in range(3)]
    figures["epochs_per_second_naive"] = round(statistics.median(naive), 1)

    run = trained(DEFAULT)
    figures["redraw_ms"] = round(1000 * median_seconds(lambda: redraw(run), 20), 1)
    large = trained(LARGE)
    figures["redraw_ms_large"] = round(1000 * median_seconds(lambda: redraw(large), 20), 1)

    drawing = plane_training(DEFAULT)
    stop = threading.Event()

    def page() -> None:  # the live console, redrawing the pictures of the network as it trains
        while not stop.wait(0.3):
            if drawing.model is not None:
                redraw(drawing)

    painter = threading.Thread(target=page, daemon=True)
    painter.start()
    figures["epochs_per_second_while_drawing"] = round(steady_rate(drawing.job), 1)
    stop.set()
    painter.join()

    rows.append(["default (350 training points, batch 10, 8-8 tanh): epochs/s", f"{figures['epochs_per_second']}"])
    rows.append(["  one batch per call and Keras' validation pass", f"{figures['epochs_per_second_naive']}"])
    rows.append(["  while the live pictures are redrawn every 0.3 s", f"{figures['epochs_per_second_while_drawing']}"])
    rows.append(["one redraw, default network (ms)", f"{figures['redraw_ms']}"])
    rows.append(["one redraw, 6 x 64 relu, 7 features (ms)", f"{figures['redraw_ms_large']}"])
    width = max(len(row[0]) for row in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>8}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

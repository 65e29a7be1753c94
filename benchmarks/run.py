"""Benchmarks of what must be fast: classifying a drawn digit, training, generating text.

Run ``python benchmarks/run.py`` (or ``--quick`` for a run under two minutes). It prints a
table, then as its last line one JSON object:

- ``predict_speedup``: one drawn digit through the app's path (``canvas_to_mnist`` +
  ``predict_digit``, preprocessing included) against ``model.predict`` on the same
  (already preprocessed) digit and model; the smallest speedup over the digit models.
- ``training_overhead``: the app's training job (background thread, live callbacks, a
  reader taking snapshots as the page does) against plain ``model.fit`` on the same model
  architecture and arrays: the median of paired rounds' wall-time ratios, measured
  alternately in the same run.
- ``generation_speedup``: the app's text generation against the article's per-character
  ``model.predict`` loop on the same model.
- ``checkpoint_share``: the share of a training's time spent saving it while it runs
  (``nn_core.checkpoints``): one save of the default MLP and CNN (trained a batch, so the
  optimizer's state is in the file) to a SQLite store, over ``PLAYGROUND_CHECKPOINT_SECONDS``;
  the larger of the two.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PLAYGROUND_DATA", "bundled")

import nn_core  # noqa: E402,F401  (thread settings before TensorFlow)
import numpy as np  # noqa: E402

from benchmarks.timing import median_seconds  # noqa: E402
from nn_core.cnn import CNNConfig  # noqa: E402
from nn_core.digits.data import load_mnist  # noqa: E402
from nn_core.digits.inference import predict_digit  # noqa: E402
from nn_core.digits.job import shape_for, split_training  # noqa: E402
from nn_core.mlp import MLPConfig  # noqa: E402
from nn_core.networks import build_model  # noqa: E402
from nn_core.perceptron import PerceptronConfig  # noqa: E402
from nn_core.digits.preprocess import canvas_to_mnist  # noqa: E402
from nn_core.training import TrainingData, TrainingJob, TrainingSlots  # noqa: E402


def drawn_seven(size: int = 280) -> np.ndarray:
    """A synthetic canvas drawing of a 7: white strokes on an opaque black canvas."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (size, size), (0, 0, 0, 255))
    pen = ImageDraw.Draw(image)
    pen.line([(70, 60), (210, 60), (120, 230)], fill=(255, 255, 255, 255), width=18, joint="curve")
    return np.asarray(image)


def bench_predict(repeats: int) -> tuple[float, list[list[str]]]:
    rgba = drawn_seven()
    rows, speedups = [], []
    for config in (PerceptronConfig(), MLPConfig(), CNNConfig()):
        model = build_model(config)
        app_path = median_seconds(lambda: predict_digit(model, canvas_to_mnist(rgba)), repeats)
        prepared = canvas_to_mnist(rgba).reshape((1,) + tuple(config.input_shape))
        keras_predict = median_seconds(lambda: model.predict(prepared, verbose=0), repeats)
        speedups.append(keras_predict / app_path)
        rows.append([f"predict one drawn digit ({type(config).__name__})",
                     f"{app_path * 1000:.2f} ms", f"{keras_predict * 1000:.2f} ms", f"{speedups[-1]:.1f}x"])
    return min(speedups), rows


def bench_training(rounds: int, epochs: int) -> tuple[float, list[list[str]]]:
    data = load_mnist("bundled")
    config = MLPConfig(hidden_units=(128,), activations=("relu",), epochs=epochs, batch_size=64,
                       validation_split=0.1, train_samples=8_000)
    x_train, y_train, x_val, y_val = split_training(data, config)
    x_train, x_val = shape_for(config, x_train), shape_for(config, x_val)

    def plain() -> None:
        model = build_model(config)
        model.fit(x_train, y_train, epochs=epochs, batch_size=config.batch_size,
                  validation_data=(x_val, y_val), verbose=0)

    def app(steps_per_execution: int = 1) -> None:
        # The page's job on the same prepared arrays: background thread, the run's own order
        # of digits, live callbacks.
        def build():
            model = build_model(config)
            if steps_per_execution > 1:
                model.compile(optimizer=model.optimizer, loss=config.loss, metrics=["accuracy"],
                              steps_per_execution=steps_per_execution)
            return model

        job = TrainingJob(TrainingData(x_train, y_train, x_val, y_val), epochs, config.batch_size, build=build,
                          seed=config.seed, slots=TrainingSlots(1))
        job.start()
        # The page reads a snapshot about once a second while training runs.
        while not job.wait(1.0):
            job.snapshot()

    # Warm-up: TensorFlow's first graph builds and the first background thread's set-up
    # are paid once per process, not per training; neither side is charged for them.
    plain()
    app()
    # Paired rounds, alternating which goes first so that drift in the machine's speed
    # falls on both sides; the figure is the median of the rounds' ratios.
    plain_times, app_times, ratios = [], [], []
    for round_index in range(rounds):
        order = ((plain, plain_times), (app, app_times))
        for function, times in order if round_index % 2 == 0 else reversed(order):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
        ratios.append(app_times[-1] / plain_times[-1])
    plain_time, app_time = statistics.median(plain_times), statistics.median(app_times)
    ratio = statistics.median(ratios)
    rows = [[f"train MLP 128, {epochs} epochs, 7,200 digits (median of {rounds})",
             f"{app_time:.2f} s", f"{plain_time:.2f} s", f"{ratio:.3f}x"]]
    # Keras' steps_per_execution runs several batches per call: the same loop with 4.
    app(4)
    grouped = []
    for _ in range(max(3, rounds // 2)):
        started = time.perf_counter()
        app(4)
        grouped.append(time.perf_counter() - started)
    rows.append(["the same with steps_per_execution=4 (callbacks every 4 batches)",
                 f"{statistics.median(grouped):.2f} s", f"{plain_time:.2f} s",
                 f"{statistics.median(grouped) / plain_time:.3f}x"])
    return ratio, rows


def bench_checkpoint(repeats: int) -> tuple[float, list[list[str]]]:
    import tempfile

    from nn_core import limits
    from nn_core.checkpoints import SaveWhileTraining
    from nn_core.lessons import LESSONS
    from nn_core.runs import Run, new_run_id
    from nn_core.store import RunStore

    folder = Path(tempfile.mkdtemp(prefix="playground-bench-"))
    store = RunStore(f"sqlite:///{folder / 'runs.db'}", folder / "models",
                     {lesson.config_class.__name__: lesson.config_class for lesson in LESSONS})
    data = load_mnist("bundled")
    shares, rows = [], []
    for slug, config in (("mlp", MLPConfig()), ("cnn", CNNConfig())):
        model = build_model(config)
        model.train_on_batch(shape_for(config, data.x_train[:64].astype("float32") / 255), data.y_train[:64])
        job = TrainingJob(TrainingData(data.x_train[:1], data.y_train[:1]), 1, 1, model=model)
        record = Run(id=new_run_id(), owner="bench", lesson=slug, number=1, config=config)
        keeper = SaveWhileTraining(store, record, lambda: None, lambda: True)
        seconds = median_seconds(lambda: keeper.save(job), repeats)
        shares.append(seconds / limits.checkpoint_seconds())
        rows.append([f"save a training while it runs: default {slug.upper()}, {store.get(record.id).model_bytes:,} bytes",
                     f"{seconds * 1000:.0f} ms", f"every {limits.checkpoint_seconds():.0f} s",
                     f"{shares[-1]:.2%} of its time"])
    return max(shares), rows


def bench_generation(repeats: int) -> tuple[float | None, list[list[str]]]:
    try:
        from benchmarks.generation import generation_speedup
    except ImportError:
        return None, [["text generation", "n/a", "n/a", "the recurrent page is not built yet"]]
    return generation_speedup(repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats: under two minutes")
    args = parser.parse_args()
    repeats, rounds, epochs = (20, 9, 3) if args.quick else (100, 11, 4)

    started = time.perf_counter()
    predict_speedup, rows = bench_predict(repeats)
    training_overhead, training_rows = bench_training(rounds, epochs)
    generation_speedup, generation_rows = bench_generation(repeats // 4 or 1)
    checkpoint_share, checkpoint_rows = bench_checkpoint(max(5, repeats // 4))
    rows += training_rows + generation_rows + checkpoint_rows

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}; TF threads intra={os.environ.get('TF_NUM_INTRAOP_THREADS')}")
    header = ["benchmark", "app", "baseline", "ratio"]
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(4)]
    for row in [header, ["-" * w for w in widths]] + rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
    print(f"total {time.perf_counter() - started:.0f} s")
    print(json.dumps({
        "predict_speedup": round(predict_speedup, 2),
        "training_overhead": round(training_overhead, 3),
        "generation_speedup": None if generation_speedup is None else round(generation_speedup, 2),
        "checkpoint_share": round(checkpoint_share, 4),
    }))


if __name__ == "__main__":
    main()

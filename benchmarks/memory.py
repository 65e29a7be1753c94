"""How much memory one training step takes, against what ``nn_core.estimate`` says before Train.

Run ``python benchmarks/memory.py`` (about a minute). Each setting is trained for one
step of one batch in a fresh process (so nothing else is in its memory), after a first
step of two samples that builds and traces the network; the figure is the rise of the
process's peak memory (VmHWM) during the full batch. The estimate should be at or above
it (it refuses trainings above ``PLAYGROUND_MAX_TRAINING_MB``, 2,000 MB by default). It
prints a table, then as its last line one JSON object: ``{setting: [estimated MB,
measured MB]}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {
    "CNN 256 filters, batch 512": ("cnn", {"conv_blocks": 1, "filters_1": 256, "batch_size": 512}),
    "CNN 256 filters, batch 2048": ("cnn", {"conv_blocks": 1, "filters_1": 256, "batch_size": 2048}),
    "CNN defaults, batch 4096": ("cnn", {"batch_size": 4096}),
    "MLP 4 x 2048, batch 4096": ("mlp", {"hidden_units": (2048,) * 4, "activations": ("relu",) * 4,
                                         "batch_size": 4096}),
    "LSTM 512, 100 steps, batch 256": ("rnn", {"cell": "LSTM", "units": 512, "sequence_length": 100,
                                               "batch_size": 256}),
    "GRU 512, 100 steps, batch 256": ("rnn", {"cell": "GRU", "units": 512, "sequence_length": 100,
                                              "batch_size": 256}),
    "SimpleRNN 512, 100 steps, batch 256": ("rnn", {"cell": "SimpleRNN", "units": 512, "sequence_length": 100,
                                                    "batch_size": 256}),
}
VOCABULARY = 100

ONE_STEP = """
import json, re, sys
import numpy as np
from nn_core.estimate import config_size, memory_bytes
from nn_core.lessons import lesson
from nn_core.networks import build_model

slug, fields = sys.argv[1], json.loads(sys.argv[2])
config = lesson(slug).config_class(**fields)
build_args = (int(sys.argv[3]),) if slug == "rnn" else ()
model = build_model(config, *build_args)
batch = config.batch_size
if slug == "rnn":
    x = np.random.randint(0, build_args[0], (batch, config.sequence_length))
    y = np.eye(build_args[0], dtype="uint8")[np.random.randint(0, build_args[0], batch)]
else:
    x = np.random.rand(batch, *config.input_shape).astype("float32")
    y = np.random.randint(0, 10, batch)
model.train_on_batch(x[:2], y[:2])  # builds and traces the step

def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) * 1024

before = peak()
model.train_on_batch(x, y)
weights, _, values = config_size(config, *build_args)
print(json.dumps([memory_bytes(weights, values, batch) / 2**20, (peak() - before) / 2**20]))
"""


def main() -> None:
    results = {}
    print(f"{'setting':40} {'estimated':>10} {'measured':>10}")
    for name, (slug, fields) in SETTINGS.items():
        done = subprocess.run([sys.executable, "-c", ONE_STEP, slug, json.dumps(fields), str(VOCABULARY)],
                              cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              check=True)
        estimated, measured = json.loads(done.stdout.strip().splitlines()[-1])
        results[name] = [round(estimated), round(measured)]
        print(f"{name:40} {estimated:>8,.0f} MB {measured:>7,.0f} MB", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()

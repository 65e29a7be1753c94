"""Memory levels off: retraining again and again keeps no model that nothing uses.

A student presses Train 40 times on one page; after each run, as the page does, the
model is shown (evaluated on the test digits, a drawn digit classified with its compiled
call) and the page's older run is replaced. The server's memory is read after every run.
A leak of one model per training (the compiled call holding its model, as it once did)
grows memory by about 16 MB a run here. Before each reading, garbage is collected and
glibc gives its free pages back; still, readings wander by about 20 MB from one run to the
next, so a line through 15 runs could slope 2 MB a run by chance (CI saw 2.3 once). The
test takes 40 runs and the Theil-Sen slope (the median slope between every two readings,
which a stray reading cannot tilt) of the last 30, and asserts it is under 1.5 MB a run.
Measured over 50 runs here: memory rises for the first ten, then wanders flat (slopes
-0.1 to +0.4 MB a run over any 25 of the last 40).
"""

import ctypes
import gc
import itertools
import statistics

from nn_core.digits.analysis import cached_evaluation
from nn_core.digits.data import to_float
from nn_core.digits.inference import predict_digit
from nn_core.lessons import LESSONS
from nn_core.mlp import MLPConfig
from nn_core.mlp.job import mlp_job
from nn_core.registry import RunRegistry
from nn_core.training import TrainingSlots

RUNS = 40
LAST = 30
MAX_SLOPE_MB = 1.5


def resident_megabytes() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def give_back_free_memory() -> None:
    """Collect garbage, then ask glibc to return its free pages, so the reading is what is still held."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the reading keeps the allocator's free pages
        pass


def robust_slope(readings: list[float]) -> float:
    """Theil-Sen: the median of the slopes between every two readings, which one stray reading cannot tilt."""
    return statistics.median((readings[j] - readings[i]) / (j - i)
                             for i, j in itertools.combinations(range(len(readings)), 2))


def test_memory_levels_off_over_40_trainings(store, mnist, monkeypatch):
    if "postgres" in store.url:
        return  # the database does not matter here; one run of this slow test is enough
    now = [0.0]
    registry = RunRegistry(store, {entry.slug: entry for entry in LESSONS}, clock=lambda: now[0])
    config = MLPConfig(epochs=1, train_samples=500)  # the page's default network, 256-128, briefly
    digit, test_x = to_float(mnist.x_test[0]), to_float(mnist.x_test)
    readings = []
    for seed in range(RUNS):
        job = mlp_job(config.changed(seed=seed), mnist)
        job.slots = TrainingSlots(1)
        live = registry.start("student", "mlp", config, job)
        assert live.job.wait(120) and live.saved
        live.seen("the page", lambda: True)
        model = registry.payload(live)
        cached_evaluation(model, test_x, mnist.y_test)
        predict_digit(model, digit)
        del model, live, job
        now[0] += 30  # the page moved on: the older run is unseen for a while
        registry.sweep()
        give_back_free_memory()
        readings.append(resident_megabytes())
    slope = robust_slope(readings[-LAST:])
    print(f"memory over {RUNS} trainings (MB): {[round(value) for value in readings]}; "
          f"slope over the last {LAST}: {slope:.2f} MB a training; runs in memory: {registry.in_memory()}")
    assert registry.in_memory() <= 2
    assert slope < MAX_SLOPE_MB, f"memory still grows {slope:.2f} MB a training: {readings}"

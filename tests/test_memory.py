"""Retraining again and again in one session does not grow memory without bound."""

import gc

from nn_core.digits import digit_job
from nn_core.models import MLPConfig


def resident_megabytes() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def test_retraining_eight_times_grows_memory_by_less_than_250_mb(mnist):
    # As a page does: each Train replaces the session's previous job and model.
    config = MLPConfig(hidden_units=(256, 128), activations=("relu", "relu"), epochs=1,
                       batch_size=128, train_samples=2000)
    job = digit_job(config, mnist).start()
    assert job.wait(120)
    gc.collect()
    before = resident_megabytes()
    for seed in range(8):
        job = digit_job(config.changed(seed=seed + 1), mnist).start()
        assert job.wait(120) and job.snapshot().status == "finished"
    del job
    gc.collect()
    growth = resident_megabytes() - before
    print(f"memory growth after 8 retrainings: {growth:.0f} MB")
    assert growth < 250

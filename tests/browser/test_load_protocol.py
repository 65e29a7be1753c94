"""The load test's protocol mode still speaks Streamlit's websocket protocol: two simulated students train.

Runs ``scripts/load_test.py --mode protocol`` as a user would, on a tiny setting: it starts
its own server, two students (each its own websocket session and ``playground_id``) press
Train and read the live console until their test accuracy, while an idle one moves a
slider. No Chromium needed (so no ``browser`` mark); about 30 s.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_two_simulated_students_train_and_an_idle_one_gets_answers():
    finished = subprocess.run(
        [sys.executable, "scripts/load_test.py", "--mode", "protocol", "--students", "2",
         "--path", "mlp?train_samples=500&epochs=1", "--idle-every", "1", "--timeout", "90"],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert finished.returncode == 0, f"{finished.stdout}\n{finished.stderr[-3000:]}"
    figures = json.loads(finished.stdout.strip().splitlines()[-1])
    assert figures["all_finished"] and figures["finished"] == 2 and figures["failures"] == 0
    assert figures["alone_seconds"] > 0 and figures["together_seconds"] > 0
    assert figures["idle_moves"] >= 1 and figures["idle_median_seconds"] > 0
    assert figures["memory_after_mb"] > figures["memory_start_mb"]  # TensorFlow came in: the pages really ran

"""Load test: several browser sessions training at once on one server, retraining, then leaving.

Starts the app (``scripts.app_server``) on a free local port with a fresh data folder,
opens ``--sessions`` Chromium tabs (each its own browser, its own Streamlit session) on
a page, presses Train in all of them within a second, and waits until every one shows
its test accuracy. Then one session retrains ``--retrains`` times, the server's memory
read after each run, and finally every tab is closed and the server's memory read again
once the runs have left memory (``PLAYGROUND_IDLE_MODEL_SECONDS`` is set short here).
It reports whether all finished without a traceback, the wall time, and memory: before,
after the simultaneous trainings, the slope over the last retrainings, and after the
students left. Only loopback traffic; every wait is bounded.

    python scripts/load_test.py --sessions 4 --retrains 30
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.app_server import AppServer  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE_SECONDS = 20  # a run unseen this long leaves memory (the server's default is 300)


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def slope(values: list[float]) -> float:
    """Least-squares slope of values against their index (MB per training)."""
    count = len(values)
    if count < 2:
        return float("nan")
    mean_x, mean_y = (count - 1) / 2, sum(values) / count
    return sum((index - mean_x) * (value - mean_y) for index, value in enumerate(values)) / sum(
        (index - mean_x) ** 2 for index in range(count))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=4, help="browser sessions training at once")
    parser.add_argument("--retrains", type=int, default=30, help="trainings in a row by one session afterwards")
    parser.add_argument("--path", default="mlp?train_samples=4000&epochs=3",
                        help="page and settings each session trains (URL path and query)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for each training")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    log = Path(tempfile.mkdtemp(prefix="load-test-")) / "streamlit.log"
    server = AppServer(log, PLAYGROUND_IDLE_MODEL_SECONDS=str(IDLE_SECONDS)).start()
    url = f"{server.url}/{args.path}"
    failures: list[str] = []
    retrain_memory: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            contexts = [browser.new_context(viewport={"width": 1300, "height": 900}) for _ in range(args.sessions)]
            tabs = []
            for context in contexts:
                tab = context.new_page()
                tab.goto(url)
                tab.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
                tabs.append(tab)
            progress(f"{len(tabs)} sessions open")
            time.sleep(2)
            memory_start = server.memory_megabytes()
            started = time.perf_counter()
            for tab in tabs:
                tab.get_by_role("button", name="Train", exact=True).click()
            for index, tab in enumerate(tabs):
                try:
                    tab.get_by_text("Test accuracy:").first.wait_for(timeout=args.timeout * 1000)
                except Exception:
                    failures.append(f"session {index + 1} did not finish training")
                if tab.locator('[data-testid="stException"]').count():
                    failures.append(f"session {index + 1} shows a traceback")
            wall = time.perf_counter() - started
            progress(f"simultaneous trainings done in {wall:.1f} s")
            memory_after_load = server.memory_megabytes()

            tab = tabs[0]
            retrain_started = time.perf_counter()
            for index in range(args.retrains):
                tab.get_by_role("button", name="Train", exact=True).click()
                # The run history names each finished run ("Run 2", ...): the surest sign that
                # this training, not the one before, has ended.
                row = tab.locator('td[role="gridcell"]').get_by_text(f"Run {index + 2}", exact=True)
                row.first.wait_for(state="attached", timeout=args.timeout * 1000)
                retrain_memory.append(server.memory_megabytes())
                progress(f"retraining {index + 1} finished: server at {retrain_memory[-1]:.0f} MB")
            retrain_wall = time.perf_counter() - retrain_started
            for context in contexts:
                context.close()  # the students leave
            browser.close()
        time.sleep(IDLE_SECONDS + 15)  # their runs go unseen, and leave memory
        memory_left = server.memory_megabytes()
    finally:
        server.stop()

    last = retrain_memory[-15:]
    print(f"sessions training at once: {args.sessions} on {os.cpu_count()} cores ({args.path})")
    print(f"all finished without a traceback: {not failures}")
    for failure in failures:
        print(f"  - {failure}")
    print(f"wall time until all finished: {wall:.1f} s")
    print(f"server memory: {memory_start:.0f} MB before, {memory_after_load:.0f} MB after the "
          f"simultaneous trainings, {retrain_memory[-1] if retrain_memory else float('nan'):.0f} MB after "
          f"{args.retrains} more trainings in one session ({retrain_wall:.0f} s), {memory_left:.0f} MB after "
          "every student left")
    print(f"memory over the retrainings (MB): {[round(value) for value in retrain_memory]}")
    print(f"slope over the last {len(last)} retrainings: {slope(last):.2f} MB a training")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Load test: several browser sessions training at once on one server, then retraining.

Starts ``streamlit run app.py`` on a free local port, opens ``--sessions`` Chromium tabs
(each its own Streamlit session) on a page, presses Train in all of them within a second,
and waits until every one shows its test accuracy. Then one session retrains
``--retrains`` times. It reports whether all finished without a traceback, the wall time,
and the server's resident memory before, after the simultaneous trainings and after the
retraining. Only loopback traffic; every wait is bounded.

    python scripts/load_test.py --sessions 4 --retrains 8
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resident_megabytes(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=4, help="browser sessions training at once")
    parser.add_argument("--retrains", type=int, default=8, help="trainings in a row by one session afterwards")
    parser.add_argument("--path", default="mlp?train_samples=4000&epochs=3",
                        help="page and settings each session trains (URL path and query)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for each training")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "PLAYGROUND_DATA": os.environ.get("PLAYGROUND_DATA", "bundled")}
    server = start_server(port, env)
    url = f"http://127.0.0.1:{port}/{args.path}"
    failures: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            tabs = []
            for _ in range(args.sessions):
                tab = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
                tab.goto(url)
                tab.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
                tabs.append(tab)
            progress(f"{len(tabs)} sessions open")
            time.sleep(2)
            memory_start = resident_megabytes(server.pid)
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
            memory_after_load = resident_megabytes(server.pid)

            tab = tabs[0]
            retrain_started = time.perf_counter()
            for index in range(args.retrains):
                tab.get_by_role("button", name="Train", exact=True).click()
                # The run history names each finished run ("Run 2", ...): the surest sign that
                # this training, not the one before, has ended.
                row = tab.locator('td[role="gridcell"]').get_by_text(f"Run {index + 2}", exact=True)
                row.first.wait_for(state="attached", timeout=args.timeout * 1000)
                progress(f"retraining {index + 1} finished")
            retrain_wall = time.perf_counter() - retrain_started
            time.sleep(2)
            memory_after_retrains = resident_megabytes(server.pid)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)

    print(f"sessions training at once: {args.sessions} on {os.cpu_count()} cores ({args.path})")
    print(f"all finished without a traceback: {not failures}")
    for failure in failures:
        print(f"  - {failure}")
    print(f"wall time until all finished: {wall:.1f} s")
    print(f"server memory: {memory_start:.0f} MB before, {memory_after_load:.0f} MB after the "
          f"simultaneous trainings, {memory_after_retrains:.0f} MB after {args.retrains} more "
          f"trainings in one session ({retrain_wall:.0f} s)")
    print(f"growth over the {args.retrains} retrainings: {memory_after_retrains - memory_after_load:.0f} MB")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

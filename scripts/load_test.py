"""Load test: many students training at once on one server, in Chromium or over Streamlit's protocol.

``--mode chromium`` (the default): several browser sessions training at once, retraining, then leaving.
Starts the app (``scripts.app_server``) on a free local port with a fresh data folder,
opens ``--sessions`` Chromium tabs (each its own browser, its own Streamlit session) on
a page, presses Train in all of them within a second, and waits until every one shows
its test accuracy. Then one session retrains ``--retrains`` times, the server's memory
read after each run, and finally every tab is closed and the server's memory read again
once the runs have left memory (``PLAYGROUND_IDLE_MODEL_SECONDS`` is set short here).
It reports whether all finished without a traceback, the wall time, and memory: before,
after the simultaneous trainings, the slope over the last retrainings, and after the
students left.

``--mode protocol``: ``--students`` simulated students (``scripts/protocol_students.py``)
that speak Streamlit's own websocket protocol as a browser does, one asyncio task each
instead of one Chromium each, so that a class of 30 or more fits on one machine. The app
starts with a fresh data folder (``PLAYGROUND_MAX_TRAININGS`` and the other limits come
from the environment). Each student has its own ``playground_id`` cookie, opens the page,
presses Train and reads the live console until "Test accuracy:". First one student trains
alone, twice (the first training of a fresh server also warms it up; the second is the
figure); then the N press Train within a second, while one more, idle, student moves a
sidebar slider every couple of seconds and times each rerun (it also moves it a few times
before, on the quiet server). It reports whether all finished (and why not), the wall
time of one alone and of N together, the idle student's median and 95th percentile, the
server's memory, and, as its last line, one JSON object of the figures.

Only loopback traffic; every wait is bounded.

    python scripts/load_test.py --sessions 4 --retrains 30
    python scripts/load_test.py --mode protocol --students 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.app_server import AppServer  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE_SECONDS = 20  # a run unseen this long leaves memory (the server's default is 300)
CHROMIUM_PATH = "mlp?train_samples=4000&epochs=3"
PROTOCOL_PATH = "mlp?train_samples=2000&epochs=2"
QUIET_MOVES = 5  # slider moves the idle student times on the quiet server, before the class trains
OPENING_AT_ONCE = 4  # students opening the page at the same moment (a class does not click in the same millisecond)


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


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for the 95th) of values; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("chromium", "protocol"), default="chromium",
                        help="Chromium sessions, or simulated students speaking Streamlit's websocket protocol")
    parser.add_argument("--sessions", type=int, default=4, help="chromium: browser sessions training at once")
    parser.add_argument("--retrains", type=int, default=30,
                        help="chromium: trainings in a row by one session afterwards")
    parser.add_argument("--students", type=int, default=30, help="protocol: simulated students training at once")
    parser.add_argument("--idle-every", type=float, default=2.0,
                        help="protocol: seconds between the idle student's slider moves")
    parser.add_argument("--slider", default="Validation share",
                        help="protocol: the sidebar slider the idle student moves")
    parser.add_argument("--path", default=None,
                        help="page and settings each session trains (URL path and query); default "
                             f"{CHROMIUM_PATH} (chromium), {PROTOCOL_PATH} (protocol)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds to wait for each training (default 300 in chromium, 900 in protocol mode, where "
                             "the last student's wait includes the queue)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if args.mode == "protocol":
        args.path = args.path or PROTOCOL_PATH
        args.timeout = args.timeout or 900
        return asyncio.run(protocol(args))
    args.path = args.path or CHROMIUM_PATH
    args.timeout = args.timeout or 300
    return chromium(args)


def chromium(args: argparse.Namespace) -> int:
    """Today's browser check: Chromium sessions train at once, one retrains, all leave."""
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


async def protocol(args: argparse.Namespace) -> int:
    """A class of simulated students over Streamlit's websocket protocol: one alone, then all at once."""
    load_before = os.getloadavg()
    cpu_before = time.process_time()
    server = AppServer(Path(tempfile.mkdtemp(prefix="load-test-")) / "streamlit.log").start()
    from nn_core import limits  # after the server took its environment: reads the same variables it does

    failures: list[str] = []
    try:
        measured = await protocol_class(server, args, failures)
    finally:
        server.stop()
    if measured is None:
        print("stopped early:", *failures, sep="\n  - ")
        return 1
    figures = protocol_figures(args, measured, failures, limits.max_trainings())
    figures["load_average_before"] = [round(value, 2) for value in load_before]
    figures["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    figures["client_cpu_seconds"] = round(time.process_time() - cpu_before, 1)
    protocol_report(args, figures, failures)
    return 0 if figures["all_finished"] else 1


async def protocol_class(server: AppServer, args: argparse.Namespace, failures: list[str]) -> dict | None:
    """Run the students on a started server; what was measured (None when the class could not even start)."""
    from scripts.protocol_students import Tab, TabError, move_slider, train

    tabs: list[Tab] = []
    try:
        measured: dict = {"memory_start": server.memory_megabytes(), "alone": []}
        idle = Tab(server.url, args.path)  # the student who does not train: only moves a slider
        tabs.append(idle)
        await idle.open()
        for attempt in range(2):  # a fresh server's first training also warms it up; the second is the figure
            tab = Tab(server.url, args.path)
            tabs.append(tab)
            await tab.open()
            measured["alone"].append(result := await train(tab, 0, args.timeout))
            await tab.close()
            if result.failure:
                failures.append(f"the student training alone ({attempt + 1}): {result.failure}")
            progress(f"one student alone: {result.seconds or float('nan'):.1f} s")
        measured["quiet"] = await move_slider(idle, args.slider, asyncio.Event(), 0.5, 60, failures,
                                              moves=QUIET_MOVES)

        students = [Tab(server.url, args.path) for _ in range(args.students)]
        tabs += students
        gate = asyncio.Semaphore(OPENING_AT_ONCE)

        async def arrive(tab: Tab) -> None:
            async with gate:
                await tab.open()

        ready = []
        for index, outcome in enumerate(await asyncio.gather(*map(arrive, students), return_exceptions=True)):
            if isinstance(outcome, BaseException):
                failures.append(f"student {index + 1} could not open the page: {outcome}")
            else:
                ready.append((index + 1, students[index]))
        progress(f"{len(ready)} students on the page")
        await asyncio.sleep(2)
        measured["memory_before"] = server.memory_megabytes()
        peak = [measured["memory_before"]]

        async def watch_memory() -> None:
            while True:
                await asyncio.sleep(0.5)
                peak.append(server.memory_megabytes())

        watcher = asyncio.create_task(watch_memory())
        stop = asyncio.Event()
        mover = asyncio.create_task(move_slider(idle, args.slider, stop, args.idle_every, 120, failures))
        measured["trainings"] = await asyncio.gather(*(train(tab, index, args.timeout) for index, tab in ready))
        stop.set()
        measured["loaded"] = await mover
        watcher.cancel()
        measured["memory_peak"], measured["memory_after"] = max(peak), server.memory_megabytes()
        measured["redraws"] = sum(tab.fragment_runs for _, tab in ready)  # the live console's, all students
        progress("every training ended")
        return measured
    except TabError as error:
        failures.append(str(error))
        return None
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)


def protocol_figures(args: argparse.Namespace, measured: dict, failures: list[str], slots: int) -> dict:
    """The figures of a protocol run, as the JSON line has them (seconds and megabytes)."""
    trainings, alone, loaded, quiet = measured["trainings"], measured["alone"], measured["loaded"], measured["quiet"]
    failures += [f"student {training.student}: {training.failure}" for training in trainings if training.failure]
    done = [training for training in trainings if training.finished is not None]
    pressed = [training.pressed for training in trainings if training.pressed is not None]
    together = max(training.finished for training in done) - min(pressed) if done else float("nan")
    one = alone[-1].seconds or float("nan")
    each = [training.seconds for training in done]

    def rounded(value: float | None, digits: int = 2) -> float | None:
        return None if value is None or math.isnan(value) else round(value, digits)

    return {
        "mode": "protocol", "students": args.students, "path": args.path, "cores": os.cpu_count(),
        "max_trainings": slots, "finished": len(done), "all_finished": len(done) == args.students and not failures,
        "failures": len(failures),
        "alone_seconds": rounded(one), "alone_first_seconds": rounded(alone[0].seconds or float("nan")),
        "together_seconds": rounded(together, 1), "together_over_alone": rounded(together / one, 1),
        "pressed_within_seconds": rounded(max(pressed) - min(pressed), 3) if pressed else None,
        "queued": sum(training.waited for training in trainings), "console_redraws": measured["redraws"],
        "each_median_seconds": rounded(statistics.median(each) if each else None, 1),
        "each_max_seconds": rounded(max(each, default=None), 1),
        "idle_moves": len(loaded), "idle_median_seconds": rounded(statistics.median(loaded) if loaded else None, 3),
        "idle_p95_seconds": rounded(percentile(loaded, 0.95), 3),
        "idle_max_seconds": rounded(max(loaded, default=None), 3),
        "quiet_median_seconds": rounded(statistics.median(quiet) if quiet else None, 3),
        "memory_start_mb": round(measured["memory_start"]), "memory_before_mb": round(measured["memory_before"]),
        "memory_peak_mb": round(measured["memory_peak"]), "memory_after_mb": round(measured["memory_after"]),
    }


def protocol_report(args: argparse.Namespace, figures: dict, failures: list[str]) -> None:
    """Print the figures in sentences, then as one JSON object on the last line."""
    print(f"students training at once: {args.students}, simulated over Streamlit's websocket protocol, on "
          f"{figures['cores']} cores; trainings run at once: {figures['max_trainings']} (PLAYGROUND_MAX_TRAININGS), "
          f"the others wait in the queue ({args.path})")
    print(f"all finished without a traceback: {figures['all_finished']} ({figures['finished']}/{args.students} "
          "showed their test accuracy)")
    for failure in failures:
        print(f"  - {failure}")
    print(f"one student alone: {figures['alone_seconds']} s from Train to the test accuracy (a fresh server's "
          f"first training: {figures['alone_first_seconds']} s)")
    print(f"{args.students} together: {figures['together_seconds']} s from the first press to the last test accuracy "
          f"({figures['together_over_alone']}x one alone); all pressed Train within "
          f"{figures['pressed_within_seconds']} s, {figures['queued']} were told to wait for a free slot; from each "
          f"one's press to its test accuracy: median {figures['each_median_seconds']} s, longest "
          f"{figures['each_max_seconds']} s; their live consoles were redrawn {figures['console_redraws']} times")
    print(f"idle student moving {args.slider!r} every {args.idle_every:g} s while they trained: rerun finished in a "
          f"median {figures['idle_median_seconds']} s, 95th percentile {figures['idle_p95_seconds']} s, longest "
          f"{figures['idle_max_seconds']} s, over {figures['idle_moves']} moves (on the quiet server before: median "
          f"{figures['quiet_median_seconds']} s)")
    print(f"server memory (resident): {figures['memory_start_mb']} MB at start, {figures['memory_before_mb']} MB with "
          f"the class on the page, {figures['memory_peak_mb']} MB at most while they trained, "
          f"{figures['memory_after_mb']} MB after")
    print(f"load average (1, 5, 15 min): {figures['load_average_before']} before, {figures['load_average_after']} "
          f"after; the simulated students' own CPU time: {figures['client_cpu_seconds']} s")
    print(json.dumps(figures))


if __name__ == "__main__":
    raise SystemExit(main())

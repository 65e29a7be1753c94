"""How fast the pages answer a person, measured in Chromium: from a click or a pen stroke to the answer on screen.

For each digit page (perceptron, MLP, CNN) it measures, several times, and prints the
median and the slowest:

- ``slider``: a sidebar slider moved with the keyboard, until the page has stopped
  changing (its last change, followed by calm, with the script not running);
- ``prediction``: the pen lifted after drawing a digit, until ``Prediction: N`` is shown
  (the canvas is cleared between tries, so each try is a new answer);
- ``first_batch``: Train pressed, until the page shows a first batch learned (the
  progress bar's "Epoch n/5 · batch N/M" with N at least 1);
- ``page_switch``: a page chosen in the sidebar, until it shows its title and has
  stopped changing.

Times are taken in the page itself (``performance.now()`` around the action, and a
``MutationObserver`` noting when the answer appears), so the network and the browser's
drawing are in them. The last line is one JSON object with every median.

    python benchmarks/ui_latency.py [--tries 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.app_server import AppServer  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {  # trainings of a few seconds (long enough to be seen running), the page's link and its title
    "perceptron": ("perceptron?train_samples=8000&epochs=5&batch_size=8", "Perceptron", "Single-layer perceptron"),
    "mlp": ("mlp?train_samples=8000&epochs=5&batch_size=32", "Multi-Layer Perceptron", "Multi-layer perceptron"),
    "cnn": ("cnn?train_samples=4000&epochs=5&batch_size=32&filters_1=8&filters_2=16", "Convolutional Network",
            "Convolutional network"),
}
RUN_STATE = '[data-testid="stApp"]'

# Notes, in the page's own clock, when the script starts and stops running and when a
# text matching a pattern appears.
WATCH = """
() => {
  window.__events = [];
  let last = null;
  new MutationObserver(() => {
    const stamp = performance.now();
    // The app's element may be drawn anew on a page switch: read the state from the document each time.
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app ? app.getAttribute('data-test-script-state') : null;
    if (state !== last) { window.__events.push([stamp, 'state', state]); last = state; }
    window.__events.push([stamp, 'text', document.body.innerText]);
  }).observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true,
                             attributeFilter: ['data-test-script-state']});
}
"""


def idle(page, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    calm = 0
    while time.time() < deadline and calm < 3:
        quiet = page.locator(f'{RUN_STATE}[data-test-script-state="notRunning"]').count() == 1
        calm = calm + 1 if quiet else 0
        time.sleep(0.15)


def now(page) -> float:
    return page.evaluate("() => performance.now()")


def until_settled(page, started: float, quiet: float = 0.6, timeout: float = 60, after: str | None = None) -> float:
    """Milliseconds from ``started`` until the page stopped changing (nothing for ``quiet`` seconds).

    Streamlit's running state can flip and flip back between two observations, so the
    page counts as answered when its last change after ``started`` is followed by
    ``quiet`` seconds of calm, and the script is not running. With ``after`` (a JavaScript
    regex), only once the page's text has matched it.
    """
    deadline = time.time() + timeout
    while time.time() < deadline:
        last = page.evaluate(f"""() => {{
            const events = window.__events.filter(e => e[0] >= {started});
            const pattern = {json.dumps(after)};
            const from = pattern === null ? 0 : events.findIndex(e => e[1] === 'text' && new RegExp(pattern).test(e[2]));
            if (from < 0 || events.length === 0) return null;
            return events[events.length - 1][0];
        }}""")
        running = page.locator(f'{RUN_STATE}[data-test-script-state="running"]').count() > 0
        if last is not None and not running and now(page) - last > quiet * 1000:
            return last - started
        time.sleep(0.05)
    page.screenshot(path="/tmp/ui-latency-timeout.png")
    raise TimeoutError(f"the page did not settle after {started} at {page.url}")


def until_text(page, started: float, pattern: str, timeout: float = 60) -> float:
    """Milliseconds from ``started`` until the page's text matches ``pattern`` (a JavaScript regex)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = page.evaluate(f"""() => {{ const hit = window.__events.find(e => e[1] === 'text' && e[0] >= {started}
                                          && new RegExp({json.dumps(pattern)}).test(e[2])); return hit ? hit[0] : null; }}""")
        if found is not None:
            return found - started
        time.sleep(0.05)
    raise TimeoutError(f"the page never showed {pattern!r}")


def stroke(page, canvas, points) -> float:
    """Draw one stroke; return the page's time just before the pen lifts."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = points[0]
    page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=4)
    lifted = now(page)
    page.mouse.up()
    return lifted


def measure_page(browser, url: str, title: str, heading: str, tries: int) -> dict[str, list[float]]:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    idle(page)
    page.evaluate(WATCH)
    results: dict[str, list[float]] = {"slider": [], "prediction": [], "first_batch": [], "page_switch": []}
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Validation share").get_by_role("slider")
    for attempt in range(tries):
        started = now(page)
        slider.press("ArrowRight" if attempt % 2 == 0 else "ArrowLeft")
        results["slider"].append(until_settled(page, started))
        idle(page)
    for attempt in range(tries):
        started = now(page)
        page.get_by_role("button", name="Train", exact=True).click()
        # Only a running training shows "Epoch n/5 · batch": the last run's text cannot match.
        results["first_batch"].append(until_text(page, started, r"Epoch (1/5 · batch [1-9]|[2-5]/5 · batch \d)"))
        page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Test accuracy").first.wait_for(
            timeout=120_000)
        idle(page)
    canvas = page.locator("canvas.upper-canvas").last
    for attempt in range(tries):
        if attempt:
            page.get_by_role("button", name="Clear canvas").click()
            page.get_by_text("Draw a digit on the canvas").wait_for()
            idle(page)
        lifted = stroke(page, canvas, [(0.5, 0.15 + 0.02 * attempt), (0.5, 0.85)])
        results["prediction"].append(until_text(page, lifted, r"Prediction: \d"))
        idle(page)
    for attempt in range(2 * tries):  # to the home page and back to the lesson, each counted
        started = now(page)
        home = attempt % 2 == 0
        page.get_by_role("link", name="Home" if home else title, exact=True).first.click()
        results["page_switch"].append(until_settled(page, started, after="Neural-network playground" if home
                                                    else heading))
        idle(page)
    page.context.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tries", type=int, default=5)
    parser.add_argument("--pages", nargs="*", choices=list(PAGES), help="only these pages (all by default)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = AppServer(Path(tempfile.mkdtemp(prefix="ui-latency-")) / "streamlit.log").start()
    medians: dict[str, float] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            print(f"{'page':<11} {'what':<12} {'median s':>9} {'slowest s':>10}")
            for name, (path, title, heading) in PAGES.items():
                if args.pages and name not in args.pages:
                    continue
                results = measure_page(browser, f"{server.url}/{path}", title, heading, args.tries)
                for what, values in results.items():
                    seconds = [value / 1000 for value in values]
                    medians[f"{name}_{what}"] = round(statistics.median(seconds), 3)
                    print(f"{name:<11} {what:<12} {statistics.median(seconds):>9.3f} {max(seconds):>10.3f}")
            browser.close()
    finally:
        server.stop()
    print(json.dumps(medians))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

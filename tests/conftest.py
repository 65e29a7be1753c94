"""Shared fixtures: the bundled digits, a running app server, and a real Chromium.

Browser tests start ``streamlit run app.py`` on a free port and drive Debian's Chromium
(``/usr/bin/chromium``) with Playwright. Where that browser is missing they are skipped,
except under CI (``CI`` set), where a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# Tests never touch the network: always the bundled digits.
os.environ["PLAYGROUND_DATA"] = "bundled"

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def mnist():
    from nn_core.data import load_mnist

    return load_mnist("bundled")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_app(log_path: Path, **env: str):
    """Run ``streamlit run app.py`` on a free port with extra environment; yield its base URL."""
    port = _free_port()
    env = {**os.environ, "PLAYGROUND_DATA": "bundled", **env}
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail(f"the app did not start; log:\n{log_path.read_text()[-3000:]}")
    try:
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of a fresh ``streamlit run app.py`` for the whole test session."""
    yield from serve_app(tmp_path_factory.mktemp("server") / "streamlit.log")


@pytest.fixture(scope="module")
def one_slot_app_url(tmp_path_factory):
    """A second server that runs one training at a time (``PLAYGROUND_MAX_TRAININGS=1``)."""
    yield from serve_app(tmp_path_factory.mktemp("one_slot") / "streamlit.log", PLAYGROUND_MAX_TRAININGS="1")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run installs it")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh browser tab (its own session) on a wide screen."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()

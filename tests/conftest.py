"""Shared fixtures: the bundled digits, a running app server, a real Chromium, a throwaway run store.

Browser tests start ``streamlit run app.py`` on a free port (``scripts.app_server``) and
drive Debian's Chromium (``/usr/bin/chromium``) with Playwright. Where that browser is
missing they are skipped, except under CI (``CI`` set), where a missing browser is a
failure, not a skip.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests never touch the network: always the bundled digits. Saved runs go to a folder of
# the test session's own, never to the checkout's.
os.environ["PLAYGROUND_DATA"] = "bundled"
os.environ.setdefault("PLAYGROUND_DATA_DIR", tempfile.mkdtemp(prefix="playground-tests-"))
# The tests run in three processes (pytest-xdist, pytest.ini), each starting app servers of its
# own: one TensorFlow thread per process, so that the processes do not fight over two cores
# with spinning thread pools (under that fight, a stopped training once took 30 s to end).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")

from scripts.app_server import AppServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def mnist():
    from nn_core.digits.data import load_mnist

    return load_mnist("bundled")


def serve(tmp_path_factory, name: str, **env: str):
    server = AppServer(tmp_path_factory.mktemp(name) / "streamlit.log", tmp_path_factory.mktemp(f"{name}-data"),
                       **env)
    try:
        server.start()
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """A fresh ``streamlit run app.py`` for the whole test session."""
    yield from serve(tmp_path_factory, "server")


@pytest.fixture(scope="session")
def app_url(app_server):
    """Base URL of the session's server."""
    return app_server.url


@pytest.fixture(scope="module")
def one_slot_app_url(tmp_path_factory):
    """A second server that runs one training at a time and stops trainings no page shows after 3 s."""
    yield from (server.url for server in serve(tmp_path_factory, "one_slot", PLAYGROUND_MAX_TRAININGS="1",
                                                PLAYGROUND_ORPHAN_SECONDS="3"))


@pytest.fixture(scope="module")
def capped_app_url(tmp_path_factory):
    """A server that stops any training after 5 seconds."""
    yield from (server.url for server in serve(tmp_path_factory, "capped", PLAYGROUND_MAX_TRAINING_SECONDS="5"))


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


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a fixture can tell that its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def describe_failed_page(tab, name: str) -> None:
    """Print what a failed test's tab showed (CI keeps only the output): its address, text and a screenshot's path."""
    try:
        said = tab.locator('[data-testid="stProgress"], [data-testid="stAlert"], [data-testid="stException"]')
        messages = said.all_inner_texts()
        text = tab.locator('[data-testid="stMain"]').inner_text(timeout=5_000)
        shot = Path(tempfile.gettempdir()) / f"failed-{name}.png"
        tab.screenshot(path=str(shot), full_page=True, timeout=10_000)
    except Exception as error:  # the tab itself may be what failed
        print(f"could not read the failed page: {error}")
        return
    print(f"The page at {tab.url} (screenshot: {shot}) said, in its progress bars and messages:")
    for message in messages:
        print(f"  {message.strip()[:500]}")
    print(f"Its text:\n{text[:6000]}")


@pytest.fixture
def page(request, browser, app_url):
    """A fresh browser tab (its own session and its own cookies) on a wide screen.

    When its test fails, the page's text is printed with the failure.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        describe_failed_page(tab, request.node.name)
    context.close()


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server; skipped where its programs are absent, a failure under CI."""
    from support.postgres import ThrowawayPostgres, server_programs

    if server_programs() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server programs are missing; .ci/run installs them")
        pytest.skip("no PostgreSQL server programs (apt-get install postgresql)")
    server = ThrowawayPostgres().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """A run store of its own, empty: SQLite in a temporary folder, and PostgreSQL for real."""
    from nn_core.lessons import LESSONS
    from nn_core.store import RunStore

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'runs.db'}"
    else:
        url = request.getfixturevalue("postgres_server").new_database()
    store = RunStore(url, tmp_path / "models", {lesson.config_class.__name__: lesson.config_class
                                                for lesson in LESSONS})
    yield store
    store.engine.dispose()

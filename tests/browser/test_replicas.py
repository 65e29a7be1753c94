"""Beyond one machine: two replicas behind nginx, sharing one PostgreSQL, seen from real Chromium.

The nginx configuration is ``deploy/nginx.conf`` with its ports filled in. Students whose
browsers land on different replicas join one class, train and post; the board (read on
whichever replica the teacher lands on) shows all their runs; a student's reload stays on
its replica and finds its run. The board opens from the teacher's cookie on any replica,
and a second device the teacher hands the class to with a one-time code sees the same
board. Skipped where nginx or PostgreSQL's server programs are
absent, except under CI, which installs them.
"""

import re

import pytest

from scripts.app_server import AppServer
from support.browser import assert_no_exception, create_class, open_app_page, train_and_post
from support.nginx import Nginx, require_nginx

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def proxy(postgres_server, tmp_path_factory):
    """nginx on a free port in front of two app servers that share a database and a model folder."""
    require_nginx()
    url = postgres_server.new_database()
    shared = tmp_path_factory.mktemp("shared")
    env = {"PLAYGROUND_DATABASE_URL": url, "PLAYGROUND_MODEL_DIR": str(shared / "models")}
    replicas = [AppServer(tmp_path_factory.mktemp(f"replica{index}") / "streamlit.log", **env).start()
                for index in (1, 2)]
    nginx = Nginx((replicas[0].port, replicas[1].port))
    try:
        nginx.check()
        nginx.start()
        yield nginx.url, {f"127.0.0.1:{server.port}": index for index, server in enumerate(replicas, start=1)}
    finally:
        nginx.stop()
        for server in replicas:
            server.stop()


def replica_of(tab, base: str, replicas: dict[str, int]) -> int:
    """Which replica answers this browser (nginx says so in a header)."""
    response = tab.context.request.get(f"{base}/_stcore/health")
    return replicas[response.headers["x-replica"]]


def test_a_class_across_two_replicas(browser, proxy):
    base, replicas = proxy
    teacher = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    link = create_class(teacher, f"{base}/class", "Two replicas")

    students, seen = [], set()
    for attempt in range(16):  # new browsers until one has landed on each replica
        tab = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
        open_app_page(tab, link)
        where = replica_of(tab, base, replicas)
        if where in seen:
            tab.context.close()
            continue
        seen.add(where)
        students.append((tab, where))
        if len(seen) == 2:
            break
    assert len(seen) == 2, "sixteen browsers all landed on one replica"

    for number, (tab, where) in enumerate(students, start=1):
        tab.get_by_placeholder("Your name on the class board").fill(f"Student {number}")
        tab.get_by_role("button", name="Join", exact=True).click()
        tab.get_by_text(re.compile(f"you are Student {number} on its board")).wait_for()
        train_and_post(tab, f"{base}/perceptron?train_samples=1000&epochs=1&seed={number}")

        tab.reload()  # a reload stays on its replica, and finds its run there
        open_app_page(tab, tab.url)
        assert replica_of(tab, base, replicas) == where
        tab.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Test accuracy:").first.wait_for()
        assert_no_exception(tab)

    cells = teacher.locator('[data-testid="stDataFrame"] td[role="gridcell"]')
    for number in (1, 2):  # the board, on whichever replica the teacher is, shows both
        cells.get_by_text(f"Student {number}", exact=True).wait_for(state="attached", timeout=30_000)
    assert_no_exception(teacher)
    assert "key=" not in teacher.url

    # The teacher's second device, wherever it lands: a one-time code from the board makes it a teacher.
    teacher.get_by_text("Teach this class from another device").click()
    teacher.get_by_role("button", name="Make a one-time code").click()
    shown = teacher.locator('[data-testid="stCode"]').filter(has_text=re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    shown.wait_for()
    laptop = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    open_app_page(laptop, f"{base}/class")
    field = laptop.get_by_role("textbox", name="Teach a class from this device: type the one-time code")
    field.fill(shown.inner_text().strip())
    field.press("Enter")
    laptop.get_by_text("Join link for students").wait_for()
    assert laptop.url == teacher.url
    cells = laptop.locator('[data-testid="stDataFrame"] td[role="gridcell"]')
    for number in (1, 2):
        cells.get_by_text(f"Student {number}", exact=True).wait_for(state="attached", timeout=30_000)
    student = students[0][0]  # a student at the board's address sees no board, on its own replica
    open_app_page(student, teacher.url)
    student.get_by_text("Only this class's teacher can open its board").wait_for()
    assert student.get_by_text("Join link for students").count() == 0
    for tab in (teacher, laptop):
        assert_no_exception(tab)
    for tab, _ in students:
        tab.context.close()
    laptop.context.close()
    teacher.context.close()

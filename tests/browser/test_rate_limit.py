"""The shipped nginx configuration limits each client address, and a whole class behind one address passes.

``deploy/nginx.conf`` runs for real (its ports filled in) in front of two stand-in
upstreams that answer every request at once, so that only nginx decides: every request
here comes from 127.0.0.1, as a school's class behind one NAT address does. Sixty
students opening a page (its HTML, its session's websocket, its static files) at the
same moment, and again a moment later, are never refused; one script sending new page
loads or new sessions as fast as it can gets 429 beyond the burst; static files are
never limited. The counts assert no durations: a slow machine only lets a few more
requests through, which the bounds allow for.
"""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support.nginx import Nginx

STUDENTS = 60
BURST = 150  # deploy/nginx.conf: burst=150 for pages and for new sessions
RATE = 2  # deploy/nginx.conf: 2 more a second
STATIC = ["/static/js/index.js", "/static/css/index.css", "/static/media/font.woff2", "/favicon.png",
          "/media/picture.jpg", "/_stcore/host-config", "/_stcore/health", "/mlp/_stcore/health"]


class Upstream(BaseHTTPRequestHandler):
    """Answers every request with 200 at once (a websocket's upgrade request too)."""

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def proxy():
    upstreams = [ThreadingHTTPServer(("127.0.0.1", 0), Upstream) for _ in range(2)]
    for upstream in upstreams:
        upstream.daemon_threads = True
        threading.Thread(target=upstream.serve_forever, daemon=True).start()
    nginx = Nginx((upstreams[0].server_address[1], upstreams[1].server_address[1]))
    try:
        nginx.check()  # nginx -t on the shipped file, its placeholders filled in
        yield nginx.start()
    finally:
        nginx.stop()
        for upstream in upstreams:
            upstream.shutdown()


def get(nginx: Nginx, path: str, websocket: bool = False, cookie: str = "") -> int:
    """One request through nginx (a new connection, as a new tab's); its status."""
    connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=60)
    headers = {"Connection": "Upgrade", "Upgrade": "websocket"} if websocket else {}
    if cookie:
        headers["Cookie"] = f"playground_id={cookie}"
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def student(nginx: Nginx, number: int) -> list[int]:
    """What a student's browser asks for when it opens a page: the page, its session, its files."""
    statuses = [get(nginx, "/mlp?epochs=3", cookie=f"student-{number:04d}-cookie-0000")]
    statuses.append(get(nginx, "/_stcore/stream", websocket=True, cookie=f"student-{number:04d}-cookie-0000"))
    statuses += [get(nginx, path) for path in STATIC]
    return statuses


def test_a_class_behind_one_address_opening_pages_at_once_is_never_refused(proxy):
    for wave in range(2):  # everybody opens the teacher's link, then everybody reloads
        start = threading.Barrier(STUDENTS)

        def together(number: int) -> list[int]:
            start.wait()
            return student(proxy, number)

        with ThreadPoolExecutor(STUDENTS) as pool:
            statuses = [status for result in pool.map(together, range(STUDENTS)) for status in result]
        assert statuses.count(200) == len(statuses), (wave, sorted(set(statuses)))


@pytest.mark.parametrize("path, websocket", [("/mlp", False), ("/_stcore/stream", True)],
                         ids=["page loads", "new sessions"])
def test_one_address_flooding_gets_429_beyond_the_burst_while_static_files_pass(proxy, path, websocket):
    started = time.monotonic()
    statuses = []
    while 429 not in statuses and len(statuses) < 5_000:
        statuses.append(get(proxy, path, websocket))
    seconds = time.monotonic() - started
    first_refused = statuses.index(429) if 429 in statuses else None
    assert first_refused is not None, f"{len(statuses)} requests in {seconds:.1f} s and none refused"
    # The burst passes whole; beyond it, only what the rate let in meanwhile.
    assert BURST < first_refused <= BURST + 1 + RATE * seconds + 1, (first_refused, seconds)
    assert set(statuses[:first_refused]) == {200}
    started = time.monotonic()
    refused = sum(get(proxy, path, websocket) == 429 for _ in range(20))
    allowed = 1 + RATE * (time.monotonic() - started) + 1
    assert refused >= 20 - allowed, refused  # still flooding: still refused, but for the trickle the rate lets in
    # Meanwhile the same address's static files, and the other kind of request, are not limited by it.
    assert {get(proxy, file) for file in STATIC * 20} == {200}
    other = ("/_stcore/stream", True) if not websocket else ("/mlp", False)
    assert get(proxy, *other) == 200

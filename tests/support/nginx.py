"""The shipped nginx configuration (``deploy/nginx.conf``) run for real, in front of two upstream ports.

Its placeholders (``LISTEN_PORT``, ``REPLICA_1_PORT``, ``REPLICA_2_PORT``) are filled in, and
its pid, logs and temporary files go to a folder of its own, so that it runs unprivileged
beside anything else. Skipped where nginx is absent, except under CI, which installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from scripts.app_server import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


def require_nginx() -> None:
    """Skip the test where nginx is missing (fail under CI)."""
    if shutil.which("nginx") is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing; .ci/run installs it")
        pytest.skip("no nginx (apt-get install nginx)")


def shipped_config(port: int, replica_ports: tuple[int, int], prefix: Path) -> str:
    """``deploy/nginx.conf`` with its ports filled in, keeping its files under ``prefix``."""
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    config = config.replace("LISTEN_PORT", str(port)).replace("REPLICA_1_PORT", str(replica_ports[0])).replace(
        "REPLICA_2_PORT", str(replica_ports[1]))
    config = config.replace("worker_processes 1;", f"worker_processes 1;\npid {prefix}/nginx.pid;\n"
                                                   f"error_log {prefix}/error.log;")
    return config.replace("http {", f"http {{\n    access_log off;\n    client_body_temp_path {prefix}/body;\n"
                                    f"    proxy_temp_path {prefix}/proxy;")


class Nginx:
    """nginx with the shipped configuration on a free port of 127.0.0.1, in front of ``replica_ports``."""

    def __init__(self, replica_ports: tuple[int, int]) -> None:
        require_nginx()
        self.prefix = Path(tempfile.mkdtemp(prefix="playground-nginx-"))
        os.chmod(self.prefix, 0o777)  # nginx's workers run as an unprivileged user and keep their files here
        self.port = free_port()
        (self.prefix / "nginx.conf").write_text(shipped_config(self.port, replica_ports, self.prefix))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def check(self) -> None:
        """``nginx -t`` on the filled-in configuration; fails the test with nginx's own words."""
        done = subprocess.run(["nginx", "-t", "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    def start(self) -> Nginx:
        """Start it and wait until the upstream's health check answers through it."""
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return self
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        pytest.fail(f"nginx did not start: {self.process.stderr.read().decode()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
        shutil.rmtree(self.prefix, ignore_errors=True)

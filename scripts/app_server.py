"""Start the app as a real server and stop it: one launcher for the browser tests and the load test.

``AppServer`` runs ``streamlit run app.py`` on a free local port with an environment of
its own (its own data folder for saved runs, bundled digits, any limits), waits until
``/_stcore/health`` answers ``ok``, and can be stopped and started again on the same
port and data folder, as a server restart would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resident_megabytes(pid: int) -> float:
    """A process's resident memory, from /proc (NaN when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class AppServer:
    """``streamlit run app.py`` on a free port, with its own data folder unless one is given.

    Args:
        log_path: where the server's output goes.
        data_dir: the folder for saved runs (``PLAYGROUND_DATA_DIR``); a new temporary one by default.
        port: the port; a free one by default.
        **env: more environment variables (e.g. ``PLAYGROUND_MAX_TRAININGS="1"``).
    """

    def __init__(self, log_path: Path, data_dir: Path | None = None, port: int | None = None, **env: str) -> None:
        self.log_path = Path(log_path)
        self.data_dir = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="playground-data-"))
        self.port = port or free_port()
        self.env = {**os.environ, "PLAYGROUND_DATA": "bundled", "PLAYGROUND_DATA_DIR": str(self.data_dir), **env}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> AppServer:
        """Start the server and wait until it answers its health check."""
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.headless", "true", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the app did not start; its log ends:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        """Stop the server (the data folder stays)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as the out-of-memory killer or a power cut does: it runs no code."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(15)
        self.process = None

    def restart(self) -> AppServer:
        """Stop and start again on the same port and data folder, as a restarted server."""
        self.stop()
        return self.start()

    def memory_megabytes(self) -> float:
        """The server's resident memory now."""
        return resident_megabytes(self.process.pid) if self.process is not None else float("nan")

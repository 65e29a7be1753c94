"""A throwaway PostgreSQL server for the run-store tests, started with Debian's own programs.

``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` user,
in a temporary folder that user owns. It listens on a free port on 127.0.0.1 only and
is stopped (and its folder removed) when the test session ends.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from scripts.app_server import free_port


def server_programs() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), or None when they are absent."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class ThrowawayPostgres:
    """One PostgreSQL server in a temporary folder; ``new_database()`` gives a fresh database on it."""

    def __init__(self) -> None:
        programs = server_programs()
        if programs is None:
            raise RuntimeError("PostgreSQL's server programs are not installed (apt-get install postgresql)")
        self.programs = programs
        self.folder = Path(tempfile.mkdtemp(prefix="playground-pg-"))
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> ThrowawayPostgres:
        self._run(str(self.programs / "initdb"), "-D", str(self.data), "-U", "playground", "--auth=trust",
                  "--encoding=UTF8", "--no-sync")
        self._run(str(self.programs / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.folder / "log"),
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        self._databases = 0
        return self

    def new_database(self) -> str:
        """A new empty database on the server; its SQLAlchemy URL."""
        self._databases += 1
        name = f"runs{self._databases}"
        self._run(str(self.programs / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "playground", name)
        return f"postgresql+psycopg://playground@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run(str(self.programs / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

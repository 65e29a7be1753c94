"""Runs that outlive the server: a database of runs and a folder of model files.

``RunStore`` keeps every finished (or stopped) run: its settings, curves, results and
notes in a database table, its model as a ``.keras`` file in a folder next to it. Any
SQLAlchemy URL works; by default it is one SQLite file in the app's data folder, so a
fresh checkout needs no set-up. ``PLAYGROUND_DATABASE_URL`` points a shared server at
PostgreSQL (``postgresql+psycopg://user:password@host/db``), and ``PLAYGROUND_MODEL_DIR``
at a shared volume for the model files.

Writes are atomic: a model file is written under a temporary name and renamed into place
inside the transaction that writes its row; if the commit fails, the new file goes and the
file it replaced (an earlier save of the same run) comes back, so a failed write never
leaves half a run. A crash between the rename and the commit can still leave a model file
with no row: a store sweeps such orphans (and leftover temporary files) when it starts,
once they are ``ORPHAN_GRACE_SECONDS`` old (another replica may be mid-save). Every database problem (unreachable, locked,
full) becomes a ``StoreError`` with a plain sentence; the app keeps working without it.

Limits (``nn_core.limits``): runs and bytes per browser, bytes in all, and days a run is
kept. ``check_room`` says, in a sentence, when one more run would not fit.
"""

from __future__ import annotations

import json
import logging
import math
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from nn_core import limits
from nn_core.config import TrainingConfig
from nn_core.errors import LimitError, ModelFileError, StoreError
from nn_core.runs import RUN_ID, Run

LOG = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent.parent / ".playground"
"""Where runs are kept unless ``PLAYGROUND_DATA_DIR`` says otherwise."""

_METADATA = sa.MetaData()
RUNS = sa.Table(
    "runs", _METADATA,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("lesson", sa.String(32), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("config_class", sa.String(64), nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON: the config's to_query()
    sa.Column("record", sa.Text, nullable=False),  # JSON: curves, results, extras, notes...
    sa.Column("drawing", sa.Text, nullable=True),  # JSON: the canvas's last drawing
    sa.Column("model_bytes", sa.BigInteger, nullable=False, default=0),
    sa.Index("runs_by_owner_lesson", "owner", "lesson", "number"),
)
ORPHAN_GRACE_SECONDS = 600.0
"""A model file with no row this old is an orphan of a crashed save, swept when a store starts."""
_RECORD_FIELDS = ("history", "results", "extras", "batch_curve", "seconds", "total_epochs", "first_epoch",
                  "partial_batches", "steps_per_epoch", "message", "notes", "parent", "events", "probes")


def _dumps(value: Any) -> str:
    """JSON that keeps NaN (validation curves of runs without validation)."""
    return json.dumps(value, allow_nan=True)


class RunStore:
    """Runs in a database, their models in a folder.

    Args:
        url: an SQLAlchemy database URL.
        model_dir: the folder for model files (created if missing).
        config_classes: config class name -> class, to rebuild a run's settings.
        lock_timeout: seconds an SQLite write waits for another writer before giving up.
    """

    def __init__(self, url: str, model_dir: Path, config_classes: Mapping[str, type[TrainingConfig]],
                 lock_timeout: float = 10.0) -> None:
        self.url = url
        self.model_dir = Path(model_dir)
        self.config_classes = dict(config_classes)
        options: dict[str, Any] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            # One file shared by the server's threads; wait a while for a lock instead of failing at once.
            options["connect_args"] = {"check_same_thread": False, "timeout": lock_timeout}
        self.engine = sa.create_engine(url, **options)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._ready = False
        self._ready_lock = threading.Lock()
        self._last_expiry = 0.0

    @classmethod
    def from_environment(cls, config_classes: Mapping[str, type[TrainingConfig]]) -> RunStore:
        """The store the environment describes (see the module's docstring)."""
        data_dir = Path(os.environ.get("PLAYGROUND_DATA_DIR") or DATA_DIR)
        url = os.environ.get("PLAYGROUND_DATABASE_URL") or f"sqlite:///{data_dir / 'playground.db'}"
        model_dir = Path(os.environ.get("PLAYGROUND_MODEL_DIR") or data_dir / "models")
        return cls(url, model_dir, config_classes)

    @property
    def describe(self) -> str:
        """Which database this is, without its password."""
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    # Plumbing -------------------------------------------------------------------------
    def _connect(self, write: bool = False) -> Any:
        """A connection (a transaction when writing), creating the table on first use."""
        if not self._ready:
            with self._ready_lock:
                if not self._ready:
                    self.model_dir.mkdir(parents=True, exist_ok=True)
                    if self.url.startswith("sqlite:///"):
                        Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
                    _METADATA.create_all(self.engine)
                    self._ready = True
                    self._sweep_orphans()
        return self.engine.begin() if write else self.engine.connect()

    def _call(self, action: Callable[[], Any]) -> Any:
        """Run a database action; any database or disk problem becomes a ``StoreError``."""
        try:
            return action()
        except sa.exc.OperationalError as error:
            text = str(error.orig if error.orig is not None else error).lower()
            if "locked" in text or "busy" in text:
                raise StoreError("the run store is busy (its database is locked); try again in a moment") from None
            if "disk" in text or "full" in text or "space" in text:
                raise StoreError("the run store is full (no space left for its database)") from None
            raise StoreError("the run store cannot be reached (its database does not answer)") from None
        except sa.exc.SQLAlchemyError:
            raise StoreError("the run store failed to read or write a run") from None
        except OSError as error:
            raise StoreError(f"the run store cannot use its folder for model files ({error.strerror or error})") from None

    def _model_path(self, run_id: str) -> Path:
        if not RUN_ID.match(run_id):  # never a path built from a malformed id
            raise ValueError(f"not a run id: {run_id!r}")
        return self.model_dir / f"{run_id}.keras"

    # Writing --------------------------------------------------------------------------
    def save(self, run: Run, model_file: bytes | None) -> None:
        """Write a run and its model file (replacing an earlier save of the same run).

        Raises:
            StoreError: the run could not be saved; nothing of it is left half-written.
        """
        def write() -> None:
            path = self._model_path(run.id)
            run.model_bytes = len(model_file) if model_file is not None else 0
            row = self._row(run)
            temporary = previous = None
            placed = False
            try:
                if model_file is not None:
                    self._connect().close()  # makes the folder on first use
                    descriptor, temporary = tempfile.mkstemp(dir=self.model_dir, prefix=".incoming-", suffix=".keras")
                    with os.fdopen(descriptor, "wb") as file:
                        file.write(model_file)
                        file.flush()
                        os.fsync(file.fileno())
                with self._connect(write=True) as connection:
                    connection.execute(RUNS.delete().where(RUNS.c.id == run.id))
                    connection.execute(RUNS.insert().values(**row))
                    if temporary is not None:
                        if path.exists():  # an earlier save of this run: kept aside until the commit
                            previous = self.model_dir / f".previous-{secrets.token_hex(6)}.{run.id}.keras"
                            os.replace(path, previous)
                        os.replace(temporary, path)  # inside the transaction: a failed rename rolls it back
                        temporary, placed = None, True
                # Committed: the earlier file can go.
                if previous is not None:
                    previous.unlink(missing_ok=True)
                    previous = None
            except BaseException:
                if placed:  # the commit failed after the new file went into place
                    path.unlink(missing_ok=True)
                if previous is not None:
                    os.replace(previous, path)
                raise
            finally:
                if temporary is not None:
                    Path(temporary).unlink(missing_ok=True)

        self._call(write)

    def _sweep_orphans(self) -> int:
        """Delete model files that no row names and leftover temporary files, older than the grace time.

        A run's earlier file kept aside by a save that never finished goes back in place when
        the run has none.

        Returns:
            How many files were deleted.
        """
        cutoff = time.time() - ORPHAN_GRACE_SECONDS
        candidates = {}
        for path in self.model_dir.iterdir():
            try:
                old = path.stat().st_mtime < cutoff
            except OSError:
                continue
            if old and path.name.startswith(".previous-"):
                kept_for = self.model_dir / f"{path.stem.rsplit('.', 1)[-1]}.keras"  # .previous-<hex>.<run id>
                if RUN_ID.match(kept_for.stem) and not kept_for.exists():
                    os.replace(path, kept_for)  # the save that set it aside never finished
                else:
                    candidates[path] = None
            elif old and path.name.startswith(".incoming-"):
                candidates[path] = None
            elif old and path.suffix == ".keras" and RUN_ID.match(path.stem):
                candidates[path] = path.stem
        ids = [run_id for run_id in candidates.values() if run_id is not None]
        known: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(ids), 500):
                batch = ids[start:start + 500]
                known.update(row.id for row in connection.execute(sa.select(RUNS.c.id).where(RUNS.c.id.in_(batch))))
        swept = 0
        for path, run_id in candidates.items():
            if run_id not in known:
                path.unlink(missing_ok=True)
                swept += 1
        if swept:
            LOG.warning("swept %d model files that no run names (a save interrupted by a crash)", swept)
        return swept

    def save_drawing(self, run_id: str, drawing: dict[str, Any] | None) -> None:
        """Keep the last drawing made on a run's canvas."""
        if not RUN_ID.match(run_id):
            return
        text = None if drawing is None else _dumps(drawing)

        def write() -> None:
            with self._connect(write=True) as connection:
                connection.execute(RUNS.update().where(RUNS.c.id == run_id).values(drawing=text))

        self._call(write)

    def delete(self, owner: str, run_ids: list[str] | None = None) -> int:
        """Delete an owner's runs (all of them, or those listed) and their model files.

        Returns:
            How many runs were deleted.
        """
        def remove() -> int:
            query = sa.select(RUNS.c.id).where(RUNS.c.owner == owner)
            if run_ids is not None:
                query = query.where(RUNS.c.id.in_(run_ids))
            with self._connect(write=True) as connection:
                ids = [row.id for row in connection.execute(query)]
                if ids:
                    connection.execute(RUNS.delete().where(RUNS.c.id.in_(ids)))
            for run_id in ids:
                self._model_path(run_id).unlink(missing_ok=True)
            return len(ids)

        return self._call(remove)

    def expire(self, now: float | None = None) -> int:
        """Delete runs older than the server keeps them (``PLAYGROUND_RUN_DAYS``).

        Returns:
            How many runs were deleted.
        """
        cutoff = (now if now is not None else time.time()) - limits.run_days() * 86_400

        def remove() -> int:
            with self._connect(write=True) as connection:
                ids = [row.id for row in connection.execute(sa.select(RUNS.c.id).where(RUNS.c.created < cutoff))]
                if ids:
                    connection.execute(RUNS.delete().where(RUNS.c.id.in_(ids)))
            for run_id in ids:
                self._model_path(run_id).unlink(missing_ok=True)
            return len(ids)

        self._last_expiry = time.time()
        return self._call(remove)

    # Reading --------------------------------------------------------------------------
    def get(self, run_id: str) -> Run | None:
        """The run with this id, or None (a malformed id is never looked up)."""
        if not isinstance(run_id, str) or not RUN_ID.match(run_id):
            return None

        def read() -> Run | None:
            with self._connect() as connection:
                row = connection.execute(sa.select(RUNS).where(RUNS.c.id == run_id)).first()
            return None if row is None else self._run(row)

        return self._call(read)

    def runs(self, owner: str, lesson: str, limit: int = 1000) -> list[Run]:
        """An owner's runs of a lesson, oldest first (at most the newest ``limit``)."""
        def read() -> list[Run]:
            query = (sa.select(RUNS).where(RUNS.c.owner == owner, RUNS.c.lesson == lesson)
                     .order_by(RUNS.c.number.desc()).limit(limit))
            with self._connect() as connection:
                rows = list(connection.execute(query))
            return [self._run(row) for row in reversed(rows)]

        return self._call(read)

    def next_number(self, owner: str, lesson: str) -> int:
        """The number the owner's next run of the lesson gets."""
        def read() -> int:
            query = sa.select(sa.func.max(RUNS.c.number)).where(RUNS.c.owner == owner, RUNS.c.lesson == lesson)
            with self._connect() as connection:
                return int(connection.execute(query).scalar() or 0) + 1

        return self._call(read)

    def usage(self, owner: str | None = None) -> tuple[int, int]:
        """(runs, bytes of model files) of one owner, or of everyone."""
        def read() -> tuple[int, int]:
            query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(RUNS.c.model_bytes), 0))
            if owner is not None:
                query = query.where(RUNS.c.owner == owner)
            with self._connect() as connection:
                count, size = connection.execute(query).one()
            return int(count), int(size)

        return self._call(read)

    def check_room(self, owner: str) -> None:
        """Raise ``LimitError`` when one more run of this owner would go past a limit."""
        if time.time() - self._last_expiry > 3600:
            self.expire()
        count, size = self.usage(owner)
        if count >= limits.max_runs_per_user():
            raise LimitError(f"you have {count:,} saved runs, the most this server keeps for one browser. "
                             "Delete some of your runs (below the run history) to train again")
        if size >= limits.max_bytes_per_user():
            raise LimitError(f"your saved runs take {size / 1e6:,.0f} MB, the most this server keeps for one "
                             "browser. Delete some of your runs (below the run history) to train again")
        if self.usage()[1] >= limits.max_total_bytes():
            raise LimitError("this server's storage for runs is full. Delete some of your runs, or ask your "
                             "teacher to make room")

    def model_file(self, run: Run) -> bytes:
        """The bytes of a run's saved model file.

        Raises:
            ModelFileError: the run has no model file, or it is gone or unreadable.
        """
        if not run.model_bytes:
            raise ModelFileError("this run was saved without a model")
        try:
            return self._model_path(run.id).read_bytes()
        except FileNotFoundError:
            raise ModelFileError("this run's model file is missing from the server") from None
        except OSError as error:
            raise ModelFileError(f"this run's model file cannot be read ({error.strerror or error})") from None

    # Rows -----------------------------------------------------------------------------
    def _row(self, run: Run) -> dict[str, Any]:
        record = {name: getattr(run, name) for name in _RECORD_FIELDS}
        return {
            "id": run.id, "owner": run.owner, "lesson": run.lesson, "number": run.number, "created": run.created,
            "status": str(run.status), "config_class": type(run.config).__name__,
            "settings": _dumps(run.config.to_query()), "record": _dumps(record),
            "drawing": None if run.drawing is None else _dumps(run.drawing), "model_bytes": run.model_bytes,
        }

    def _run(self, row: Any) -> Run:
        config_class = self.config_classes.get(row.config_class)
        settings = json.loads(row.settings)
        config = config_class.from_query(settings)[0] if config_class is not None else settings
        record = json.loads(row.record)
        run = Run(id=row.id, owner=row.owner, lesson=row.lesson, number=row.number, config=config,
                  created=row.created, status=row.status, model_bytes=int(row.model_bytes or 0),
                  drawing=json.loads(row.drawing) if row.drawing else None)
        for name in _RECORD_FIELDS:
            if name in record:
                setattr(run, name, record[name])
        run.batch_curve = [tuple(point) for point in run.batch_curve]
        run.events = [tuple(event) for event in run.events]
        run.history = {name: [float(value) if value is not None else math.nan for value in values]
                       for name, values in run.history.items()}
        return run


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Write-ahead logging: readers do not wait for a writer (many sessions, one file)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()

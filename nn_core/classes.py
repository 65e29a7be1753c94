"""A teacher's class: a join code, a teacher's secret, its students, and the runs they post.

``ClassBook`` keeps classes in the run store's database (three tables next to the runs):
a class has a short join code that students type or open as a link, and a separate
secret that only the teacher's link carries (the code says nothing about the secret).
Students join with a display name; each run they choose to post appears on the class
board. Posting is never automatic, and only the run's own browser, a member of the class,
may post it.

Lesson links: a teacher may hand out a link that fixes some settings ("locks") and
carries a task and a target. ``sign_lesson_link`` signs such a link with the class's
secret; ``verify_lesson_link`` checks it, so a student who edits the link in the address
bar gets the settings (checked like any link) but no locks, task or target from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from nn_core.errors import PlaygroundError
from nn_core.runs import RUN_ID, Run
from nn_core.store import RunStore

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to misread on a projector
CODE_LENGTH = 6
MAX_NAME = 40
MAX_TITLE = 80
MAX_TASK = 500

_METADATA = sa.MetaData()
CLASSES = sa.Table(
    "classes", _METADATA,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("secret", sa.String(64), nullable=False),
    sa.Column("title", sa.String(MAX_TITLE * 4), nullable=False),
    sa.Column("teacher", sa.String(64), nullable=False, index=True),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
)
MEMBERS = sa.Table(
    "class_members", _METADATA,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(MAX_NAME * 4), nullable=False),
    sa.Column("joined", sa.Float, nullable=False),
)
POSTS = sa.Table(
    "class_posts", _METADATA,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("lesson", sa.String(32), nullable=False),
    sa.Column("posted", sa.Float, nullable=False),
)


class ClassError(PlaygroundError):
    """A class that cannot be used as asked: unknown, closed, a bad name, a run that is not yours."""


@dataclass(frozen=True)
class Classroom:
    """One class."""

    code: str
    secret: str
    title: str
    teacher: str  # the browser identity that created it
    created: float
    closed: bool


@dataclass(frozen=True)
class Post:
    """A run a student posted to the class board."""

    run: Run
    student: str  # the display name
    posted: float


def normalise_code(text: str) -> str | None:
    """A join code as typed or linked ("k7qx2m", " K7QX2M ") in its one form, or None when it cannot be one."""
    code = str(text or "").strip().upper()
    return code if len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code) else None


def clean_text(text: str, longest: int, what: str) -> str:
    """A display name, title or task as it will be kept: trimmed, control characters dropped, not too long.

    Raises:
        ClassError: it is empty, or longer than ``longest`` characters.
    """
    spaced = re.sub(r"[\t\r\f\v]", " ", unicodedata.normalize("NFC", str(text)))
    cleaned = "".join(char for char in spaced if unicodedata.category(char)[0] != "C" or char == "\n")
    cleaned = re.sub(r"[ \t]+", " ", cleaned).strip()
    if not cleaned:
        raise ClassError(f"the {what} is empty")
    if len(cleaned) > longest:
        raise ClassError(f"the {what} has {len(cleaned):,} characters; at most {longest} please")
    return cleaned


class ClassBook:
    """Classes, their members and their boards, in the run store's database.

    Args:
        store: the run store (its database holds the classes; its runs are what is posted).
    """

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self._ready = False

    def _connect(self, write: bool = False):
        if not self._ready:
            self.store._connect().close()  # the store's database (and its folder) first
            _METADATA.create_all(self.store.engine)
            self._ready = True
        return self.store.engine.begin() if write else self.store.engine.connect()

    def _call(self, action):
        return self.store._call(action)  # the store's plain sentences for database problems

    # Classes ------------------------------------------------------------------------------
    def create(self, teacher: str, title: str) -> Classroom:
        """A new open class taught by the browser ``teacher``."""
        classroom = Classroom(code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
                              secret=secrets.token_urlsafe(24), title=clean_text(title, MAX_TITLE, "class's title"),
                              teacher=teacher, created=time.time(), closed=False)

        def write() -> None:
            with self._connect(write=True) as connection:
                connection.execute(CLASSES.insert().values(**classroom.__dict__))

        self._call(write)
        return classroom

    def get(self, code: str) -> Classroom | None:
        """The class with this join code (open or closed), or None."""
        code = normalise_code(code)
        if code is None:
            return None

        def read() -> Classroom | None:
            with self._connect() as connection:
                row = connection.execute(sa.select(CLASSES).where(CLASSES.c.code == code)).first()
            return None if row is None else Classroom(**row._mapping)

        return self._call(read)

    def for_teacher(self, code: str, secret: str) -> Classroom | None:
        """The class, if ``secret`` is its teacher's (compared in constant time), else None."""
        classroom = self.get(code)
        if classroom is None or not isinstance(secret, str):
            return None
        return classroom if hmac.compare_digest(classroom.secret.encode(), secret.encode()) else None

    def taught_by(self, teacher: str) -> list[Classroom]:
        """The classes this browser created, newest first."""
        def read() -> list[Classroom]:
            query = sa.select(CLASSES).where(CLASSES.c.teacher == teacher).order_by(CLASSES.c.created.desc())
            with self._connect() as connection:
                return [Classroom(**row._mapping) for row in connection.execute(query)]

        return self._call(read)

    def close(self, code: str) -> None:
        """Close a class: nobody joins or posts any more; its board stays readable for its teacher."""
        def write() -> None:
            with self._connect(write=True) as connection:
                connection.execute(CLASSES.update().where(CLASSES.c.code == code).values(closed=True))

        self._call(write)

    # Students -----------------------------------------------------------------------------
    def join(self, code: str, owner: str, name: str) -> Classroom:
        """Let a browser join an open class under a display name (joining again renames).

        Raises:
            ClassError: the class does not exist or is closed, or the name is not usable.
        """
        classroom = self.get(code)
        if classroom is None:
            raise ClassError("there is no class with this code")
        if classroom.closed:
            raise ClassError(f"the class '{classroom.title}' is closed")
        name = clean_text(name, MAX_NAME, "name")

        def write() -> None:
            with self._connect(write=True) as connection:
                connection.execute(MEMBERS.delete().where(MEMBERS.c.code == classroom.code, MEMBERS.c.owner == owner))
                connection.execute(MEMBERS.insert().values(code=classroom.code, owner=owner, name=name,
                                                           joined=time.time()))

        self._call(write)
        return classroom

    def membership(self, owner: str) -> tuple[Classroom, str] | None:
        """The open class this browser joined last, and its display name there (None when in none)."""
        def read():
            query = (sa.select(MEMBERS.c.code, MEMBERS.c.name).select_from(MEMBERS.join(CLASSES, MEMBERS.c.code ==
                                                                                       CLASSES.c.code))
                     .where(MEMBERS.c.owner == owner, CLASSES.c.closed.is_(False)).order_by(MEMBERS.c.joined.desc()))
            with self._connect() as connection:
                return connection.execute(query).first()

        row = self._call(read)
        if row is None:
            return None
        classroom = self.get(row.code)
        return (classroom, row.name) if classroom is not None else None

    def members(self, code: str) -> dict[str, str]:
        """Browser identity -> display name of a class's members."""
        def read() -> dict[str, str]:
            with self._connect() as connection:
                rows = connection.execute(sa.select(MEMBERS.c.owner, MEMBERS.c.name).where(MEMBERS.c.code == code))
                return {row.owner: row.name for row in rows}

        return self._call(read)

    # The board ----------------------------------------------------------------------------
    def post(self, code: str, owner: str, run: Run) -> None:
        """Post a finished run to the board of the class its owner belongs to.

        Raises:
            ClassError: the class is unknown or closed, the browser is not a member, or the run
                is not this browser's own finished run.
        """
        classroom = self.get(code)
        if classroom is None or classroom.closed:
            raise ClassError("this class is closed or does not exist, so nothing can be posted to it")
        if owner not in self.members(classroom.code):
            raise ClassError("only the class's members can post to its board")
        if run.owner != owner or not RUN_ID.match(run.id) or self.store.get(run.id) is None:
            raise ClassError("only your own saved runs can be posted")

        def write() -> None:
            with self._connect(write=True) as connection:
                connection.execute(POSTS.delete().where(POSTS.c.code == classroom.code, POSTS.c.run_id == run.id))
                connection.execute(POSTS.insert().values(code=classroom.code, run_id=run.id, owner=owner,
                                                         lesson=run.lesson, posted=time.time()))

        self._call(write)

    def posted(self, code: str, run_id: str) -> bool:
        """Whether a run is on a class's board."""
        def read() -> bool:
            query = sa.select(POSTS.c.run_id).where(POSTS.c.code == code, POSTS.c.run_id == run_id)
            with self._connect() as connection:
                return connection.execute(query).first() is not None

        return self._call(read)

    def posts(self, code: str) -> list[Post]:
        """Every run on a class's board, newest first (runs deleted since are left out)."""
        def read():
            query = sa.select(POSTS).where(POSTS.c.code == code).order_by(POSTS.c.posted.desc())
            with self._connect() as connection:
                return list(connection.execute(query))

        rows = self._call(read)
        names = self.members(code)
        found = []
        for row in rows:
            run = self.store.get(row.run_id)
            if run is not None:
                found.append(Post(run=run, student=names.get(row.owner, "a student who left"), posted=row.posted))
        return found

    def clear(self, code: str) -> int:
        """Take every post off a class's board (the runs stay with their students). Returns how many."""
        def write() -> int:
            with self._connect(write=True) as connection:
                return connection.execute(POSTS.delete().where(POSTS.c.code == code)).rowcount

        return self._call(write)


# Lesson links ---------------------------------------------------------------------------------
def _canonical(code: str, lesson: str, locks: Mapping[str, str], task: str, targets: Mapping[str, str]) -> bytes:
    parts = [code, lesson, ";".join(f"{name}={locks[name]}" for name in sorted(locks)), task,
             ";".join(f"{name}={targets[name]}" for name in sorted(targets))]
    return "\x1f".join(parts).encode("utf-8")


def sign_lesson_link(classroom: Classroom, lesson: str, locks: Mapping[str, str], task: str,
                     targets: Mapping[str, str]) -> str:
    """A signature of a lesson link's locks, task and targets, made with the class's secret.

    Args:
        classroom: the class the link is for.
        lesson: the lesson's slug.
        locks: setting name -> value as the link carries it (a config's ``to_query`` strings).
        task: the task's text.
        targets: e.g. {"target_accuracy": "0.97", "target_params": "50000"}.

    Returns:
        22 URL-safe characters.
    """
    digest = hmac.new(classroom.secret.encode(), _canonical(classroom.code, lesson, locks, task, targets),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def verify_lesson_link(classroom: Classroom, lesson: str, locks: Mapping[str, str], task: str,
                       targets: Mapping[str, str], signature: str) -> bool:
    """Whether a lesson link's locks, task and targets are as the class's teacher made them."""
    expected = sign_lesson_link(classroom, lesson, locks, task, targets)
    return isinstance(signature, str) and hmac.compare_digest(expected.encode(), signature.encode())

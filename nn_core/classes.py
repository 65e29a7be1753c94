"""A teacher's class: a join code, its teachers' browsers, its students, and the runs they post.

``ClassBook`` keeps classes in the run store's database (tables next to the runs): a
class has a short join code that students type or open as a link. Its teacher is a
browser, not a link: the browser identity that created it (``classes.teacher``), and any
other browser it handed the class to (``class_teachers``). Nothing in an address grants a
teacher's rights, so a board shown on a projector gives none away.

Handing a class to another device: a teacher makes a one-time code (8 characters, valid
for ``HANDOVER_SECONDS``, good once; only its SHA-256 is kept) and types it on the other
device. A browser that types ``HANDOVER_TRIES`` wrong codes within ``HANDOVER_WINDOW``
seconds must wait; with 32^8 (about 10^12) codes, one of which is live for ten minutes,
guessing is not a way in.

Students join with a display name; each run they choose to post appears on the class
board. Posting is never automatic, and only the run's own browser, a member of the class,
may post it.

Lesson links: a teacher may hand out a link that fixes some settings ("locks") and
carries a task and a target. ``sign_lesson_link`` signs such a link with the class's
secret, which never leaves the server; ``verify_lesson_link`` checks it, so a student who edits the link in the address
bar gets the settings (checked like any link) but no locks, task or target from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Mapping
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
HANDOVER_LENGTH = 8  # characters of a one-time code, from CODE_ALPHABET
HANDOVER_SECONDS = 600.0  # how long a one-time code works
HANDOVER_TRIES = 5  # wrong codes a browser may type...
HANDOVER_WINDOW = 600.0  # ...within this many seconds
_HANDOVER_KEPT = 24 * 3600.0  # an expired or used code is kept this long, to say so when it is typed

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
TEACHERS = sa.Table(  # browsers a class was handed to (its creator, in ``classes.teacher``, is not listed)
    "class_teachers", _METADATA,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("identity", sa.String(64), primary_key=True, index=True),
    sa.Column("added", sa.Float, nullable=False),
)
HANDOVERS = sa.Table(  # one-time codes that hand a class to another browser
    "class_handovers", _METADATA,
    sa.Column("digest", sa.String(64), primary_key=True),  # SHA-256 of the code; the code itself is not kept
    sa.Column("code", sa.String(CODE_LENGTH), nullable=False, index=True),
    sa.Column("made_by", sa.String(64), nullable=False),
    sa.Column("expires", sa.Float, nullable=False),
    sa.Column("used", sa.Float, nullable=True),  # when it was used (None: not yet)
)
HANDOVER_FAILURES = sa.Table(  # wrong one-time codes typed, per browser, to limit guessing
    "class_handover_failures", _METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("identity", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
)


class ClassError(PlaygroundError):
    """A class that cannot be used as asked: unknown, closed, a bad name, a run that is not yours."""


@dataclass(frozen=True)
class Classroom:
    """One class."""

    code: str
    secret: str
    title: str
    teacher: str  # the browser identity that created it (other teaching browsers are in ``class_teachers``)
    created: float
    closed: bool


@dataclass(frozen=True)
class TeacherDevice:
    """A browser that teaches a class."""

    identity: str  # its browser identity: a credential, never to be shown
    added: float
    creator: bool  # the browser that created the class (it cannot be removed)


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


def normalise_handover(text: str) -> str | None:
    """A one-time code as typed ("abcd-efgh", "ABCD EFGH") in its one form, or None when it cannot be one."""
    code = re.sub(r"[\s-]", "", str(text or "")).upper()
    return code if len(code) == HANDOVER_LENGTH and all(char in CODE_ALPHABET for char in code) else None


def show_handover(code: str) -> str:
    """A one-time code as shown, in two halves to read and type easily ("ABCD-EFGH")."""
    return f"{code[:4]}-{code[4:]}"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


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
        clock: seconds since the epoch, now (tests pass their own to see codes expire).
    """

    def __init__(self, store: RunStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock
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
                              teacher=teacher, created=self.clock(), closed=False)

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

    def for_teacher(self, code: str, identity: str) -> Classroom | None:
        """The class, if the browser ``identity`` teaches it (created it, or was handed it), else None."""
        classroom = self.get(code)
        if classroom is None or not isinstance(identity, str) or not identity:
            return None
        return classroom if self.is_teacher(classroom.code, identity) else None

    def is_teacher(self, code: str, identity: str) -> bool:
        """Whether the browser ``identity`` teaches the class ``code``."""
        def read() -> bool:
            created = sa.select(CLASSES.c.code).where(CLASSES.c.code == code, CLASSES.c.teacher == identity)
            handed = sa.select(TEACHERS.c.code).where(TEACHERS.c.code == code, TEACHERS.c.identity == identity)
            with self._connect() as connection:
                return connection.execute(sa.union_all(created, handed)).first() is not None

        return bool(identity) and self._call(read)

    def taught_by(self, identity: str) -> list[Classroom]:
        """The classes this browser teaches (created, or was handed), newest first."""
        def read() -> list[Classroom]:
            handed = sa.select(TEACHERS.c.code).where(TEACHERS.c.identity == identity)
            query = (sa.select(CLASSES).where(sa.or_(CLASSES.c.teacher == identity, CLASSES.c.code.in_(handed)))
                     .order_by(CLASSES.c.created.desc()))
            with self._connect() as connection:
                return [Classroom(**row._mapping) for row in connection.execute(query)]

        return self._call(read)

    def teachers(self, code: str) -> list[TeacherDevice]:
        """The browsers that teach a class: its creator first, then the others in the order they were added."""
        classroom = self.get(code)
        if classroom is None:
            return []

        def read() -> list[TeacherDevice]:
            query = sa.select(TEACHERS).where(TEACHERS.c.code == classroom.code).order_by(TEACHERS.c.added)
            with self._connect() as connection:
                return [TeacherDevice(identity=row.identity, added=row.added, creator=False)
                        for row in connection.execute(query) if row.identity != classroom.teacher]

        return [TeacherDevice(classroom.teacher, classroom.created, creator=True), *self._call(read)]

    def remove_teacher(self, code: str, identity: str) -> bool:
        """Stop a browser the class was handed to from teaching it (its creator always stays). Whether it did."""
        def write() -> int:
            with self._connect(write=True) as connection:
                return connection.execute(TEACHERS.delete().where(TEACHERS.c.code == code,
                                                                  TEACHERS.c.identity == identity)).rowcount

        return self._call(write) > 0

    # Handing a class to another device ----------------------------------------------------
    def make_handover(self, code: str, identity: str) -> str:
        """A one-time code that makes the browser which types it a teacher of the class.

        It works once, for ``HANDOVER_SECONDS``; a new code replaces the class's unused ones.

        Args:
            code: the class's join code.
            identity: the browser asking; it must teach the class.

        Returns:
            ``HANDOVER_LENGTH`` characters of ``CODE_ALPHABET`` (only their digest is kept).

        Raises:
            ClassError: the browser does not teach this class.
        """
        classroom = self.for_teacher(code, identity)
        if classroom is None:
            raise ClassError("only this class's teacher can hand it to another device")
        handover = "".join(secrets.choice(CODE_ALPHABET) for _ in range(HANDOVER_LENGTH))
        now = self.clock()

        def write() -> None:
            with self._connect(write=True) as connection:
                connection.execute(HANDOVERS.delete().where(sa.or_(
                    sa.and_(HANDOVERS.c.code == classroom.code, HANDOVERS.c.used.is_(None)),
                    HANDOVERS.c.expires < now - _HANDOVER_KEPT)))
                connection.execute(HANDOVERS.insert().values(digest=_digest(handover), code=classroom.code,
                                                             made_by=identity, expires=now + HANDOVER_SECONDS))

        self._call(write)
        return handover

    def take_handover(self, identity: str, typed: str) -> Classroom:
        """Make this browser a teacher of the class whose one-time code it typed (the code is then used up).

        Raises:
            ClassError: in a plain sentence: the browser typed too many wrong codes lately (it must
                wait), or the code is not one, is unknown, expired or already used.
        """
        now = self.clock()
        self._check_failures(identity, now)
        handover = normalise_handover(typed)
        if handover is None:
            raise ClassError(f"a one-time code has {HANDOVER_LENGTH} letters and digits, like "
                             f"{show_handover('ABCD2345')}: check it on the teacher's screen")
        digest = _digest(handover)

        def write() -> tuple[str | None, object]:
            with self._connect(write=True) as connection:
                # One statement takes the code, so two browsers typing it at once cannot both get it.
                taken = connection.execute(HANDOVERS.update().where(
                    HANDOVERS.c.digest == digest, HANDOVERS.c.used.is_(None), HANDOVERS.c.expires > now)
                    .values(used=now)).rowcount
                row = connection.execute(sa.select(HANDOVERS).where(HANDOVERS.c.digest == digest)).first()
                if taken == 1:
                    connection.execute(TEACHERS.delete().where(TEACHERS.c.code == row.code,
                                                               TEACHERS.c.identity == identity))
                    connection.execute(TEACHERS.insert().values(code=row.code, identity=identity, added=now))
                    return row.code, None
                connection.execute(HANDOVER_FAILURES.delete().where(HANDOVER_FAILURES.c.at < now - HANDOVER_WINDOW))
                connection.execute(HANDOVER_FAILURES.insert().values(identity=identity, at=now))
                return None, row

        code, row = self._call(write)
        if code is not None:
            classroom = self.get(code)
            if classroom is not None:
                return classroom
            raise ClassError("the class this code was for no longer exists")
        if row is None:
            raise ClassError("this one-time code is not one this server made: check it on the teacher's screen, "
                             "or ask for a new one")
        if row.used is not None:
            raise ClassError("this one-time code has already been used: each code works once, so ask for a new one")
        raise ClassError(f"this one-time code has expired (codes work for {HANDOVER_SECONDS / 60:.0f} minutes): "
                         "ask for a new one")

    def _check_failures(self, identity: str, now: float) -> None:
        def read() -> list[float]:
            query = (sa.select(HANDOVER_FAILURES.c.at).where(HANDOVER_FAILURES.c.identity == identity,
                                                               HANDOVER_FAILURES.c.at > now - HANDOVER_WINDOW)
                     .order_by(HANDOVER_FAILURES.c.at.desc()).limit(HANDOVER_TRIES))
            with self._connect() as connection:
                return [row.at for row in connection.execute(query)]

        failures = self._call(read)
        if len(failures) >= HANDOVER_TRIES:
            wait = max(1, math.ceil((failures[-1] + HANDOVER_WINDOW - now) / 60))
            raise ClassError(f"this browser typed {HANDOVER_TRIES} wrong one-time codes within "
                             f"{HANDOVER_WINDOW / 60:.0f} minutes, so it must wait: try again in {wait} minute"
                             f"{'s' if wait != 1 else ''}")

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
                                                           joined=self.clock()))

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
                                                         lesson=run.lesson, posted=self.clock()))

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

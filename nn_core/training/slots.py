"""How many trainings run at once on a server, and whose turn it is next.

A server has ``capacity`` slots (``PLAYGROUND_MAX_TRAININGS``). Each training, and each
other computation that takes seconds of CPU (a t-SNE map), holds one while it runs.
Waiters are served fairly between browsers, not first come first served, so that one
browser with five tabs cannot hold every slot while a class waits:

- an owner (a browser identity) runs at most one thing at a time; its other waiters stay
  queued behind it, first come first served among themselves;
- when a slot frees, it goes to the owner served least recently (an owner never served
  yet comes before every owner served, in the order its first waiter arrived); an owner
  that runs something already is skipped;
- a waiter without an owner (a script, a test) is an owner of its own.

So a browser that queued three trainings before a second browser queued one gets one
turn, then the second browser gets its turn, then the first browser its second, and so on.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from nn_core import limits

REMEMBERED_OWNERS = 10_000
"""Owners whose last turn is remembered; beyond that the idle ones served longest ago are forgotten
(one forgotten comes back as a newcomer: a small favour to an owner not seen for a long time)."""
POLL_SECONDS = 0.2  # a waiter asks ``give_up`` this often


@dataclass
class _Waiter:
    owner: Hashable
    arrived: int  # the order of arrival, over all waiters
    again: bool  # a paused training going on: first among its owner's waiters


class TrainingSlots:
    """At most ``capacity`` trainings at once, at most one per owner; owners take turns.

    Tickets (a ``TrainingJob``, a t-SNE job, any hashable object) name a waiter or a slot
    holder; a ticket is in the queue or in a slot, never twice. Every method is thread-safe.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._condition = threading.Condition()
        self._waiting: dict[Hashable, _Waiter] = {}  # ticket -> waiter, in order of arrival
        self._holders: dict[Hashable, Hashable] = {}  # ticket holding a slot -> its owner
        self._busy: Counter[Hashable] = Counter()  # owner -> slots it holds (0 or 1, or more by ``capacity`` misuse)
        self._last_turn: OrderedDict[Hashable, int] = OrderedDict()  # owner -> its latest turn, oldest first
        self._turns = itertools.count()
        self._arrivals = itertools.count()

    # A waiter's side ------------------------------------------------------------------
    def acquire(self, ticket: Hashable, give_up: Callable[[], bool], owner: Hashable | None = None,
                again: bool = False) -> bool:
        """Wait for a slot, in turn.

        Args:
            ticket: who waits (unique among the waiters and the holders).
            give_up: asked about every 0.2 s while waiting; True leaves the queue.
            owner: the browser identity it waits for (None: an owner of its own).
            again: a paused training queueing to go on: it goes before its owner's other waiters.

        Returns:
            True once the slot is the ticket's (give it back with ``release``); False if
            ``give_up()`` turned True first.
        """
        with self._condition:
            if ticket in self._waiting or ticket in self._holders:
                raise ValueError(f"{ticket!r} is waiting or holding a slot already")
            self._waiting[ticket] = _Waiter(object() if owner is None else owner, next(self._arrivals), again)
            self._hand_out()
        while True:
            with self._condition:
                if ticket not in self._holders:
                    self._condition.wait(timeout=POLL_SECONDS)
                if ticket in self._holders:
                    return True
            # Asked outside the lock: ``give_up`` may ask the page whether it is still there.
            if give_up():
                with self._condition:
                    if ticket in self._waiting:
                        del self._waiting[ticket]
                        self._hand_out()  # the order changed: someone else may be next now
                        return False
                self.release(ticket)  # its turn came as it gave up: the slot goes on to the next
                return False

    def release(self, ticket: Hashable) -> None:
        """Give ``ticket``'s slot back (a ticket holding none changes nothing)."""
        with self._condition:
            owner = self._holders.pop(ticket, None)
            if owner is None:
                return
            self._busy[owner] -= 1
            if self._busy[owner] <= 0:
                del self._busy[owner]
            self._hand_out()

    # What a page shows ------------------------------------------------------------------
    def ahead_of(self, ticket: Hashable) -> int:
        """How many waiters go before ``ticket`` in turn (0 when it is next or not waiting)."""
        with self._condition:
            return self._order().index(ticket) if ticket in self._waiting else 0

    def behind_own(self, ticket: Hashable) -> bool:
        """Whether ``ticket`` waits (also) because its owner runs something already."""
        with self._condition:
            waiter = self._waiting.get(ticket)
            return waiter is not None and self._busy[waiter.owner] > 0

    @property
    def running(self) -> int:
        """Slots held now."""
        with self._condition:
            return len(self._holders)

    @property
    def waiting(self) -> int:
        """Waiters now."""
        with self._condition:
            return len(self._waiting)

    def waits(self, ticket: Hashable) -> bool:
        """Whether ``ticket`` is in the queue now."""
        with self._condition:
            return ticket in self._waiting

    def holds(self, ticket: Hashable) -> bool:
        """Whether ``ticket`` holds a slot now."""
        with self._condition:
            return ticket in self._holders

    # Inside, under the lock -------------------------------------------------------------
    def _lines(self) -> dict[Hashable, list[Hashable]]:
        """Each owner's waiters in the order it is served: a paused training going on first, then by arrival."""
        lines: dict[Hashable, list[tuple[bool, int, Hashable]]] = {}
        for ticket, waiter in self._waiting.items():
            lines.setdefault(waiter.owner, []).append((not waiter.again, waiter.arrived, ticket))
        return {owner: [ticket for *_, ticket in sorted(line, key=lambda entry: entry[:2])]
                for owner, line in lines.items()}

    def _turn_key(self, owner: Hashable, line: list[Hashable]) -> tuple[int, int]:
        """Owners served least recently first; owners never served (-1) first of all, by their first arrival."""
        return self._last_turn.get(owner, -1), min(self._waiting[ticket].arrived for ticket in line)

    def _order(self) -> list[Hashable]:
        """Every waiter in the order it would be served if every slot freed in turn.

        Each owner served gets the newest turn, so the owners keep their order round after
        round: the first waiter of every owner (in turn order), then the second of every
        owner that has two, and so on.
        """
        lines = self._lines()
        owners = sorted(lines, key=lambda owner: self._turn_key(owner, lines[owner]))
        return [lines[owner][round_] for round_ in range(max(map(len, lines.values()), default=0))
                for owner in owners if round_ < len(lines[owner])]

    def _hand_out(self) -> None:
        """Give free slots to the waiters whose turn it is, and wake every waiter to look."""
        handed = False
        while len(self._holders) < self.capacity:
            lines = {owner: line for owner, line in self._lines().items() if self._busy[owner] == 0}
            if not lines:
                break
            owner = min(lines, key=lambda candidate: self._turn_key(candidate, lines[candidate]))
            ticket = lines[owner][0]
            del self._waiting[ticket]
            self._holders[ticket] = owner
            self._busy[owner] += 1
            self._last_turn[owner] = next(self._turns)
            self._last_turn.move_to_end(owner)
            handed = True
        self._forget_idle_owners()
        if handed:
            self._condition.notify_all()

    def _forget_idle_owners(self) -> None:
        if len(self._last_turn) <= REMEMBERED_OWNERS:
            return
        active = set(self._busy) | {waiter.owner for waiter in self._waiting.values()}
        for owner in list(self._last_turn):
            if len(self._last_turn) <= REMEMBERED_OWNERS:
                break
            if owner not in active:
                del self._last_turn[owner]


SERVER_SLOTS = TrainingSlots(limits.max_trainings())
"""The server-wide limit, shared by every session of the process."""

"""How many trainings run at once on a server: the rest wait their turn, in order."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from nn_core import limits


class TrainingSlots:
    """At most ``capacity`` trainings at once; the others wait, first come first served."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._condition = threading.Condition()
        self._queue: deque[object] = deque()
        self._running = 0

    def acquire(self, ticket: object, give_up: Callable[[], bool]) -> bool:
        """Wait for a slot. Returns False if ``give_up()`` turned True while waiting."""
        with self._condition:
            self._queue.append(ticket)
            try:
                while not (self._queue[0] is ticket and self._running < self.capacity):
                    if give_up():
                        return False
                    self._condition.wait(timeout=0.2)
                self._running += 1
                return True
            finally:
                self._queue.remove(ticket)
                self._condition.notify_all()

    def release(self) -> None:
        """Give a slot back."""
        with self._condition:
            self._running -= 1
            self._condition.notify_all()

    def ahead_of(self, ticket: object) -> int:
        """How many wait before ``ticket`` (0 when it is next or not waiting)."""
        with self._condition:
            return self._queue.index(ticket) if ticket in self._queue else 0

    @property
    def running(self) -> int:
        """Trainings holding a slot now."""
        with self._condition:
            return self._running


SERVER_SLOTS = TrainingSlots(limits.max_trainings())
"""The server-wide limit, shared by every session of the process."""


SERVER_SLOTS = TrainingSlots(limits.max_trainings())
"""The server-wide limit, shared by every session of the process."""

"""Training slots shared fairly: one at a time per browser, browsers in turn, t-SNE under the same limit."""

import threading
import time

import numpy as np

from nn_core.digits import tsne
from nn_core.digits.job import digit_job
from nn_core.lessons import LESSONS
from nn_core.mlp import MLPConfig
from nn_core.networks import build_model
from nn_core.perceptron import PerceptronConfig
from nn_core.registry import RunRegistry
from nn_core.training import Callback, Status, TrainingSlots

SHORT = PerceptronConfig(train_samples=600, epochs=1)


def until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


class Queue:
    """Waiters on threads of their own, each queued (or served) before the next is added."""

    def __init__(self, slots: TrainingSlots) -> None:
        self.slots = slots
        self.got: dict[str, bool] = {}

    def add(self, ticket: str, owner: str | None, give_up=lambda: False, again: bool = False) -> None:
        def wait() -> None:
            self.got[ticket] = self.slots.acquire(ticket, give_up, owner=owner, again=again)

        threading.Thread(target=wait, daemon=True).start()
        until(lambda: self.slots.waits(ticket) or self.slots.holds(ticket))

    def holder_after(self, ticket: str) -> str:
        """Release ``ticket`` and return who holds the slot it freed (one slot in all)."""
        before = {name for name in self.got if self.slots.holds(name)} - {ticket}
        self.slots.release(ticket)
        until(lambda: len({name for name in self.got if self.slots.holds(name)} - before - {ticket}) == 1)
        (holder,) = {name for name in self.got if self.slots.holds(name)} - before - {ticket}
        return holder


def test_one_owner_holds_one_slot_at_a_time_while_others_take_the_free_ones():
    slots = TrainingSlots(3)
    queue = Queue(slots)
    queue.add("a1", "alice")
    queue.add("a2", "alice")
    queue.add("a3", "alice")
    assert slots.holds("a1") and slots.waits("a2") and slots.waits("a3") and slots.running == 1  # two slots idle
    assert slots.behind_own("a2") and slots.ahead_of("a2") == 0 and slots.ahead_of("a3") == 1
    queue.add("b1", "bob")
    assert slots.holds("b1") and slots.running == 2  # another browser trains at once
    assert queue.holder_after("a1") == "a2" and slots.waits("a3")
    slots.release("b1")
    slots.release("a2")
    until(lambda: slots.holds("a3"))


def test_owners_take_turns_a_second_browser_goes_before_the_first_ones_second_training():
    slots = TrainingSlots(1)
    queue = Queue(slots)
    queue.add("x", "xavier")  # holds the one slot
    for ticket in ("a1", "a2", "a3"):
        queue.add(ticket, "alice")
    queue.add("b1", "bob")
    assert [slots.ahead_of(ticket) for ticket in ("a1", "b1", "a2", "a3")] == [0, 1, 2, 3]
    served, holder = [], "x"
    for _ in range(4):
        holder = queue.holder_after(holder)
        served.append(holder)
    assert served == ["a1", "b1", "a2", "a3"]
    assert queue.got == {"x": True, "a1": True, "a2": True, "a3": True, "b1": True}


def test_the_owner_served_least_recently_goes_first_whatever_the_arrival():
    slots = TrainingSlots(1)
    queue = Queue(slots)
    queue.add("a1", "alice")  # alice's turn
    queue.add("b1", "bob")
    queue.add("c1", "carol")
    assert queue.holder_after("a1") == "b1"  # bob's turn (never served, came before carol)
    queue.add("b2", "bob")  # bob asks again before alice does...
    queue.add("a2", "alice")
    # ...but carol was never served, and alice was served longer ago than bob.
    assert [slots.ahead_of(ticket) for ticket in ("c1", "a2", "b2")] == [0, 1, 2]
    assert [queue.holder_after("b1"), queue.holder_after("c1"), queue.holder_after("a2")] == ["c1", "a2", "b2"]
    slots.release("b2")


def test_waiters_without_an_owner_are_each_their_own():
    slots = TrainingSlots(2)
    queue = Queue(slots)
    queue.add("script 1", None)
    queue.add("script 2", None)
    assert slots.holds("script 1") and slots.holds("script 2")


def test_giving_up_leaves_the_queue_and_the_next_moves_up():
    slots = TrainingSlots(1)
    queue = Queue(slots)
    stopped = threading.Event()
    queue.add("x", "xavier")
    queue.add("a1", "alice", give_up=stopped.is_set)
    queue.add("b1", "bob")
    assert slots.ahead_of("b1") == 1
    stopped.set()
    until(lambda: "a1" in queue.got)
    assert queue.got["a1"] is False and not slots.waits("a1")
    assert slots.ahead_of("b1") == 0 and slots.waiting == 1
    assert queue.holder_after("x") == "b1"
    assert not slots.acquire("c1", give_up=lambda: True, owner="carol")  # gives up while waiting
    slots.release("b1")
    assert slots.running == 0 and slots.waiting == 0


def test_a_paused_training_queueing_again_goes_before_its_owners_other_waiters():
    slots = TrainingSlots(2)
    queue = Queue(slots)
    queue.add("a1", "alice")
    queue.add("a2", "alice")
    queue.add("a3", "alice")
    assert queue.holder_after("a1") == "a2"  # a1 paused long: its slot went on
    queue.add("a1 going on", "alice", again=True)
    assert slots.ahead_of("a1 going on") == 0 and slots.ahead_of("a3") == 1
    assert queue.holder_after("a2") == "a1 going on"


class PauseAt(Callback):
    """Pauses the job from its own thread after its fifth batch: a deterministic pause."""

    def on_batch_end(self, job, batch, logs):
        if batch == 5 and job.snapshot().epoch == 0 and not job.snapshot().events:
            job.steering.pause()


def test_a_browsers_second_training_waits_for_its_first_and_goes_when_the_first_pauses_long(mnist, monkeypatch):
    registry = RunRegistry(None, {lesson.slug: lesson for lesson in LESSONS})
    slots = TrainingSlots(2)

    def start(owner, config, **options):
        job = digit_job(config, mnist, **options)
        job.slots = slots
        return registry.start(owner, "perceptron", config, job)

    first = start("alice", PerceptronConfig(train_samples=2000, epochs=2, batch_size=8), callbacks=[PauseAt()])
    until(lambda: first.job.status == Status.PAUSED)
    second = start("alice", SHORT)
    until(lambda: second.job.snapshot().waiting_behind_own)
    time.sleep(0.3)
    assert second.job.status == Status.WAITING and slots.running == 1  # a slot is free, but not for alice
    other = start("bob", SHORT)
    assert other.job.wait(60) and other.job.snapshot().status == Status.FINISHED  # bob trains meanwhile
    assert second.job.status == Status.WAITING

    monkeypatch.setenv("PLAYGROUND_PAUSED_SLOT_SECONDS", "0.2")  # the pause has lasted long: the slot goes on
    assert second.job.wait(60) and second.job.snapshot().status == Status.FINISHED
    assert first.job.snapshot().slot_released and first.job.status == Status.PAUSED
    first.job.steering.resume()  # queues again, and trains once a slot is free
    assert first.job.wait(120) and first.job.snapshot().status == Status.FINISHED
    assert slots.running == 0 and slots.waiting == 0


def test_a_tsne_map_waits_for_the_slot_its_browsers_training_holds(mnist):
    slots = TrainingSlots(2)
    model = build_model(MLPConfig(hidden_units=(8,), activations=("relu",), seed=5))
    rng = np.random.default_rng(1)
    images, labels = rng.random((60, 28, 28)).astype(np.float32), rng.integers(0, 10, 60)
    running, most = [0], [0]
    lock, gate = threading.Lock(), threading.Event()
    gate.set()

    def runner(reduced):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        assert gate.wait(30)
        with lock:
            running[0] -= 1
        return reduced[:, :2].copy()

    assert slots.acquire("alice's training", give_up=lambda: False, owner="alice")
    job = tsne.tsne_job(model, images, labels, "hidden_1", runner=runner, owner="alice", slots=slots)
    until(lambda: slots.waits(job))
    time.sleep(0.3)
    assert job.waiting and not job.done and job.progress() == 0 and job.behind_own() and slots.running == 1
    # Another browser's map takes the free slot meanwhile.
    other = tsne.tsne_job(build_model(MLPConfig(hidden_units=(4,), activations=("relu",), seed=6)), images, labels,
                          "hidden_1", runner=runner, owner="bob", slots=slots)
    assert other.wait(30) and other.result is not None
    slots.release("alice's training")
    assert job.wait(30) and job.result is not None and job.result.method == "t-SNE"

    # One browser asking for the maps of many models runs them one at a time, the others waiting in line.
    models = [build_model(MLPConfig(hidden_units=(4 + index,), activations=("relu",), seed=index))
              for index in range(3)]
    gate.clear()
    jobs = [tsne.tsne_job(each, images, labels, "hidden_1", runner=runner, owner="carol", slots=slots)
            for each in models]
    until(lambda: sum(slots.waits(each) for each in jobs) == 2 and running[0] == 1)
    assert slots.running == 1 and sorted(each.ahead() for each in jobs if each.waiting) == [0, 1]
    assert all(each.behind_own() for each in jobs if each.waiting)
    gate.set()
    assert all(each.wait(30) and each.result is not None for each in jobs)
    assert most[0] == 1 and slots.running == 0


def test_a_tsne_map_nobody_waits_for_leaves_the_queue(monkeypatch):
    monkeypatch.setattr(tsne, "ABANDONED_SECONDS", 0.3)
    slots = TrainingSlots(1)
    assert slots.acquire("training", give_up=lambda: False, owner="alice")
    model = build_model(MLPConfig(hidden_units=(8,), activations=("relu",), seed=7))
    rng = np.random.default_rng(2)
    images, labels = rng.random((30, 28, 28)).astype(np.float32), rng.integers(0, 10, 30)
    job = tsne.tsne_job(model, images, labels, "hidden_1", runner=lambda reduced: reduced[:, :2].copy(),
                        owner="bob", slots=slots)
    until(lambda: job.done, timeout=30)
    assert job.error and slots.waiting == 0
    assert tsne.existing_tsne(model, images, labels, "hidden_1") is None  # asked again, it starts again
    slots.release("training")

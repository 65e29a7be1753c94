"""A teacher's class, on SQLite and on a real PostgreSQL: joining, posting, the board, signed lesson links,
its teachers' browsers and handing it to another one with a one-time code."""

import pytest

from nn_core.classes import (CODE_ALPHABET, CODE_LENGTH, HANDOVER_LENGTH, HANDOVER_SECONDS, HANDOVER_TRIES,
                             HANDOVER_WINDOW, HANDOVERS, ClassBook, ClassError, clean_text, normalise_code,
                             normalise_handover, show_handover, sign_lesson_link, verify_lesson_link)
from nn_core.mlp import MLPConfig
from nn_core.runs import Run, new_run_id


def saved_run(store, owner, accuracy=0.9, lesson="mlp"):
    run = Run(id=new_run_id(), owner=owner, lesson=lesson, number=1, config=MLPConfig(), status="finished",
              history={"loss": [0.5]}, results={"test_accuracy": accuracy})
    store.save(run, None)
    return run


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_class_has_a_join_code_and_its_teacher_is_the_browser_that_made_it(store):
    book = ClassBook(store)
    classroom = book.create("teacher", "  Tuesday\tclass \x07 ")
    assert len(classroom.code) == CODE_LENGTH and normalise_code(classroom.code.lower()) == classroom.code
    assert classroom.title == "Tuesday class" and classroom.secret not in classroom.code
    assert book.get(classroom.code.lower()) == classroom
    assert book.for_teacher(classroom.code, "teacher") == classroom and book.is_teacher(classroom.code, "teacher")
    # Knowing the class's secret (an old teacher link showed it) is no teacher's right any more.
    assert book.for_teacher(classroom.code, classroom.secret) is None
    assert book.for_teacher(classroom.code, "student") is None and book.for_teacher(classroom.code, "") is None
    assert book.get("NOPE00") is None and book.get("../etc") is None and book.get("") is None
    assert [item.code for item in book.taught_by("teacher")] == [classroom.code] and book.taught_by("x") == []


def test_students_join_with_a_clean_name_and_post_only_their_own_runs(store):
    book = ClassBook(store)
    classroom, other = book.create("teacher", "A"), book.create("teacher", "B")
    book.join(classroom.code, "ada", "Ada")
    assert book.membership("ada") == (classroom, "Ada") and book.membership("bob") is None
    for bad in ("", "   ", "x" * 41):
        with pytest.raises(ClassError):
            book.join(classroom.code, "bob", bad)
    book.join(classroom.code, "bob", "<img src=x onerror=alert(1)>")  # kept as text; shown escaped
    assert book.members(classroom.code)["bob"] == "<img src=x onerror=alert(1)>"
    ada_run, bob_run = saved_run(store, "ada", 0.95), saved_run(store, "bob", 0.85)
    book.post(classroom.code, "ada", ada_run)
    with pytest.raises(ClassError, match="your own"):
        book.post(classroom.code, "ada", bob_run)  # someone else's run
    with pytest.raises(ClassError, match="members"):
        book.post(other.code, "ada", ada_run)  # a class she is not in
    book.post(classroom.code, "bob", bob_run)
    book.post(classroom.code, "bob", bob_run)  # posting twice keeps one post
    posts = book.posts(classroom.code)
    assert sorted(post.student for post in posts) == ["<img src=x onerror=alert(1)>", "Ada"]
    assert book.posted(classroom.code, ada_run.id) and not book.posted(other.code, ada_run.id)
    assert book.posts(other.code) == []


def test_a_closed_class_takes_no_one_and_nothing_and_its_board_can_be_cleared(store):
    book = ClassBook(store)
    classroom = book.create("teacher", "A")
    book.join(classroom.code, "ada", "Ada")
    run = saved_run(store, "ada")
    book.post(classroom.code, "ada", run)
    assert book.clear(classroom.code) == 1 and book.posts(classroom.code) == []
    book.close(classroom.code)
    assert book.get(classroom.code).closed and book.membership("ada") is None
    with pytest.raises(ClassError, match="closed"):
        book.join(classroom.code, "bob", "Bob")
    with pytest.raises(ClassError, match="closed"):
        book.post(classroom.code, "ada", run)
    with pytest.raises(ClassError, match="no class"):
        book.join("ZZZZZZ", "bob", "Bob")


def test_a_lesson_link_is_signed_and_any_change_breaks_its_signature(store):
    classroom = ClassBook(store).create("teacher", "A")
    locks, task, targets = {"epochs": "3", "learning_rate": "0.01"}, "Reach 90%", {"target_accuracy": "0.9"}
    signature = sign_lesson_link(classroom, "mlp", locks, task, targets)
    assert verify_lesson_link(classroom, "mlp", locks, task, targets, signature)
    for changed in ({**locks, "epochs": "9"}, {"epochs": "3"}):
        assert not verify_lesson_link(classroom, "mlp", changed, task, targets, signature)
    assert not verify_lesson_link(classroom, "mlp", locks, "Reach 50%", targets, signature)
    assert not verify_lesson_link(classroom, "mlp", locks, task, {"target_accuracy": "0.5"}, signature)
    assert not verify_lesson_link(classroom, "cnn", locks, task, targets, signature)
    assert not verify_lesson_link(classroom, "mlp", locks, task, targets, "")
    other = ClassBook(store).create("teacher", "B")
    assert not verify_lesson_link(other, "mlp", locks, task, targets, signature)  # another class's secret


def test_texts_are_cleaned_and_bounded():
    assert clean_text(" two\t\tspaces ", 40, "name") == "two spaces"
    assert clean_text("line\x00break\x1b", 40, "name") == "linebreak"
    with pytest.raises(ClassError, match="10,000 characters"):
        clean_text("x" * 10_000, 40, "name")


def test_a_one_time_code_hands_the_class_to_another_browser_once(store):
    book = ClassBook(store)
    classroom, other = book.create("teacher", "A"), book.create("teacher", "B")
    handover = book.make_handover(classroom.code, "teacher")
    assert len(handover) == HANDOVER_LENGTH and all(char in CODE_ALPHABET for char in handover)
    with store.engine.connect() as connection:  # kept only as a digest
        kept = [tuple(row) for row in connection.execute(HANDOVERS.select())]
    assert kept and not any(handover in str(value) for row in kept for value in row)
    assert not book.is_teacher(classroom.code, "laptop") and book.taught_by("laptop") == []

    typed = show_handover(handover).lower().replace("-", " - ")  # typed as a person would, in any case
    assert book.take_handover("laptop", typed) == classroom
    assert book.is_teacher(classroom.code, "laptop") and book.for_teacher(classroom.code, "laptop") == classroom
    assert not book.is_teacher(other.code, "laptop")
    assert [item.code for item in book.taught_by("laptop")] == [classroom.code]  # handed classes are taught too
    assert [item.code for item in book.taught_by("teacher")] == [other.code, classroom.code]  # the creator stays
    with pytest.raises(ClassError, match="already been used"):
        book.take_handover("phone", handover)  # single use
    assert not book.is_teacher(classroom.code, "phone")

    devices = book.teachers(classroom.code)
    assert [(device.identity, device.creator) for device in devices] == [("teacher", True), ("laptop", False)]
    assert book.remove_teacher(classroom.code, "laptop") and not book.is_teacher(classroom.code, "laptop")
    assert not book.remove_teacher(classroom.code, "teacher") and book.is_teacher(classroom.code, "teacher")
    assert book.taught_by("laptop") == []


def test_only_a_teacher_makes_codes_and_a_new_code_replaces_the_unused_one(store):
    book = ClassBook(store)
    classroom = book.create("teacher", "A")
    with pytest.raises(ClassError, match="only this class's teacher"):
        book.make_handover(classroom.code, "student")
    first, second = book.make_handover(classroom.code, "teacher"), book.make_handover(classroom.code, "teacher")
    with pytest.raises(ClassError, match="not one this server made"):
        book.take_handover("laptop", first)
    assert book.take_handover("laptop", second) == classroom
    # A browser that was handed the class can hand it on.
    assert book.take_handover("phone", book.make_handover(classroom.code, "laptop")) == classroom


def test_a_one_time_code_expires(store):
    clock = Clock()
    book = ClassBook(store, clock=clock)
    classroom = book.create("teacher", "A")
    handover = book.make_handover(classroom.code, "teacher")
    clock.now += HANDOVER_SECONDS + 1
    with pytest.raises(ClassError, match="expired"):
        book.take_handover("laptop", handover)
    assert not book.is_teacher(classroom.code, "laptop")
    fresh = book.make_handover(classroom.code, "teacher")
    clock.now += HANDOVER_SECONDS - 5  # still in time
    assert book.take_handover("laptop", fresh) == classroom


def test_wrong_codes_are_limited_per_browser(store):
    clock = Clock()
    start = clock.now
    book = ClassBook(store, clock=clock)
    classroom = book.create("teacher", "A")
    handover = book.make_handover(classroom.code, "teacher")
    wrong = "".join(CODE_ALPHABET[(CODE_ALPHABET.index(char) + 1) % len(CODE_ALPHABET)] for char in handover)
    with pytest.raises(ClassError, match="letters and digits"):
        book.take_handover("guesser", "nope")  # not even shaped like a code: not counted
    for _ in range(HANDOVER_TRIES):
        clock.now += 1
        with pytest.raises(ClassError, match="not one this server made"):
            book.take_handover("guesser", wrong)
    with pytest.raises(ClassError, match=f"{HANDOVER_TRIES} wrong one-time codes.*try again in 10 minutes"):
        book.take_handover("guesser", handover)  # even the right code: the browser must wait
    assert not book.is_teacher(classroom.code, "guesser")
    assert book.take_handover("laptop", handover) == classroom  # another browser is not held up
    clock.now = start + 1 + HANDOVER_WINDOW - 6  # the first wrong code leaves the window in 6 seconds
    with pytest.raises(ClassError, match="try again in 1 minute$"):
        book.take_handover("guesser", "ABCD2345")
    clock.now = start + 1 + HANDOVER_WINDOW + 0.5  # it has left (the other four have not): one more try
    with pytest.raises(ClassError, match="not one this server made"):
        book.take_handover("guesser", "ABCD2345")
    with pytest.raises(ClassError, match="must wait"):
        book.take_handover("guesser", "ABCD2345")


def test_one_time_codes_are_read_as_typed():
    assert normalise_handover(" abcd-2345 ") == "ABCD2345" and show_handover("ABCD2345") == "ABCD-2345"
    for bad in ("", "ABCD234", "ABCD23456", "ABCD-234O", None):  # O is not in the alphabet
        assert normalise_handover(bad) is None

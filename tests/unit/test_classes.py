"""A teacher's class, on SQLite and on a real PostgreSQL: joining, posting, the board, signed lesson links."""

import pytest

from nn_core.classes import (CODE_LENGTH, ClassBook, ClassError, clean_text, normalise_code, sign_lesson_link,
                             verify_lesson_link)
from nn_core.mlp import MLPConfig
from nn_core.runs import Run, new_run_id


def saved_run(store, owner, accuracy=0.9, lesson="mlp"):
    run = Run(id=new_run_id(), owner=owner, lesson=lesson, number=1, config=MLPConfig(), status="finished",
              history={"loss": [0.5]}, results={"test_accuracy": accuracy})
    store.save(run, None)
    return run


def test_a_class_has_a_join_code_and_a_separate_teachers_secret(store):
    book = ClassBook(store)
    classroom = book.create("teacher", "  Tuesday\tclass \x07 ")
    assert len(classroom.code) == CODE_LENGTH and normalise_code(classroom.code.lower()) == classroom.code
    assert classroom.title == "Tuesday class" and classroom.secret not in classroom.code
    assert book.get(classroom.code.lower()) == classroom
    assert book.for_teacher(classroom.code, classroom.secret) == classroom
    assert book.for_teacher(classroom.code, "guess") is None and book.for_teacher(classroom.code, "") is None
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

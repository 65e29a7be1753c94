"""A teacher's class on the lesson pages: joining from a link, locked settings and a task, posting a run.

- ``class_banner``: a page opened with ``?class=<code>`` offers to join that class under a
  display name (once: the browser stays a member across reloads and restarts); a member
  sees which class they are in.
- ``read_lesson_link``: a teacher's signed lesson link fixes some settings (shown but
  disabled, "set by your teacher") and carries a task and a target, shown where the page
  starts. A link edited by hand keeps its settings (checked like any link) but loses its
  locks, task and target.
- ``class_tools``: under the training console, a member's finished run can be posted to
  the class board with one click, the task's target is checked, and a teacher can make a
  lesson link from the page's current settings.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st

from nn_core.classes import MAX_TASK, Classroom, clean_text, sign_lesson_link, verify_lesson_link
from nn_core.config import TrainingConfig
from nn_core.errors import PlaygroundError
from nn_core.estimate import config_size
from nn_core.lessons import lesson
from nn_core.registry import LiveRun
from ui.identity import browser_identity
from ui.plain_text import plain
from ui.resources import class_book
from ui.state import PageState

TARGETS = ("target_accuracy", "target_params")


def base_url() -> str:
    """The app's address as the browser sees it (scheme and host), for links to share."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def class_banner(state: PageState) -> tuple[Classroom, str] | None:
    """Where the page starts: join the class a link names, or say which class this browser is in.

    Returns:
        (class, display name) when this browser is a member of an open class, else None.
    """
    book, owner = class_book(), browser_identity()
    where = state.notices if state.notices is not None else st.container()
    try:
        membership = book.membership(owner)
        asked = st.query_params.get("class")
        classroom = book.get(asked) if asked else None
    except PlaygroundError as error:
        where.warning(f"Classes cannot be read right now ({error}).")
        return None
    if asked and (membership is None or membership[0].code != (classroom.code if classroom else None)):
        with where:
            if classroom is None:
                st.warning("This link names a class that does not exist (check the code with your teacher): "
                           "you are working on your own.")
            elif classroom.closed:
                st.warning(f"The class **{plain(classroom.title)}** is closed: you are working on your own.")
            else:
                _join_form(state, classroom)
    if membership is not None:
        where.caption(f":material/groups: Class **{plain(membership[0].title)}** · you are "
                      f"**{plain(membership[1])}** on its board")
    return membership


def _join_form(state: PageState, classroom: Classroom) -> None:
    st.info(f"Join the class **{plain(classroom.title)}**: give a name for its board (your teacher and classmates "
            "see it next to the runs you post).", icon=":material/groups:")
    left, right = st.columns([3, 1])
    name = left.text_input("Your name on the class board", max_chars=40, key=state.key("class_name"),
                           label_visibility="collapsed", placeholder="Your name on the class board")
    if right.button("Join", key=state.key("class_join"), type="primary"):
        try:
            class_book().join(classroom.code, browser_identity(), name)
        except PlaygroundError as error:
            st.error(f"Cannot join: {plain(str(error))}.")
            return
        st.rerun()


def read_lesson_link(state: PageState) -> None:
    """On the page's first run: the locks, task and target of a teacher's signed lesson link, if any."""
    if state.get("link_checked"):
        return
    state.set("link_checked", True)
    params = st.query_params
    names = [name for name in params.get("lock", "").split(",") if name]
    task = params.get("task", "")
    targets = {name: params[name] for name in TARGETS if name in params}
    if not (names or task or targets):
        return
    where = state.notices if state.notices is not None else st.container()
    config_class = lesson(state.slug).config_class
    fields = set(config_class.__dataclass_fields__)
    locks = {name: params.get(name, "") for name in names if name in fields}
    try:
        classroom = class_book().get(params.get("class", ""))
    except PlaygroundError:
        classroom = None
    if classroom is None or classroom.closed:
        where.warning("This link's class is closed or does not exist, so its task and fixed settings are not "
                      "applied: its settings are used as for any link.")
        return
    if not verify_lesson_link(classroom, state.slug, locks, task, targets, params.get("sig", "")):
        where.warning("This link was changed after your teacher made it, so its task and fixed settings are not "
                      "applied: its settings are used as for any link.")
        return
    values, _ = config_class.from_query(locks)
    state.set("locks", {name: getattr(values, name) for name in locks})
    state.set("task", {"text": task, **targets})


def show_task(state: PageState) -> None:
    """The teacher's task where the page starts, and which settings are fixed."""
    task = state.get("task")
    if not task:
        return
    where = state.notices if state.notices is not None else st.container()
    lines = [f":material/assignment: **Your teacher's task:** {plain(task['text'])}" if task["text"] else
             ":material/assignment: **Your teacher's task**"]
    goal = target_text(task)
    if goal:
        lines.append(f"Target: {goal}.")
    locks = state.get("locks") or {}
    if locks:
        lines.append("Set by your teacher: " + ", ".join(name.replace("_", " ") for name in locks) + ".")
    where.info("\n\n".join(lines))


def target_text(task: dict[str, Any]) -> str:
    """The target in words, e.g. "reach 97% with fewer than 50,000 parameters" ("" when there is none)."""
    parts = []
    if "target_accuracy" in task:
        parts.append(f"reach {100 * float(task['target_accuracy']):g}% test accuracy")
    if "target_params" in task:
        parts.append(f"with fewer than {int(float(task['target_params'])):,} parameters")
    return " ".join(parts)


def parameters(config: TrainingConfig, run_notes: dict | None = None) -> int | None:
    """How many weights a config's network has (a text model needs its vocabulary; None without it)."""
    try:
        if hasattr(config, "sequence_length"):
            vocabulary = (run_notes or {}).get("vocabulary")
            return config_size(config, len(vocabulary))[0] if vocabulary else None
        return config_size(config)[0]
    except Exception:  # a config that cannot be built here has no count to show
        return None


def class_tools(state: PageState, config: TrainingConfig, live: LiveRun | None, membership, mine: bool) -> None:
    """Under the console: post the run to the class board, check the task's target, make a lesson link."""
    if live is not None and mine and live.done:
        _target_check(state, live)
        if membership is not None:
            _post_button(state, live, membership[0])
    _lesson_link_builder(state, config)


def _target_check(state: PageState, live: LiveRun) -> None:
    task = state.get("task")
    if not task or not any(name in task for name in TARGETS):
        return
    accuracy = live.record.results.get("test_accuracy")
    weights = parameters(live.record.config, live.record.notes)
    reached = (accuracy is not None and ("target_accuracy" not in task or accuracy >= float(task["target_accuracy"]))
               and ("target_params" not in task or (weights is not None and weights < float(task["target_params"]))))
    got = (f"{100 * accuracy:.1f}%" if accuracy is not None else "no test accuracy") + (
        f" with {weights:,} parameters" if weights is not None else "")
    if reached:
        st.success(f"Target reached: {got} (the task: {target_text(task)}).", icon=":material/flag:")
    else:
        st.warning(f"Target not reached yet: {got} (the task: {target_text(task)}).", icon=":material/flag:")


def _post_button(state: PageState, live: LiveRun, classroom: Classroom) -> None:
    book = class_book()
    if not live.saved:
        return
    try:
        if book.posted(classroom.code, live.id):
            st.caption(f":material/check: {live.record.name} is on the board of **{plain(classroom.title)}**.")
            return
    except PlaygroundError:
        return
    if st.button(f"Post {live.record.name} to the class board", key=state.key("class_post"),
                 icon=":material/publish:", help=f"Your teacher sees it on the board of **{plain(classroom.title)}**, "
                                                 "with its settings and curves; you choose which runs to post."):
        try:
            book.post(classroom.code, browser_identity(), live.record)
        except PlaygroundError as error:
            st.error(f"Cannot post: {plain(str(error))}.")
            return
        st.rerun()


def _lesson_link_builder(state: PageState, config: TrainingConfig) -> None:
    """For a teacher: this page's settings as a link for the class, some of them fixed, with a task."""
    try:
        classes = [classroom for classroom in class_book().taught_by(browser_identity()) if not classroom.closed]
    except PlaygroundError:
        return
    if not classes:
        return
    with st.expander("For your class: a link with this setting, a task and a target"):
        titles = {classroom.code: classroom.title for classroom in classes}
        code = st.selectbox("Class", list(titles), format_func=titles.get, key=state.key("lesson_link", "class"))
        classroom = next(item for item in classes if item.code == code)
        fields = list(config.to_query())
        locked = st.multiselect("Settings your students cannot change", fields, key=state.key("lesson_link", "locks"),
                                format_func=lambda name: name.replace("_", " "))
        task_text = st.text_area("The task, shown where their page starts", max_chars=MAX_TASK,
                                 key=state.key("lesson_link", "task"),
                                 placeholder="e.g. Reach 97% with fewer than 50,000 parameters.")
        left, right = st.columns(2)
        accuracy = left.number_input("Target test accuracy in % (0: none)", 0.0, 100.0, 0.0, step=0.5,
                                     key=state.key("lesson_link", "accuracy"))
        weights = right.number_input("...with fewer parameters than (0: none)", 0, 100_000_000, 0, step=1000,
                                     key=state.key("lesson_link", "params"))
        try:
            task = clean_text(task_text, MAX_TASK, "task") if task_text.strip() else ""
        except PlaygroundError as error:
            st.error(f"This task cannot be used: {plain(str(error))}.")
            return
        settings = config.to_query()
        locks = {name: settings[name] for name in locked}
        targets = {}
        if accuracy > 0:
            targets["target_accuracy"] = repr(round(accuracy / 100, 4))
        if weights > 0:
            targets["target_params"] = str(int(weights))
        query = {**settings, "class": classroom.code}
        if locks:
            query["lock"] = ",".join(locks)
        if task:
            query["task"] = task
        query.update(targets)
        query["sig"] = sign_lesson_link(classroom, state.slug, locks, task, targets)
        st.caption("Give this link to the class: it opens this page with these settings, the ones you chose fixed, "
                   "and the task at the top. Changing the link by hand removes the task and the fixed settings.")
        st.code(f"{base_url()}/{state.slug}?{urlencode(query)}", language=None, wrap_lines=True)

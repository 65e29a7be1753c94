"""The Class page's sections: create a class, and a teacher's board of the runs the class posted.

The board is live (a fragment redraws it every few seconds, so new posts appear without
a reload), per lesson, sortable; a run chosen from it shows its settings and curves, and
its model can be opened to draw on (on the projector, say). The best run's settings are a
link; the board can be cleared and the class closed.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from nn_core.classes import Classroom, Post
from nn_core.errors import PlaygroundError
from nn_core.figures.curves import training_curves
from nn_core.lessons import LESSONS, lesson
from nn_core.runs import differing_settings
from ui.canvas import drawing_panel
from ui.charts import show
from ui.classroom import base_url, parameters, plain
from ui.identity import browser_identity
from ui.resources import class_book, run_registry
from ui.state import PageState

BOARD_SECONDS = 3.0
SORTS = {"test accuracy": "accuracy", "parameters": "parameters", "training time": "seconds", "newest": "posted"}


def create_class(state: PageState) -> None:
    """A form that creates a class and shows its two links."""
    st.subheader("Create a class")
    title = st.text_input("The class's name, as students will see it", max_chars=80,
                          key=state.key("widget", "new_class"), placeholder="e.g. Year 11 computing, Tuesday")
    if st.button("Create the class", type="primary", key=state.key("widget", "create_class")):
        try:
            classroom = class_book().create(browser_identity(), title)
        except PlaygroundError as error:
            st.error(f"Cannot create the class: {error}.")
            return
        st.query_params.update({"class": classroom.code, "key": classroom.secret})
        st.rerun()


def your_classes(state: PageState) -> None:
    """The classes this browser created, with their teacher links."""
    try:
        classes = class_book().taught_by(browser_identity())
    except PlaygroundError as error:
        st.warning(f"Your classes cannot be read right now ({error}).")
        return
    if not classes:
        return
    st.subheader("Your classes")
    for classroom in classes:
        state_text = " (closed)" if classroom.closed else ""
        st.markdown(f"- [{plain(classroom.title)}]({teacher_link(classroom)}){state_text} · join code "
                    f"`{classroom.code}`")


def join_link(classroom: Classroom) -> str:
    return f"{base_url()}/?class={classroom.code}"


def teacher_link(classroom: Classroom) -> str:
    return f"{base_url()}/class?{urlencode({'class': classroom.code, 'key': classroom.secret})}"


def board(state: PageState, classroom: Classroom) -> None:
    """The teacher's board of a class."""
    st.header(plain(classroom.title) + (" (closed)" if classroom.closed else ""))
    if classroom.closed:
        st.info("This class is closed: nobody can join it or post to it any more. Its board stays here for you.")
    else:
        st.markdown(f"**Join link for students** (or the code `{classroom.code}`):")
        st.code(join_link(classroom), language=None)
        st.caption("Keep this page's own link to yourself: it is the teacher's, and the join link does not reveal it. "
                   "On any lesson page, the expander below the console makes a link with fixed settings and a task.")
    _live_board(state, classroom)
    chosen = state.get("widget", "board_run")
    if chosen:
        run_details(state, chosen, classroom)
    _board_actions(state, classroom)


def _live_board(state: PageState, classroom: Classroom) -> None:
    @st.fragment(run_every=BOARD_SECONDS)
    def live() -> None:
        try:
            posts = class_book().posts(classroom.code)
            members = class_book().members(classroom.code)
        except PlaygroundError as error:
            st.warning(f"The board cannot be read right now ({error}).")
            return
        st.caption(f"{len(members)} student{'s' if len(members) != 1 else ''} joined · {len(posts)} run"
                   f"{'s' if len(posts) != 1 else ''} posted · new posts appear by themselves")
        if not posts:
            st.info("No run posted yet: students press **Post ... to the class board** under a finished run.")
            return
        lessons = [entry.slug for entry in LESSONS if any(post.run.lesson == entry.slug for post in posts)]
        left, right = st.columns(2)
        slug = left.selectbox("Lesson", lessons, format_func=lambda name: lesson(name).title,
                              key=state.key("widget", "board_lesson"))
        sort = right.selectbox("Sort by", list(SORTS), key=state.key("widget", "board_sort"))
        shown = _rows([post for post in posts if post.run.lesson == slug], SORTS[sort])
        table = st.dataframe([row for row, _ in shown], hide_index=True, on_select="rerun",
                             selection_mode="single-row", key=state.key("widget", "board_table"))
        selected = table.selection.rows if table is not None and table.selection else []
        if selected:
            run_id = shown[selected[0]][1].id
            if state.get("widget", "board_run") != run_id:
                state.set("widget", "board_run", run_id)
                st.rerun()  # the chosen run's details are drawn outside this fragment
        best_row, best = max(shown, key=lambda item: item[0]["accuracy %"] if item[0]["accuracy %"] is not None else -1)
        st.markdown(f"The best run's settings as a link: [{lesson(slug).title}, {best.name} of "
                    f"{plain(best_row['student'])}]({base_url()}/{slug}?{urlencode(best.config.to_query())})")

    live()


def _rows(posts: list[Post], order: str) -> list[tuple[dict, object]]:
    """Table rows for a lesson's posts, best first by ``order``."""
    shown_settings = differing_settings([post.run.config for post in posts])
    rows = []
    for post in posts:
        run = post.run
        accuracy = run.results.get("test_accuracy", run.results.get("train_accuracy"))
        row = {"student": post.student, "run": run.name,
               "accuracy %": None if accuracy is None else round(100 * accuracy, 1),
               "parameters": parameters(run.config, run.notes), "seconds": round(run.seconds, 1),
               "epochs": run.epochs_done, "outcome": run.status}
        row.update({name.replace("_", " "): run.settings.get(name, "") for name in shown_settings})
        rows.append((row, run, post.posted))
    keys = {"accuracy": lambda item: -(item[0]["accuracy %"] if item[0]["accuracy %"] is not None else -1),
            "parameters": lambda item: item[0]["parameters"] if item[0]["parameters"] is not None else float("inf"),
            "seconds": lambda item: item[0]["seconds"], "posted": lambda item: -item[2]}
    return [(row, run) for row, run, _ in sorted(rows, key=keys[order])]


def run_details(state: PageState, run_id: str, classroom: Classroom) -> None:
    """A posted run's settings and curves, and its model to draw on."""
    try:
        live = run_registry().get(run_id)
    except PlaygroundError as error:
        st.warning(f"This run cannot be read right now ({error}).")
        return
    if live is None:
        st.info("That run has been deleted by its student.")
        return
    record = live.record
    st.subheader(f"{record.name} · {lesson(record.lesson).title}")
    snapshot = live.snapshot()
    show(state, training_curves(snapshot.history, snapshot.batch_curve, first_epoch=snapshot.first_epoch), "board_curves")
    with st.expander("Its settings"):
        st.dataframe([{"setting": name.replace("_", " "), "value": value} for name, value in record.settings.items()],
                     hide_index=True)
    if lesson(record.lesson).config_class.__name__ == "RNNConfig":
        samples = [extra for extra in snapshot.extras if "sample" in extra]
        if samples:
            st.markdown("**Its last sample of writing:**")
            st.code(samples[-1]["sample"], language=None, wrap_lines=True)
        return
    if st.toggle("Open its model and draw on it", key=state.key("widget", "board_open")):
        model = run_registry().payload(live)
        if model is None:
            st.warning(live.load_error or "This run has no model to draw on.")
            return
        drawing_panel(state, model)


def _board_actions(state: PageState, classroom: Classroom) -> None:
    with st.expander("Clear the board, or close the class"):
        sure = st.checkbox("Yes, I mean it", key=state.key("widget", "board_sure"))
        left, right = st.columns(2)
        if left.button("Clear the board", key=state.key("widget", "board_clear"), disabled=not sure,
                       help="Takes every post off the board; the runs stay with their students."):
            class_book().clear(classroom.code)
            state.set("widget", "board_run", None)
            st.rerun()
        if right.button("Close the class", key=state.key("widget", "board_close"), disabled=not sure or classroom.closed,
                        help="Nobody can join or post any more; the join link says the class is closed."):
            class_book().close(classroom.code)
            st.rerun()

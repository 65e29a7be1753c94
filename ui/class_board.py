"""The Class page's sections: create a class, take one over with a one-time code, and a teacher's board.

The board opens only in a browser that teaches the class (``ClassBook.for_teacher``); its
address (``/class?class=CODE``) carries no secret, so it can go on a projector. It is live
(a fragment redraws it every few seconds, so new posts appear without a reload), per
lesson, sortable; a run chosen from it shows its settings and curves, and its model can
be opened to draw on. The best run's settings are a link; the board can be cleared and
the class closed; a one-time code hands the class to another device, and the board lists
the devices that teach it.
"""

from __future__ import annotations

import hashlib
import math
import time
from urllib.parse import urlencode

import streamlit as st

from nn_core.classes import HANDOVER_SECONDS, Classroom, Post, normalise_code, show_handover
from nn_core.errors import PlaygroundError
from nn_core.figures.curves import training_curves
from nn_core.lessons import LESSONS, lesson
from nn_core.runs import differing_settings
from ui.canvas import drawing_panel
from ui.charts import show
from ui.classroom import base_url, parameters
from ui.plain_text import plain
from ui.identity import browser_identity
from ui.resources import class_book, run_registry
from ui.state import PageState

BOARD_SECONDS = 3.0
SORTS = {"test accuracy": "accuracy", "parameters": "parameters", "training time": "seconds", "newest": "posted"}


def create_class(state: PageState) -> None:
    """A form that creates a class taught by this browser, then shows its board."""
    st.subheader("Create a class")
    # No max_chars: Streamlit's box drops a pasted text longer than that whole, silently, and "Create"
    # then said the title was empty. The class book refuses a long title with its length instead.
    title = st.text_input("The class's name, as students will see it", key=state.key("widget", "new_class"),
                          placeholder="e.g. Year 11 computing, Tuesday")
    if st.button("Create the class", type="primary", key=state.key("widget", "create_class")):
        try:
            classroom = class_book().create(browser_identity(), title)
        except PlaygroundError as error:
            st.error(f"Cannot create the class: {plain(str(error))}.")
            return
        st.query_params.from_dict({"class": classroom.code})  # the board's address: the join code, nothing secret
        st.rerun()


def not_your_board(code: str) -> None:
    """What a browser that does not teach the class sees at its board's address."""
    joinable = normalise_code(code)
    student = (f" A student joins with the class's [join link]({base_url()}/?class={joinable})." if joinable else "")
    st.warning("Only this class's teacher can open its board: in the browser that created the class, or on a "
               "device the teacher handed it to with a one-time code (typed below)." + student)


def take_handover(state: PageState) -> None:
    """A field where a teacher's one-time code makes this browser a teacher of that class too."""
    st.subheader("Teach a class from another device")
    with st.form(key=state.key("widget", "handover_form"), border=False):
        typed = st.text_input("Teach a class from this device: type the one-time code", max_chars=20,
                              key=state.key("widget", "handover_code"), placeholder="e.g. ABCD-2345",
                              help="On the device you teach from, the class's board makes one under "
                                   "**Teach this class from another device**. A code works once, for "
                                   f"{HANDOVER_SECONDS / 60:.0f} minutes.")
        pressed = st.form_submit_button("Teach this class")
    if not pressed:
        return
    try:
        classroom = class_book().take_handover(browser_identity(), typed)
    except PlaygroundError as error:
        st.error(f"This device cannot teach the class: {plain(str(error))}.")
        return
    st.query_params.from_dict({"class": classroom.code})
    st.rerun()


def your_classes(state: PageState) -> None:
    """The classes this browser teaches, each a link to its board."""
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
        st.markdown(f"- [{plain(classroom.title)}]({board_link(classroom)}){state_text} · join code "
                    f"`{classroom.code}`")


def join_link(classroom: Classroom) -> str:
    return f"{base_url()}/?class={classroom.code}"


def board_link(classroom: Classroom) -> str:
    """The board's address: it opens the board only in a teacher's browser."""
    return f"{base_url()}/class?class={classroom.code}"


def board(state: PageState, classroom: Classroom) -> None:
    """The teacher's board of a class."""
    st.header(plain(classroom.title) + (" (closed)" if classroom.closed else ""))
    if classroom.closed:
        st.info("This class is closed: nobody can join it or post to it any more. Its board stays here for you.")
    else:
        st.markdown(f"**Join link for students** (or the code `{classroom.code}`):")
        st.code(join_link(classroom), language=None)
        st.caption("This board opens only in this browser and the devices you hand the class to, never from its "
                   "link, so it can go on the projector. On any lesson page, the expander below the console makes a "
                   "link with fixed settings and a task.")
    _live_board(state, classroom)
    chosen = state.get("widget", "board_run")
    if chosen:
        run_details(state, chosen, classroom)
    _handover(state, classroom)
    _board_actions(state, classroom)


def _live_board(state: PageState, classroom: Classroom) -> None:
    @st.fragment(run_every=BOARD_SECONDS)
    def live() -> None:
        try:
            if not class_book().is_teacher(classroom.code, browser_identity()):
                st.rerun()  # this device was removed from the class's teachers: the whole page says so
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


def _handover(state: PageState, classroom: Classroom) -> None:
    """Hand the class to another device with a one-time code; the devices that teach it."""
    identity = browser_identity()
    with st.expander("Teach this class from another device"):
        st.warning("Do this on your own screen, **not on the projector**: whoever types the code first, within "
                   f"{HANDOVER_SECONDS / 60:.0f} minutes, teaches this class (sees its board, can clear it and "
                   "close the class).", icon=":material/visibility_off:")
        if st.button("Make a one-time code", key=state.key("widget", "handover_make")):
            try:
                code = class_book().make_handover(classroom.code, identity)
            except PlaygroundError as error:
                st.error(f"Cannot make a code: {plain(str(error))}.")
            else:
                state.set("handover", {"class": classroom.code, "code": code,
                                       "expires": time.time() + HANDOVER_SECONDS})
        made = state.get("handover")
        if made and made["class"] == classroom.code and made["expires"] > time.time():
            minutes = math.ceil((made["expires"] - time.time()) / 60)
            st.code(show_handover(made["code"]), language=None)
            st.caption(f"On the other device, open this app's **Class** page and type this code under **Teach a class "
                       f"from this device**. It works once, in the next {minutes} minute{'s' if minutes != 1 else ''}; "
                       "a new code replaces it.")
            if st.button("Hide the code", key=state.key("widget", "handover_hide")):
                state.set("handover", None)
                st.rerun()
        _teacher_devices(state, classroom, identity)


def _teacher_devices(state: PageState, classroom: Classroom, identity: str) -> None:
    try:
        devices = class_book().teachers(classroom.code)
    except PlaygroundError as error:
        st.warning(f"This class's devices cannot be read right now ({error}).")
        return
    st.markdown(f"**This class is taught from {len(devices)} device{'s' if len(devices) != 1 else ''}:**")
    for device in devices:
        here = " (this device)" if device.identity == identity else ""
        if device.creator:
            st.markdown(f"- the browser that created the class{here}")
            continue
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(f"- a device added {_ago(device.added)}{here}")
        # A widget's key shows in the page's HTML: a digest names the device, never its identity.
        tag = hashlib.sha256(device.identity.encode()).hexdigest()[:12]
        if right.button("Stop teaching here" if here else "Remove", key=state.key("widget", "remove_teacher", tag)):
            class_book().remove_teacher(classroom.code, device.identity)
            st.rerun()


def _ago(then: float) -> str:
    """How long ago, in words ("just now", "12 minutes ago", "3 days ago")."""
    seconds = max(0.0, time.time() - then)
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def _board_actions(state: PageState, classroom: Classroom) -> None:
    with st.expander("Clear the board, or close the class"):
        sure = st.checkbox("Yes, I mean it", key=state.key("widget", "board_sure"))
        left, right = st.columns(2)
        if left.button("Clear the board", key=state.key("widget", "board_clear"), disabled=not sure,
                       help="Takes every post off the board; the runs stay with their students."):
            if class_book().is_teacher(classroom.code, browser_identity()):
                class_book().clear(classroom.code)
            state.set("widget", "board_run", None)
            st.rerun()
        if right.button("Close the class", key=state.key("widget", "board_close"), disabled=not sure or classroom.closed,
                        help="Nobody can join or post any more; the join link says the class is closed."):
            if class_book().is_teacher(classroom.code, browser_identity()):
                class_book().close(classroom.code)
            st.rerun()

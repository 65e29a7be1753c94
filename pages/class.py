"""Class: a teacher creates a class, hands out its join link, and watches the board of posted runs.

The board opens only in a browser that teaches the class (the one that created it, or one it
was handed to with a one-time code): nothing in the address grants it, so the board can go
on a projector.
"""

import streamlit as st

from nn_core.errors import PlaygroundError
from ui import class_board
from ui.identity import browser_identity
from ui.resources import class_book
from ui.state import PageState

state = PageState("class")
st.title("Class")
code = st.query_params.get("class")
old_link = "key" in st.query_params
if old_link:
    del st.query_params["key"]  # an old teacher link's secret: out of the address bar (it may have been projected)
try:
    classroom = class_book().for_teacher(code, browser_identity()) if code else None
except PlaygroundError as error:
    st.warning(f"Classes cannot be read right now ({error}).")
    classroom = None
if old_link:
    st.warning("Links with a **key** no longer open a class's board: a board opens only in its teacher's own "
               "browser (the one that created the class, or one it was handed to). The key has been taken out of "
               "the address.")
if classroom is not None:
    class_board.board(state, classroom)
else:
    if code:
        class_board.not_your_board(code)
    st.write("A class gathers students' runs on one board: students join with a link and a name, and post the runs "
             "they choose; the teacher sees every posted run, sorted, with its settings and curves, and can open its "
             "model to draw on. Lesson links from the lesson pages can fix settings and set a task.")
    class_board.create_class(state)
    class_board.take_handover(state)
    class_board.your_classes(state)

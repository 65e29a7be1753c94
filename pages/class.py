"""Class: a teacher creates a class, hands out its join link, and watches the board of posted runs."""

import streamlit as st

from ui import class_board
from ui.resources import class_book
from ui.state import PageState

state = PageState("class")
st.title("Class")
code, key = st.query_params.get("class"), st.query_params.get("key")
classroom = class_book().for_teacher(code, key) if code and key else None
if classroom is not None:
    class_board.board(state, classroom)
else:
    if code and key:
        st.error("This teacher link is not valid (the class does not exist, or the link's key is not its "
                 "teacher's). A class's teacher link cannot be made from its join code.")
    st.write("A class gathers students' runs on one board: students join with a link and a name, and post the runs "
             "they choose; the teacher sees every posted run, sorted, with its settings and curves, and can open its "
             "model to draw on. Lesson links from the lesson pages can fix settings and set a task.")
    class_board.create_class(state)
    class_board.your_classes(state)

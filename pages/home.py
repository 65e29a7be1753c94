"""Home: what each page teaches, and which data the app has loaded."""

import numpy as np
import streamlit as st

from nn_core.figures.theme import CLASS_COLOURS
from nn_core.lessons import LESSONS
from nn_core.plane.data import circle, generate, spiral, xor
from ui.classroom import class_banner
from ui.resources import mnist
from ui.state import PageState

st.title("Neural-network playground")
class_banner(PageState("home"))  # a student's join link opens here
st.write(
    "Train real TensorFlow networks on real handwritten digits and text, watch them learn "
    "curve by curve, draw your own digits for them to read, and look inside at what they "
    "learned. Every page has a sidebar of settings: change one, press **Train**, compare."
)
data = mnist()
st.info(f"Data: {data.description}", icon=":material/dataset:")


@st.cache_data(show_spinner=False)
def picture(kind: str) -> np.ndarray:
    """A small picture for a lesson card: greyscale, made from the loaded digits, or the plane's points."""
    x, y = data.x_train, data.y_train
    if kind == "mean":  # the average of each digit: roughly what a perceptron's weights become
        tiles = [x[y == label][:300].mean(axis=0) for label in range(10)]
        return np.concatenate(tiles[:5], axis=1) / 255.0
    if kind == "grid":
        rows = [np.concatenate(list(x[row * 5 : row * 5 + 5]), axis=1) for row in range(2)]
        return np.concatenate(rows, axis=0) / 255.0
    if kind == "edges":  # the article's edge kernel applied to digits
        image = np.concatenate(list(x[:3]), axis=1).astype(np.float32) / 255.0
        padded = np.pad(image, 1)
        edges = 8 * image - sum(
            padded[1 + dy : 1 + dy + image.shape[0], 1 + dx : 1 + dx + image.shape[1]]
            for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)
        )
        return np.clip(np.concatenate([image, np.maximum(edges, 0) / 4], axis=0), 0, 1)
    if kind == "plane":  # the plane's circle, XOR and two spirals, as coloured dots side by side
        side, dot = 100, 1
        colours = np.array([[int(colour[i : i + 2], 16) for i in (1, 3, 5)] for colour in CLASS_COLOURS[:2]])
        panels = []
        for maker in (circle, xor, spiral):
            points, labels = generate(maker, 400, 2, 0.1, 0)
            panel = np.full((side, side, 3), 255, dtype=np.uint8)
            rows = np.clip(((6 - points[:, 1]) / 12 * side).astype(int), dot, side - 1 - dot)
            columns = np.clip(((points[:, 0] + 6) / 12 * side).astype(int), dot, side - 1 - dot)
            for dy in range(-dot, dot + 1):
                for dx in range(-dot, dot + 1):
                    panel[rows + dy, columns + dx] = colours[labels]
            panels += [panel, np.full((side, 8, 3), 255, dtype=np.uint8)]
        return np.concatenate(panels[:-1], axis=1)
    return np.zeros((1, 1))


def lesson_card(lesson) -> None:
    st.subheader(lesson.title)
    if lesson.card == "text":
        st.code("T h i  ->  s\nh i s  ->  ' '\ni s ' ' ->  i", language=None)
    else:
        st.image(picture(lesson.card), clamp=True, width="stretch")
    st.write(lesson.teaches)
    st.page_link(lesson.page_path, label=f"Open {lesson.title}", icon=":material/arrow_forward:")


def class_card() -> None:
    """The Class page's card: what a teacher does with it (it is no lesson, but it belongs on this map)."""
    st.subheader("Class")
    st.code("Ada   Run 3   97.1%\nBob   Run 1   91.4%\nCem   Run 2   88.0%", language=None)
    st.write("For a teacher: create a class, give students its join link, and watch the runs they post "
             "appear on a board, best first. Lesson links fix settings and set a task with a target.")
    st.page_link("pages/class.py", label="Open Class", icon=":material/arrow_forward:")


CARDS = [lambda lesson=lesson: lesson_card(lesson) for lesson in LESSONS] + [class_card]
for start in range(0, len(CARDS), 2):
    for column, card in zip(st.columns(2), CARDS[start : start + 2]):
        with column.container(border=True):
            card()

st.divider()
st.caption(
    "MNIST digits by Yann LeCun, Corinna Cortes and Christopher J.C. Burges (CC BY-SA 3.0). "
    "Lessons after four tutorial articles on perceptrons, multi-layer perceptrons, recurrent "
    "and convolutional networks."
)

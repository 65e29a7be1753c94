"""The points section: the data set on the plane, or a student's own points to upload, click and keep.

A student's own points live in the session (``state.key("points")``), with the signature
of the file they last came from, so a file is read once. Clicks: Plotly reports a click
only on a drawn point, so the plane carries a grid of invisible points; a click selects
the nearest one, which becomes a new point of the chosen class, and a click on one of
the student's points removes it. Each handled click gives the chart a new key (the
plane's generation), which clears Plotly's selection for the next click.
"""

from __future__ import annotations

import zlib
from typing import Any

import streamlit as st

from nn_core.errors import PlaygroundError
from nn_core.plane.config import PlaneConfig
from nn_core.plane.data import DATASETS, OWN_POINTS
from nn_core.plane.figures import SPOT_SPACING, plane_figure, regions_figure
from nn_core.plane.points import MAX_CLASSES, MAX_POINTS, OwnPoints, read_points_csv
from nn_core.plane.training import PlanePoints, plane_points
from ui.charts import show
from ui.settings import apply_config
from ui.state import PageState

PLANE_HEIGHT = 430


def own_points(state: PageState) -> OwnPoints | None:
    """The student's own points in this session, if any."""
    return (state.get("points") or {}).get("points")


def points_section(state: PageState, config: PlaneConfig) -> PlanePoints:
    """Draw the points to learn (and, for the student's own, how to add them); return them."""
    if config.dataset == OWN_POINTS:
        return _own_points_section(state, config)
    data = plane_points(config)
    show(state, regions_figure(data, None, height=PLANE_HEIGHT), "points")
    dataset = DATASETS[config.dataset]
    testing = int(data.is_test.sum())
    counts = f"{len(data.points):,} points: {len(data.points) - testing:,} to train on, {testing:,} test points"
    if data.classes == 0:
        st.caption(f"{counts}. Each point's colour is the number to learn there (blue negative, red positive).")
    elif dataset.fixed_classes is not None and config.classes != dataset.fixed_classes:
        st.caption(f"{counts}. {dataset.title.split(' (')[0]} always has {dataset.fixed_classes} classes: the "
                   "Classes setting is not used.")
    else:
        st.caption(f"{counts}, in {data.classes} classes.")
    if data.classes and st.button("Edit these points", key=state.key("widget", "edit_points"),
                                  help="Copy these points into your own, to add or remove points by clicking."):
        _keep(state, OwnPoints(data.points, data.targets, data.class_names), None)
        apply_config(state, config.changed(dataset=OWN_POINTS))
        st.rerun()  # the sidebar shows the new data set at once
    return data


def _own_points_section(state: PageState, config: PlaneConfig) -> PlanePoints:
    _upload(state)
    own = own_points(state) or OwnPoints.empty()
    names = [own.class_names[label] if label < len(own.class_names) else str(label) for label in range(MAX_CLASSES)]
    # New class names (a file read) make a new chooser: Streamlit shows none chosen when a chooser's labels change.
    label = st.radio("Class of the points you click", range(MAX_CLASSES), horizontal=True,
                     format_func=lambda index: f"class {names[index]}",
                     key=state.key("widget", "click_class", zlib.crc32("\n".join(names).encode())))
    generation = state.get("canvas_generation", "plane", default=0)
    own = _apply_click(state, own, state.get("chart", f"points.{generation}"), label)
    generation = state.get("canvas_generation", "plane", default=0)
    data = plane_points(config, own, check=False)
    show(state, plane_figure(data, height=PLANE_HEIGHT, clickable=True), f"points.{generation}",
         on_select="rerun", selection_mode="points")
    st.caption(f"{len(own):,} of your points (at most {MAX_POINTS:,}). Click on the plane to add a point of the chosen "
               "class there; click one of your points to remove it.")
    left, right = st.columns(2)
    if len(own):
        right.download_button("Download your points (CSV)", own.to_csv(), file_name="plane_points.csv",
                              mime="text/csv", key=state.key("download", "points"), on_click="ignore")
        if left.button("Remove all your points", key=state.key("widget", "clear_points")):
            _keep(state, OwnPoints.empty(), (state.get("points") or {}).get("file"))
            st.rerun()
    return data


def _upload(state: PageState) -> None:
    """A CSV uploader; a new good file replaces the points, a bad one is told in plain words."""
    upload = st.file_uploader(
        "Upload points (CSV: x1, x2, class on each row; a header row is optional)", type=["csv", "txt"],
        key=state.key("widget", "points_upload"),
        help=f"Two numbers and a class per row, at most {MAX_POINTS:,} rows and {MAX_CLASSES} classes. Classes may "
             "be numbers or names. Columns beyond -6 to 6 are scaled onto the plane.")
    if upload is None:
        return
    signature = (upload.name, upload.size, upload.file_id)
    if (state.get("points") or {}).get("file") == signature:
        return  # read already; the points may have changed by clicks since
    try:
        own = read_points_csv(upload.getvalue())
    except PlaygroundError as error:
        st.error(f"Cannot use {upload.name}: {error}.")
        return
    _keep(state, own, signature)
    st.success(f"Read {len(own):,} points in {len(own.class_names)} classes from {upload.name}.")
    for note in own.notes:
        st.info(note)


def _apply_click(state: PageState, own: OwnPoints, event: Any, label: int) -> OwnPoints:
    """A click on the plane: add a point of class ``label`` at an empty spot, or remove the point clicked."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    if not points:
        return own
    clicked = points[-1]
    customdata = clicked.get("customdata")
    try:
        if customdata is not None and not isinstance(customdata, list):
            own = own.removed(int(customdata))
        elif "x" in clicked and "y" in clicked:
            x1, x2 = float(clicked["x"]), float(clicked["y"])
            # A point sits on the spot it was added at, so Plotly may report the spot under it:
            # a click there means the point.
            near = own.nearest(x1, x2, within=SPOT_SPACING / 2)
            own = own.removed(near) if near is not None else own.added(x1, x2, label)
    except PlaygroundError as error:
        st.warning(f"No point added: {error}.")
    _keep(state, own, (state.get("points") or {}).get("file"))
    state.set("canvas_generation", "plane", state.get("canvas_generation", "plane", default=0) + 1)
    return own


def _keep(state: PageState, own: OwnPoints, signature: Any) -> None:
    state.set("points", {"points": own, "file": signature})

"""The map of a layer: test digits placed by what one layer makes of them, before and after training.

A PCA map is drawn at once; a t-SNE map is computed on request, on a thread shared with
anyone asking for the same map, while a progress bar shows the time it should take. A
t-SNE map takes a slot of the server, as a training does, under this browser's identity:
while it waits for one, the bar says how many go before it.
Hovering a point names the digit; clicking a point or drawing a lasso around several
shows the digits themselves below the maps (a Plotly hover cannot hold a picture).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import streamlit as st

from nn_core.digits import deeper_figures as figures
from nn_core.digits import embedding, tsne
from nn_core.digits.probes import PIXELS, Probe, layer_outputs
from ui.charts import show
from ui.digits.deeper.common import TestDigits, key, remember, remembered, selected_data
from ui.identity import browser_identity
from ui.state import PageState

SELECTED_SHOWN = 40
MAP_CHARTS = ("map_before", "map_after")


def chosen_layer(state: PageState, layers: list[Probe]) -> Probe:
    """The layer chosen for the map; at first the hidden layer nearest the output (training shows best there)."""
    name = state.get("deeper", "map_layer")
    default = layers[-1]
    return next((layer for layer in layers if layer.name == name), default)


def tsne_maps(state: PageState, models: list[Any], digits: TestDigits, layer: str) -> list[embedding.LayerMap] | None:
    """t-SNE maps of ``layer`` for each model: waits for them with a progress bar, or offers to start them."""
    jobs = [tsne.existing_tsne(model, digits.images, digits.labels, layer) for model in models]
    if any(job is None for job in jobs):
        estimate = tsne.expected_seconds(len(digits.images)) * sum(job is None for job in jobs)
        label = f"Compute the t-SNE map{'s' if len(models) > 1 else ''} (about {max(1, round(estimate))} s)"
        if not st.button(label, key=key(state, "tsne", layer), type="primary"):
            st.caption("t-SNE keeps each digit's nearest neighbours near it, which PCA's straight projection "
                       "cannot; it takes a few seconds, once per model and layer.")
            return None
        owner = browser_identity()
        jobs = [tsne.tsne_job(model, digits.images, digits.labels, layer, owner=owner) for model in models]
    bar = None
    while not all(job.done for job in jobs):
        waiting = [job for job in jobs if not job.done]
        text = tsne_progress_text(waiting, browser_identity())
        if bar is None:
            bar = st.progress(0.0, text=text)
        bar.progress(min(job.progress() for job in jobs), text=text)
        for job in waiting[1:]:
            job.asked()  # the page still wants every map it waits for
        waiting[0].wait(0.25)
    if bar is not None:
        bar.empty()
    errors = [job.error for job in jobs if job.error]
    if errors:
        st.warning(f"No t-SNE map: {errors[0]}. Try again, or use the PCA map.")
        return None
    return [job.result for job in jobs]


def tsne_progress_text(jobs: list[tsne.TsneJob], owner: str) -> str:
    """What the bar says about t-SNE maps not done yet: the time left, or the place in the queue for a slot."""
    computing = [job for job in jobs if not job.waiting]
    if computing:
        # Maps still queued run after these (one at a time per browser): their time counts too.
        left = sum(job.expected_seconds * (1 - job.progress()) for job in jobs)
        return f"Computing t-SNE: about {max(1, round(left))} s left"
    first = min(jobs, key=lambda job: job.ahead())
    ahead = first.ahead()
    text = f"t-SNE is waiting for a free slot on the server: {ahead} ahead" if ahead else \
        "t-SNE is waiting for a free slot on the server: it is next"
    if first.behind_own():
        text += (" (this browser runs a training or another map now: one at a time per browser)"
                 if first.owner == owner else " (the browser that asked for this map first runs something else now)")
    return text


def map_section(state: PageState, model: Any, digits: TestDigits, layers: list[Probe], config: Any) -> None:
    """Choose a layer and a method; the map of the trained network beside the untrained one, and the digits selected."""
    st.write("Each point is one test digit, placed by the numbers the chosen layer holds for it: digits the "
             "layer finds alike land close together. Colours are the true digits; crosses the digits the network "
             "reads wrong. A layer that has learned its job pulls each digit's points into a cloud of its own.")
    titles = {layer.name: layer.title for layer in layers}
    default = chosen_layer(state, layers)
    left, right = st.columns([3, 2])
    widget, _ = remembered(state, None, "map_layer")
    name = remember(state, left.selectbox("Layer", list(titles), index=list(titles).index(default.name),
                                          format_func=titles.get, key=widget), "map_layer")
    widget, method = remembered(state, "PCA", "map_method")
    method = remember(state, right.radio(
        "Map", ["PCA", "t-SNE"], index=["PCA", "t-SNE"].index(method), horizontal=True, key=widget,
        help="PCA: the two directions along which the digits differ most; at once. t-SNE: keeps neighbours "
             "together; a few seconds, computed on request once per model and layer."), "map_method")
    widget, compare = remembered(state, True, "map_compare")
    if name != PIXELS:
        compare = remember(state, st.toggle("Beside it, the same network before training", value=bool(compare),
                                            key=widget), "map_compare")
    compare = compare and name != PIXELS
    twin = embedding.untrained_twin(model, config) if compare else None
    maps = [embedding.layer_map(model, digits.images, digits.labels, name)]
    if twin is not None:
        maps.append(embedding.layer_map(twin, digits.images, digits.labels, name))
    if method == "t-SNE" and maps[0].reduced.shape[1] < 2:
        st.info("t-SNE needs at least two numbers per digit, and this layer has one: here is its PCA map, "
                "which already shows everything.")
    elif method == "t-SNE":
        found = tsne_maps(state, [model] + ([twin] if twin is not None else []), digits, name)
        if found is None:
            return
        maps = found
    after = maps[0]
    if after.note:
        st.info(after.note)
    evaluation = digits.evaluation
    after_figure = figures.layer_map_figure(after.coordinates, digits.labels, evaluation.predictions, digits.indices,
                                            evaluation.probabilities.max(axis=1),
                                            title="After training" if twin is not None else "")
    selection = {"on_select": "rerun", "selection_mode": ("points", "box", "lasso")}
    if twin is not None:
        before = maps[1]
        # Before training, right and wrong mean nothing yet: every point is a plain dot.
        before_figure = figures.layer_map_figure(before.coordinates, digits.labels, digits.labels, digits.indices,
                                                 title="Before training (the same layers, freshly initialised)")
        columns = st.columns(2)
        show(state, before_figure, "map_before", columns[0], **selection)
        show(state, after_figure, "map_after", columns[1], **selection)
    else:
        if name == PIXELS:
            st.caption("The input pixels do not change with training, so there is no 'before' to compare.")
        show(state, after_figure, "map_after", **selection)
    if method == "PCA" and after.projection.variance.size >= 2:
        shares = after.projection.variance
        st.caption(f"PCA: left to right is the direction along which these digits differ most in this layer "
                   f"({shares[0]:.0%} of all their variation), bottom to top the next ({shares[1]:.0%}); the other "
                   "directions are flattened away.")
    selected_digits(state, digits)


def selected_digits(state: PageState, digits: TestDigits) -> None:
    """The test digits selected on either map, as pictures with the network's answers."""
    chosen: list[int] = []
    for chart in MAP_CHARTS:
        for data in selected_data(state, chart):
            if int(data[0]) not in chosen:
                chosen.append(int(data[0]))
    if not chosen:
        st.caption("Hover a point to name its digit; click a point, or draw a loop around several, to see the "
                   "digits themselves here.")
        return
    places = np.searchsorted(digits.indices, chosen[:SELECTED_SHOWN])  # the sample's indices are sorted
    places = places[(places < len(digits.indices)) & (digits.indices[np.minimum(places, len(digits.indices) - 1)]
                                                       == np.asarray(chosen[:SELECTED_SHOWN]))]
    if not len(places):
        return
    evaluation = digits.evaluation
    captions = [f"{digits.labels[i]} → {evaluation.predictions[i]} · {evaluation.probabilities[i].max():.0%}"
                for i in places]
    st.markdown(f"**{len(chosen)} digit{'s' if len(chosen) != 1 else ''} selected**"
                + (f" (the first {SELECTED_SHOWN} shown)" if len(chosen) > SELECTED_SHOWN else "")
                + ": true digit → the network's answer · its probability.")
    show(state, figures.digit_tiles(digits.images[places], captions,
                                    evaluation.predictions[places] != digits.labels[places]), "map_selected")


def map_with_drawing(state: PageState, model: Any, digits: TestDigits, layers: list[Probe], image: np.ndarray) -> None:
    """The map chosen in "Map of a layer", with the drawn digit as a star where it lands."""
    if not layers:
        st.info("This model's layers cannot be read one by one, so there is no map to place your digit on.")
        return
    started = time.perf_counter()
    layer = chosen_layer(state, layers)
    layer_map = embedding.layer_map(model, digits.images, digits.labels, layer.name)
    if state.get("deeper", "map_method") == "t-SNE":
        job = tsne.existing_tsne(model, digits.images, digits.labels, layer.name)
        if job is not None and job.done and job.result is not None:
            layer_map = job.result
        else:
            st.caption("The t-SNE map of this layer is not computed yet: here is its PCA map.")
    place = layer_map.place(layer_outputs(model, image[None], layer.name, stop=True)[0])
    evaluation = digits.evaluation
    figure = figures.layer_map_figure(layer_map.coordinates, digits.labels, evaluation.predictions, digits.indices,
                                      evaluation.probabilities.max(axis=1), marked=place,
                                      title=f"{layer.title} ({layer_map.method})")
    show(state, figure, "map_drawn")
    how = "projected like the test digits" if layer_map.method == "PCA" else \
        f"placed among its {embedding.NEIGHBOURS} nearest test digits (t-SNE has no formula for a new point)"
    st.caption(f"The star is your digit, {how}. Choose the layer and the method in *Look deeper* above. "
               f"({(time.perf_counter() - started) * 1000:.0f} ms)")

"""Measures on the test digits, and the drawn digit under the same settings.

- How robust: sliders damage every test digit (noise, rotation, shift, thickness); the
  accuracy now, example digits, and accuracy curves against each change on request.
- I don't know: a confidence threshold, the share of digits answered and their accuracy.
- Switch units off: hidden neurons or CNN filters set to zero, without retraining.

Each has a ``drawn_*`` counterpart for the digit on the canvas, which reads the section's
widgets from the session (they are drawn above it) and runs in a few milliseconds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from nn_core.digits import ablation, confidence, robustness
from nn_core.digits import deeper_figures as figures
from nn_core.digits.inference import predict_batch, predict_digit
from nn_core.digits.probes import Probe
from ui.charts import show
from ui.digits.deeper.common import TestDigits, key, remember, remembered
from ui.state import PageState

DEFAULT_THRESHOLD = 0.9


def damage_chosen(state: PageState) -> robustness.Damage:
    """The damage the "How robust" sliders describe (none before they are drawn)."""
    values = {name: state.get("deeper", "damage", name, default=0) for name in robustness.CHANGES}
    return robustness.Damage(noise=float(values["noise"]), rotation=float(values["rotation"]),
                             shift=int(values["shift"]), thickness=int(values["thickness"]))


def robustness_section(state: PageState, model: Any, digits: TestDigits) -> None:
    """Sliders that damage the test digits; accuracy now, example digits, and accuracy curves on request."""
    st.write("A person still reads a digit that is a little noisy, tilted, off-centre or drawn with a thicker "
             "pen. Does the network? Move the sliders: every test digit gets the same changes.")
    columns = st.columns(len(robustness.CHANGES))
    for column, change in zip(columns, robustness.CHANGES.values()):
        kind = float if change.name == "noise" else int
        widget, value = remembered(state, 0, "damage", change.name)
        remember(state, column.slider(change.label, kind(change.low), kind(change.high), kind(value), kind(change.step),
                                      key=widget), "damage", change.name)
    damage = damage_chosen(state)
    baseline = digits.evaluation.accuracy
    damaged = damage.apply(digits.images)  # (n, 28, 28)
    predictions = np.argmax(predict_batch(model, damaged), axis=1)
    right = float(np.mean(predictions == digits.labels))
    change_word = "Undamaged" if damage.none else "With these changes"
    st.markdown(f"{change_word}, the network reads **{right:.1%}** of these {len(digits.labels):,} test digits "
                f"right" + ("." if damage.none else f" (undamaged: {baseline:.1%})."))
    examples = np.concatenate([np.flatnonzero(digits.labels == digit)[:2] for digit in range(10)])
    captions = [f"{digits.labels[i]} → {predictions[i]}" for i in examples]
    show(state, figures.digit_tiles(damaged[examples], captions, predictions[examples] != digits.labels[examples]),
         "damaged_examples")
    st.caption("Two test digits of each kind as the network now sees them: true digit → its answer (red: wrong).")

    st.subheader("Accuracy against each change")
    if st.button("Measure the accuracy curves", key=key(state, "measure_curves"),
                 help="Every test digit at every level of each change, one change at a time: a few seconds."):
        with st.spinner("Damaging the test digits and reading them again..."):
            for name in robustness.CHANGES:
                robustness.cached_curve(model, digits.images, digits.labels, name)
    curves = robustness.known_curves(model, digits.images, digits.labels)
    if curves:
        current = {name: getattr(damage, name) for name in robustness.CHANGES}
        show(state, figures.robustness_figure(curves, current, baseline), "robustness_curves")
        st.caption("Each chart changes one thing alone; the dotted line is the undamaged accuracy and the orange "
                   "line where the slider stands. Networks trained only on centred, upright digits are often "
                   "surprisingly fragile to shifts and turns.")
    else:
        st.caption("Press the button to measure accuracy at every level of each change.")


def confidence_section(state: PageState, digits: TestDigits) -> None:
    """A confidence threshold: how many digits the network answers, and how well, as it moves."""
    st.write("A network that must always answer will answer wrongly. Let it say “I don't know” when its "
             "largest probability is below a threshold: it answers fewer digits, and more of those right.")
    widget, value = remembered(state, DEFAULT_THRESHOLD, "threshold")
    threshold = remember(state, st.slider("Confidence needed to answer", 0.0, 0.99, float(value), 0.01, format="%.2f",
                                          key=widget), "threshold")
    evaluation = digits.evaluation
    at = confidence.at_threshold(evaluation.probabilities, evaluation.labels, threshold)
    accuracy = f"{at.accuracy:.1%}" if at.answered else "—"
    st.markdown(f"At **{threshold:.0%}** the network answers **{at.answered:,} of {at.total:,}** test digits "
                f"({at.answered_share:.0%}) and reads **{accuracy}** of those right; to the other "
                f"{at.total - at.answered:,} it says “I don't know”. Answering everything: "
                f"{evaluation.accuracy:.1%} right.")
    curve = confidence.threshold_curve(evaluation.probabilities, evaluation.labels)
    show(state, figures.threshold_figure(curve, threshold), "threshold")


def hidden_probes(layers: list[Probe]) -> list[Probe]:
    """The layers whose units can be switched off (not the input)."""
    return [layer for layer in layers if layer.kind != "pixels"]


def ablation_chosen(state: PageState, layers: list[Probe]) -> tuple[Probe | None, list[int]]:
    """The layer and units the "Switch units off" tab has switched off (none before it is drawn)."""
    hidden = hidden_probes(layers)
    name = state.get("deeper", "ablation_layer")
    layer = next((probe for probe in hidden if probe.name == name), hidden[0] if hidden else None)
    if layer is None:
        return None, []
    off = state.get("deeper", "ablation_off", layer.name, default=[]) or []
    return layer, [int(unit) for unit in off if 0 <= int(unit) < layer.units]


def ablation_section(state: PageState, model: Any, digits: TestDigits, layers: list[Probe]) -> None:
    """Switch chosen hidden units or filters off, without retraining, and measure again."""
    hidden = hidden_probes(layers)
    if not hidden:
        st.info("This network has no hidden layer: there are no units to switch off.")
        return
    st.write("Switch some units off (their output set to zero for every digit), without retraining, and see "
             "what the rest of the network can still do. Hover the hidden layers of a drawn digit below to find "
             "the units it excites.")
    titles = {layer.name: layer.title for layer in hidden}
    widget, chosen = remembered(state, hidden[0].name, "ablation_layer")
    names = list(titles)
    name = remember(state, st.selectbox("Layer", names, index=names.index(chosen) if chosen in names else 0,
                                        format_func=titles.get, key=widget), "ablation_layer")
    layer = next(probe for probe in hidden if probe.name == name)
    noun = "filter" if layer.kind == "filters" else "neuron"
    off_key, off = remembered(state, [], "ablation_off", layer.name)

    def switch(units: list[int]) -> None:
        # The widget starts again from the kept choice (setting its own key would also work, with a warning).
        remember(state, units, "ablation_off", layer.name)
        st.session_state.pop(off_key, None)

    left, right = st.columns(2)
    left.button(f"Switch every {noun} off", key=key(state, "ablation_all", layer.name), on_click=switch,
                args=(list(range(layer.units)),))
    right.button("Reset: every unit on", key=key(state, "ablation_reset", layer.name), on_click=switch, args=([],))
    off = remember(state, st.multiselect(f"{noun.capitalize()}s switched off", list(range(layer.units)),
                                         default=[unit for unit in off if 0 <= unit < layer.units], key=off_key,
                                         format_func=lambda unit: f"{noun} {unit}",
                                         placeholder=f"Choose {noun}s to switch off"), "ablation_off", layer.name)
    whole = digits.evaluation
    after = ablation.cached_ablation(model, digits.images, digits.labels, layer.name, off) if off else whole
    left, right = st.columns(2)
    left.metric("Test accuracy", f"{after.accuracy:.1%}",
                delta=f"{(after.accuracy - whole.accuracy) * 100:+.1f} points" if off else None)
    right.metric(f"{noun.capitalize()}s on", f"{layer.units - len(off)} of {layer.units}")
    if len(off) == layer.units:
        st.caption(f"Every {noun} of this layer is off: the layers after it see nothing but their own biases, so "
                   "every digit gets the same answer, and about one digit in ten is right by chance.")
    show(state, figures.ablation_figure(whole.per_class, after.per_class), "ablation")


def damaged_drawing(state: PageState, model: Any, image: np.ndarray) -> None:
    """The drawn digit under the "How robust" sliders' changes, and under each change alone."""
    damage = damage_chosen(state)
    rows, captions = [], []
    for change in robustness.CHANGES.values():
        for level in change.strip:
            rows.append(change.damage(level).apply(image[None])[0])
            captions.append(f"{change.name} {level:g}")
    pictures = np.stack([damage.apply(image[None])[0], *rows])  # (1 + k, 28, 28)
    answers = np.argmax(predict_batch(model, pictures), axis=1)
    best = int(np.argmax(predict_digit(model, image)))
    described = "no change" if damage.none else ", ".join(
        f"{name} {getattr(damage, name):g}" for name in robustness.CHANGES if getattr(damage, name))
    st.markdown(f"With the **How robust** sliders ({described}) your digit reads as **{answers[0]}**"
                + (" (unchanged)." if answers[0] == best else f" instead of {best}."))
    columns = max(len(change.strip) for change in robustness.CHANGES.values())
    show(state, figures.digit_tiles(pictures[1:], [f"{caption} → {answer}" for caption, answer in
                                                   zip(captions, answers[1:])], answers[1:] != best, columns=columns),
         "drawn_damaged")
    st.caption(f"Each row changes one thing alone; red where the answer is no longer {best}.")


def drawn_confidence(state: PageState, model: Any, image: np.ndarray) -> None:
    """What the drawn digit gets at the "I don't know" threshold."""
    threshold = float(state.get("deeper", "threshold", default=DEFAULT_THRESHOLD))
    probabilities = predict_digit(model, image)
    answer = confidence.verdict(probabilities, threshold)
    best = int(np.argmax(probabilities))
    if answer is None:
        st.markdown(f"At a threshold of **{threshold:.0%}** the network says **“I don't know”**: its best guess, "
                    f"{best}, has only {probabilities[best]:.0%}.")
    else:
        st.markdown(f"At a threshold of **{threshold:.0%}** the network answers **{answer}** "
                    f"({probabilities[best]:.0%} sure).")
    st.caption("Move the threshold in the **I don't know** tab of *Look deeper* above.")


def drawn_ablation(state: PageState, model: Any, image: np.ndarray, layers: list[Probe]) -> None:
    """The drawn digit's answer with the units chosen in "Switch units off" switched off."""
    layer, off = ablation_chosen(state, layers)
    best = int(np.argmax(predict_digit(model, image)))
    if layer is None or not off:
        st.markdown(f"Every unit is on: the network answers **{best}**. Switch units off in the **Switch units off** "
                    "tab of *Look deeper* above.")
        return
    odds = ablation.ablated_probabilities(model, image[None], layer.name, off)[0]
    answer = int(np.argmax(odds))
    st.markdown(f"With {len(off)} of {layer.name}'s {layer.units} units off, your digit reads as **{answer}** "
                f"({odds[answer]:.0%} sure); with every unit on, **{best}**.")

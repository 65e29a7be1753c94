"""The one list of lessons: what the app shows, in order, and what each lesson is.

``app.py`` builds its navigation from ``LESSONS``, the home page its cards, the tests
their parametrised cases, and a test checks that the Dockerfile ships every tree a
lesson lives in. A lesson with slug ``s`` is ``pages/s.py`` (its thin page script),
``ui/s/`` (its Streamlit sections) and ``nn_core/s/`` (its config, engine and figures).
Adding a lesson is those three and one entry here (``docs/architecture.md`` shows one).

The run store reads ``config_class`` to rebuild a saved run's settings and
``load_model`` to bring its model file back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nn_core.cnn import CNNConfig
from nn_core.config import TrainingConfig
from nn_core.digits import NUM_CLASSES
from nn_core.mlp import MLPConfig
from nn_core.perceptron import PerceptronConfig
from nn_core.persistence import model_from_bytes
from nn_core.plane import PlaneConfig
from nn_core.rnn import RNNConfig


@dataclass(frozen=True)
class Lesson:
    """One lesson of the playground.

    Attributes:
        slug: its name in URLs, file names and session keys, e.g. "mlp".
        title: its title in the navigation and on the home page.
        icon: a Material icon for the navigation, e.g. ":material/stacks:".
        teaches: one short paragraph for the home page's card.
        card: which picture the home page draws on the card ("mean", "grid", "edges", "text", "plane").
        config_class: the settings dataclass of the network it trains.
        load_model: a saved model file's bytes -> what the page shows and draws with.
    """

    slug: str
    title: str
    icon: str
    teaches: str
    card: str
    config_class: type[TrainingConfig]
    load_model: Callable[[bytes], Any]

    @property
    def page_path(self) -> str:
        """The page script, relative to the app's folder."""
        return f"pages/{self.slug}.py"


def _digit_model_loader(config_class: type[TrainingConfig]) -> Callable[[bytes], Any]:
    def load(data: bytes) -> Any:
        return model_from_bytes(data, config_class.input_shape, NUM_CLASSES,  # type: ignore[attr-defined]
                                limits=config_class.network_limits)

    return load


def _load_text_model(data: bytes) -> Any:
    from nn_core.rnn.training import load_text_model

    return load_text_model(data)


def _load_plane_model(data: bytes) -> Any:
    from nn_core.plane.training import load_plane_model

    return load_plane_model(data)


LESSONS: tuple[Lesson, ...] = (
    Lesson("perceptron", "Perceptron", ":material/linear_scale:",
           "One layer, ten neurons, one per digit: every pixel wired straight to every output. "
           "See each neuron's weights as a picture of what it looks for, draw a digit for it, and "
           "watch a single neuron fail at XOR.", "mean", PerceptronConfig, _digit_model_loader(PerceptronConfig)),
    Lesson("mlp", "Multi-Layer Perceptron", ":material/stacks:",
           "Hidden layers, activations, dropout and optimizers: build a deeper network, watch "
           "training and validation curves part when it overfits, and find the digits it confuses.",
           "grid", MLPConfig, _digit_model_loader(MLPConfig)),
    Lesson("cnn", "Convolutional Network", ":material/grid_on:",
           "Convolution, activation and pooling, stage by stage on any image; then a CNN trained "
           "live, with every feature map of your drawn digit side by side.", "edges", CNNConfig,
           _digit_model_loader(CNNConfig)),
    Lesson("rnn", "Recurrent Network", ":material/autorenew:",
           "A character-level text generator: a network that reads a few characters and guesses "
           "the next, trained live until its noise turns into words.", "text", RNNConfig, _load_text_model),
    Lesson("plane", "The plane: points and layers", ":material/scatter_plot:",
           "TensorFlow Playground with real Keras: circles, XOR, spirals and your own points on a plane. Pick "
           "features and layers, and watch every neuron's picture and the decision boundary change as it learns; "
           "see why XOR needs a hidden layer.", "plane", PlaneConfig, _load_plane_model),
)
"""Every lesson, in the order of the navigation."""


def lesson(slug: str) -> Lesson:
    """The lesson with this slug.

    Raises:
        KeyError: there is none.
    """
    for candidate in LESSONS:
        if candidate.slug == slug:
            return candidate
    raise KeyError(slug)

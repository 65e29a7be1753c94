"""The models the playground trains, one module and one config dataclass each.

``build_model(config)`` turns any of the configs into a compiled ``keras.Model``; the
config's own ``build()`` says what the network is, ``compile_model`` how it learns.
"""

from nn_core.models.cnn import CNNConfig
from nn_core.models.common import ACTIVATIONS, build_model, compile_model, make_optimizer
from nn_core.models.mlp import MLPConfig
from nn_core.models.perceptron import PerceptronConfig
from nn_core.models.rnn import RNNConfig, build_text_model

__all__ = [
    "ACTIVATIONS",
    "CNNConfig",
    "MLPConfig",
    "PerceptronConfig",
    "RNNConfig",
    "build_model",
    "build_text_model",
    "compile_model",
    "make_optimizer",
]

"""The Multi-Layer Perceptron lesson: hidden layers, activations, dropout, optimizers, overfitting.

- ``config``: ``MLPConfig`` and the page's presets;
- ``early_stopping``: patience on the validation loss, as a training callback;
- ``figures``: the network drawn as columns of neurons;
- ``job``: the MLP's training job (the digit job, with early stopping when asked).
"""

from nn_core.mlp.config import PRESETS, MLPConfig

__all__ = ["PRESETS", "MLPConfig"]

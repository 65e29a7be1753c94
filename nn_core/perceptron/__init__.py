"""The Perceptron lesson: ten neurons wired straight to the pixels, and one neuron on logic gates.

- ``config``: ``PerceptronConfig`` and the page's presets;
- ``gates``: one sigmoid neuron trained on AND, OR, NOR and XOR;
- ``figures``: each neuron's weights as a picture, a gate's decision boundary.
"""

from nn_core.perceptron.config import PRESETS, PerceptronConfig

__all__ = ["PRESETS", "PerceptronConfig"]

"""The Convolutional Network lesson: convolution -> activation -> pooling, by hand and learned.

- ``config``: ``CNNConfig``, the network it builds, and the page's presets;
- ``filters``: the three stages in NumPy on any picture, with the arithmetic at one pixel;
- ``images``: uploads and drawings made into greyscale pictures for the filter lab;
- ``feature_maps``: what every layer of a trained CNN makes of a digit;
- ``figures``: stage pictures, the arithmetic, feature maps and kernels.
"""

from nn_core.cnn.config import PRESETS, CNNConfig

__all__ = ["PRESETS", "CNNConfig"]

"""The plane: TensorFlow Playground's lesson with real Keras. Points on a plane, a small network, every neuron seen.

- ``data``: the data sets (circle, XOR, Gaussian clusters, spirals, moons, a regression
  surface), the input features, the split into training and test points, in plain NumPy;
- ``points``: a student's own points, from a CSV file or clicks, checked in plain words;
- ``config``: ``PlaneConfig`` and the page's presets;
- ``training``: the points of a setting, the training job, the test points, model files;
- ``maps``: every neuron's output over the plane from one compiled call;
- ``pictures``: maps coloured, the decision regions with their points painted in, as PNG or JPEG;
- ``figures``: the points, the decision regions and the network with a picture per neuron;
- ``script``: the setting as a standalone Keras script that makes the same points.
"""

from nn_core.plane.config import PRESETS, PlaneConfig

__all__ = ["PRESETS", "PlaneConfig"]

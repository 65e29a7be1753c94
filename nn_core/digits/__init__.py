"""What the three digit lessons (perceptron, MLP, CNN) share: the digits and what is done with them.

- ``data``: MNIST, the full set through Keras or the 10,000 bundled digits;
- ``job``: a training job for any digit model (samples, validation, shapes, evaluation);
- ``preprocess``: a canvas drawing made into a digit as MNIST stored them;
- ``inference``: one digit or many through a compiled call of the model;
- ``analysis``: confusion matrix, mistakes, hidden activations;
- ``figures``: the Plotly pictures of digits, probabilities and mistakes;
- ``script``: the standalone Keras script of a digit model's settings.
"""

NUM_CLASSES = 10
"""Digits 0 to 9: every digit model ends in ten outputs."""
IMAGE_SIDE = 28
"""MNIST digits are 28x28 pixels."""
PIXELS = IMAGE_SIDE * IMAGE_SIDE


def a_digit(digit: int) -> str:
    """The digit with its article, as a sentence says it: "a 3", "an 8"."""
    return f"{'an' if int(digit) == 8 else 'a'} {int(digit)}"

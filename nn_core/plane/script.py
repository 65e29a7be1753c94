"""A plane setting as a standalone Keras script: the same points, the same features, the same network.

The script copies the source of the functions that make the points in the app
(``nn_core.plane.data``: the chosen data set's generator, ``generate``, ``split``,
``feature_columns``), so it makes the very same points from the same seed; a student's
own points are written into it. The network is read from the one the config builds
(``nn_core.codegen.model_code``). It needs only TensorFlow and NumPy.
"""

from __future__ import annotations

import inspect

import numpy as np

from nn_core.codegen import model_code, optimizer_code
from nn_core.plane.config import PlaneConfig
from nn_core.plane.data import DATASETS, feature_columns, generate, split
from nn_core.plane.training import PlanePoints
from nn_core.training import steering_comment

HEADER = '''\
"""{title}: the neural-network playground's settings as a plain Keras script.

Run it with only TensorFlow and NumPy installed: python plane_playground.py
It makes the same {count:,} points as the page ({test_count:,} of them test points), feeds the
network the same features and trains the same network. The initial weights and the order
of the points come from Keras' own seeding here, so the curves differ a little from the page's.
"""

import numpy as np
import keras

SEED = {seed}
keras.utils.set_random_seed(SEED)  # the same initial weights and order of points on every run
'''

GENERATED_POINTS = '''
# The points: the page's own code, copied.
{generator}


{generate}


points, targets = generate({name}, {count}, {classes}, {noise!r}, SEED)  # (n, 2), (n,)
'''

OWN_POINTS = '''
# Your own points, as the page had them: x1, x2 and the class (numbered from 0).
CLASS_NAMES = {names!r}
POINTS = np.array([
{rows}
], dtype="float32")
points, targets = POINTS[:, :2], POINTS[:, 2].astype(int)
'''

TRAINING = '''

{split}


is_test = split(len(points), {test_share!r}, SEED)


{features_function}


FEATURES = {features!r}
x_train, x_test = feature_columns(points[~is_test], FEATURES), feature_columns(points[is_test], FEATURES)
{targets}

model = {model}
model.compile(
    optimizer={optimizer},
    loss="{loss}",
    metrics={metrics},
)
model.summary()

{steering}history = model.fit(x_train, y_train, epochs={epochs}, batch_size={batch_size}, validation_data=(x_test, y_test),
                    verbose=2)
{report}
'''


def _source(function) -> str:
    return inspect.getsource(function).strip()


def plane_script(config: PlaneConfig, data: PlanePoints, title: str = "The plane",
                 changes: tuple[tuple[float, str], ...] = ()) -> str:
    """A standalone script that makes the setting's points and trains its network as the app does.

    Args:
        config: the setting.
        data: its points (``nn_core.plane.training.plane_points``); a student's own are written in.
        title: a few words naming the lesson, for the script's docstring.
        changes: what was changed by hand while the page's run of these settings trained
            (``(epoch, what)`` pairs), written as comments before ``model.fit``.

    Returns:
        Python source.
    """
    outputs = config.outputs(data.classes)
    source = HEADER.format(title=title, count=len(data.points), test_count=int(data.is_test.sum()), seed=config.seed)
    if data.own is None:
        generator = DATASETS[config.dataset].make
        source += GENERATED_POINTS.format(generator=_source(generator), generate=_source(generate),
                                          name=generator.__name__, count=config.train_samples,
                                          classes=DATASETS[config.dataset].classes(config.classes), noise=config.noise)
    else:
        rows = np.concatenate([data.points, data.targets[:, None]], axis=1)  # (n, 3): x1, x2, class
        source += OWN_POINTS.format(names=list(data.class_names), rows="\n".join(
            f"    [{x1:.4f}, {x2:.4f}, {int(label)}]," for x1, x2, label in rows.tolist()))
    if outputs == 1:
        targets = ('y_train = targets[~is_test].astype("float32").reshape(-1, 1)  # one output: (n, 1)\n'
                   'y_test = targets[is_test].astype("float32").reshape(-1, 1)')
    else:
        targets = ('y_train = targets[~is_test].astype("int32")  # one class index per point\n'
                   'y_test = targets[is_test].astype("int32")')
    if data.classes:
        report = ('loss, accuracy = model.evaluate(x_test, y_test, verbose=0)\n'
                  'print(f"Accuracy on the {len(x_test)} test points: {accuracy:.1%}")')
    else:
        report = ('loss = model.evaluate(x_test, y_test, verbose=0)\n'
                  'print(f"Mean squared error on the {len(x_test)} test points: {loss:.4f}")')
    source += TRAINING.format(
        split=_source(split), test_share=config.validation_split, features_function=_source(feature_columns),
        features=list(config.features), targets=targets,
        model=model_code(config.build(data.classes), first=f"keras.Input(shape=({len(config.features)},))"),
        optimizer=optimizer_code(config), loss=config.loss_for(data.classes),
        metrics='["accuracy"]' if data.classes else "[]", steering=steering_comment(changes), epochs=config.epochs, batch_size=config.batch_size,
        report=report)
    return source

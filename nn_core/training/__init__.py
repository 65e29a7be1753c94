"""One training loop for every page, and a background job that runs it.

- ``loop``: ``fit``, ``model.fit`` with hooks, the run's own order of samples, divergence caught;
- ``job``: ``TrainingJob`` on a thread of its own, its ``Snapshot``, its ``Status``, and the
  ``Callback`` objects lessons hook into it;
- ``slots``: how many trainings run at once on a server, the others waiting in order.

Training outlives the page script that started it, so moving a slider or switching pages
neither interrupts nor corrupts it. Only complete epochs count: an epoch cut short by a
stop is reported as the batches it got through, never as an epoch.
"""

from nn_core.training.job import METRICS, Callback, Snapshot, Status, TrainingData, TrainingJob
from nn_core.training.loop import Diverged, fit, seeded_batches
from nn_core.training.slots import SERVER_SLOTS, TrainingSlots

__all__ = ["METRICS", "SERVER_SLOTS", "Callback", "Diverged", "Snapshot", "Status", "TrainingData", "TrainingJob",
           "TrainingSlots", "fit", "seeded_batches"]

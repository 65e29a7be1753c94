"""One training loop for every page, and a background job that runs it.

- ``loop``: ``fit``, ``model.fit`` with hooks, the run's own order of samples, divergence caught;
- ``job``: ``TrainingJob`` on a thread of its own, steered while it runs, and the
  ``Callback`` objects lessons hook into it;
- ``status``: what a job shares with its callers: its ``Status`` and ``Snapshot``;
- ``steering``: pause, step, resume and a new learning rate, asked by a page and obeyed
  between two batches;
- ``slots``: how many trainings run at once on a server, one per browser, the others
  waiting with browsers taking turns.

Training outlives the page script that started it, so moving a slider or switching pages
neither interrupts nor corrupts it. Only complete epochs count: an epoch cut short by a
stop is reported as the batches it got through, never as an epoch.
"""

from nn_core.training.job import METRICS, Callback, TrainingJob
from nn_core.training.loop import Diverged, fit, seeded_batches
from nn_core.training.slots import SERVER_SLOTS, TrainingSlots
from nn_core.training.status import Snapshot, Status, TrainingData
from nn_core.training.steering import Steering, learning_rate_value, steering_comment

__all__ = ["METRICS", "SERVER_SLOTS", "Callback", "Diverged", "Snapshot", "Status", "Steering", "TrainingData",
           "TrainingJob", "TrainingSlots", "fit", "learning_rate_value", "seeded_batches", "steering_comment"]

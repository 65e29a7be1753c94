"""The playground's engine: data, models, training, preprocessing, inference and figures.

Nothing in this package imports Streamlit, so every piece can be used from a plain
script, a notebook or a test. The Streamlit pages in ``pages/`` are thin layers on top.

TensorFlow's thread pools are shared by every session of a Streamlit server, and their
sizes can only be set before TensorFlow is imported, so that happens here, first.
"""

import os

# Sizes of TensorFlow's thread pools. Several trainings may run at once on a shared
# server; each op uses at most every core, and ops are not run side by side, which keeps
# two trainings from oversubscribing a small machine. Override with the variables.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(os.cpu_count() or 1))
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
# Keep TensorFlow's C++ start-up chatter out of the server log.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

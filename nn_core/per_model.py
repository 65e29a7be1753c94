"""Results worked out once per trained model and kept while the model lives.

A page reruns on every click; what it shows of a trained model (its answers on the test
digits, the figures drawn from them) does not change while the model does not, so it is
worked out once and kept here, keyed by the model. The cache never holds the model
itself, only what was worked out from it, so a model nobody uses any more is freed with
its entries. A model that trains further must not be read through it: the pages only ask
about finished runs, and continuing a run trains a copy.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_RESULTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def remember(model: Any, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per model and key, then the same result again.

    Args:
        model: the trained model the result belongs to (any weakly referable object).
        key: what the result is, e.g. ("confusion figure", 2000); include every input.
        compute: works the result out; it must not return anything that holds ``model``.

    Returns:
        The result.
    """
    with _LOCK:
        found = _RESULTS.get(model, {}).get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        with _LOCK:
            _RESULTS.setdefault(model, {})[key] = found
    return found


_MISSING = object()

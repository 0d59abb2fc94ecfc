"""``tf.data.experimental``: the names of it that in-memory pipelines use."""
from __future__ import annotations

import enum
from typing import Any

from .._missing import missing_names as _missing_names
from .dataset import AUTOTUNE  # noqa: F401
from ._structure import INFINITE as INFINITE_CARDINALITY, UNKNOWN as UNKNOWN_CARDINALITY  # noqa: F401


def cardinality(dataset: Any) -> Any:
    """``dataset.cardinality()``.

    >>> import gradtape as tf
    >>> int(tf.data.experimental.cardinality(tf.data.Dataset.range(4).batch(3)))
    2
    """
    return dataset.cardinality()


def Counter(start: int = 0, step: int = 1, dtype: Any = "int64") -> Any:  # noqa: N802
    """``tf.data.Dataset.counter``: ``start, start + step, ...`` for ever.

    >>> import gradtape as tf
    >>> list(tf.data.experimental.Counter().take(2).as_numpy_iterator())
    [0, 1]
    """
    from .dataset import Dataset
    return Dataset.counter(start, step, dtype)


class AutoShardPolicy(enum.IntEnum):
    """How a distributed pipeline would split its input (kept in ``tf.data.Options``;
    no effect: one process).

    >>> import gradtape as tf
    >>> int(tf.data.experimental.AutoShardPolicy.DATA)
    2
    """
    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


__getattr__ = _missing_names("gradtape.data.experimental", "tf.data.experimental")

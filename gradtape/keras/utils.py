"""``tf.keras.utils``: the helpers training scripts call around a model.

>>> import gradtape as tf
>>> tf.keras.utils.to_categorical([0, 2], num_classes=3)
array([[1., 0., 0.],
       [0., 0., 1.]])
"""
from __future__ import annotations

import random as _python_random
from typing import Any, Optional

import numpy as np

from .. import random as _random
from .._core.tensor import TensorLike
from ..rules.creation import one_hot as _one_hot
from ..rules.shape import squeeze as _squeeze
from .._missing import missing_names as _missing_names

__all__ = ["to_categorical", "set_random_seed"]


def to_categorical(x: Any, num_classes: Optional[int] = None) -> Any:
    """Class ids as one-hot rows, as Keras: a tensor gives a float32 tensor
    (``num_classes`` required); a list or array gives a float64 ndarray with
    ``max(x) + 1`` classes by default.  A trailing axis of 1 is taken as the
    class axis; an id of -1 picks the last class, and an id out of range is
    an ``IndexError``, as NumPy indexes.

    >>> import gradtape as tf
    >>> tf.keras.utils.to_categorical(tf.constant([0, 1]), num_classes=2).numpy()
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    if isinstance(x, TensorLike):
        if num_classes is None:
            raise ValueError("to_categorical: num_classes is needed for a tensor of class ids")
        if x.shape.rank and x.shape.rank > 1 and x.shape[-1] == 1:
            x = _squeeze(x, [-1])
        return _one_hot(x, int(num_classes))
    ids = np.array(x, dtype="int64")
    shape = ids.shape[:-1] if ids.ndim > 1 and ids.shape[-1] == 1 else ids.shape
    ids = ids.reshape(-1)
    n = int(ids.max()) + 1 if num_classes is None else int(num_classes)
    rows = np.zeros((ids.shape[0], n))
    rows[np.arange(ids.shape[0]), ids] = 1
    return rows.reshape(shape + (n,))


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and gradtape's
    (``tf.random.set_seed``) at once, as Keras does for a reproducible run.

    >>> import numpy as np, gradtape as tf
    >>> tf.keras.utils.set_random_seed(3); a = np.random.rand()
    >>> tf.keras.utils.set_random_seed(3); bool(a == np.random.rand())
    True
    """
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} "
                         f"(of type {type(seed)})")
    _python_random.seed(seed)
    np.random.seed(seed)
    _random.set_seed(seed)


__getattr__ = _missing_names("gradtape.keras.utils", "tf.keras.utils")

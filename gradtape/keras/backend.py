"""``tf.keras.backend``: the helpers of Keras' old backend module that guides still call.

>>> import gradtape as tf
>>> tf.keras.backend.random_normal(shape=(2, 3)).shape
TensorShape([2, 3])
"""
from __future__ import annotations

from .. import random as _random
from .random import _shape
from .._missing import missing_names as _missing_names
from typing import Any, Optional
from .._core.types import DTypeLike, ShapeLike, TensorInput


def floatx() -> str:
    """The default float type of Keras' layers: ``'float32'``.

    >>> import gradtape as tf
    >>> tf.keras.backend.floatx()
    'float32'
    """
    return "float32"


def random_normal(shape: ShapeLike, mean: TensorInput = 0.0, stddev: TensorInput = 1.0,
                  dtype: Optional[DTypeLike] = None, seed: Optional[int] = None) -> Any:
    """Normal samples, as ``tf.random.normal`` (float32 unless ``dtype`` is given);
    ``shape`` may be a tensor such as ``tf.shape(x)``.

    >>> import gradtape as tf
    >>> x = tf.constant([[1.0, 2.0]])
    >>> tf.keras.backend.random_normal(shape=tf.shape(x)).dtype
    tf.float32
    """
    return _random.normal(_shape(shape), mean, stddev, dtype=dtype or floatx(), seed=seed)


__getattr__ = _missing_names("gradtape.keras.backend", "tf.keras.backend")

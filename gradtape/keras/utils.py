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

__all__ = ["to_categorical", "set_random_seed", "pad_sequences"]


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


def _sequence_lengths(sequences):
    """Each sequence's length, and the shape of one step (from the first non-empty one)."""
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths, step_shape = [], None
    for sequence in sequences:
        try:
            lengths.append(len(sequence))
        except TypeError as error:
            raise ValueError("`sequences` must be a list of iterables. Found non-iterable: "
                             f"{sequence}") from error
        if step_shape is None and len(sequence):
            step_shape = np.asarray(sequence).shape[1:]
    return lengths, step_shape or ()


def pad_sequences(sequences: Any, maxlen: Optional[int] = None, dtype: Any = "int32",
                  padding: str = "pre", truncating: str = "pre", value: Any = 0.0) -> np.ndarray:
    """Sequences of different lengths as one array ``(len(sequences), maxlen, ...)``, as
    Keras: each is cut to ``maxlen`` (the longest by default) at its start (``truncating=
    "pre"``) or end (``"post"``) and filled with ``value`` before it (``padding="pre"``) or
    after it (``"post"``).

    >>> import gradtape as tf
    >>> tf.keras.utils.pad_sequences([[1, 2, 3], [4]], padding="post")
    array([[1, 2, 3],
           [4, 0, 0]], dtype=int32)
    >>> tf.keras.utils.pad_sequences([[1, 2, 3], [4]], maxlen=2)
    array([[2, 3],
           [0, 4]], dtype=int32)
    """
    lengths, step_shape = _sequence_lengths(sequences)
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    text = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not text:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}\nYou should set `dtype=object` for variable length "
                         "strings.")
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    padded = np.full((len(lengths), maxlen) + tuple(step_shape), value, dtype=dtype)
    for row, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        kept = np.asarray(sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen],
                          dtype=dtype)
        if kept.shape[1:] != tuple(step_shape):
            raise ValueError(f"Shape of sample {kept.shape[1:]} of sequence at position {row} "
                             f"is different from expected shape {tuple(step_shape)}")
        if padding == "post":
            padded[row, :len(kept)] = kept
        else:
            padded[row, maxlen - len(kept):] = kept
    return padded


__getattr__ = _missing_names("gradtape.keras.utils", "tf.keras.utils")

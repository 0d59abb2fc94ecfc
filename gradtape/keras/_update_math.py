"""The arithmetic of optimizer steps and learning-rate schedules, written once
for two kinds of values.

An update rule computes with operators and the functions of a namespace.
``ARRAYS`` is NumPy on the arrays Variables hold: an eager step, as fast as
NumPy.  ``TENSORS`` is gradtape ops on Tensors: a ``gradtape.function`` being
traced records the step, so each replay repeats it.  Every ``TENSORS``
function is an op whose NumPy computation is its ``ARRAYS`` twin's, so both
give the same bits.

>>> import numpy as np
>>> import gradtape as tf
>>> from gradtape.keras._update_math import namespace_of
>>> def rms(x, xp):
...     return xp.sqrt(xp.sum(xp.square(x)) / np.float32(2))
>>> x = np.array([3.0, 4.0], np.float32)
>>> by_numpy = rms(x, namespace_of(x))
>>> by_ops = rms(tf.constant(x), namespace_of(tf.constant(x)))
>>> type(by_ops).__name__, bool(by_ops.numpy() == by_numpy)
('Tensor', True)
"""
import operator
from types import SimpleNamespace

import numpy as np

from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike
from .._core.trace import apply
from ..rules import elementwise as _elementwise
from ..rules import indexing as _indexing
from ..rules import reductions as _reductions
from ..rules._util import defop


def _scalar_power(xp, base, exponent):
    """``base ** exponent`` of two numbers, as NumPy scalars compute it.

    NumPy's scalar power and its ``power`` ufunc round differently (by an
    ulp, now and then); eager steps compute on scalars, and so use the
    scalar one.  A replay may hold 0-d arrays: they are made scalars first.
    """
    return np.asarray(base)[()] ** np.asarray(exponent)[()]


_SCALAR_POWER = defop("scalar_power", _scalar_power, nondiff=True)


def _array_cast(x, dtype):
    """``x`` as ``dtype`` (a NumPy scalar type): an array, or a scalar if 0-d."""
    if isinstance(x, np.ndarray) and x.ndim:
        return x.astype(dtype, copy=False)
    return dtype(x)


def _array_clip(x, low, high):
    return np.clip(x, low, high).astype(x.dtype, copy=False)


def _array_sum_of_squares(x, dtype):
    # squaring while casting: a cast copy first costs several times more on large arrays
    return np.sum(np.square(x, dtype=dtype))


def _array_rows(x, indices):
    """Rows ``indices`` (an array or a Tensor) of the array ``x``."""
    return np.take(x, np.asarray(getattr(indices, "_value", indices)), axis=0)


def _array_log(x):
    """``log(x)``; as TensorFlow's, NaN or -inf without a warning."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x)


def _array_learning_rate(rate):
    return float(np.asarray(rate))


ARRAYS = SimpleNamespace(
    name="arrays",
    read=lambda variable: variable._value,
    value=np.asarray,
    cast=_array_cast,
    learning_rate=_array_learning_rate,
    power=operator.pow,  # of NumPy scalars (as _scalar_power)
    sqrt=np.sqrt, square=np.square, abs=np.abs, sign=np.sign, maximum=np.maximum, minimum=np.minimum,
    floor=np.floor, ceil=np.ceil, cos=np.cos, log=_array_log, where=np.where, isfinite=np.isfinite, sum=np.sum,
    clip=_array_clip, rows=_array_rows,
    sum_of_squares=_array_sum_of_squares,
)


def _tensor_value(x):
    # a number or a list keeps NumPy's dtype, as ``ARRAYS.value``: the casts then agree
    return x._read() if isinstance(x, TensorLike) else convert_to_tensor(np.asarray(x))


def _tensor_cast(x, dtype):
    if isinstance(x, TensorLike):
        return _elementwise.cast(x, dtype)
    return dtype(x)


def _tensor_learning_rate(rate):
    """A rate read on every call: a Variable's or a schedule's tensor (a number stays one)."""
    if isinstance(rate, TensorLike):
        return rate._read()
    return _array_learning_rate(rate)


def _tensor_sum_of_squares(x, dtype):
    return _reductions.reduce_sum(_elementwise.square(_tensor_cast(x, dtype)))


def _tensor_power(base, exponent):
    base, exponent = _tensor_value(base), _tensor_value(exponent)
    return apply(_SCALAR_POWER, (base, exponent), {})


TENSORS = SimpleNamespace(
    name="tensors",
    read=lambda variable: variable.read_value(),
    value=_tensor_value,
    cast=_tensor_cast,
    learning_rate=_tensor_learning_rate,
    power=_tensor_power,
    sqrt=_elementwise.sqrt, square=_elementwise.square, abs=_elementwise.abs,
    sign=_elementwise.sign, maximum=_elementwise.maximum,
    minimum=_elementwise.minimum, floor=_elementwise.floor, ceil=_elementwise.ceil,
    cos=_elementwise.cos, log=_elementwise.log,
    where=_elementwise.where, isfinite=_elementwise.is_finite, sum=_reductions.reduce_sum,
    clip=_elementwise.clip_by_value, rows=_indexing.gather,
    sum_of_squares=_tensor_sum_of_squares,
)


def namespace_of(value):
    """``TENSORS`` for a Tensor or Variable, ``ARRAYS`` for anything else.

    >>> import numpy as np
    >>> import gradtape as tf
    >>> namespace_of(tf.constant(1.0)).name, namespace_of(np.ones(2)).name
    ('tensors', 'arrays')
    """
    return TENSORS if isinstance(value, TensorLike) else ARRAYS

"""Python values as tensors: ``convert_to_tensor``.

Apart from ``tensor.py`` because a list holding tensors becomes one tensor by
a recorded (differentiable) stack, which needs the dispatcher.
"""
from __future__ import annotations

import numpy as np

from .backend import is_array
from .basic_ops import stack
from .dtypes import as_dtype
from .errors import InvalidArgumentError
from .tensor import Tensor, TensorLike, to_array, wrap
from typing import Any, Optional

from .dtypes import DTypeLike


def convert_to_tensor(value: Any, dtype: Optional[DTypeLike] = None,
                      dtype_hint: Optional[DTypeLike] = None, name: str | None = None) -> Tensor:
    """Convert a Python number, list, ndarray or tensor to a Tensor.

    Python floats become float32 and ints int32 (TensorFlow's defaults);
    ndarrays keep their dtype, and so do objects NumPy converts by their
    ``__array__`` (a pandas DataFrame or Series).  A Tensor of another dtype
    than ``dtype`` is an error, never a silent cast.

    >>> import gradtape as tf
    >>> tf.convert_to_tensor([1, 2]).dtype, tf.convert_to_tensor(1.5).dtype
    (tf.int32, tf.float32)
    """
    if type(value) is Tensor and dtype is None:
        return value
    if isinstance(value, TensorLike):
        if dtype is not None:
            to_array(value, as_dtype(dtype))
        return value._read()
    dense = getattr(type(value), "_as_dense_tensor", None)  # an IndexedSlices
    if dense is not None:
        return convert_to_tensor(dense(value), dtype)
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        return _pack([convert_to_tensor(v, dtype, dtype_hint) for v in value])
    if _array_like(value):
        value = np.asarray(value)
    if dtype is None and dtype_hint is not None and not isinstance(value, (np.ndarray, np.generic)):
        try:
            return wrap(to_array(value, as_dtype(dtype_hint)))
        except (TypeError, ValueError):
            pass
    return wrap(to_array(value, None if dtype is None else as_dtype(dtype)))


def _array_like(value):
    """Whether NumPy converts ``value`` by its ``__array__`` (a pandas DataFrame or
    Series) while gradtape has no namespace for it: TensorFlow then keeps
    NumPy's dtype (float64, int64), not the defaults of Python numbers.

    >>> import numpy as np
    >>> class Frame:
    ...     def __array__(self, dtype=None, copy=None):
    ...         return np.array([[1.5, 2.0]])
    >>> _array_like(Frame()), _array_like([1.5]), _array_like(np.ones(2))
    (True, False, False)
    """
    return (hasattr(type(value), "__array__") and not isinstance(value, (np.ndarray, np.generic))
            and not is_array(value))


def _pack(values):
    """A list of same-shaped tensors of one dtype as one tensor (a differentiable stack)."""
    first = values[0]
    for i, v in enumerate(values[1:], 1):
        if v._value.shape != first._value.shape:
            raise InvalidArgumentError(
                f"stack: all values must have the same shape, but value 0 has shape "
                f"{tuple(first.shape)} and value {i} has shape {tuple(v.shape)}")
        if v.dtype is not first.dtype:
            raise InvalidArgumentError(
                f"cannot compute Pack as input #{i}(zero-based) was expected to be a "
                f"{first.dtype.name} tensor but is a {v.dtype.name} tensor; cast one "
                "value with gradtape.cast")
    return stack(values)


def _contains_tensor(seq):
    for v in seq:
        if isinstance(v, TensorLike):
            return True
        if isinstance(v, (list, tuple)) and _contains_tensor(v):
            return True
    return False

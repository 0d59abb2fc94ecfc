"""``gradtape.dtypes``: the element types and conversions, as ``tf.dtypes``.

>>> import gradtape as tf
>>> tf.dtypes.float32 is tf.float32, tf.dtypes.double
(True, tf.float64)
"""
from __future__ import annotations
import numpy as np

from ._core.dtypes import (DType, as_dtype, bool, complex64, complex128, float16,  # noqa: A004
                           float32, float64, int8, int16, int32, int64, string, uint8)
from ._missing import missing_names as _missing_names
from .rules.elementwise import cast
from typing import Optional
from ._core.types import DTypeLike, Tensor, TensorInput

__all__ = ["DType", "as_dtype", "bool", "cast", "complex64", "complex128", "double",
           "float16", "float32", "float64", "half", "int8", "int16", "int32", "int64",
           "saturate_cast", "string", "uint8"]

double = float64
half = float16


def saturate_cast(value: TensorInput, dtype: DTypeLike, name: Optional[str] = None) -> Tensor:
    """``value`` cast to ``dtype``, values outside ``dtype``'s range clipped to it first.

    >>> import gradtape as tf
    >>> tf.dtypes.saturate_cast(tf.constant([300.0, -5.0]), tf.uint8).numpy()
    array([255,   0], dtype=uint8)
    """
    from .rules import maximum, minimum
    from ._core.convert import convert_to_tensor
    value = convert_to_tensor(value)
    dtype = as_dtype(dtype)
    if not (value.dtype.is_complex or dtype.is_complex or value.dtype.is_bool
            or dtype.is_bool):
        if value.dtype.min < dtype.min:
            value = maximum(value, _bound(dtype.min, value.dtype))
        if value.dtype.max > dtype.max:
            value = minimum(value, _bound(dtype.max, value.dtype))
    return cast(value, dtype)


def _bound(limit, dtype):
    """``limit`` in ``dtype``, rounded towards zero so that it stays within ``limit``
    (float32 cannot hold int32's maximum; its nearest value is above it)."""
    bound = np.asarray(limit).astype(dtype._np)
    if dtype.is_floating and abs(float(bound)) > abs(float(limit)):
        bound = np.nextafter(bound, dtype._np.type(0))
    return bound


__getattr__ = _missing_names("gradtape.dtypes", "tf.dtypes")

"""The type aliases of gradtape's public signatures (also ``gradtape.typing``).

They cost nothing at run time: every module that uses them has
``from __future__ import annotations``, so an annotation is a string until a
type checker or ``typing.get_type_hints`` reads it.
"""
from typing import Any, Callable, Dict, Optional, Sequence, Union

import numpy as np

from .dtypes import DType
from .tensor import Tensor, TensorLike, TensorShape

#: What an op accepts as a tensor: a Tensor or Variable, a NumPy array or
#: scalar, a Python number or bool, or a (nested) list of them
TensorInput = Union[TensorLike, np.ndarray, np.generic, float, int, bool, complex, Sequence[Any]]
#: A dtype as ``tf.float32``, ``"float32"``, ``np.float32`` or ``np.dtype("float32")``
DTypeLike = Union[DType, str, np.dtype, type]
#: An axis or several (None: all of them)
Axis = Union[int, Sequence[int], TensorLike, None]
#: A shape as a list or tuple of ints, a ``TensorShape``, a 1-D integer tensor or one int
ShapeLike = Union[TensorShape, Sequence[Optional[int]], TensorLike, int]
#: Any nesting of dicts, lists and tuples (the sources and results of ``gradient``)
Nested = Any
#: A function of tensors
TensorFunction = Callable[..., Any]
#: A layer's or optimizer's serialized configuration
Config = Dict[str, Any]

__all__ = ["TensorInput", "DTypeLike", "Axis", "ShapeLike", "Nested", "TensorFunction", "Config",
           "Tensor", "TensorShape", "DType"]

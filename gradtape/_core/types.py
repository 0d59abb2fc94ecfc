"""The type aliases of gradtape's public signatures (also ``gradtape.typing``);
the engine's own are defined beside their types (``dtypes.py``, ``tensor.py``).

They cost nothing at run time: every module that uses them has
``from __future__ import annotations``, so an annotation is a string until a
type checker or ``typing.get_type_hints`` reads it.
"""
from typing import Any, Callable, Dict, Optional, Protocol

from .dtypes import DType, DTypeLike
from .tensor import Axis, ShapeLike, Tensor, TensorInput, TensorShape

#: Any nesting of dicts, lists and tuples (the sources and results of ``gradient``)
Nested = Any
#: A function of tensors
TensorFunction = Callable[..., Any]
#: A layer's or optimizer's serialized configuration
Config = Dict[str, Any]


class UnaryOp(Protocol):
    """An elementwise op of one tensor, as ``tf.exp``."""

    def __call__(self, x: TensorInput, name: Optional[str] = None) -> Tensor: ...


class BinaryOp(Protocol):
    """An elementwise op of two tensors, as ``tf.add``."""

    def __call__(self, x: TensorInput, y: TensorInput, name: Optional[str] = None) -> Tensor: ...


__all__ = ["TensorInput", "DTypeLike", "Axis", "ShapeLike", "Nested", "TensorFunction", "Config",
           "Tensor", "TensorShape", "DType", "UnaryOp", "BinaryOp"]

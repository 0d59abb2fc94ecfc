"""The elements of a ``tf.data`` pipeline: nested structures (tuples, namedtuples,
dicts) of NumPy arrays inside the pipeline, of Tensors outside, and their
``TensorSpec`` s.

A Python list given as data is one tensor, as in TensorFlow (``[1, 2]`` is a
vector, not a structure of two scalars); a list a function returns is a tuple.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._core import nest
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike, TensorShape, wrap
from ..concrete import TensorSpec

#: ``Dataset.cardinality()`` of a dataset that never ends
INFINITE = -1
#: ``Dataset.cardinality()`` of a dataset whose length is known only by reading it
UNKNOWN = -2


def is_structure(value: Any) -> bool:
    """Whether ``value`` is a structure of components rather than one component.

    >>> is_structure((1, 2)), is_structure({"a": 1}), is_structure([1, 2])
    (True, True, False)
    """
    return isinstance(value, (tuple, dict))


def to_arrays(value: Any) -> Any:
    """``value`` (tensors, arrays, Python numbers and lists, in tuples and dicts) as
    the same structure of NumPy arrays, converted as ``tf.constant`` converts.

    >>> to_arrays(([1, 2], {"x": 1.5}))
    (array([1, 2], dtype=int32), {'x': array(1.5, dtype=float32)})
    """
    if isinstance(value, dict):
        return {k: to_arrays(v) for k, v in value.items()}
    if isinstance(value, tuple):
        parts = [to_arrays(v) for v in value]
        return type(value)(*parts) if hasattr(type(value), "_fields") else tuple(parts)
    if isinstance(value, np.ndarray):
        return value
    tensor = value if isinstance(value, TensorLike) else convert_to_tensor(value)
    return np.asarray(tensor.numpy() if hasattr(tensor, "numpy") else tensor)


def normalize_output(value: Any) -> Any:
    """A function's result as an element: lists become tuples, as TensorFlow's
    ``map`` makes them.

    >>> normalize_output([1, {"a": [2, 3]}])
    (1, {'a': (2, 3)})
    """
    if isinstance(value, dict):
        return {k: normalize_output(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(normalize_output(v) for v in value)
    if isinstance(value, tuple):
        parts = [normalize_output(v) for v in value]
        return type(value)(*parts) if hasattr(type(value), "_fields") else tuple(parts)
    return value


def to_tensors(element: Any) -> Any:
    """An element of arrays as the same structure of Tensors (datasets, the parts
    of a ``window``, stay datasets)."""
    if type(element) is np.ndarray:
        return wrap(element)
    return nest.map_structure(lambda a: wrap(np.asarray(a)) if _is_array(a) else a, element)


def _is_array(value):
    return isinstance(value, (np.ndarray, np.generic))


def spec_of(element: Any) -> Any:
    """The ``TensorSpec`` structure of an element of arrays (or tensors).

    >>> spec_of((np.zeros((2, 3)), np.int32(1)))
    (TensorSpec(shape=(2, 3), dtype=tf.float64, name=None), TensorSpec(shape=(), dtype=tf.int32, name=None))
    """
    return nest.map_structure(lambda a: TensorSpec(np.shape(a), np.asarray(a).dtype)
                              if not isinstance(a, TensorLike) else TensorSpec(a.shape, a.dtype),
                              element)


def map_specs(func: Any, spec: Any) -> Any:
    """``func`` applied to each ``TensorSpec`` of ``spec``, keeping the structure."""
    return nest.map_structure(func, spec)


def leaves(structure: Any) -> list:
    """The components of an element or spec, in TensorFlow's order (dicts by key)."""
    return nest.flatten(structure)


def pack(structure: Any, flat: Any) -> Any:
    return nest.pack_sequence_as(structure, list(flat))


def batched(spec: TensorSpec, size: Any) -> TensorSpec:
    """``spec`` with a leading dimension of ``size`` (``None``: unknown)."""
    if spec._shape is None:
        return TensorSpec(None, spec.dtype)
    return TensorSpec((size,) + spec._shape, spec.dtype)


def unbatched(spec: TensorSpec) -> TensorSpec:
    """``spec`` without its leading dimension."""
    if spec._shape is None:
        return TensorSpec(None, spec.dtype)
    if not spec._shape:
        raise ValueError("Cannot unbatch an input with scalar components.")
    return TensorSpec(spec._shape[1:], spec.dtype)


def common_shape(a: Any, b: Any) -> Any:
    """The most specific shape both ``a`` and ``b`` fit (``None``: any rank).

    >>> common_shape((2, 3), (4, 3)), common_shape((2,), (2, 1))
    ((None, 3), None)
    """
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


def shape_text(shape: Any) -> str:
    return "<unknown>" if shape is None else str(TensorShape(shape))


def check_compatible(first: Any, second: Any) -> Any:
    """The spec two datasets share (``concatenate``): the same structure and
    dtypes, shapes relaxed where they differ; ``TypeError`` otherwise."""
    def fail():
        raise TypeError(f"Incompatible dataset elements:\n  {first} vs.   {second}")
    try:
        nest.assert_same_structure(first, second)
    except (ValueError, TypeError):
        fail()
    pairs = list(zip(leaves(first), leaves(second)))
    if any(a.dtype != b.dtype for a, b in pairs):
        fail()
    return pack(first, [TensorSpec(common_shape(a._shape, b._shape), a.dtype) for a, b in pairs])

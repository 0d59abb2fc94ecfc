"""``TensorArray``: a list of tensors of one dtype, written and read by index, as
TensorFlow's eager ``tf.TensorArray``.

As in eager TensorFlow, ``write``/``unstack``/``scatter`` return a new
``TensorArray`` object that shares its elements with the one written to
(``ta = ta.write(i, x)`` is the idiom).  Elements are tensors, so gradients
flow from ``stack()``, ``read()``, ``gather()`` and ``concat()`` back to the
values written.
"""
from __future__ import annotations
import numpy as np

from ._core import trace as _trace
from ._core.dtypes import as_dtype
from ._core.tensor import TensorLike, TensorShape, constant, decide
from ._core.convert import convert_to_tensor
from .errors import InvalidArgumentError, OutOfRangeError
from .rules import concat, stack, unstack, zeros
from typing import Any, Optional, Union
from ._core.types import DType, DTypeLike, ShapeLike, Tensor, TensorInput

__all__ = ["TensorArray"]


class _Elements:
    """What the ``TensorArray`` objects of one array share."""

    __slots__ = ("values", "dynamic", "clear_after_read", "element_shape", "infer_shape",
                 "cleared")

    def __init__(self, size, dynamic, clear_after_read, element_shape, infer_shape):
        self.values = [None] * size
        self.dynamic = dynamic
        self.clear_after_read = clear_after_read
        self.element_shape = element_shape
        self.infer_shape = infer_shape
        self.cleared = set()


class TensorArray:
    """A list of tensors of one ``dtype``, as TensorFlow's ``tf.TensorArray``.

    ``size`` is required; with ``dynamic_size=True`` writing past the end
    grows the array.  An element read with ``clear_after_read`` (the default)
    cannot be read again; an element never written reads as zeros.

    >>> import gradtape as tf
    >>> ta = tf.TensorArray(tf.float32, size=3)
    >>> for i in range(3):
    ...     ta = ta.write(i, float(i) * 2.0)
    >>> ta.stack().numpy(), ta.size().numpy()
    (array([0., 2., 4.], dtype=float32), 3)
    """

    def __init__(self, dtype: DTypeLike, size: Optional[int] = None, dynamic_size: Optional[bool] = None,
                 clear_after_read: Optional[bool] = None, tensor_array_name: Optional[str] = None,
                 handle: Any = None, flow: Any = None, infer_shape: bool = True,
                 element_shape: Optional[ShapeLike] = None, colocate_with_first_write_call: bool = True,
                 name: Optional[str] = None) -> None:
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution "
                             "is enabled.")
        self._dtype = as_dtype(dtype)
        shape = None if element_shape is None else TensorShape(element_shape)
        self._elements = _Elements(int(size), bool(dynamic_size),
                                   True if clear_after_read is None else bool(clear_after_read),
                                   shape, infer_shape)

    def _sharing(self):
        """A new TensorArray object over the same elements (what a write returns)."""
        other = TensorArray.__new__(TensorArray)
        other._dtype, other._elements = self._dtype, self._elements
        return other

    @property
    def dtype(self) -> DType:
        """The dtype of the elements."""
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        """Whether writing past the end grows the array."""
        return self._elements.dynamic

    @property
    def element_shape(self) -> TensorShape:
        """The shape every element has (``TensorShape(None)`` before the first write)."""
        shape = self._elements.element_shape
        return TensorShape(None) if shape is None else shape

    def size(self, name: Optional[str] = None) -> Tensor:
        """The number of elements, an int32 scalar tensor."""
        return constant(len(self._elements.values), dtype="int32")

    def identity(self) -> TensorArray:
        """This array (TensorFlow's control-dependency helper)."""
        return self._sharing()

    def close(self, name: Optional[str] = None) -> None:
        """Nothing to release in eager execution."""

    # -- writing -------------------------------------------------------------
    def write(self, index: Union[int, TensorInput], value: TensorInput,
              name: Optional[str] = None) -> TensorArray:
        """Set element ``index`` to ``value``; returns the written array.

        >>> import gradtape as tf
        >>> tf.TensorArray(tf.float32, size=2).write(1, [1.0, 2.0]).stack().numpy()
        array([[0., 0.],
               [1., 2.]], dtype=float32)
        """
        index = _index(index)
        elements = self._elements
        if index < 0:
            raise OutOfRangeError(f"Writing to negative indices (index {index}) is not "
                                  "allowed.")
        if index >= len(elements.values):
            if not elements.dynamic:
                raise OutOfRangeError(f"Tried to write to index {index} but array is not "
                                      f"resizeable and size is: {len(elements.values)}")
            elements.values.extend([None] * (index + 1 - len(elements.values)))
        elements.values[index] = self._checked(value)
        elements.cleared.discard(index)
        return self._sharing()

    def _checked(self, value):
        if isinstance(value, TensorLike):
            value = convert_to_tensor(value)
            if value.dtype != self._dtype:
                raise InvalidArgumentError(f"TensorArray dtype is {self._dtype.name} but Op is "
                                           f"trying to write dtype {value.dtype.name}")
        else:
            value = convert_to_tensor(value, dtype=self._dtype)
        elements = self._elements
        if elements.element_shape is not None and \
                not elements.element_shape.is_compatible_with(value.shape):
            raise ValueError(f"Incompatible shape for value ({value.shape}), expected "
                             f"({elements.element_shape})")
        if elements.infer_shape and (elements.element_shape is None
                                     or not elements.element_shape.is_fully_defined()):
            elements.element_shape = value.shape
        return value

    def unstack(self, value: TensorInput, name: Optional[str] = None) -> TensorArray:
        """The rows of ``value`` (along axis 0) become the elements, replacing all.

        >>> import gradtape as tf
        >>> ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        >>> ta.unstack([[1.0, 2.0], [3.0, 4.0]]).read(1).numpy()
        array([3., 4.], dtype=float32)
        """
        value = self._checked_whole(value)
        elements = self._elements
        elements.values = list(unstack(value)) if value.shape[0] else []
        elements.cleared.clear()
        if elements.infer_shape:
            elements.element_shape = value.shape[1:]
        return self._sharing()

    def _checked_whole(self, value):
        if isinstance(value, TensorLike) and value.dtype != self._dtype:
            raise InvalidArgumentError(f"TensorArray dtype is {self._dtype.name} but Op is "
                                       f"trying to write dtype {value.dtype.name}")
        value = convert_to_tensor(value, dtype=self._dtype)
        if value.ndim == 0:
            raise ValueError("TensorArray: unstack and scatter need a value of rank 1 or "
                             "more, got a scalar")
        return value

    def scatter(self, indices: TensorInput, value: TensorInput,
                name: Optional[str] = None) -> TensorArray:
        """Write the rows of ``value`` at ``indices``; returns the written array.

        >>> import gradtape as tf
        >>> tf.TensorArray(tf.float32, size=3).scatter([2, 0], [5.0, 6.0]).stack().numpy()
        array([6., 0., 5.], dtype=float32)
        """
        indices = [_index(i) for i in _index_list(indices)]
        value = self._checked_whole(value)
        if value.shape[0] != len(indices):
            raise InvalidArgumentError(f"TensorArray.scatter: {len(indices)} indices for "
                                       f"{value.shape[0]} rows of value")
        result = self
        for i, row in zip(indices, unstack(value) if indices else []):
            result = result.write(i, row)
        return result._sharing()

    # -- reading -------------------------------------------------------------
    def read(self, index: Union[int, TensorInput], name: Optional[str] = None) -> Tensor:
        """Element ``index`` (zeros if it was never written).

        >>> import gradtape as tf
        >>> ta = tf.TensorArray(tf.float32, size=2, clear_after_read=False).write(0, 3.0)
        >>> ta.read(0).numpy(), ta.read(0).numpy(), ta.read(1).numpy()
        (3.0, 3.0, 0.0)
        """
        index = _index(index)
        elements = self._elements
        if index < 0:
            raise OutOfRangeError(f"Reading from negative indices (index {index}) is not "
                                  "allowed.")
        if index >= len(elements.values):
            raise OutOfRangeError(f"Tried to read from index {index} but array size is: "
                                  f"{len(elements.values)}")
        if index in elements.cleared:
            raise InvalidArgumentError(
                f"Could not read index {index} twice because it was cleared after a previous "
                "read (perhaps try setting clear_after_read = false?)")
        if elements.clear_after_read and _trace.tracer() is None:
            # (inside tf.function TensorFlow's graph TensorArray keeps what was read)
            elements.cleared.add(index)
        return self._element(index)

    def _element(self, index):
        value = self._elements.values[index]
        if value is not None:
            return value
        return self._zeros(())

    def _zeros(self, leading):
        shape = self.element_shape
        if not shape.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a "
                             "Tensor.")
        return zeros(tuple(leading) + tuple(shape), dtype=self._dtype)

    def stack(self, name: Optional[str] = None) -> Tensor:
        """The elements stacked along a new axis 0.

        >>> import gradtape as tf
        >>> tf.TensorArray(tf.float32, size=0, element_shape=[2]).stack().shape
        TensorShape([0, 2])
        """
        return self._stacked(range(len(self._elements.values)))

    def _stacked(self, indices):
        indices = list(indices)
        if not indices:
            if not self.element_shape.is_fully_defined():  # TensorFlow gives shape (0,)
                return zeros((0,), dtype=self._dtype)
            return self._zeros((0,))
        return stack([self._element(i) for i in indices])

    def gather(self, indices: TensorInput, name: Optional[str] = None) -> Tensor:
        """The elements at ``indices``, stacked along a new axis 0.

        >>> import gradtape as tf
        >>> tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0, 3.0]).gather([2, 0]).numpy()
        array([3., 1.], dtype=float32)
        """
        indices = [_index(i) for i in _index_list(indices)]
        size = len(self._elements.values)
        for i in indices:
            if not 0 <= i < size:
                raise OutOfRangeError(f"Tried to read from index {i} but array size is: {size}")
        return self._stacked(indices)

    def concat(self, name: Optional[str] = None) -> Tensor:
        """The elements concatenated along their axis 0 (they must not be scalars).

        >>> import gradtape as tf
        >>> ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)
        >>> ta.write(0, [1.0, 2.0]).write(1, [3.0]).concat().numpy()
        array([1., 2., 3.], dtype=float32)
        """
        values = [self._element(i) for i in range(len(self._elements.values))]
        for i, v in enumerate(values):
            if v.ndim == 0:
                raise InvalidArgumentError(f"Concat saw a scalar shape at index {i} but "
                                           "requires at least vectors.")
        if not values:
            shape = self._elements.element_shape
            rest = () if shape is None or shape.rank in (None, 0) else tuple(shape)[1:]
            return zeros((0,) + rest, dtype=self._dtype)
        return concat(values, axis=0)

    def __repr__(self):
        return (f"<gradtape.TensorArray dtype={self._dtype.name} "
                f"size={len(self._elements.values)}>")


def _index(index):
    # int() (not .numpy()): inside a function the replay checks the index again
    return int(index)


def _index_list(indices):
    if isinstance(indices, TensorLike):  # decide(): inside a function the replay
        return list(np.asarray(decide(indices._read()._value)).reshape(-1))  # checks them
    return list(indices)

"""Tensor, TensorShape and conversion of Python values to tensors.

A ``Tensor`` is an immutable value: a NumPy array (``_value``) and a unique id
(``_uid``) by which tapes and accumulators know it.  Arithmetic operators are
installed on ``TensorLike`` by ``gradtape.rules.operators`` so that this module
stays free of any op.
"""
from __future__ import annotations

import itertools
import operator

import numpy as np

from . import dtypes
from .backend import backend_of, is_array
from .state import active, notify_escape, notify_host_read, shape_view, tracing
from .dtypes import DType, DTypeLike, as_dtype, from_numpy, kind
from typing import Any, Callable, List, Optional, Sequence, TYPE_CHECKING, Union

_next_uid = itertools.count(1).__next__
_new_shape = tuple.__new__  # a tensor's own shape needs none of TensorShape.__new__'s checks



class TensorShape(tuple):
    """The static shape of a tensor: a tuple of ints, printed like TensorFlow's.

    A dimension may be ``None`` (unknown), and ``TensorShape(None)`` is a shape
    of unknown rank, as a ``Variable(..., shape=tf.TensorShape(None))`` has.

    >>> import gradtape as tf
    >>> s = tf.constant([[1.0, 2.0, 3.0]]).shape
    >>> s, s.as_list(), s == (1, 3), s.rank
    (TensorShape([1, 3]), [1, 3], True, 2)
    >>> tf.TensorShape([None, 3]).is_compatible_with(s), tf.TensorShape(None).rank
    (True, None)
    """

    __slots__ = ()

    def __new__(cls, dims=()):
        if dims is None:
            return _UNKNOWN_RANK
        return tuple.__new__(cls, (None if d is None else int(d) for d in dims))

    def as_list(self) -> List[Optional[int]]:
        """The dimensions as a list (``None`` for an unknown one)."""
        return list(self)

    @property
    def rank(self) -> Optional[int]:
        """The number of dimensions (``None`` if unknown)."""
        return len(self)

    @property
    def ndims(self) -> Optional[int]:
        """The number of dimensions (TensorFlow's older name)."""
        return self.rank

    def num_elements(self) -> Optional[int]:
        """The number of elements of a tensor of this shape (``None`` if not known)."""
        n = 1
        for d in self:
            if d is None:
                return None
            n *= d
        return n

    def is_fully_defined(self) -> bool:
        """Whether the rank and every dimension are known.

        >>> import gradtape as tf
        >>> tf.TensorShape([2, 3]).is_fully_defined(), tf.TensorShape([None, 3]).is_fully_defined()
        (True, False)
        """
        return None not in self

    def is_compatible_with(self, other: Any) -> bool:
        """Whether some tensor could have both shapes: same rank, and each pair of
        dimensions equal or one of them unknown."""
        other = other if isinstance(other, TensorShape) else TensorShape(other)
        if other.rank is None:
            return True
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self, other))

    def assert_is_compatible_with(self, other: Any) -> None:
        """Raise ``ValueError`` unless ``is_compatible_with(other)``.

        >>> import gradtape as tf
        >>> tf.TensorShape([None, 2]).assert_is_compatible_with([5, 2])
        >>> tf.TensorShape([1, 2]).assert_is_compatible_with([1, 3])
        Traceback (most recent call last):
        ...
        ValueError: Shapes (1, 2) and [1, 3] are incompatible
        """
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are incompatible")

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return TensorShape(item) if isinstance(key, slice) else item

    def __add__(self, other):
        return TensorShape(tuple(self) + tuple(other))

    def __eq__(self, other):
        """Equal to a shape of the same dimensions, given as a tuple or a list
        (as TensorFlow's: ``x.shape == [1, 3]``).

        >>> import gradtape as tf
        >>> tf.constant([[1.0, 2.0, 3.0]]).shape == [1, 3]
        True
        """
        return tuple.__eq__(self, tuple(other) if type(other) is list else other)

    def __ne__(self, other):
        return tuple.__ne__(self, tuple(other) if type(other) is list else other)

    __hash__ = tuple.__hash__

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        return "(" + ", ".join(str(d) for d in self) + ("," if len(self) == 1 else "") + ")"


class _UnknownRank(TensorShape):
    """``TensorShape(None)``: nothing is known, not even the rank."""

    __slots__ = ()

    @property
    def rank(self):
        return None

    def as_list(self):
        raise ValueError("as_list() is not defined on an unknown TensorShape.")

    def num_elements(self):
        return None

    def is_fully_defined(self):
        return False

    def is_compatible_with(self, other):
        return True

    def __len__(self):
        raise ValueError("Cannot take the length of shape with unknown rank.")

    def __iter__(self):
        raise ValueError("Cannot iterate over a shape with unknown rank.")

    def __getitem__(self, key):
        return TensorShape(None) if isinstance(key, slice) else None

    def __add__(self, other):
        return self

    def __eq__(self, other):
        return isinstance(other, _UnknownRank)

    def __ne__(self, other):
        return not isinstance(other, _UnknownRank)

    def __hash__(self):
        return hash(_UnknownRank)

    def __repr__(self):
        return "TensorShape(None)"

    def __str__(self):
        return "<unknown>"


_UNKNOWN_RANK = tuple.__new__(_UnknownRank, ())


#: NumPy 2 prints a scalar as ``np.float32(6.0)``; its 1.25 legacy mode (NumPy 1's
#: own form, so nothing to ask for there) prints ``6.0`` as TensorFlow does
LEGACY_PRINTING = {"legacy": "1.25"} if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else {}


def _text(value, is_repr):
    # printing decides nothing: a traced gradtape.function does not check (and
    # retrace for) a value it only showed, as TensorFlow prints while tracing only
    if type(value) is not np.ndarray and not isinstance(value, np.generic):
        value = host(value)
    if value.ndim == 0:
        if is_repr:  # TensorFlow shows a scalar's Python value: numpy=27.299999237060547
            return repr(value.item())
        value = value[()]
    with np.printoptions(**LEGACY_PRINTING):
        return repr(value) if is_repr else str(value)


def _scalar(value, kind):
    if value.ndim:
        raise TypeError(f"only scalar (0-d) tensors convert to a Python {kind}, got a tensor "
                        f"of shape {tuple(value.shape)}")
    return value


class TensorLike:
    """What Tensors and Variables share: properties, conversions, printing.

    Operators (``+``, ``@``, comparisons, ``[]``...) are added by
    ``gradtape.rules.operators``.
    """

    __slots__ = ()
    __array_priority__ = 100  # ndarray + Tensor -> Tensor.__radd__, recorded

    if TYPE_CHECKING:  # the operators gradtape.rules.operators installs, for type checkers
        def __add__(self, other: TensorInput) -> Tensor: ...
        def __radd__(self, other: TensorInput) -> Tensor: ...
        def __sub__(self, other: TensorInput) -> Tensor: ...
        def __rsub__(self, other: TensorInput) -> Tensor: ...
        def __mul__(self, other: TensorInput) -> Tensor: ...
        def __rmul__(self, other: TensorInput) -> Tensor: ...
        def __truediv__(self, other: TensorInput) -> Tensor: ...
        def __rtruediv__(self, other: TensorInput) -> Tensor: ...
        def __floordiv__(self, other: TensorInput) -> Tensor: ...
        def __rfloordiv__(self, other: TensorInput) -> Tensor: ...
        def __mod__(self, other: TensorInput) -> Tensor: ...
        def __rmod__(self, other: TensorInput) -> Tensor: ...
        def __pow__(self, other: TensorInput) -> Tensor: ...
        def __rpow__(self, other: TensorInput) -> Tensor: ...
        def __matmul__(self, other: TensorInput) -> Tensor: ...
        def __rmatmul__(self, other: TensorInput) -> Tensor: ...
        def __and__(self, other: TensorInput) -> Tensor: ...
        def __rand__(self, other: TensorInput) -> Tensor: ...
        def __or__(self, other: TensorInput) -> Tensor: ...
        def __ror__(self, other: TensorInput) -> Tensor: ...
        def __xor__(self, other: TensorInput) -> Tensor: ...
        def __rxor__(self, other: TensorInput) -> Tensor: ...
        def __lt__(self, other: TensorInput) -> Tensor: ...
        def __le__(self, other: TensorInput) -> Tensor: ...
        def __gt__(self, other: TensorInput) -> Tensor: ...
        def __ge__(self, other: TensorInput) -> Tensor: ...
        def __eq__(self, other: object) -> Tensor: ...  # type: ignore[override]
        def __ne__(self, other: object) -> Tensor: ...  # type: ignore[override]
        def __neg__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __pos__(self) -> Tensor: ...
        def __invert__(self) -> Tensor: ...
        def __getitem__(self, index: Any) -> Tensor: ...

    @property
    def shape(self) -> TensorShape:
        """The shape, a ``TensorShape``."""
        if shape_view[0] is not None:  # a relaxed trace: None where the size may vary
            return shape_view[0](self)
        return _new_shape(TensorShape, self._value.shape)

    @property
    def dtype(self) -> DType:
        """The element type, a ``DType``."""
        return from_numpy(self._value.dtype)

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._value.ndim

    @property
    def backend(self) -> str:
        """The array namespace module the value belongs to (``numpy`` by default).

        >>> import gradtape as tf
        >>> tf.constant(1.0).backend.__name__
        'numpy'
        """
        return backend_of(self._value).module

    @property
    def device(self) -> str:
        """The device the value lives on (always the CPU for NumPy)."""
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def get_shape(self) -> TensorShape:
        """The shape (TensorFlow's alias of ``.shape``)."""
        return self.shape

    def set_shape(self, shape: Any) -> None:
        """Check that ``shape`` (``None`` for a dimension or the rank: any) fits:
        an eager value's shape is already known, so, as in eager TensorFlow,
        this only raises ``ValueError`` when it does not.

        >>> import gradtape as tf
        >>> tf.constant([[1.0, 2.0]]).set_shape([None, 2])
        """
        want = shape if isinstance(shape, TensorShape) else TensorShape(shape)
        if not want.is_compatible_with(self.shape):
            raise ValueError(f"Tensor's shape {tuple(self.shape)} is not compatible with "
                             f"supplied shape {tuple(want)}.")

    def numpy(self) -> np.ndarray | np.generic:
        """A copy of the value as a NumPy array (a NumPy scalar for 0-d tensors).

        The copy is the caller's to write into: the tensor never changes.
        Computation on it leaves every tape: gradients do not flow through it.

        >>> import gradtape as tf
        >>> x = tf.constant([1.0, 2.0])
        >>> a = x.numpy()
        >>> a[0] = 5.0
        >>> x
        <tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
        """
        if active[0]:  # the recorders hear that a value left gradtape
            notify_escape(self, ".numpy()")
        v = self._value
        if v.ndim == 0:
            return host(v)[()]
        return np.array(host(v), copy=True)

    def __array__(self, dtype=None, copy=None):
        # as TensorFlow: np.asarray(tensor) is a read-only view, never a door
        # into the tensor's buffer
        if active[0]:  # the recorders hear that a value left gradtape
            notify_escape(self, "np.asarray() or a NumPy function")
        v = self._value
        if type(v) is not np.ndarray:
            v = np.asarray(host(v))
        if copy:
            return np.array(v, dtype=dtype, copy=True)
        view = v.view()
        view.setflags(write=False)
        return view if dtype is None else view.astype(dtype, copy=False)

    def __bool__(self):
        if active[0]:  # the recorders hear that a value left gradtape
            notify_escape(self, "a Python condition")
        return bool(self._value)

    def __float__(self):
        if active[0]:  # the recorders hear that a value left gradtape
            notify_escape(self, "float()")
        return float(_scalar(self._value, "float"))

    def __int__(self):
        if active[0]:  # the recorders hear that a value left gradtape
            notify_escape(self, "int()")
        return int(_scalar(self._value, "int"))

    def __complex__(self):
        if active[0]:  # the recorders hear that a value left gradtape
            notify_escape(self, "complex()")
        return complex(_scalar(self._value, "complex"))

    def __index__(self):
        v = self._value
        if kind(v.dtype) not in "iu" or v.ndim:
            raise TypeError(f"only integer scalar tensors can be used as an index, "
                            f"got shape={tuple(v.shape)} dtype={v.dtype.name}")
        if active[0]:  # the recorders hear that a value left gradtape
            notify_escape(self, "int()")
        return int(v)

    def __len__(self):
        if not self._value.ndim:
            raise TypeError("Scalar tensor has no `len()`")
        if shape_view[0] is not None:
            shape_view[0](self, "len()")
        return self._value.shape[0]

    def __iter__(self):
        if not self._value.ndim:
            raise TypeError("Cannot iterate over a scalar tensor.")
        if shape_view[0] is not None:
            shape_view[0](self, "iteration")
        return (self[i] for i in range(self._value.shape[0]))

    def __hash__(self):
        raise TypeError(f"{type(self).__name__} is unhashable. "
                        "Instead, use tensor.ref() as the key.")

    def ref(self) -> Reference:
        """A hashable reference to this object, for use as a dict key or in a set.

        >>> import gradtape as tf
        >>> x = tf.constant(1.0)
        >>> {x.ref(): 1}[x.ref()], x.ref().deref() is x
        (1, True)
        """
        return Reference(self)

    experimental_ref = ref


#: What an op accepts as a tensor: a Tensor or Variable, a NumPy array or
#: scalar, a Python number or bool, or a (nested) list of them
TensorInput = Union[TensorLike, np.ndarray, np.generic, float, int, bool, complex, Sequence[Any]]
#: A shape as a list or tuple of ints, a ``TensorShape``, a 1-D integer tensor or one int
ShapeLike = Union[TensorShape, Sequence[Optional[int]], TensorLike, int]
#: An axis or several (None: all of them)
Axis = Union[int, Sequence[int], TensorLike, None]


class Reference:
    """A hashable handle on a tensor or variable (see ``TensorLike.ref``)."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def deref(self):
        """The referenced object."""
        return self._obj

    def __hash__(self):
        return id(self._obj)

    def __eq__(self, other):
        return isinstance(other, Reference) and other._obj is self._obj

    def __lt__(self, other):
        # ordered by identity, as TensorFlow's: so dicts keyed by references sort
        # (nest.flatten) in one order within a process
        if not isinstance(other, Reference):
            return NotImplemented
        return id(self._obj) < id(other._obj)

    def __gt__(self, other):
        if not isinstance(other, Reference):
            return NotImplemented
        return id(self._obj) > id(other._obj)

    def __repr__(self):
        return f"<Reference wrapping {self._obj!r}>"


class Tensor(TensorLike):
    """An immutable multi-dimensional value with a dtype and a shape.

    Create one with ``gradtape.constant``; ops return them.

    >>> import gradtape as tf
    >>> x = tf.constant(6.0)
    >>> x
    <tf.Tensor: shape=(), dtype=float32, numpy=6.0>
    >>> print(x)
    tf.Tensor(6.0, shape=(), dtype=float32)
    """

    __slots__ = ("_value", "_uid", "__weakref__")

    def __init__(self, value: TensorInput) -> None:
        self._value = value
        self._uid = _next_uid()

    def _read(self):
        return self

    def _read_under(self, stack):
        return self

    def __reduce__(self):
        # a copy (pickle, deepcopy, another process) is a new tensor with its own id
        return wrap, (self._value,)

    def __repr__(self):
        text = _text(self._value, True)
        if "\n" in text:
            text = "\n" + text
        return (f"<tf.Tensor: shape={tuple(self._value.shape)}, "
                f"dtype={self.dtype.name}, numpy={text}>")

    def __str__(self):
        text = _text(self._value, False)
        if "\n" in text:
            text = "\n" + text
        return f"tf.Tensor({text}, shape={tuple(self._value.shape)}, dtype={self.dtype.name})"

    def __format__(self, format_spec):
        """Formatted as its NumPy value is, as TensorFlow's eager tensors are.

        >>> import gradtape as tf
        >>> f"{tf.constant(1.23456789):2.5f}", f"{tf.constant([1.0, 2.0])}"
        ('1.23457', '[1. 2.]')
        """
        return format(self.numpy(), format_spec)




def host(value, _nd=np.ndarray, _scalar=np.generic):
    """``value`` as NumPy (computing a lazy array, copying from a device)."""
    if tracing[0]:  # a traced gradtape.function checks the reading on each call
        notify_host_read(value, None, value)
    if type(value) is _nd or isinstance(value, _scalar):
        return value
    return backend_of(value).to_numpy(value)


def decide(value: Any, predicate: Optional[Callable[..., Any]] = None) -> Any:
    """``predicate(value)`` (``value`` itself when None): what a rule reads from
    a value to decide how to compute (an index, a mask, "any zeros?").

    Rules read values through this, so a traced ``gradtape.function`` checks
    on every call that the reading is still the same.

    >>> import numpy as np
    >>> from gradtape.extend import decide
    >>> decide(np.array([0.0, 2.0]), lambda v: bool((v == 0).any()))
    True
    """
    result = value if predicate is None else predicate(value)
    if tracing[0]:
        notify_host_read(value, predicate, result)
    return result


def wrap(value, _new=Tensor.__new__, _T=Tensor):
    """A new Tensor around an array the caller owns (no copy, no checks)."""
    t = _new(_T)
    t._value = value
    t._uid = _next_uid()
    return t


def wrap_as(value, uid, _new=Tensor.__new__, _T=Tensor):
    """A Tensor that stands for the object with id ``uid`` (a Variable's read)."""
    t = _new(_T)
    t._value = value
    t._uid = uid
    return t


# --------------------------------------------------------------------------
# Conversion of Python values
# --------------------------------------------------------------------------

_DEFAULT_FOR_KIND = {"f": np.float32, "i": np.int32, "u": np.int32, "b": np.bool_,
                     "c": np.complex128}


def _infer_python(value):
    """An ndarray for a Python value, with TensorFlow's default dtypes."""
    try:
        arr = np.array(value)  # a copy: an object exposing its buffer keeps it
    except ValueError as e:
        raise ValueError(f"cannot convert {value!r} to a tensor: {e}") from None
    kind = arr.dtype.kind
    if kind == "O" or kind in "USV":
        raise TypeError(f"cannot convert {value!r} (NumPy dtype {arr.dtype}) to a "
                        "numeric tensor; pass numbers, nested lists of numbers, "
                        "arrays or tensors")
    if kind in "iu":
        if arr.size and (arr.max() > 2**31 - 1 or arr.min() < -2**31):
            return arr.astype(np.int64)
        return arr.astype(np.int32)
    return arr.astype(_DEFAULT_FOR_KIND[kind], copy=False)


def _cast_value(arr, target, value):
    """Convert a freshly made ndarray to ``target`` like TF's constant()."""
    src = arr.dtype
    tgt = target._np
    if src == tgt:
        return arr
    if tgt.kind in "iub" and src.kind in "fc":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr.real)):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype "
                            f"{target.name}: it has non-integral values")
    if tgt.kind == "b" and src.kind != "b":
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype bool")
    if src.kind == "c" and tgt.kind != "c":
        raise TypeError(f"Cannot convert complex {value!r} to EagerTensor of dtype "
                        f"{target.name}")
    if tgt.kind in "iu":
        info = np.iinfo(tgt)
        if arr.size and (arr.max() > info.max or arr.min() < info.min):
            raise ValueError(f"Can't convert {value!r} to dtype {target.name}: "
                             "out of range")
    return arr.astype(tgt)


def to_array(value, dtype=None):
    """An ndarray for any tensor-like ``value``; ``dtype`` (a DType) casts it."""
    if isinstance(value, TensorLike):
        arr = value._value
        if dtype is not None and arr.dtype != dtype._np:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for "
                             f"Tensor with dtype {value.dtype.name}: {value!r}")
        return arr
    if isinstance(value, np.ndarray):
        value = _own_base_array(value)
        if dtype is None:
            from_numpy(value.dtype)  # raises a clear TypeError on odd dtypes
            return value
        return _cast_value(value, dtype, value)
    if isinstance(value, np.generic):
        if dtype is None:
            from_numpy(value.dtype)
            return value
        return _cast_value(value, dtype, value)
    if is_array(value):
        return _foreign_array(value, dtype)
    if hasattr(type(value), "__array__") and not isinstance(value, (list, tuple)):
        # a pandas DataFrame or Series: its NumPy dtype, as TensorFlow keeps it
        return to_array(np.asarray(value), dtype)
    arr = _infer_python(value)
    if dtype is None:
        return arr
    if arr.size == 0:  # ``[]``: no value to convert, any dtype (NumPy calls it float)
        return arr.astype(dtype._np)
    if arr.dtype.kind in "fc" and dtype.kind in "iub":
        # TensorFlow never converts a Python float to an integer dtype, even 2.0
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    return _cast_value(np.asarray(value), dtype, value)


def _own_base_array(value):
    """A private copy of a caller's ndarray, as a base ``ndarray``: a later write
    into the caller's array never reaches a tensor, and subclasses
    (``np.matrix``, whose ``*`` is a matrix product) lose their own arithmetic."""
    if isinstance(value, np.ma.MaskedArray):
        if np.ma.getmaskarray(value).any():
            raise TypeError("cannot convert a masked array with masked elements to a "
                            "tensor: a tensor has no mask, and its masked values would "
                            "be computed with; fill them first (`a.filled(0.0)`) or "
                            "pass `a.compressed()`")
        value = value.data
    return np.array(value, copy=True, subok=False)


def _foreign_array(value, dtype):
    """An array of another namespace, kept there (cast to ``dtype`` if given)."""
    b = backend_of(value)
    have = from_numpy(value.dtype)
    if dtype is None or dtype == have:
        return value
    if dtype.kind in "iub" and have.kind in "fc":
        raise TypeError(f"cannot convert a {have.name} {b.name} array to dtype "
                        f"{dtype.name} implicitly; cast it with gradtape.cast")
    return b.xp.astype(value, b.dtype(dtype))


def _foreign_constant(arr, shape, value):
    b = backend_of(arr)
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        size = 1
        for d in arr.shape:
            size *= d
        if size == 1:
            return b.xp.broadcast_to(b.xp.reshape(arr, ()), shape)
        return b.xp.reshape(arr, shape)
    if arr is value and b.name != "dask.array":
        return b.xp.asarray(arr, copy=True)  # a constant never aliases the caller's array
    return arr


def constant(value: Any, dtype: Optional[DTypeLike] = None, shape: Optional[ShapeLike] = None,
             name: str | None = None) -> Tensor:
    """A Tensor holding ``value``, optionally cast to ``dtype`` and shaped.

    >>> import gradtape as tf
    >>> tf.constant(6.0)
    <tf.Tensor: shape=(), dtype=float32, numpy=6.0>
    >>> tf.constant(0, shape=(2,), dtype=tf.float64).numpy()
    array([0., 0.])

    A Tensor (with no new shape) is returned as it is, as TensorFlow does, so
    gradients flow through ``tf.constant(t)``; a Variable's value is copied.
    """
    if type(value) is Tensor and shape is None:
        # TensorFlow returns the tensor itself, so a tape's path goes through
        if dtype is None or as_dtype(dtype)._np == value._value.dtype:
            return value
        raise TypeError(f"Expected tensor {_text(value._value, False)} with dtype "
                        f"{as_dtype(dtype)!r}, but got dtype {value.dtype!r}.")
    if isinstance(value, TensorLike):
        arr = value._value
        if dtype is not None:
            arr = _cast_value(arr, as_dtype(dtype), value)
    else:
        arr = to_array(value, None if dtype is None else as_dtype(dtype))
    if not isinstance(arr, (np.ndarray, np.generic)):
        return wrap(_foreign_constant(arr, shape, value))
    if shape is not None:
        try:
            shape = tuple(operator.index(d) for d in shape)
        except TypeError:
            raise TypeError(f"constant: shape must be a list of ints, got {shape!r}") from None
        if any(d < 0 for d in shape):
            raise ValueError(f"constant: shape must not have negative dimensions, got {list(shape)}")
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        else:
            raise TypeError(f"Eager execution of tf.constant with unsupported shape. "
                            f"Tensor {value!r} (converted from a value of "
                            f"{arr.size} elements) cannot be given shape {list(shape)}.")
    elif not arr.flags.owndata:
        arr = arr.copy()  # a constant never aliases the caller's array
    return wrap(arr)


__all__ = ["Tensor", "TensorShape", "TensorLike", "Reference", "constant",
           "wrap", "wrap_as", "to_array", "dtypes"]

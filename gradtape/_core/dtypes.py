"""DType objects and TensorFlow's conversion rules.

Python floats become float32, Python ints int32, bools bool; NumPy arrays keep
their dtype.  Two tensors of different dtypes never promote silently: the
binary op raises, as TensorFlow's kernels do.
"""
from __future__ import annotations
import numpy as np
from typing import Any, Union

_PY_BOOL = type(True)

__all__ = ["DType", "as_dtype", "float16", "float32", "float64", "int8", "int16",
           "int32", "int64", "uint8", "bool", "complex64", "complex128", "string"]


class DType:
    """A tensor element type, named like TensorFlow's.

    >>> import gradtape as tf
    >>> tf.float32.name, tf.float32.is_floating, tf.float32.as_numpy_dtype
    ('float32', True, <class 'numpy.float32'>)
    """

    __slots__ = ("name", "as_numpy_dtype", "_np", "kind", "is_floating", "is_integer",
                 "is_complex", "is_bool", "differentiable")

    def __init__(self, name: str, np_type: Any) -> None:
        self.name = name
        self.as_numpy_dtype = np_type
        self._np = np.dtype(np_type)
        kind = self.kind = self._np.kind
        self.is_floating = kind == "f"
        self.is_integer = kind in "iu"
        self.is_complex = kind == "c"
        self.is_bool = kind == "b"
        self.differentiable = kind in "fc"

    @property
    def base_dtype(self) -> DType:
        """This dtype (TensorFlow has reference dtypes; gradtape does not)."""
        return self

    @property
    def real_dtype(self) -> DType:
        """The dtype of the real part: float32 for complex64, itself for reals."""
        if self.is_complex:
            return as_dtype(np.finfo(self._np).dtype)
        return self

    @property
    def min(self) -> Any:
        """The smallest value of this dtype."""
        info = np.finfo(self._np) if self.is_floating else np.iinfo(self._np)
        return info.min

    @property
    def max(self) -> Any:
        """The largest value of this dtype."""
        info = np.finfo(self._np) if self.is_floating else np.iinfo(self._np)
        return info.max

    def __repr__(self):
        return f"tf.{self.name}"

    def __str__(self):
        """TensorFlow's printout: ``print(tf.float32)`` shows ``<dtype: 'float32'>``.

        >>> import gradtape as tf
        >>> print(tf.float32)
        <dtype: 'float32'>
        >>> f"{tf.int64}", repr(tf.int64), [tf.bool]
        ("<dtype: 'int64'>", 'tf.int64', [tf.bool])
        """
        return f"<dtype: '{self.name}'>"

    def __eq__(self, other):
        try:
            return self._np == as_dtype(other)._np
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self._np)

    def __reduce__(self):
        return as_dtype, (self.name,)


#: A dtype as ``tf.float32``, ``"float32"``, ``np.float32`` or ``np.dtype("float32")``
DTypeLike = Union[DType, str, np.dtype, type]

float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
bool = DType("bool", np.bool_)  # noqa: A001 - TensorFlow's name
complex64 = DType("complex64", np.complex64)
complex128 = DType("complex128", np.complex128)
string = DType("string", np.str_)

_BY_NP = {d._np: d for d in (float16, float32, float64, int8, int16, int32, int64,
                              uint8, bool, complex64, complex128)}
_BY_NAME = {d.name: d for d in _BY_NP.values()}
_BY_NAME.update(half=float16, float=float32, double=float64, string=string)


_FOREIGN = {}  # another array namespace's dtype objects -> DType

#: The kind letter of each NumPy scalar type: a NumPy scalar makes a new dtype
#: object each time it is asked for one, and the hot path asks per op.
SCALAR_KINDS = {t: np.dtype(t).kind for t in set(np.sctypeDict.values())
                if issubclass(t, np.generic) and t is not np.void}


#: The kind letter ("f" or "c") of NumPy's floating and complex dtypes in native
#: byte order: a dict lookup is the recorder's quick test that an array output
#: can carry a gradient (``kind`` decides for any other dtype).
NUMPY_INEXACT_KINDS = {np.dtype(t): np.dtype(t).kind for t in set(np.sctypeDict.values())
                       if issubclass(t, np.inexact)}


def register_foreign(by_name):
    """Know another namespace's dtypes (``{"float32": its float32, ...}``)."""
    for name, dt in by_name.items():
        if not isinstance(dt, np.dtype):
            _FOREIGN[dt] = _BY_NAME[name]


def kind(array_dtype):
    """NumPy's kind letter ("f", "c", "i", "u", "b") of any namespace's dtype.

    >>> import numpy as np
    >>> kind(np.dtype("float32"))
    'f'
    """
    try:
        return array_dtype.kind
    except AttributeError:
        return _FOREIGN[array_dtype].kind


def from_numpy(np_dtype):
    """The DType of a NumPy dtype (fast path used by ``Tensor.dtype``), or of
    another namespace's dtype."""
    # another namespace's dtype must not meet NumPy's in a lookup (its hash is equal)
    d = _BY_NP.get(np_dtype) if not _FOREIGN or isinstance(np_dtype, np.dtype) \
        else _FOREIGN.get(np_dtype)
    if d is None:
        if getattr(np_dtype, "kind", "") in "US":
            return string
        raise TypeError(f"gradtape has no dtype for NumPy dtype {np_dtype}; "
                        f"supported: {', '.join(sorted(_BY_NAME))}")
    return d


# TensorFlow's ``DataType`` enum numbers, which ``tf.as_dtype`` also takes (``tf.zeros(2, 1)``)
_ENUM_NAMES = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8",
               8: "complex64", 9: "int64", 10: "bool", 14: "bfloat16", 17: "uint16",
               18: "complex128", 19: "float16", 22: "uint32", 23: "uint64"}


def _from_enum(number):
    """The dtype of a TensorFlow ``DataType`` enum number (1 is float32, 9 is int64)."""
    name = _ENUM_NAMES.get(number)
    if name is None or name not in _BY_NAME:
        raise TypeError(f"Cannot convert the argument `type_value`: {number} to a "
                        f"gradtape DType")
    return _BY_NAME[name]


def as_dtype(value: Any) -> DType:
    """Convert a DType, a name, a NumPy dtype or a Python type to a DType.

    >>> import gradtape as tf
    >>> tf.as_dtype("float64") is tf.float64, tf.as_dtype(float) is tf.float32
    (True, True)
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        try:
            return _BY_NAME[value]
        except KeyError:
            raise TypeError(f"unknown dtype name {value!r}; expected one of "
                            f"{', '.join(sorted(_BY_NAME))}") from None
    if value is float:
        return float32
    if value is int:
        return int32
    if value is _PY_BOOL:
        return bool
    if value is complex:
        return complex64
    if isinstance(value, (int, np.integer)):
        return _from_enum(int(value))
    if _FOREIGN and not isinstance(value, (np.dtype, type)):
        try:
            return _FOREIGN[value]
        except (KeyError, TypeError):
            pass
    try:
        return from_numpy(np.dtype(value))
    except (TypeError, ValueError) as e:
        raise TypeError(f"cannot interpret {value!r} as a gradtape dtype: {e}") from None


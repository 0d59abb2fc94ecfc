"""Python operators on Tensors and Variables, each delegating to its op.

``&``, ``|``, ``^`` and ``~`` are logical on bool tensors and bitwise on
integer ones, and ``*`` with a bool tensor multiplies in int32 and gives
bools, as TensorFlow's.
"""
from .._core.dtypes import kind
from .._core.tensor import TensorLike
from . import elementwise as ew
from ..errors import InvalidArgumentError
from ._util import NOPARAMS, NP, apply, defop, pair, wrap
from .indexing import getitem
from .linalg import matmul


def _swap(fn):
    return lambda self, other: fn(other, self)


def _rtruediv(self, other):
    return ew.truediv(other, self)


def _pow(self, other):
    return ew.pow(self, other)


def _bitwise_op(name, impl):
    return defop(name, impl, nondiff=True, broadcasts=impl.nin == 2)


_BITWISE = {"and": _bitwise_op("bitwise_and", NP.bitwise_and),
            "or": _bitwise_op("bitwise_or", NP.bitwise_or),
            "xor": _bitwise_op("bitwise_xor", NP.bitwise_xor),
            "invert": _bitwise_op("invert", NP.invert)}
_TF_BITWISE = {"and": "BitwiseAnd", "or": "BitwiseOr", "xor": "BitwiseXor", "invert": "Invert"}


def _logical_or_bitwise(word, logical):
    """The operator ``word`` ("and", "or", "xor"): ``logical`` on bool tensors,
    the bitwise op on integer ones (chosen by the first tensor operand's dtype,
    the other converted to it, as TensorFlow's)."""
    def operator(x, y):
        first = x if isinstance(x, TensorLike) else y
        if kind(first._value.dtype) == "b":
            return logical(x, y)
        x, y = pair(x, y, _TF_BITWISE[word])
        return apply(_BITWISE[word], (ew._check_kind(_TF_BITWISE[word], x, "iu"), y), NOPARAMS)
    return operator


def _invert(x):
    if kind(x._value.dtype) == "b":
        return ew.logical_not(x)
    return apply(_BITWISE["invert"], (ew._check_kind("Invert", x, "iu"),), NOPARAMS)


def _bool_product(x, y):
    """``x * y`` where ``tf.multiply`` refuses the operands: with a bool tensor,
    TensorFlow's ``*`` casts both operands to int32, multiplies and casts to
    bool; otherwise ``tf.multiply``'s own error."""
    if not any(isinstance(v, TensorLike) and kind(v._value.dtype) == "b" for v in (x, y)):
        return ew.multiply(x, y)
    return ew.cast(ew.multiply(ew.cast(x, "int32"), ew.cast(y, "int32")), "bool")


# ``*`` is tf.multiply itself, not a call around it: the op's frame stays the
# one next to the user's code, where the tape looks for its line
_mul = ew.multiply.with_fallback(_bool_product)


_AND = _logical_or_bitwise("and", ew.logical_and)
_OR = _logical_or_bitwise("or", ew.logical_or)
_XOR = _logical_or_bitwise("xor", ew.logical_xor)

_OPERATORS = {
    "__add__": ew.add, "__radd__": _swap(ew.add),
    "__sub__": ew.subtract, "__rsub__": _swap(ew.subtract),
    "__mul__": _mul, "__rmul__": _swap(_mul),
    "__truediv__": ew.truediv, "__rtruediv__": _rtruediv,
    "__floordiv__": ew.floordiv, "__rfloordiv__": _swap(ew.floordiv),
    "__mod__": ew.mod, "__rmod__": _swap(ew.mod),
    "__pow__": _pow, "__rpow__": _swap(ew.pow),
    "__matmul__": matmul, "__rmatmul__": _swap(matmul),
    "__neg__": ew.negative, "__abs__": ew.abs, "__pos__": lambda self: self,
    "__invert__": _invert,
    "__and__": _AND, "__rand__": _swap(_AND),
    "__or__": _OR, "__ror__": _swap(_OR),
    "__xor__": _XOR, "__rxor__": _swap(_XOR),
    "__lt__": ew.less, "__le__": ew.less_equal,
    "__gt__": ew.greater, "__ge__": ew.greater_equal,
    "__eq__": lambda self, other: _compare(ew.equal, self, other, False),
    "__ne__": lambda self, other: _compare(ew.not_equal, self, other, True),
    "__getitem__": getitem,
}


def _compare(fn, x, y, if_incomparable):
    # TensorFlow compares elementwise, and answers a bool tensor False (True
    # for !=) when the other side's shape does not broadcast (Python's False
    # for None); a value that does not convert to this one's dtype (2.0 to an
    # integer tensor) is its TypeError, a ragged list its ValueError, and a
    # tensor of another dtype its InvalidArgumentError
    if y is None:
        return if_incomparable
    if isinstance(y, TensorLike) and y.dtype is not x.dtype:
        return fn(x, y)
    try:
        return fn(x, y)
    except InvalidArgumentError:   # the shapes do not broadcast
        return wrap(NP.bool_(if_incomparable))


def install():
    """Attach the operators to ``TensorLike`` (Tensors and Variables)."""
    for name, fn in _OPERATORS.items():
        setattr(TensorLike, name, fn)

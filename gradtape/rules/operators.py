"""Python operators on Tensors and Variables, each delegating to its op."""
from .._core.tensor import TensorLike
from . import elementwise as ew
from .indexing import getitem
from .linalg import matmul


def _swap(fn):
    return lambda self, other: fn(other, self)


def _rtruediv(self, other):
    return ew.truediv(other, self)


def _pow(self, other):
    return ew.pow(self, other)


_OPERATORS = {
    "__add__": ew.add, "__radd__": _swap(ew.add),
    "__sub__": ew.subtract, "__rsub__": _swap(ew.subtract),
    "__mul__": ew.multiply, "__rmul__": _swap(ew.multiply),
    "__truediv__": ew.truediv, "__rtruediv__": _rtruediv,
    "__floordiv__": ew.floordiv, "__rfloordiv__": _swap(ew.floordiv),
    "__mod__": ew.mod, "__rmod__": _swap(ew.mod),
    "__pow__": _pow, "__rpow__": _swap(ew.pow),
    "__matmul__": matmul, "__rmatmul__": _swap(matmul),
    "__neg__": ew.negative, "__abs__": ew.abs, "__pos__": lambda self: self,
    "__invert__": ew.logical_not,
    "__and__": ew.logical_and, "__rand__": _swap(ew.logical_and),
    "__or__": ew.logical_or, "__ror__": _swap(ew.logical_or),
    "__xor__": ew.logical_xor, "__rxor__": _swap(ew.logical_xor),
    "__lt__": ew.less, "__le__": ew.less_equal,
    "__gt__": ew.greater, "__ge__": ew.greater_equal,
    "__eq__": lambda self, other: _compare(ew.equal, self, other, False),
    "__ne__": lambda self, other: _compare(ew.not_equal, self, other, True),
    "__getitem__": getitem,
}


def _compare(fn, x, y, if_incomparable):
    # TensorFlow compares elementwise, and answers False (True for !=) when
    # the other side's shape does not broadcast; a value that does not convert
    # to this one's dtype (2.0 to an integer tensor) is its TypeError
    if y is None:
        return if_incomparable
    try:
        return fn(x, y)
    except ValueError:
        return if_incomparable


def install():
    """Attach the operators to ``TensorLike`` (Tensors and Variables)."""
    for name, fn in _OPERATORS.items():
        setattr(TensorLike, name, fn)

"""TensorFlow's assertions: ``tf.debugging.assert_*``, ``tf.debugging.Assert`` and
``tf.ensure_shape``.

Each condition is computed with gradtape ops and read with ``bool()``, so
inside a ``gradtape.function`` it is checked again on every call (a Python
condition on a tensor is a guard of the compiled program), never only while
tracing.  A failed value assertion raises ``InvalidArgumentError`` naming the
condition and the first values, as TensorFlow's eager assertions do; a failed
static one (rank, dtype) raises ``ValueError`` or ``TypeError``.  A passing
assertion returns None (``assert_all_finite`` and ``ensure_shape`` return the
tensor).

>>> import gradtape as tf
>>> tf.debugging.assert_less(tf.constant([1, 2]), 3)
>>> try:
...     tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]))
... except tf.errors.InvalidArgumentError as e:
...     print(str(e).splitlines()[0])
Condition x == y did not hold.
"""
from __future__ import annotations

import numpy as np

from ._core.convert import convert_to_tensor
from ._core.dtypes import as_dtype, kind
from ._core.tensor import TensorLike, TensorShape
from .diagnostics.debugging import check_numerics
from .errors import InvalidArgumentError
from .rules import elementwise as _ew
from .rules import reductions as _red
from typing import Any, Optional, Sequence

__all__ = ["assert_equal", "assert_none_equal", "assert_less", "assert_less_equal",
           "assert_greater", "assert_greater_equal", "assert_near", "assert_positive",
           "assert_negative", "assert_non_negative", "assert_non_positive", "assert_rank",
           "assert_rank_at_least", "assert_rank_in", "assert_scalar", "assert_integer",
           "assert_type", "assert_all_finite", "assert_same_float_dtype", "is_numeric_tensor",
           "Assert", "ensure_shape"]


def _tensor(x: Any) -> Any:
    return x if isinstance(x, TensorLike) else convert_to_tensor(x)


def _first(x, summarize):
    values = np.asarray(x._value).ravel()
    n = len(values) if summarize is None else min(summarize, len(values))
    return n, values[:n]


def _failed(condition, x, y, message, summarize):
    """TensorFlow's message for a failed comparison of ``x`` and ``y``."""
    lines = [message] if message else []
    lines.append(f"Condition {condition} did not hold.")
    for name, t in (("x", x), ("y", y)):
        if t is not None:
            n, values = _first(t, summarize)
            lines += [f"First {n} elements of {name}:", str(values)]
    return InvalidArgumentError("\n".join(lines))


# a passing y for x = [2, 3], the docstring example of each comparison
_PASSING = {"==": "[2, 3]", "!=": "[3, 4]", "<": "[3, 4]", "<=": "[2, 4]", ">": "[1, 2]",
            ">=": "[2, 2]"}


def _compare(op, symbol, name):
    def check(x: Any, y: Any, message: Optional[str] = None, summarize: Optional[int] = None,
              name: Optional[str] = None) -> None:
        x = _tensor(x)
        y = convert_to_tensor(y, dtype_hint=x.dtype) if not isinstance(y, TensorLike) else y
        if not bool(_red.reduce_all(op(x, y))):
            raise _failed(f"x {symbol} y", x, y, message, summarize)
    check.__name__ = check.__qualname__ = name
    check.__doc__ = f"""Raise ``InvalidArgumentError`` unless ``x {symbol} y`` holds for every
    element (``x`` and ``y`` broadcast; empty tensors pass).

    >>> import gradtape as tf
    >>> tf.debugging.{name}(tf.constant([2, 3]), tf.constant({_PASSING[symbol]}))
    """
    return check


assert_equal = _compare(_ew.equal, "==", "assert_equal")
assert_none_equal = _compare(_ew.not_equal, "!=", "assert_none_equal")
assert_less = _compare(_ew.less, "<", "assert_less")
assert_less_equal = _compare(_ew.less_equal, "<=", "assert_less_equal")
assert_greater = _compare(_ew.greater, ">", "assert_greater")
assert_greater_equal = _compare(_ew.greater_equal, ">=", "assert_greater_equal")


def _sign(op, condition, name):
    def check(x: Any, message: Optional[str] = None, summarize: Optional[int] = None,
              name: Optional[str] = None) -> None:
        x = _tensor(x)
        if not bool(_red.reduce_all(op(x, convert_to_tensor(0, dtype=x.dtype)))):
            _, values = _first(x, summarize)
            raise InvalidArgumentError(
                f"{message or ''}\nCondition {condition} did not hold element-wise:\n"
                f"x (shape={tuple(x.shape)} dtype={x.dtype.name}) = \n{values}")
    check.__name__ = check.__qualname__ = name
    check.__doc__ = f"""Raise ``InvalidArgumentError`` unless ``{condition}`` holds for every
    element of ``x`` (an empty tensor passes).

    >>> import gradtape as tf
    >>> tf.debugging.{name}(tf.constant([], tf.float32))
    """
    return check


assert_positive = _sign(_ew.greater, "x > 0", "assert_positive")
assert_negative = _sign(_ew.less, "x < 0", "assert_negative")
assert_non_negative = _sign(_ew.greater_equal, "x >= 0", "assert_non_negative")
assert_non_positive = _sign(_ew.less_equal, "x <= 0", "assert_non_positive")


def assert_near(x: Any, y: Any, rtol: Optional[float] = None, atol: Optional[float] = None,
                message: Optional[str] = None, summarize: Optional[int] = None,
                name: Optional[str] = None) -> None:
    """Raise ``InvalidArgumentError`` unless ``|x - y| <= atol + rtol * |y|``
    everywhere; the tolerances default to 10 machine epsilons of the dtype.

    >>> import gradtape as tf
    >>> tf.debugging.assert_near(tf.constant([1.0]), tf.constant([1.0000001]))
    """
    x = _tensor(x)
    y = convert_to_tensor(y, dtype_hint=x.dtype) if not isinstance(y, TensorLike) else y
    eps = 10 * np.finfo(x.dtype.as_numpy_dtype).eps
    rtol = eps if rtol is None else rtol
    atol = eps if atol is None else atol
    gap = _ew.abs(x - y)
    if not bool(_red.reduce_all(gap <= atol + rtol * _ew.abs(y))):
        raise _failed(f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}: x ~ y",
                      x, y, message, summarize)


def _rank_error(x, message, what):
    prefix = f"{message}. " if message else ""
    return ValueError(f"{prefix}Tensor must have {what}.  Received rank "
                      f"{len(x.shape)}, shape {tuple(x.shape)}")


def assert_rank(x: Any, rank: int, message: Optional[str] = None,
                name: Optional[str] = None) -> None:
    """Raise ``ValueError`` unless ``x`` has rank ``rank``.

    >>> import gradtape as tf
    >>> tf.debugging.assert_rank(tf.zeros((2, 3)), 2)
    """
    x = _tensor(x)
    if len(x.shape) != int(rank):
        raise _rank_error(x, message, f"rank {int(rank)}")


def assert_rank_at_least(x: Any, rank: int, message: Optional[str] = None,
                         name: Optional[str] = None) -> None:
    """Raise ``ValueError`` unless ``x`` has rank ``rank`` or more.

    >>> import gradtape as tf
    >>> tf.debugging.assert_rank_at_least(tf.zeros((2, 3)), 1)
    """
    x = _tensor(x)
    if len(x.shape) < int(rank):
        raise _rank_error(x, message, f"rank at least {int(rank)}")


def assert_rank_in(x: Any, ranks: Sequence[int], message: Optional[str] = None,
                   name: Optional[str] = None) -> None:
    """Raise ``ValueError`` unless the rank of ``x`` is one of ``ranks``.

    >>> import gradtape as tf
    >>> tf.debugging.assert_rank_in(tf.zeros((2,)), [1, 2])
    """
    x = _tensor(x)
    ranks = tuple(int(r) for r in ranks)
    if len(x.shape) not in ranks:
        raise _rank_error(x, message, f"rank in {ranks}")


def assert_scalar(tensor: Any, message: Optional[str] = None, name: Optional[str] = None) -> None:
    """Raise ``ValueError`` unless ``tensor`` is a scalar (rank 0).

    >>> import gradtape as tf
    >>> tf.debugging.assert_scalar(tf.constant(1.0))
    """
    shape = tuple(_tensor(tensor).shape)
    if shape:
        raise ValueError(f"{message + ' ' if message else ''}Expected scalar shape, "
                         f"saw shape: {shape}.")


def assert_integer(x: Any, message: Optional[str] = None, name: Optional[str] = None) -> None:
    """Raise ``TypeError`` unless ``x`` has an integer dtype.

    >>> import gradtape as tf
    >>> tf.debugging.assert_integer(tf.constant([1, 2]))
    """
    x = _tensor(x)
    if not x.dtype.is_integer:
        raise TypeError(f"{message + ' ' if message else ''}Expected \"x\" to be integer "
                        f"type.  Found: tensor of dtype {x.dtype.name}")


def assert_type(tensor: Any, tf_type: Any, message: Optional[str] = None,
                name: Optional[str] = None) -> None:
    """Raise ``TypeError`` unless ``tensor`` has dtype ``tf_type``.

    >>> import gradtape as tf
    >>> tf.debugging.assert_type(tf.constant(1.0), tf.float32)
    """
    dtype = _tensor(tensor).dtype
    if dtype != as_dtype(tf_type):
        raise TypeError(f"{message + ' ' if message else ''}tensor must be of type "
                        f"tf.{as_dtype(tf_type).name}; got tf.{dtype.name}")


def assert_all_finite(t: Any, msg: str, name: Optional[str] = None, x: Any = None,
                      message: Optional[str] = None) -> Any:
    """``t`` unchanged if all its values are finite, else ``InvalidArgumentError``
    (TensorFlow's ``check_numerics``).

    >>> import gradtape as tf
    >>> tf.debugging.assert_all_finite(tf.constant([1.0]), "weights").numpy()
    array([1.], dtype=float32)
    """
    return check_numerics(t if x is None else x, msg if message is None else message)


def assert_same_float_dtype(tensors: Optional[Sequence[Any]] = None,
                            dtype: Any = None) -> Any:
    """The one floating dtype of ``tensors`` (and ``dtype``), else ``ValueError``;
    float32 when there is nothing to compare.

    >>> import gradtape as tf
    >>> tf.debugging.assert_same_float_dtype([tf.constant(1.0), tf.constant(2.0)])
    tf.float32
    """
    found = None if dtype is None else as_dtype(dtype)
    for t in tensors or ():
        t = _tensor(t)
        if found is None:
            found = t.dtype
        elif t.dtype != found:
            raise ValueError(f"{t}, type={t.dtype.name}, must be of the same type "
                             f"({found.name}).")
    found = as_dtype("float32") if found is None else found
    if not found.is_floating:
        raise ValueError(f"Expected floating point type, got {found.name}.")
    return found


def is_numeric_tensor(tensor: Any) -> bool:
    """Whether ``tensor`` is a tensor of a numeric dtype (not bool or string).

    >>> import gradtape as tf
    >>> tf.debugging.is_numeric_tensor(tf.constant(1.0)), tf.debugging.is_numeric_tensor(1.0)
    (True, False)
    """
    return isinstance(tensor, TensorLike) and kind(tensor._value.dtype) in "iufc"


def Assert(condition: Any, data: Sequence[Any], summarize: Optional[int] = None,  # noqa: N802
           name: Optional[str] = None) -> None:
    """Raise ``InvalidArgumentError`` showing ``data`` unless the bool scalar
    ``condition`` is true.

    >>> import gradtape as tf
    >>> tf.debugging.Assert(tf.constant(True), ["never shown"])
    """
    if not bool(_tensor(condition)):
        shown = [str(d) if not isinstance(d, TensorLike) else
                 ", ".join(str(v) for v in _first(d, summarize)[1]) for d in data]
        raise InvalidArgumentError("Expected 'condition' to be true. Summarized data: "
                                   + "\n".join(shown))


def ensure_shape(x: Any, shape: Any, name: Optional[str] = None) -> Any:
    """``x`` unchanged if its shape is compatible with ``shape`` (``None`` for
    any size), else ``InvalidArgumentError``.

    >>> import gradtape as tf
    >>> tf.ensure_shape(tf.constant([1.0, 2.0]), [None]).numpy()
    array([1., 2.], dtype=float32)
    """
    x = _tensor(x)
    want = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if not want.is_compatible_with(x.shape):
        expected = "?" if want.rank is None else "[" + ",".join(
            "?" if d is None else str(d) for d in want) + "]"
        raise InvalidArgumentError(f"Shape of tensor input [{','.join(map(str, x.shape))}] "
                                   f"is not compatible with expected shape {expected}.")
    return x

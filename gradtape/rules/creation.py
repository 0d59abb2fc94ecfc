"""Tensors made from a description: ``fill``, ``eye``, ``range``, ``linspace``, ``one_hot``.

Only ``fill`` (through its value) and ``linspace`` (through ``start`` and
``stop``) carry gradients; both are built from differentiable ops.
"""
from __future__ import annotations
import builtins

from .._core.dtypes import as_dtype, float32, float64, int32, int64, kind
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike, decide
from ..errors import InvalidArgumentError
from ._util import int_arg, namespace, pair, public_names, tensor, wrap, NP
from . import elementwise as ew
from . import shape as sh
from typing import Optional, TYPE_CHECKING
from .._core.types import Axis, DTypeLike, ShapeLike, Tensor, TensorInput


def fill(dims: TensorInput, value: TensorInput, name: Optional[str] = None) -> Tensor:
    """A tensor of shape ``dims`` with every element ``value`` (differentiable in ``value``).

    >>> import gradtape as tf
    >>> tf.fill([2, 3], 9.0).numpy()
    array([[9., 9., 9.],
           [9., 9., 9.]], dtype=float32)
    """
    v = tensor(value)
    if v._value.ndim:
        raise InvalidArgumentError(f"fill: value must be a scalar, got shape {tuple(v.shape)}")
    dims = sh._shape_tuple(dims)
    if any(d < 0 for d in dims):
        raise InvalidArgumentError(f"fill: dims must be non-negative, got {list(dims)}")
    return sh.broadcast_to(v, dims)


def eye(num_rows: int, num_columns: Optional[int] = None, batch_shape: Optional[ShapeLike] = None,
        dtype: DTypeLike = "float32", name: Optional[str] = None) -> Tensor:
    """An identity matrix (or a batch of them), ``num_rows`` by ``num_columns``.

    >>> import gradtape as tf
    >>> tf.eye(2, 3).numpy()
    array([[1., 0., 0.],
           [0., 1., 0.]], dtype=float32)
    """
    rows = int_arg(num_rows, "eye", "num_rows")
    cols = rows if num_columns is None else int_arg(num_columns, "eye", "num_columns")
    if rows < 0 or cols < 0:
        raise InvalidArgumentError(f"eye: num_rows ({rows}) and num_columns ({cols}) must be "
                                   "non-negative")
    batch = () if batch_shape is None else sh._shape_tuple(batch_shape)
    m = NP.eye(rows, cols, dtype=as_dtype(dtype)._np)
    return wrap(NP.array(NP.broadcast_to(m, batch + m.shape)))


_RANGE_ORDER = (int32, int64, float32, float64)


def range(start: TensorInput, limit: Optional[TensorInput] = None, delta: TensorInput = 1,
          dtype: Optional[DTypeLike] = None, name: Optional[str] = "range") -> Tensor:
    """The numbers ``start, start + delta, ...`` up to (excluding) ``limit``.

    With one argument it counts from 0.  The dtype is the widest of the
    arguments' (Python ints are int32, floats float32) unless ``dtype`` is given.

    >>> import gradtape as tf
    >>> tf.range(5).numpy(), tf.range(1.0, 2.0, 0.25).numpy()
    (array([0, 1, 2, 3, 4], dtype=int32), array([1.  , 1.25, 1.5 , 1.75], dtype=float32))
    """
    if limit is None:
        start, limit = 0, start
    args = [tensor(a) for a in (start, limit, delta)]
    for nm, a in zip(("start", "limit", "delta"), args):
        if a._value.ndim:
            raise InvalidArgumentError(f"range: {nm} must be a scalar, got shape {tuple(a.shape)}")
    if dtype is None:
        kinds = [a.dtype for a in args]
        for k in kinds:
            if k not in _RANGE_ORDER:
                raise TypeError(f"range: arguments must be int32, int64, float32 or float64, "
                                f"got {k.name}")
        dtype = builtins.max(kinds, key=_RANGE_ORDER.index)
    dt = as_dtype(dtype)
    s, lim, d = (NP.astype(decide(a._value), dt._np).item() for a in args)
    if d == 0:
        raise InvalidArgumentError(f"range: requires delta != 0: {d}")
    if d > 0 and s > lim:
        raise InvalidArgumentError(f"range: requires start <= limit when delta > 0: {s}/{lim}")
    if d < 0 and s < lim:
        raise InvalidArgumentError(f"range: requires start >= limit when delta < 0: {s}/{lim}")
    return wrap(NP.astype(NP.arange(s, lim, d), dt._np))


def linspace(start: TensorInput, stop: TensorInput, num: int, name: Optional[str] = None,
             axis: Axis = 0) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` (both included), along ``axis``.

    ``start`` and ``stop`` may be tensors (broadcast together); the values are
    differentiable in both.  Integer inputs give float64.

    >>> import gradtape as tf
    >>> tf.linspace(10.0, 12.0, 3).numpy()
    array([10., 11., 12.], dtype=float32)
    >>> tf.linspace([0.0, 5.0], [10.0, 40.0], 3, axis=-1).numpy()
    array([[ 0. ,  5. , 10. ],
           [ 5. , 22.5, 40. ]], dtype=float32)
    >>> tf.linspace(0.0, 1.0, 0).shape
    TensorShape([0])
    """
    lo, hi = pair(start, stop, "LinSpace")
    if kind(lo._value.dtype) in "iu":
        lo, hi = ew.cast(lo, "float64"), ew.cast(hi, "float64")
    elif kind(lo._value.dtype) != "f":
        raise TypeError(f"linspace: start and stop must be floats, got {lo.dtype.name}")
    n = int_arg(num.numpy() if isinstance(num, TensorLike) else num, "linspace", "num")
    if n < 0:  # num=0 is an empty result, as TensorFlow's
        raise InvalidArgumentError(f"linspace: requires num >= 0: {n}")
    nd = builtins.max(lo._value.ndim, hi._value.ndim) + 1
    axis = int_arg(axis, "linspace")
    if not -nd <= axis < nd:
        raise InvalidArgumentError(f"linspace: axis {axis} is out of range for a result of "
                                   f"rank {nd} (expected -{nd} <= axis < {nd})")
    axis %= nd
    lo, hi = sh.expand_dims(lo, axis), sh.expand_dims(hi, axis)
    shape = [1] * nd
    shape[axis] = n
    ns = namespace(lo._value)
    w = ns.arange(n, dtype=lo._value.dtype) / builtins.max(n - 1, 1)
    w = wrap(ns.reshape(ns.astype(w, lo._value.dtype), tuple(shape)))
    # lo * (1 - w) + hi * w hits both ends exactly
    return lo * (1.0 - w) + hi * w


def _one_hot_dtype(on_value, off_value, dtype):
    """The dtype of ``one_hot``'s result, with TensorFlow's checks: ``on_value``
    and ``off_value`` (read with ``dtype`` as a hint) must agree with each
    other and with ``dtype``."""
    hint = None if dtype is None else as_dtype(dtype)
    dts = {}
    for nm, v in (("on_value", on_value), ("off_value", off_value)):
        if v is not None:
            dts[nm] = convert_to_tensor(v, dtype_hint=hint).dtype
    for nm, dt in dts.items():
        if hint is not None and dt != hint:
            raise TypeError(f"dtype {dt!r} of {nm} does not match dtype parameter {hint!r}")
    if len(dts) == 2 and dts["on_value"] != dts["off_value"]:
        raise TypeError(f"dtype {dts['on_value']!r} of on_value does not match dtype "
                        f"{dts['off_value']!r} of off_value")
    return hint or next(iter(dts.values()), float32)


def one_hot(indices: TensorInput, depth: int, on_value: Optional[TensorInput] = None,
            off_value: Optional[TensorInput] = None, axis: Axis = None,
            dtype: Optional[DTypeLike] = None, name: Optional[str] = None) -> Tensor:
    """A one-hot encoding: ``on_value`` at each index along a new axis of size ``depth``.

    Indices outside ``[0, depth)`` give a row of ``off_value``.  The dtype is
    ``dtype``, else that of ``on_value``/``off_value``, else float32.  It has no
    gradient.

    >>> import gradtape as tf
    >>> tf.one_hot([0, 2, -1], 3).numpy()
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 0., 0.]], dtype=float32)
    """
    idx = decide(tensor(indices)._value)
    if idx.dtype.kind not in "iu":
        raise InvalidArgumentError(f"Value for attr 'TI' of {idx.dtype.name} is not in the list "
                                   f"of allowed values: uint8, int8, int32, int64 [Op:OneHot]; "
                                   f"one_hot: indices must be integers")
    depth = int_arg(depth.numpy() if isinstance(depth, TensorLike) else depth, "one_hot", "depth")
    if depth < 0:
        raise InvalidArgumentError(f"one_hot: depth must be non-negative, got {depth}")
    dt = _one_hot_dtype(on_value, off_value, dtype)
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    on, off = (NP.astype(NP.asarray(v.numpy() if isinstance(v, TensorLike) else v), dt._np)
               for v in (on, off))
    nd = idx.ndim + 1
    axis = -1 if axis is None else int_arg(axis, "one_hot")
    if not (axis == -1 or 0 <= axis < nd):
        raise InvalidArgumentError(f"one_hot: axis must be -1 or in [0, {nd}), got {axis}")
    hot = idx[..., None] == NP.arange(depth)
    out = NP.astype(NP.where(hot, on, off), dt._np)
    return wrap(NP.moveaxis(out, -1, axis))


if not TYPE_CHECKING:  # a type checker reads the module's own public names
    __all__ = public_names(globals())

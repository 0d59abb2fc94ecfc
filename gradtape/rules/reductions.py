"""Reductions over axes: sums, means, extrema, products, log-sum-exp, moments,
logical reductions, counts, arg-extrema and scans (cumsum, cumprod).

Every reduction takes ``axis`` (None for all axes, an int, a negative int or a
sequence) and ``keepdims``, as TensorFlow's.  Axes are stored negative, and
VJPs put the reduced axes back relative to the end of the cotangent
(``_unreduce``), so rules work with extra leading (batch) axes.
"""
from __future__ import annotations
import math

from .._core.backend import DOT_REPORTS_OVERFLOW, constant_like
from .._core.reverse import BLAS_FLOATS as _BLAS_FLOATS, sum_leading
from .._core.dtypes import as_dtype, kind
from .._core.tensor import decide, wrap
from ..errors import InvalidArgumentError
from ._util import public_names, apply, defop, namespace, norm_axes, refuse_dtype, tensor, NP
from . import elementwise as ew
from . import shape as sh
from typing import Optional, TYPE_CHECKING
from .._core.types import Axis, DTypeLike, Tensor, TensorInput


# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------

def _params(x, axis, keepdims, opname):
    """The parameters of a reduction of ``x``: negative sorted axes and keepdims."""
    nd = x._value.ndim
    axes = norm_axes(axis, nd, opname)
    if not nd and axes:  # TensorFlow's error: a scalar has no axis 0 (or -1)
        raise InvalidArgumentError(
            f"Invalid reduction dimension ({axis} for input with 0 dimension(s)) [Op:{opname}]; "
            "a scalar has no axis to reduce: pass axis=None")
    return {"axes": axes, "keepdims": bool(keepdims)}


def _unreduce_impl(xp, ct, shape, axes, keepdims):
    nd = len(shape)
    batch = ct.shape[:ct.ndim - (nd if keepdims else nd - len(axes))]
    if not keepdims and ct.ndim:
        ct = ct.reshape(batch + tuple([1 if i - nd in axes else d for i, d in enumerate(shape)]))
    full = batch + shape
    if _count(full, range(len(full))) > _FILL_MAX:
        return xp.broadcast_to(ct, full)  # a view: no memory for large results
    # small ones are filled: np.broadcast_to costs more than the copy
    out = xp.empty(full, ct.dtype)
    out[...] = ct
    return out


def _unreduce_standard(xp, ct, shape, axes, keepdims):
    nd = len(shape)
    batch = tuple(ct.shape[:ct.ndim - (nd if keepdims else nd - len(axes))])
    if not keepdims and ct.ndim:
        ct = xp.reshape(ct, batch + tuple([1 if i - nd in axes else d
                                           for i, d in enumerate(shape)]))
    return xp.broadcast_to(ct, batch + tuple(shape))


_FILL_MAX = 1 << 16


def _spread_numpy(ct, shape, axes, keepdims, scale=None):
    """``ct`` (times ``scale``, a 0-d array of its dtype) spread back to
    ``lead + shape`` on NumPy arrays: ``_unreduce_impl``'s result (of
    ``ct * scale``), the product written straight into the new array."""
    nd = len(shape)
    if ct.ndim and not keepdims:
        batch = ct.shape[:ct.ndim - (nd - len(axes))]
        ct = ct.reshape(batch + tuple([1 if i - nd in axes else d for i, d in enumerate(shape)]))
    else:
        batch = ct.shape[:ct.ndim - nd] if ct.ndim else ()
    full = batch + shape
    if math.prod(full) > _FILL_MAX:
        return NP.broadcast_to(ct if scale is None else ct * scale, full)
    out = NP.empty(full, ct.dtype)
    if scale is None:
        out[...] = ct
    else:
        NP.multiply(ct, scale, out=out)
    return out


# one op for what expand_dims and broadcast_to would do in two (or more)
_UNREDUCE = defop("unreduce", _unreduce_impl, portable=_unreduce_standard,
                  vjp=lambda ct, ans, g, shape, axes, keepdims: _sum(ct, axes, keepdims),
                  linear=True, save="none")


def _unreduce(ct, x_shape, axes, keepdims):
    """Broadcast a reduced cotangent back to ``lead + x_shape``."""
    return apply(_UNREDUCE, (ct,), {"shape": tuple(x_shape), "axes": axes,
                                    "keepdims": keepdims})


def _count(x_shape, axes):
    n = 1
    for a in axes:
        n *= x_shape[a]
    return n


def _sum(t, axes, keepdims):
    return apply(_SUM, (t,), {"axes": axes, "keepdims": keepdims})


def _numeric(x, opname):
    x = tensor(x)
    try:
        k = x._value.dtype.kind
    except AttributeError:  # a dtype of another namespace
        k = kind(x._value.dtype)
    if k == "b":  # NumPy would or/and the bools: TensorFlow has no kernel
        raise TypeError(f"{opname}: input_tensor must be a numeric tensor, got bool; use "
                        "reduce_any/reduce_all, or cast it first (gradtape.cast(x, tf.int32))")
    return x


def _ordered(x, opname, also=""):
    """``x`` as a tensor of a real numeric dtype (or of the kinds ``also``):
    TensorFlow has no kernel comparing complex numbers (nor bools, mostly)."""
    x = tensor(x)
    if kind(x._value.dtype) not in "iuf" + also:
        raise refuse_dtype(opname, x.dtype, "iuf")
    return x


def _floating(x, opname, kinds="f"):
    x = tensor(x)
    if kind(x._value.dtype) not in kinds:
        raise TypeError(f"{opname}: input_tensor must be a floating-point tensor, got "
                        f"{x.dtype.name}; cast it first (gradtape.cast(x, tf.float32))")
    return x


# ---------------------------------------------------------------------------
# Sum and mean (linear)
# ---------------------------------------------------------------------------

def _sum_impl(xp, x, axes, keepdims):
    # the ufunc's own reduce: np.sum's Python wrapper costs as much as 10,000 additions
    return xp.add.reduce(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def _sum_standard(xp, x, axes, keepdims):
    return xp.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


_SUM = defop("reduce_sum", _sum_impl, portable=_sum_standard,
             vjp=lambda ct, ans, x, axes, keepdims: _unreduce(ct, x.shape, axes, keepdims),
             numpy_vjps=lambda ct, ans, x, axes, keepdims: _spread_numpy(
                 ct, tuple(x.shape), axes, keepdims),
             linear=True, save="none")


def _summed_axes(k, keep):
    """The ``k`` axes before the last ``keep``, counted from the end (so a
    batched tangent's leading axes are kept: the op is linear)."""
    return tuple(range(-(k + keep), -keep)) if keep else tuple(range(-k, 0))


def _sum_leading_numpy(x, k, keep):
    """The sum over the ``k`` leading axes as the first-order sweep undoes
    broadcasting (``reverse.sum_leading``, a BLAS product for float32 and
    float64), so a sweep made of ops gives the same bits."""
    if x.ndim == k + keep and x.dtype in _BLAS_FLOATS and x.size and DOT_REPORTS_OVERFLOW:
        return sum_leading(x, k, x.shape[k:])
    return _sum_impl(NP, x, _summed_axes(k, keep), False)


# the sum over the leading axes that undoes broadcasting in a sweep of ops
# (``basic_ops.sum_to_shape``): the numbers of the sweep on arrays
_SUM_LEADING = defop(
    "sum_leading", lambda xp, x, k, keep: _sum_impl(xp, x, _summed_axes(k, keep), False),
    portable=lambda xp, x, k, keep: _sum_standard(xp, x, _summed_axes(k, keep), False),
    vjp=lambda ct, ans, x, k, keep: _unreduce(ct, x.shape, _summed_axes(k, keep), False),
    numpy_vjps=lambda ct, ans, x, k, keep: _spread_numpy(ct, tuple(x.shape),
                                                         _summed_axes(k, keep), False),
    linear=True, save="none")
_SUM_LEADING.numpy_impl = _sum_leading_numpy


def reduce_sum(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
               name: Optional[str] = None) -> Tensor:
    """Sum of elements across ``axis`` (all axes when None).

    >>> import gradtape as tf
    >>> tf.reduce_sum(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy()
    array([4., 6.], dtype=float32)
    """
    x = _numeric(input_tensor, "reduce_sum")
    return apply(_SUM, (x,), _params(x, axis, keepdims, "reduce_sum"))


def _mean_impl(xp, x, axes, keepdims):
    if kind(x.dtype) in "iu":  # TensorFlow's integer division truncates toward zero
        total, n = xp.sum(x, axis=axes, keepdims=keepdims), max(_count(x.shape, axes), 1)
        if kind(x.dtype) == "i":
            total = xp.where(total < 0, -(-total // n), total // n)
        else:
            total = total // n
        return xp.astype(total, x.dtype)
    if x.size == 0 and _count(x.shape, axes) == 0:  # NaN, as TensorFlow, without a warning
        return xp.full(_reduced_shape(x.shape, axes, keepdims), xp.nan, x.dtype)
    if xp is NP:  # np.mean's own steps, without its Python wrapper
        n = _count(x.shape, axes)
        if x.dtype.char in "fdg":  # (float16 adds in float32, below)
            return NP.add.reduce(x, axis=axes, keepdims=keepdims) / n
        mean = NP.add.reduce(x, axis=axes, keepdims=keepdims, dtype=_accumulator(xp, x.dtype))
        return (mean / n).astype(x.dtype, copy=False)
    mean = xp.mean(x, axis=axes, keepdims=keepdims, dtype=_accumulator(xp, x.dtype))
    return xp.astype(mean, x.dtype, copy=False)


def _accumulator(xp, dtype):
    # float16 sums overflow long before their mean or log-sum-exp would: add in float32
    half = getattr(xp, "float16", None)  # not every namespace has one
    return xp.float32 if half is not None and dtype == half else dtype


def _reduced_shape(shape, axes, keepdims):
    nd = len(shape)
    kept = [1 if i - nd in axes else d for i, d in enumerate(shape)]
    return tuple(kept) if keepdims else tuple(d for i, d in enumerate(shape) if i - nd not in axes)


_MEAN = defop("reduce_mean", _mean_impl,
              vjp=lambda ct, ans, x, axes, keepdims:
                  # times 1/n: n itself may not fit in float16 (TensorFlow's divide gives 0)
                  _unreduce(ct, x.shape, axes, keepdims) * (1.0 / max(_count(x.shape, axes), 1)),
              numpy_vjps=lambda ct, ans, x, axes, keepdims: _mean_numpy_vjp(ct, x, axes, keepdims),
              linear=True, save="none")


def _mean_numpy_vjp(ct, x, axes, keepdims):
    # the products of the Tensor rule: each entry of ct times 1/n in ct's dtype
    shape = tuple(x.shape)
    inverse = 1.0 / max(_count(shape, axes), 1)
    if type(ct) is NP.ndarray and ct.dtype.kind in "fc":
        return _spread_numpy(ct, shape, axes, keepdims, constant_like(inverse, ct.dtype))
    return _UNREDUCE.numpy_impl(ct * inverse, shape=shape, axes=axes, keepdims=keepdims)


def reduce_mean(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
                name: Optional[str] = None) -> Tensor:
    """Mean of elements across ``axis`` (integer tensors use integer division,
    truncating toward zero as TensorFlow's).

    >>> import gradtape as tf
    >>> tf.reduce_mean(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=1).numpy()
    array([1.5, 3.5], dtype=float32)
    """
    x = _numeric(input_tensor, "reduce_mean")
    return apply(_MEAN, (x,), _params(x, axis, keepdims, "reduce_mean"))


# ---------------------------------------------------------------------------
# Maximum and minimum: ties share the gradient evenly, as in TensorFlow
# ---------------------------------------------------------------------------

def _extreme_impl(name, identity):
    """The impl of ``reduce_max`` (``name`` "max") or ``reduce_min``."""
    def impl(xp, x, axes, keepdims):
        reduce = getattr(xp, name)
        if x.size == 0:  # an empty slice reduces to the identity (-inf for max)
            return reduce(x, axis=axes, keepdims=keepdims, initial=identity(xp, x.dtype))
        return reduce(x, axis=axes, keepdims=keepdims)
    return impl


def _lowest(xp, dt):
    k = kind(dt)
    if k == "b":
        return False
    return -xp.inf if k == "f" else xp.iinfo(dt).min


def _highest(xp, dt):
    k = kind(dt)
    if k == "b":
        return True
    return xp.inf if k == "f" else xp.iinfo(dt).max


def _tie_weights(x, ans, axes, keepdims):
    """1/k at each of the k elements of a slice that attain its extremum, else 0."""
    hit = ew.cast(ew.equal(x, _unreduce(ans, x.shape, axes, keepdims)), x.dtype)
    return hit / _sum(hit, axes, True)


def _extreme_vjp(ct, ans, x, axes, keepdims):
    return _unreduce(ct, x.shape, axes, keepdims) * _tie_weights(x, ans, axes, keepdims)


def _extreme_jvp(ts, ans, x, axes, keepdims):
    return _sum(ts[0] * _tie_weights(x, ans, axes, keepdims), axes, keepdims)


_MAX = defop("reduce_max", _extreme_impl("max", _lowest), vjp=_extreme_vjp,
             jvp=_extreme_jvp, save_ans=True)
_MIN = defop("reduce_min", _extreme_impl("min", _highest), vjp=_extreme_vjp,
             jvp=_extreme_jvp, save_ans=True)


def reduce_max(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
               name: Optional[str] = None) -> Tensor:
    """Maximum of elements across ``axis``; tied maxima share the gradient evenly.

    >>> import gradtape as tf
    >>> x = tf.constant([[1.0, 5.0], [5.0, 2.0]])
    >>> tf.reduce_max(x, axis=1).numpy()
    array([5., 5.], dtype=float32)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = tf.reduce_max(x)
    >>> tape.gradient(y, x).numpy()
    array([[0. , 0.5],
           [0.5, 0. ]], dtype=float32)
    """
    x = _ordered(input_tensor, "reduce_max")
    return apply(_MAX, (x,), _params(x, axis, keepdims, "reduce_max"))


def reduce_min(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
               name: Optional[str] = None) -> Tensor:
    """Minimum of elements across ``axis``; tied minima share the gradient evenly.

    >>> import gradtape as tf
    >>> tf.reduce_min(tf.constant([[1.0, 5.0], [3.0, 2.0]]), axis=0).numpy()
    array([1., 2.], dtype=float32)
    """
    x = _ordered(input_tensor, "reduce_min")
    return apply(_MIN, (x,), _params(x, axis, keepdims, "reduce_min"))


# ---------------------------------------------------------------------------
# Product: exact first derivatives even where the input holds zeros
# ---------------------------------------------------------------------------

def _prod_impl(xp, x, axes, keepdims):
    return xp.prod(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def _any_zero(v):
    return bool(namespace(v).any(v == 0))


def _others_product(x, ans, axes, keepdims):
    """For each element, the product of the other elements of its slice.

    Without zeros that is ``prod / x``.  At a zero it is the product of the
    slice's non-zeros times the slice's other zeros: written so that second
    derivatives are exact too (third ones only up to two zeros per slice).
    """
    full = _unreduce(ans, x.shape, axes, keepdims)
    if not decide(x._value, _any_zero):
        return full / x
    zero = ew.equal(x, 0.0)
    safe = ew.where(zero, 1.0, x)
    nonzeros = apply(_PROD, (safe,), {"axes": axes, "keepdims": True})
    n_zero = _sum(ew.cast(zero, x.dtype), axes, True)
    # the other zeros' product: 1 for a lone zero; for a pair, the other
    # zero written as (sum of the pair) - x, which has the right derivatives
    pair_sum = _sum(ew.where(zero, x, 0.0), axes, True)
    other_zeros = ew.where(ew.equal(n_zero, 1.0), 1.0,
                           ew.where(ew.equal(n_zero, 2.0), pair_sum - x, 0.0))
    return ew.where(zero, nonzeros * other_zeros, full / safe)


_PROD = defop("reduce_prod", _prod_impl,
              # (conjugated for complex cotangents: TensorFlow's convention, elementwise._adjoint)
              vjp=ew._adjoint(lambda ct, ans, x, axes, keepdims:
                              _unreduce(ct, x.shape, axes, keepdims)
                              * _others_product(x, ans, axes, keepdims)),
              jvp=lambda ts, ans, x, axes, keepdims:
                  _sum(ts[0] * _others_product(x, ans, axes, keepdims), axes, keepdims),
              save_ans=True)


def reduce_prod(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
                name: Optional[str] = None) -> Tensor:
    """Product of elements across ``axis``; its gradient is exact at zeros too.

    >>> import gradtape as tf
    >>> x = tf.constant([[2.0, 0.0], [3.0, 4.0]])
    >>> tf.reduce_prod(x, axis=1).numpy()
    array([ 0., 12.], dtype=float32)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = tf.reduce_prod(x, axis=1)
    >>> tape.gradient(y, x).numpy()
    array([[0., 2.],
           [4., 3.]], dtype=float32)
    """
    x = _numeric(input_tensor, "reduce_prod")
    return apply(_PROD, (x,), _params(x, axis, keepdims, "reduce_prod"))


# ---------------------------------------------------------------------------
# Log-sum-exp, variance, standard deviation
# ---------------------------------------------------------------------------

def _logsumexp_impl(xp, x, axes, keepdims):
    # shift by the slice maximum (0 where it is infinite) so exp cannot overflow
    m = xp.max(x, axis=axes, keepdims=True, initial=-xp.inf)
    m = xp.astype(xp.where(xp.isfinite(m), m, 0), x.dtype, copy=False)
    with xp.errstate(divide="ignore"):
        out = xp.log(xp.sum(xp.exp(x - m), axis=axes, keepdims=True,
                            dtype=_accumulator(xp, x.dtype))) + m
    if not keepdims:
        out = xp.squeeze(out, axis=axes)
    return xp.astype(out, x.dtype, copy=False)


def _softmax_weights(x, ans, axes, keepdims):
    return ew.exp(x - _unreduce(ans, x.shape, axes, keepdims))


_LOGSUMEXP = defop(
    "reduce_logsumexp", _logsumexp_impl,
    vjp=lambda ct, ans, x, axes, keepdims:
        _unreduce(ct, x.shape, axes, keepdims) * _softmax_weights(x, ans, axes, keepdims),
    jvp=lambda ts, ans, x, axes, keepdims:
        _sum(ts[0] * _softmax_weights(x, ans, axes, keepdims), axes, keepdims),
    save_ans=True)


def reduce_logsumexp(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
                     name: Optional[str] = None) -> Tensor:
    """``log(reduce_sum(exp(x)))`` across ``axis``, computed without overflow.

    >>> import gradtape as tf
    >>> tf.reduce_logsumexp(tf.constant([1000.0, 1000.0])).numpy()
    1000.6932
    """
    x = _floating(input_tensor, "reduce_logsumexp")
    return apply(_LOGSUMEXP, (x,), _params(x, axis, keepdims, "reduce_logsumexp"))


def reduce_variance(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
                    name: Optional[str] = None) -> Tensor:
    """Population variance (divisor ``n``) of elements across ``axis``; of a
    complex tensor, the mean of ``|x - mean| ** 2``, real (as TensorFlow's).

    >>> import gradtape as tf
    >>> tf.math.reduce_variance(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy()
    array([1., 1.], dtype=float32)
    >>> tf.math.reduce_variance(tf.constant([1 + 1j, 2 - 1j])).numpy()
    1.25
    """
    x = _floating(input_tensor, "reduce_variance", "fc")
    mean = reduce_mean(x, axis, keepdims=True)
    if kind(x._value.dtype) == "c":
        deviations = ew.square(ew.abs(x - mean))
    else:
        deviations = ew.squared_difference(x, mean)
    return reduce_mean(deviations, axis, keepdims)


def reduce_std(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
               name: Optional[str] = None) -> Tensor:
    """Population standard deviation of elements across ``axis`` (real for a
    complex tensor, as ``reduce_variance``).

    >>> import gradtape as tf
    >>> tf.math.reduce_std(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    1.118034
    """
    x = _floating(input_tensor, "reduce_std", "fc")
    return ew.sqrt(reduce_variance(x, axis, keepdims))


def reduce_euclidean_norm(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
                          name: Optional[str] = None) -> Tensor:
    """``sqrt(reduce_sum(|x| ** 2))`` across ``axis``, in ``x``'s dtype (an
    integer tensor's norm rounded down, a complex tensor's with zero imaginary
    part, as TensorFlow's).  Its gradient ``x / norm`` is NaN where the norm
    is 0, as TensorFlow's.

    >>> import gradtape as tf
    >>> tf.math.reduce_euclidean_norm(tf.constant([[3.0, 4.0], [0.0, 0.0]]), axis=1).numpy()
    array([5., 0.], dtype=float32)
    >>> tf.math.reduce_euclidean_norm(tf.constant([1, 1])).numpy()
    1
    """
    x = _numeric(input_tensor, "reduce_euclidean_norm")
    k = kind(x._value.dtype)
    if k in "iu":
        squares = ew.cast(reduce_sum(ew.multiply(x, x), axis, keepdims), "float64")
        return ew.cast(ew.floor(ew.sqrt(squares)), x.dtype)
    if k == "c":
        return ew.cast(reduce_euclidean_norm(ew.abs(x), axis, keepdims), x.dtype)
    return ew.sqrt(reduce_sum(ew.square(x), axis, keepdims))


# ---------------------------------------------------------------------------
# Logical reductions and counts: no gradient
# ---------------------------------------------------------------------------

_ANY = defop("reduce_any", lambda xp, x, axes, keepdims: xp.any(x, axis=axes, keepdims=keepdims),
             nondiff=True)
_ALL = defop("reduce_all", lambda xp, x, axes, keepdims: xp.all(x, axis=axes, keepdims=keepdims),
             nondiff=True)


def _boolean(x, opname):
    x = tensor(x)
    if kind(x._value.dtype) != "b":
        raise TypeError(f"{opname}: input_tensor must be a bool tensor, got {x.dtype.name}; "
                        "compare it first (e.g. x > 0) or cast it with gradtape.cast(x, tf.bool)")
    return x


def reduce_any(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
               name: Optional[str] = None) -> Tensor:
    """Logical or of a bool tensor's elements across ``axis``.

    >>> import gradtape as tf
    >>> tf.reduce_any(tf.constant([[True, False], [False, False]]), axis=1).numpy()
    array([ True, False])
    """
    x = _boolean(input_tensor, "reduce_any")
    return apply(_ANY, (x,), _params(x, axis, keepdims, "reduce_any"))


def reduce_all(input_tensor: TensorInput, axis: Axis = None, keepdims: bool = False,
               name: Optional[str] = None) -> Tensor:
    """Logical and of a bool tensor's elements across ``axis``.

    >>> import gradtape as tf
    >>> tf.reduce_all(tf.constant([[True, False], [True, True]]), axis=1).numpy()
    array([False,  True])
    """
    x = _boolean(input_tensor, "reduce_all")
    return apply(_ALL, (x,), _params(x, axis, keepdims, "reduce_all"))


_COUNT = defop("count_nonzero",
               lambda xp, x, axes, keepdims, dtype: xp.sum(x != 0, axis=axes,
                                                           keepdims=keepdims, dtype=dtype),
               nondiff=True)


def count_nonzero(input: TensorInput, axis: Axis = None, keepdims: Optional[bool] = None,
                  dtype: DTypeLike = "int64", name: Optional[str] = None) -> Tensor:
    """The number of non-zero (or True) elements across ``axis``, as ``dtype``.

    >>> import gradtape as tf
    >>> tf.math.count_nonzero(tf.constant([[0.0, 1.5], [2.0, 3.0]]), axis=1).numpy()
    array([1, 2])
    """
    x = tensor(input)
    params = _params(x, axis, keepdims, "count_nonzero")
    params["dtype"] = as_dtype(dtype)._np
    return apply(_COUNT, (x,), params)


def _monotonic(x, compare, opname):
    """``compare(x[i + 1], x[i])`` for every neighbour pair of the flattened ``x``, all True."""
    x = sh.reshape(tensor(x), [-1])
    if kind(x._value.dtype) not in "iufc":
        raise TypeError(f"Expected x to be numeric, instead found: {x!s}")
    if x.shape[0] < 2:
        return wrap(NP.asarray(True))
    return reduce_all(compare(x[1:], x[:-1]))


def is_non_decreasing(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """Whether each element of the flattened ``x`` is at least the one before it
    (True for fewer than two elements).

    >>> import gradtape as tf
    >>> tf.math.is_non_decreasing([1.0, 1.0, 3.0]).numpy()
    True
    """
    return _monotonic(x, ew.greater_equal, "is_non_decreasing")


def is_strictly_increasing(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """Whether each element of the flattened ``x`` is greater than the one before it
    (True for fewer than two elements).

    >>> import gradtape as tf
    >>> tf.math.is_strictly_increasing([1.0, 1.0, 3.0]).numpy()
    False
    """
    return _monotonic(x, ew.greater, "is_strictly_increasing")


def zero_fraction(value: TensorInput, name: Optional[str] = None) -> Tensor:
    """The fraction of ``value``'s elements that are zero (False), as a float32
    scalar (NaN for no elements); it has no gradient.

    >>> import gradtape as tf
    >>> tf.math.zero_fraction([[0, 1], [0, 0]]).numpy()
    0.75
    """
    x = tensor(value)
    zero = ew.equal(x, ew.zeros_like(x))
    return reduce_mean(ew.cast(zero, "float32"))


def _bincount_impl(xp, arr, *weights, minlength, maxlength, binary, dtype, by_row):
    a = NP.asarray(arr)
    if a.size and a.min() < 0:
        raise InvalidArgumentError("Input arr must be non-negative! [Op:DenseBincount]")
    size = int(a.max()) + 1 if a.size else 0
    size = size if minlength is None else max(size, minlength)
    size = size if maxlength is None else min(size, maxlength)
    w = NP.asarray(weights[0]) if weights else None
    rows = a.shape[0] if by_row else 1
    out = NP.zeros((rows, size), dtype if w is None else w.dtype)
    row = NP.repeat(NP.arange(rows), a.size // rows if rows else 0)
    flat = a.reshape(-1)
    kept = flat < size  # maxlength drops the larger values
    NP.add.at(out, (row[kept], flat[kept]), 1 if w is None else w.reshape(-1)[kept])
    if binary:
        out = (out > 0).astype(out.dtype)
    return xp.asarray(out if by_row else out[0])


_BINCOUNT = defop("bincount", _bincount_impl, nondiff=True)
_BINCOUNT_TYPES = ("int32", "int64", "float32", "float64")


def dense_bincount(arr: TensorInput, weights: Optional[TensorInput] = None,
                   minlength: Optional[int] = None, maxlength: Optional[int] = None,
                   dtype: DTypeLike = "int32", axis: Optional[int] = None,
                   binary_output: bool = False) -> Tensor:
    """``tf.math.bincount``'s counts (see ``gradtape.math.bincount``), with no
    gradient to ``weights``.

    >>> import gradtape as tf
    >>> from gradtape.rules.reductions import dense_bincount
    >>> dense_bincount([1, 1, 3]).numpy()
    array([0, 2, 0, 1], dtype=int32)
    """
    arr = tensor(arr)
    weights = None if weights is None else tensor(weights)
    if weights is not None and binary_output:
        raise ValueError("Arguments `binary_output` and `weights` are mutually exclusive. "
                         "Please specify only one.")
    if kind(arr._value.dtype) not in "iu":
        arr = ew.cast(arr, "int32")
    if arr.dtype.name not in ("int32", "int64"):
        raise refuse_dtype("DenseBincount", arr.dtype, "ids", attr="Tidx")
    axis = 0 if axis is None else axis
    if axis not in (0, -1):
        raise ValueError(f"Unsupported value for argument axis={axis}. Only 0 and -1 are "
                         "currently supported.")
    if axis == 0:
        arr = sh.reshape(arr, [-1])
        weights = None if weights is None else sh.reshape(weights, [-1])
    elif len(arr.shape) > 2:
        raise InvalidArgumentError(f"Shape must be at most rank 2 but is rank {len(arr.shape)} "
                                   "[Op:DenseBincount]")
    out_type = as_dtype(dtype) if weights is None else weights.dtype
    if out_type.name not in _BINCOUNT_TYPES:
        raise InvalidArgumentError(
            f"Value for attr 'T' of {out_type.name} is not in the list of allowed values: "
            "int32, int64, float, double [Op:DenseBincount]; bincount counts in those dtypes: "
            "cast the weights (or pick dtype) to one of them")
    if weights is not None and weights.shape != arr.shape:
        raise InvalidArgumentError(
            "`weights` must be the same shape as `arr` or a length-0 `Tensor`, in which case "
            f"it acts as all weights equal to 1. Received shapes: {arr.shape} and "
            f"{weights.shape} [Op:DenseBincount]")
    params = {"minlength": minlength, "maxlength": maxlength, "binary": bool(binary_output),
              "dtype": out_type._np, "by_row": len(arr.shape) == 2}
    return apply(_BINCOUNT, (arr,) if weights is None else (arr, weights), params)


# ---------------------------------------------------------------------------
# Index of the extremum: no gradient
# ---------------------------------------------------------------------------

_ARG_OUTPUT_TYPES = ("int16", "int32", "int64")  # TensorFlow's (and uint16)


def _arg_extreme(opname, nan_as):
    """``argmax`` or ``argmin``: the namespace's function of that name, with
    NaN read as ``nan_as`` (-inf for argmax): TensorFlow's kernels skip NaN
    (the index of a NaN only when nothing else is there), NumPy's pick it."""
    def impl(xp, x, axis, dtype):
        if kind(x.dtype) == "f":
            nan = xp.isnan(x)
            if xp.any(nan):
                x = xp.where(nan, xp.asarray(nan_as, dtype=x.dtype), x)
        return xp.astype(getattr(xp, opname)(x, axis=axis), dtype)
    op = defop(opname, impl, nondiff=True)

    def public(input: TensorInput, axis: Axis = None, output_type: DTypeLike = "int64",
               name: Optional[str] = None) -> Tensor:
        x = _ordered(input, opname, "b")
        nd = x._value.ndim
        if nd == 0:
            raise InvalidArgumentError(f"{opname}: input must have rank >= 1, got a scalar")
        if isinstance(axis, (list, tuple)):
            raise TypeError(f"{opname}: axis must be an int or an integer tensor, got {axis!r}")
        (a,) = norm_axes(0 if axis is None else axis, nd, opname)
        if x._value.shape[a] == 0:
            raise InvalidArgumentError(
                f"{opname}: axis {a} of shape {tuple(x.shape)} is empty; "
                "there is no index to return")
        dtype = as_dtype(output_type)
        if not dtype.is_integer:
            raise TypeError(f"{opname}: output_type must be an integer dtype "
                            f"(tf.int32 or tf.int64), got {dtype.name}")
        if dtype.name not in _ARG_OUTPUT_TYPES:
            raise InvalidArgumentError(
                f"Value for attr 'output_type' of {dtype.name} is not in the list of allowed "
                f"values: int16, uint16, int32, int64 [Op:{opname}]")
        return apply(op, (x,), {"axis": a, "dtype": dtype._np})
    public.__name__ = public.__qualname__ = opname
    public.op = op
    return public


argmax = _arg_extreme("argmax", -math.inf)
argmax.__doc__ = """Index of the largest value along ``axis`` (0 when None); the first
    of ties; NaN is skipped, as by TensorFlow.

    >>> import gradtape as tf
    >>> tf.argmax(tf.constant([[1.0, 5.0], [4.0, 2.0]]), axis=1).numpy()
    array([1, 0])
    """
argmin = _arg_extreme("argmin", math.inf)
argmin.__doc__ = """Index of the smallest value along ``axis`` (0 when None); the first
    of ties; NaN is skipped, as by TensorFlow.

    >>> import gradtape as tf
    >>> tf.argmin(tf.constant([[1.0, 5.0], [4.0, 2.0]])).numpy()
    array([0, 1])
    """


# ---------------------------------------------------------------------------
# Scans: cumsum and cumprod, with TensorFlow's exclusive and reverse
# ---------------------------------------------------------------------------

def _scan_params(x, axis, exclusive, reverse, opname):
    nd = x._value.ndim
    if nd == 0:
        raise InvalidArgumentError(f"{opname}: x must have rank >= 1, got a scalar")
    if isinstance(axis, (tuple, list)):
        raise TypeError(f"{opname}: axis must be a single int, got {axis!r}")
    (a,) = norm_axes(axis, nd, opname)
    return {"axis": a, "exclusive": bool(exclusive), "reverse": bool(reverse)}


def _axis_key(ndim, axis, index):
    return (slice(None),) * (ndim + axis) + (index, ...)


def _scan_impl(name, fill):
    """The impl of ``cumsum`` (``name`` "cumsum") or ``cumprod``."""
    def impl(xp, x, axis, exclusive, reverse):
        if reverse:
            x = xp.flip(x, axis)
        out = getattr(xp, name)(x, axis=axis, dtype=x.dtype)
        if exclusive and out.shape[axis]:  # shift by one along the axis; the first entry is the identity
            shifted = xp.empty_like(out)
            shifted[_axis_key(out.ndim, axis, 0)] = fill
            shifted[_axis_key(out.ndim, axis, slice(1, None))] = \
                out[_axis_key(out.ndim, axis, slice(None, -1))]
            out = shifted
        if reverse:
            out = xp.flip(out, axis)
        return out
    return impl


def _cumsum(t, axis, exclusive, reverse):
    return apply(_CUMSUM, (t,), {"axis": axis, "exclusive": exclusive, "reverse": reverse})


_CUMSUM = defop("cumsum", _scan_impl("cumsum", 0),
                vjp=lambda ct, ans, x, axis, exclusive, reverse:
                    _cumsum(ct, axis, exclusive, not reverse),
                linear=True, save="none")


def cumsum(x: TensorInput, axis: Axis = 0, exclusive: bool = False, reverse: bool = False,
           name: Optional[str] = None) -> Tensor:
    """Cumulative sum along ``axis``; ``exclusive`` leaves out each element
    itself, ``reverse`` sums from the end.

    >>> import gradtape as tf
    >>> tf.cumsum(tf.constant([1.0, 2.0, 3.0])).numpy()
    array([1., 3., 6.], dtype=float32)
    >>> tf.cumsum(tf.constant([1.0, 2.0, 3.0]), exclusive=True, reverse=True).numpy()
    array([5., 3., 0.], dtype=float32)
    """
    x = _numeric(x, "cumsum")
    return apply(_CUMSUM, (x,), _scan_params(x, axis, exclusive, reverse, "cumsum"))


def _to_last(t, axis):
    """``t`` with its (negative) ``axis`` moved to the end."""
    p = t.ndim + axis
    return sh.transpose(t, [i for i in range(t.ndim) if i != p] + [p])


def _from_last(t, axis):
    """The inverse of ``_to_last``."""
    perm = list(range(t.ndim - 1))
    perm.insert(t.ndim + axis, t.ndim - 1)
    return sh.transpose(t, perm)


def _window_mask(n, exclusive, reverse, ns=NP):
    """``mask[k, j]``: does element ``j`` enter the ``k``-th cumulative product?"""
    k = ns.arange(n)[:, None]
    j = ns.arange(n)[None, :]
    if reverse:
        return j > k if exclusive else j >= k
    return j < k if exclusive else j <= k


def _cumprod_jacobian(x, axis, exclusive, reverse):
    """``J[..., k, j] = d cumprod_k / d x_j`` along ``axis`` (moved last), exact at zeros."""
    xm = _to_last(x, axis)
    mask = wrap(_window_mask(xm.shape[-1], exclusive, reverse, namespace(x._value)))
    windows = ew.where(mask, sh.expand_dims(xm, -2), 1.0)
    prods = apply(_PROD, (windows,), {"axes": (-1,), "keepdims": False})
    return _others_product(windows, prods, (-1,), False) * ew.cast(mask, x.dtype)


def _cumprod_vjp(ct, ans, x, axis, exclusive, reverse):
    if not decide(x._value, _any_zero):
        return _cumsum(ans * ct, axis, exclusive, not reverse) / x
    jac = _cumprod_jacobian(x, axis, exclusive, reverse)
    g = _sum(sh.expand_dims(_to_last(ct, axis), -1) * jac, (-2,), False)
    return _from_last(g, axis)


def _cumprod_jvp(ts, ans, x, axis, exclusive, reverse):
    t = ts[0]
    if not decide(x._value, _any_zero):
        return ans * _cumsum(t / x, axis, exclusive, reverse)
    jac = _cumprod_jacobian(x, axis, exclusive, reverse)
    return _from_last(_sum(jac * sh.expand_dims(_to_last(t, axis), -2), (-1,), False), axis)


_CUMPROD = defop("cumprod", _scan_impl("cumprod", 1), vjp=_cumprod_vjp, jvp=_cumprod_jvp,
                 save_ans=True)


def cumprod(x: TensorInput, axis: Axis = 0, exclusive: bool = False, reverse: bool = False,
            name: Optional[str] = None) -> Tensor:
    """Cumulative product along ``axis`` (``exclusive`` and ``reverse`` as in
    ``cumsum``); its gradient is exact at zeros too.

    >>> import gradtape as tf
    >>> tf.math.cumprod(tf.constant([1.0, 2.0, 3.0])).numpy()
    array([1., 2., 6.], dtype=float32)
    >>> tf.math.cumprod(tf.constant([1.0, 2.0, 3.0]), exclusive=True).numpy()
    array([1., 1., 2.], dtype=float32)
    """
    x = _numeric(x, "cumprod")
    return apply(_CUMPROD, (x,), _scan_params(x, axis, exclusive, reverse, "cumprod"))


def _logsumexp_step(xp, acc, t):
    """TensorFlow's LogSumExp scan reducer on arrays: ``log(exp(acc) + exp(t))``
    with Eigen's max and min, so a NaN loses to the accumulator."""
    ma = xp.where(acc < t, t, acc)
    mi = xp.where(t < acc, t, acc)
    with NP.errstate(invalid="ignore", over="ignore"):
        lse = xp.log1p(xp.exp(mi - ma)) + ma
    return xp.where(ma < xp.finfo(acc.dtype).min, ma, lse)


def _cumulative_logsumexp_impl(xp, x, axis, exclusive, reverse):
    if reverse:
        x = xp.flip(x, axis)
    out = xp.empty_like(x)
    rest = list(x.shape)
    del rest[axis]
    acc = xp.full(tuple(rest), -NP.inf, dtype=x.dtype)
    for i in range(x.shape[axis]):
        key = _axis_key(x.ndim, axis, i)
        if exclusive:
            out[key] = acc
        acc = _logsumexp_step(xp, acc, x[key])
        if not exclusive:
            out[key] = acc
    return xp.flip(out, axis) if reverse else out


def _cumulative_logsumexp(t, axis, exclusive, reverse):
    return apply(_CUMULATIVE_LOGSUMEXP, (t,),
                 {"axis": axis, "exclusive": exclusive, "reverse": reverse})


def _log_parts(t):
    """``log(t)`` where ``t > 0`` and ``log(-t)`` where ``t < 0``, the dtype's lowest
    value elsewhere (TensorFlow's split of a gradient to take its logarithm)."""
    lowest = float(NP.finfo(t.dtype.as_numpy_dtype).min)
    pos, neg = t > 0, t < 0
    return (ew.where(pos, ew.log(ew.where(pos, t, 1.0)), lowest),  # (no log of 0 or less:
            ew.where(neg, ew.log(ew.where(neg, -t, 1.0)), lowest))  # no NumPy warnings)


def _empty_window(ans, axis, exclusive, reverse):
    """Where an exclusive scan's window is empty (its first entry, the last when
    reversed), shaped to broadcast against ``ans``; None for an inclusive scan."""
    if not exclusive:
        return None
    n = ans.shape[axis]
    ns = namespace(ans._value)
    return wrap(ns.reshape(ns.arange(n) == (n - 1 if reverse else 0), (n,) + (1,) * (-axis - 1)))


def _cumulative_logsumexp_vjp(ct, ans, x, axis, exclusive, reverse):
    """TensorFlow's gradient: the cotangent's positive and negative parts, each
    summed by a reversed scan in log space."""
    empty = _empty_window(ans, axis, exclusive, reverse)
    if empty is not None:  # -inf there, which the reversed scan never reads: no inf - inf
        ans = ew.where(empty, 0.0, ans)
    pos, neg = (ew.exp(_cumulative_logsumexp(part - ans, axis, exclusive, not reverse) + x)
                for part in _log_parts(ct))
    return pos - neg


def _cumulative_logsumexp_jvp(ts, ans, x, axis, exclusive, reverse):
    empty = _empty_window(ans, axis, exclusive, reverse)
    safe = ans if empty is None else ew.where(empty, 0.0, ans)
    pos, neg = (ew.exp(_cumulative_logsumexp(part + x, axis, exclusive, reverse) - safe)
                for part in _log_parts(ts[0]))
    return pos - neg if empty is None else ew.where(empty, 0.0, pos - neg)


_CUMULATIVE_LOGSUMEXP = defop("cumulative_logsumexp", _cumulative_logsumexp_impl,
                              vjp=_cumulative_logsumexp_vjp, jvp=_cumulative_logsumexp_jvp,
                              save_ans=True)


def cumulative_logsumexp(x: TensorInput, axis: Axis = 0, exclusive: bool = False,
                         reverse: bool = False, name: Optional[str] = None) -> Tensor:
    """``log(cumsum(exp(x)))`` along ``axis``, computed stably one step at a time as
    TensorFlow does (``exclusive`` starts from ``-inf``; ``reverse`` scans from the
    end).  Floating tensors only.

    >>> import gradtape as tf
    >>> tf.math.cumulative_logsumexp(tf.constant([0.0, 0.0, 0.0])).numpy()
    array([0.       , 0.6931472, 1.0986123], dtype=float32)
    """
    x = tensor(x)
    if kind(x._value.dtype) != "f":
        raise InvalidArgumentError(f"cumulative_logsumexp: Value for attr 'T' of "
                                   f"{x.dtype.name} is not in the list of allowed values: "
                                   "bfloat16, half, float, double [Op:CumulativeLogsumexp]")
    return apply(_CUMULATIVE_LOGSUMEXP, (x,),
                 _scan_params(x, axis, exclusive, reverse, "cumulative_logsumexp"))


# ---------------------------------------------------------------------------
# The engine's hook for undoing broadcasting
# ---------------------------------------------------------------------------

if not TYPE_CHECKING:  # a type checker reads the module's own public names
    # (TensorFlow has cumulative_logsumexp under tf.math only)
    __all__ = public_names(globals(), exclude=("dense_bincount", "cumulative_logsumexp"))

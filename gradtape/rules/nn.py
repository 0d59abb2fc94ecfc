"""Neural-network ops: activations, softmax, cross-entropies, dropout.

An activation is declared by its derivative ``d(ans, x, **params)`` written
with gradtape ops: the VJP is ``ct * d`` and the JVP ``t * d``, so both modes
share one formula and nested tapes differentiate it again.  Softmax and the
cross-entropies are single primitives computed stably (max-shifted) whose
rules reuse ``softmax``/``log_softmax``.
"""
from __future__ import annotations
import math
import weakref

from .._core.dtypes import int32, int64, kind
from .._core.backend import backend_of, constant_like, foreign
from .._core.state import active as _recording
from .._core.tensor import TensorLike, decide, host
from ..errors import InvalidArgumentError
from . import elementwise as ew
from . import reductions as red
from . import shape as sh
from .._core.reverse import know_relu
from ._util import (NP, NOPARAMS, accepted_dtypes, apply, defop, fast_public, int_arg, namespace,
                    norm_axes, on_host_for, pair, public_names, refuse_dtype, tensor, _zeros_like)
from typing import Optional, TYPE_CHECKING
from .._core.types import Axis, ShapeLike, Tensor, TensorInput

_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715


def _floating(x, opname, argname="features"):
    x = tensor(x)
    if kind(x._value.dtype) not in "f":
        raise refuse_dtype(opname, x.dtype, "f")
    return x


def _activation(name, impl, deriv, **flags):
    """A differentiable elementwise op from its derivative ``deriv(ans, x, **params)``."""
    return defop(name, impl,
                 vjp=lambda ct, ans, x, **p: ct * deriv(ans, x, **p),
                 jvp=lambda ts, ans, x, **p: ts[0] * deriv(ans, x, **p), **flags)


def _mask(cond, like):
    return ew.cast(cond, like.dtype)


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------

def _relu_impl(xp, x):
    if xp is NP:  # a Python 0 keeps the dtype of x (NumPy >= 2)
        if x.dtype.kind == "f":  # the same +0 as a 0-d array: no promotion of a Python number
            return NP.maximum(x, constant_like(0, x.dtype))
        return NP.maximum(x, 0)
    return xp.astype(xp.maximum(x, 0), x.dtype, copy=False)


def _relu_grad_impl(xp, g, a):
    # a product with the mask, as TensorFlow's ReluGrad (where() is ~10x slower)
    return g * (a > 0)


def _relu_grad_standard(xp, g, a):
    return g * xp.astype(a > 0, g.dtype)  # the standard has no bool arithmetic


# ``g`` where the relu's output is positive, else 0, as one op.  Like
# TensorFlow's ReluGrad it is a function of ``a`` too, with a zero derivative
# there: a second derivative of relu is zeros, not None, in every nesting
_RELU_GRAD = defop("relu_grad", _relu_grad_impl, portable=_relu_grad_standard,
                   vjp=(lambda ct, ans, g, a: _relu_grad(ct, a),
                        lambda ct, ans, g, a: _zeros_like(ct)),
                   jvp=lambda ts, ans, g, a: (_zeros_like(ans) if ts[0] is None
                                              else _relu_grad(ts[0], a)),
                   save=(1,), broadcasts=True)


def _relu_grad(g, a):
    return apply(_RELU_GRAD, (g, a), NOPARAMS)


def _relu_numpy_vjp(ct, ans, x):
    mask = NP.greater(ans, constant_like(0, ans.dtype))
    if type(ct) is NP.ndarray and type(mask) is NP.ndarray and ct.dtype == ans.dtype \
            and ct.shape == ans.shape:
        # the mask as 0/1 of the dtype, times ct in place: a product of two
        # arrays of one dtype is about twice as fast as one with a bool array
        out = mask.astype(ans.dtype)
        out *= ct
        return out
    return ct * mask


_RELU = defop("relu", _relu_impl,
              vjp=lambda ct, ans, x: _relu_grad(ct, ans),
              numpy_vjps=_relu_numpy_vjp,
              jvp=lambda ts, ans, x: _relu_grad(ts[0], ans),
              save="none", save_ans=True)
know_relu(_relu_numpy_vjp)


def relu(features: TensorInput, name: Optional[str] = None) -> Tensor:
    """Rectified linear unit ``max(x, 0)``; the gradient at 0 is 0, as in TensorFlow.

    >>> import gradtape as tf
    >>> tf.nn.relu(tf.constant([-1.0, 0.0, 2.0])).numpy()
    array([0., 0., 2.], dtype=float32)
    """
    x = tensor(features)
    if kind(x._value.dtype) == "c":  # (TensorFlow has no complex relu)
        raise refuse_dtype("relu", x.dtype, "iuf")
    return apply(_RELU, (x,), NOPARAMS)


relu = fast_public(relu, _RELU, accepted_dtypes("iuf"), 1)


def _piecewise_linear(name, impl, grad_impl):
    """An activation linear on pieces: its VJP and JVP are one op ``grad(g, x)``
    with a zero derivative in ``x`` (as TensorFlow's Relu6Grad, LeakyReluGrad),
    so its second derivatives are zeros, not None."""
    grad_op = defop(name + "_grad", grad_impl,
                    vjp=(lambda ct, ans, g, x, **p: grad(ct, x, **p),
                         lambda ct, ans, g, x, **p: _zeros_like(ct)),
                    jvp=lambda ts, ans, g, x, **p: (_zeros_like(ans) if ts[0] is None
                                                    else grad(ts[0], x, **p)),
                    save=(1,), broadcasts=True)

    def grad(g, x, **params):
        return apply(grad_op, (g, x), params)

    return defop(name, impl, vjp=lambda ct, ans, x, **p: grad(ct, x, **p),
                 jvp=lambda ts, ans, x, **p: grad(ts[0], x, **p))


_RELU6 = _piecewise_linear(
    "relu6", lambda xp, x: xp.astype(xp.clip(x, 0, 6), x.dtype, copy=False),
    lambda xp, g, x: xp.where(xp.logical_and(x > 0, x < 6), g, xp.zeros_like(g)))


def relu6(features: TensorInput, name: Optional[str] = None) -> Tensor:
    """``min(max(x, 0), 6)``; the gradient is 1 strictly inside (0, 6), else 0.

    >>> import gradtape as tf
    >>> tf.nn.relu6(tf.constant([-1.0, 3.0, 8.0])).numpy()
    array([0., 3., 6.], dtype=float32)
    """
    x = tensor(features)
    if kind(x._value.dtype) not in "iuf":  # integers too, as TensorFlow's Relu6
        raise refuse_dtype("relu6", x.dtype, "iuf")
    return apply(_RELU6, (x,), NOPARAMS)


def _leaky_impl(xp, x, alpha):
    return xp.astype(xp.where(x > 0, x, x * alpha), x.dtype, copy=False)


_LEAKY = _piecewise_linear("leaky_relu", _leaky_impl,
                           lambda xp, g, x, alpha: xp.where(x > 0, g,
                                                            g * xp.asarray(alpha, dtype=g.dtype)))


def leaky_relu(features: TensorInput, alpha: float = 0.2, name: Optional[str] = None) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * x``.

    >>> import gradtape as tf
    >>> tf.nn.leaky_relu(tf.constant([-1.0, 2.0])).numpy()
    array([-0.2,  2. ], dtype=float32)
    """
    return apply(_LEAKY, (_floating(features, "leaky_relu"),), {"alpha": float(alpha)})


def _elu_impl(xp, x):
    return xp.astype(xp.where(x > 0, x, xp.expm1(xp.minimum(x, 0))), x.dtype, copy=False)


# the negative branch where the output is < 0, as TensorFlow's EluGrad: at 0
# the slope is 1 and its own derivative 0 (the positive branch's)
_ELU = _activation("elu", _elu_impl,
                   lambda a, x: ew.where(a < 0.0, a + 1.0, 1.0), save_ans=True)


def elu(features: TensorInput, name: Optional[str] = None) -> Tensor:
    """Exponential linear unit: ``x`` where ``x > 0``, else ``exp(x) - 1``.

    >>> import gradtape as tf
    >>> tf.nn.elu(tf.constant([0.0, 1.0])).numpy()
    array([0., 1.], dtype=float32)
    """
    return apply(_ELU, (_floating(features, "elu"),), NOPARAMS)


def _selu_impl(xp, x):
    neg = _SELU_ALPHA * xp.expm1(xp.minimum(x, 0))
    return xp.astype(_SELU_SCALE * xp.where(x > 0, x, neg), x.dtype, copy=False)


# TensorFlow's SeluGrad picks the negative branch where the output is < 0:
# the derivative at 0 is ``scale``
_SELU = _activation("selu", _selu_impl,
                    lambda a, x: ew.where(a < 0.0, a + _SELU_SCALE * _SELU_ALPHA,
                                          _SELU_SCALE), save_ans=True)


def selu(features: TensorInput, name: Optional[str] = None) -> Tensor:
    """Scaled ELU: ``scale * x`` where ``x > 0``, else ``scale * alpha * (exp(x) - 1)``.

    >>> import gradtape as tf
    >>> round(float(tf.nn.selu(tf.constant(1.0))), 4)
    1.0507
    """
    return apply(_SELU, (_floating(features, "selu"),), NOPARAMS)


def _gelu_impl(xp, x, approximate):
    if approximate:
        inner = _GELU_C * (x + _GELU_K * (x * x * x))
        return xp.astype(0.5 * x * (1.0 + xp.tanh(inner)), x.dtype, copy=False)
    # the normal CDF as erfc(-x / sqrt 2) / 2, as TensorFlow: 1 + erf(...) would
    # cancel to 0 in the left tail (x < -4 in float16, < -6 in float32)
    return xp.astype(0.5 * x * ew._erfc(xp, -x * _SQRT_HALF), x.dtype, copy=False)


def _gelu_deriv(a, x, approximate):
    if approximate:
        th = ew.tanh(_GELU_C * (x + _GELU_K * x ** 3))
        return (0.5 * (1.0 + th) + (0.5 * _GELU_C) * x * (1.0 - ew.square(th))
                * (1.0 + (3 * _GELU_K) * ew.square(x)))
    return 0.5 * ew.erfc(-x * _SQRT_HALF) + _INV_SQRT_2PI * x * ew.exp(-0.5 * ew.square(x))


_GELU = _activation("gelu", _gelu_impl, _gelu_deriv)


def gelu(features: TensorInput, approximate: bool = False, name: Optional[str] = None) -> Tensor:
    """Gaussian error linear unit ``x * P(X <= x)``, X standard normal
    (with ``approximate=True``, the tanh approximation).

    >>> import gradtape as tf
    >>> tf.nn.gelu(tf.constant([0.0, 1.0])).numpy()
    array([0.       , 0.8413447], dtype=float32)
    """
    return apply(_GELU, (_floating(features, "gelu"),), {"approximate": bool(approximate)})


_SOFTSIGN = _activation("softsign", lambda xp, x: x / (1 + xp.abs(x)),
                        lambda a, x: 1.0 / ew.square(1.0 + ew.abs(x)))


def softsign(features: TensorInput, name: Optional[str] = None) -> Tensor:
    """``x / (1 + |x|)``.

    >>> import gradtape as tf
    >>> tf.nn.softsign(tf.constant([-1.0, 3.0])).numpy()
    array([-0.5 ,  0.75], dtype=float32)
    """
    return apply(_SOFTSIGN, (_floating(features, "softsign"),), NOPARAMS)


def _silu_impl(xp, x, beta):
    return xp.astype(x * ew._sigmoid(xp, x * beta), x.dtype, copy=False)


def _silu_deriv(a, x, beta):
    s = ew.sigmoid(x * beta)
    return s + beta * x * s * (1.0 - s)


_SILU = _activation("silu", _silu_impl, _silu_deriv)


def silu(features: TensorInput, beta: float = 1.0, name: Optional[str] = None) -> Tensor:
    """Sigmoid linear unit (swish) ``x * sigmoid(beta * x)``.  A tensor ``beta``
    gets a gradient too.

    >>> import gradtape as tf
    >>> tf.nn.silu(tf.constant([0.0, 2.0])).numpy().round(4)
    array([0.    , 1.7616], dtype=float32)
    """
    x = _floating(features, "silu")
    if isinstance(beta, TensorLike):
        return x * ew.sigmoid(ew.multiply(beta, x))
    return apply(_SILU, (x,), {"beta": float(beta)})


swish = silu
sigmoid = ew.sigmoid
tanh = ew.tanh
softplus = ew.softplus


# ---------------------------------------------------------------------------
# Softmax
# ---------------------------------------------------------------------------

def _one_axis(axis, x, opname):
    nd = x._value.ndim
    if nd == 0:
        raise InvalidArgumentError(f"{opname}: logits must have rank >= 1, got a scalar")
    if not isinstance(axis, int) and not (hasattr(axis, "__index__")):
        raise TypeError(f"{opname}: axis must be an int, got {axis!r}")
    return norm_axes(int(axis), nd, opname)[0]


def _float32_for_half(impl):
    """``impl`` computed in float32 for float16 inputs and rounded back once, as
    TensorFlow's cross-entropy kernels do (rounding each step in float16 gives
    other last digits)."""
    def run(xp, *arrays, **params):
        for a in arrays:
            if _is_half(a.dtype):
                break
        else:  # (a namespace without float16 always gets here)
            return impl(xp, *arrays, **params)
        half = a.dtype
        wide = [xp.astype(a, xp.float32) if a.dtype == half else a for a in arrays]
        return xp.astype(impl(xp, *wide, **params), half)
    return run


_HALF = {}


def _is_half(dtype):
    """Whether ``dtype`` (of any namespace) is float16; known answers are kept
    (naming a dtype costs a microsecond, on every step of a training loop)."""
    half = _HALF.get(dtype)
    if half is None:
        half = _HALF[dtype] = str(dtype) == "float16"
    return half


def _softmax_impl(xp, x, axis):
    e = xp.exp(x - xp.max(x, axis=axis, keepdims=True, initial=-xp.inf))  # an empty axis is fine
    return e / xp.sum(e, axis=axis, keepdims=True)


def _log_softmax_impl(xp, x, axis):
    if x.shape[axis] == 0:
        return x - x  # empty: no log 0 to take
    s = x - xp.max(x, axis=axis, keepdims=True)
    return s - xp.log(xp.sum(xp.exp(s), axis=axis, keepdims=True))


def _sum_keep(x, axis):
    return red.reduce_sum(x, axis=axis, keepdims=True)


def _np_sum_keep(x, axis):
    return NP.add.reduce(x, axis=axis, keepdims=True, dtype=x.dtype)


_SOFTMAX = defop(
    "softmax", _softmax_impl,
    vjp=lambda ct, ans, x, axis: ans * (ct - _sum_keep(ct * ans, axis)),
    jvp=lambda ts, ans, x, axis: ans * (ts[0] - _sum_keep(ts[0] * ans, axis)),
    numpy_vjps=lambda ct, ans, x, axis: ans * (ct - _np_sum_keep(ct * ans, axis)),
    save="none", save_ans=True)
_LOG_SOFTMAX = defop(
    "log_softmax", _log_softmax_impl,
    vjp=lambda ct, ans, x, axis: ct - ew.exp(ans) * _sum_keep(ct, axis),
    jvp=lambda ts, ans, x, axis: ts[0] - _sum_keep(ew.exp(ans) * ts[0], axis),
    numpy_vjps=lambda ct, ans, x, axis: ct - NP.exp(ans) * _np_sum_keep(ct, axis),
    save="none", save_ans=True)


def softmax(logits: TensorInput, axis: Axis = None, name: Optional[str] = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis`` (the last when None), computed stably.

    >>> import gradtape as tf
    >>> tf.nn.softmax(tf.constant([0.0, 0.0, 1000.0])).numpy()
    array([0., 0., 1.], dtype=float32)
    """
    x = _floating(logits, "softmax", "logits")
    return apply(_SOFTMAX, (x,), {"axis": _one_axis(-1 if axis is None else axis, x, "softmax")})


def log_softmax(logits: TensorInput, axis: Axis = None, name: Optional[str] = None) -> Tensor:
    """``x - log(sum(exp(x)))`` along ``axis`` (the last when None), finite for large logits.

    >>> import gradtape as tf
    >>> tf.nn.log_softmax(tf.constant([0.0, 1000.0])).numpy()
    array([-1000.,     0.], dtype=float32)
    """
    x = _floating(logits, "log_softmax", "logits")
    return apply(_LOG_SOFTMAX, (x,),
                 {"axis": _one_axis(-1 if axis is None else axis, x, "log_softmax")})


# ---------------------------------------------------------------------------
# Cross-entropies
# ---------------------------------------------------------------------------

def _one_hot_impl(xp, labels, depth, dtype):
    return xp.astype(labels[..., None] == xp.arange(depth), dtype)


# the class ids as rows of one-hot values (rank + 1), in the dtype of the logits
_ONE_HOT = defop("sparse_labels_one_hot", _one_hot_impl, nondiff=True)


def _one_hot_like(labels, x):
    v = x._value
    return apply(_ONE_HOT, (labels,), {"depth": v.shape[-1], "dtype": v.dtype})


@_float32_for_half
def _sparse_xent_impl(xp, x, labels):
    # log(sum(exp(s))) - s[label]; the labels were checked to be in [0, n), so n > 0
    if xp is NP:  # the ufuncs' own reductions and one fancy index: a fraction of the cost
        s = x - NP.maximum.reduce(x, axis=-1, keepdims=True)
        picked = _at_labels(s, labels)
        total = NP.add.reduce(NP.exp(s, out=s), axis=-1, dtype=s.dtype)
        # log(total) >= +0 and picked <= +0 (the max's own entry is x - x = +0):
        # the difference is never -0.0
        if type(total) is NP.ndarray:  # (a NumPy scalar for one row)
            probs = _keep_softmax(s, total) if _recording[0] else None
            total = NP.log(total, out=total)
            total -= picked
            if probs is not None:
                _SOFTMAX_OF[:] = weakref.ref(total), probs
            return total
        return NP.log(total) - picked
    s = x - xp.max(x, axis=-1, keepdims=True)
    picked = xp.sum(s * _one_hot_impl(xp, labels, x.shape[-1], x.dtype), axis=-1)
    total = xp.sum(xp.exp(s), axis=-1)
    return xp.log(total) - picked + 0  # + 0: no -0.0


_ROW_IDS = {}


def _row_ids(n):
    """``arange(n)``, kept (read-only) for the next batch of the same size."""
    ids = _ROW_IDS.get(n)
    if ids is None:
        if len(_ROW_IDS) > 64:
            _ROW_IDS.clear()
        ids = _ROW_IDS[n] = NP.arange(n)
        ids.flags.writeable = False
    return ids


def _at_labels(s, labels):
    """``s[..., labels]`` row by row: one entry of the last axis per label (a copy).

    Labels that ``sparse_softmax_cross_entropy_with_logits`` left unchecked
    (``_checked_by_index``) are read as unsigned, so that the index itself
    refuses a negative one as it refuses one >= n."""
    n = s.shape[-1]
    ids = labels
    if _checked_by_index(labels, n):
        ids = labels.view(_UNSIGNED_VIEW[labels.dtype][0])
    try:
        if s.ndim == 2:
            return s[_row_ids(s.shape[0]), ids]
        rows = s.reshape(-1, n)
        return rows[_row_ids(rows.shape[0]), ids.reshape(-1)].reshape(labels.shape)
    except IndexError:
        raise _label_error(labels, n) from None


def _sparse_xent_vjp(ct, ans, x, labels):
    return sh.expand_dims(ct, -1) * (softmax(x) - _one_hot_like(labels, x))


# the softmax a taped forward computed on the way (as TensorFlow's kernel gives its
# backprop with the loss), for the loss array it belongs to: [weakref to it, softmax]
_SOFTMAX_OF = [None, None]


def _keep_softmax(exps, totals):
    """The softmax the forward's exponentials and row sums give, for the VJP
    (float32 and float64: a float16 forward runs in float32, its VJP does not)."""
    if exps.dtype.itemsize < 4:
        return None
    return exps / totals[..., None]  # (the VJP's own division, bit for bit)


def _sparse_xent_numpy_vjp(ct, ans, x, labels):
    # softmax(x) - one_hot(labels), as the Tensor rule computes it, in place
    kept = _SOFTMAX_OF[0]
    if kept is not None and ans is not None and kept() is ans:
        probs = _SOFTMAX_OF[1]  # changed below: taken, so a second sweep computes its own
        _SOFTMAX_OF[:] = None, None
    else:
        probs = x - NP.maximum.reduce(x, axis=-1, keepdims=True)
        NP.exp(probs, out=probs)
        probs /= NP.add.reduce(probs, axis=-1, keepdims=True)
    rows = probs.reshape(-1, probs.shape[-1])
    # one entry per row: subtract.at is the in-place fancy update, without
    # ``rows[i, j] -= 1``'s gather, temporary and scatter
    NP.subtract.at(rows, (_row_ids(rows.shape[0]), labels.reshape(-1)),
                   constant_like(1, probs.dtype))
    if ct.dtype != probs.dtype:
        return ct[..., None] * probs
    probs *= ct[..., None]
    return probs


def _sparse_xent_jvp(ts, ans, x, labels):
    return red.reduce_sum(ts[0] * (softmax(x) - _one_hot_like(labels, x)), axis=-1)


_SPARSE_XENT = defop("sparse_softmax_cross_entropy_with_logits", _sparse_xent_impl,
                     vjp=(_sparse_xent_vjp, None), jvp=_sparse_xent_jvp,
                     numpy_vjps=(_sparse_xent_numpy_vjp, None), save_ans=True)


def _check_sparse_labels(labels, logits):
    opname = "sparse_softmax_cross_entropy_with_logits"
    if labels is None or logits is None:
        raise ValueError(f"{opname}: both labels= and logits= must be given")
    labels, logits = tensor(labels), tensor(logits)
    if labels.dtype not in (int32, int64):  # TensorFlow's kernels take no other ids
        hint = (" (it looks like labels and logits were swapped: call "
                f"{opname}(labels=..., logits=...))"
                if kind(logits._value.dtype) in "iu" else "")
        error = refuse_dtype(opname, labels.dtype, "ids", attr="Tlabels")
        raise InvalidArgumentError(f"{error}{hint}") if hint else error
    _floating(logits, opname, "logits")
    ls, xs = tuple(labels._value.shape), tuple(logits._value.shape)
    if not xs:
        raise ValueError(f"{opname}: logits must have rank >= 1, got a scalar")
    if ls != xs[:-1]:
        raise ValueError(f"`labels.shape` must equal `logits.shape` except for the last "
                         f"dimension. Received: labels.shape={ls} and logits.shape={xs}")
    n = xs[-1]
    v = labels._value
    if not (type(logits._value) is NP.ndarray and _checked_by_index(v, n)) \
            and not decide(v, _ClassIds(n)):
        raise _label_error(v, n)
    if foreign[0] and backend_of(labels._value) is not backend_of(logits._value):
        labels = on_host_for(host(labels._value), logits)  # class ids may come from the host
    return labels, logits


def _label_error(labels, n):
    v = host(labels)
    bad = (v < 0) | (v >= n)
    return InvalidArgumentError(
        f"sparse_softmax_cross_entropy_with_logits: received a label value of "
        f"{int(v[bad].flat[0])} which is outside the valid range of [0, {n})")


def _checked_by_index(labels, n):
    """Whether the NumPy forward's fancy index checks ``labels`` (NumPy class
    ids of at most 32 bits, read as unsigned: a negative one is then >= n).
    NumPy reads a uint64 index as intp, so 2**64 - 1 would be -1: 64-bit ids
    are checked by a reduction instead.  NumPy scalars count as arrays: the
    check and the impl must agree on whatever a replay passes."""
    if not isinstance(labels, (NP.ndarray, NP.generic)) or labels.dtype.itemsize > 4:
        return False
    unsigned = _UNSIGNED_VIEW.get(labels.dtype)
    return unsigned is not None and n <= unsigned[1]


# a native signed integer dtype -> (the unsigned dtype of its size, 2 ** (bits - 1));
# unsigned dtypes read as themselves (never negative)
_UNSIGNED_VIEW = {NP.dtype(s): (NP.dtype(u), 1 << (8 * NP.dtype(s).itemsize - 1))
                  for s, u in (("int8", "uint8"), ("int16", "uint16"), ("int32", "uint32"),
                               ("int64", "uint64"))}
_UNSIGNED_VIEW.update({NP.dtype(u): (NP.dtype(u), 1 << (8 * NP.dtype(u).itemsize))
                       for u in ("uint8", "uint16", "uint32", "uint64")})


class _ClassIds:
    """Whether every label is a class id in ``[0, n)`` (a check kept by compiled functions)."""

    __slots__ = ("n",)

    def __init__(self, n):
        self.n = n

    def __call__(self, labels):
        if type(labels) is NP.ndarray:
            if labels.size == 0:
                return True
            unsigned = _UNSIGNED_VIEW.get(labels.dtype)
            if unsigned is not None and self.n <= unsigned[1]:
                # a negative id read as unsigned is >= 2**(bits - 1) >= n: one
                # reduction checks both ends
                return bool(NP.maximum.reduce(labels.view(unsigned[0]), axis=None) < self.n)
            return bool(NP.minimum.reduce(labels, axis=None) >= 0
                        and NP.maximum.reduce(labels, axis=None) < self.n)
        ns = namespace(labels)
        return bool(ns.all((labels >= 0) & (labels < self.n)))


def sparse_softmax_cross_entropy_with_logits(
        labels: TensorInput, logits: TensorInput, name: Optional[str] = None) -> Tensor:
    """Cross-entropy of ``softmax(logits)`` against integer class ``labels``
    (one per row), computed stably.  ``labels`` has ``logits``' shape without
    the last axis.

    >>> import gradtape as tf
    >>> loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
    ...     labels=tf.constant([0, 1]), logits=tf.constant([[2.0, 0.0], [0.0, 1000.0]]))
    >>> loss.numpy().round(4)
    array([0.1269, 0.    ], dtype=float32)
    """
    labels, logits = _check_sparse_labels(labels, logits)
    return apply(_SPARSE_XENT, (logits, labels), NOPARAMS)


@_float32_for_half
def _xent_impl(xp, z, x, axis):
    return xp.sum(-z * _log_softmax_impl(xp, x, axis=axis), axis=axis) + 0  # + 0: no -0.0


def _xent_dlogits(z, x, axis):
    return softmax(x, axis) * _sum_keep(z, axis) - z


def _xent_jvp(ts, ans, z, x, axis):
    tz, tx = ts
    out = None
    if tx is not None:
        out = red.reduce_sum(tx * _xent_dlogits(z, x, axis), axis=axis)
    if tz is not None:
        part = -red.reduce_sum(tz * log_softmax(x, axis), axis=axis)
        out = part if out is None else out + part
    return out


_XENT = defop(
    "softmax_cross_entropy_with_logits", _xent_impl,
    vjp=(lambda ct, ans, z, x, axis: -sh.expand_dims(ct, axis) * log_softmax(x, axis),
         lambda ct, ans, z, x, axis: sh.expand_dims(ct, axis) * _xent_dlogits(z, x, axis)),
    jvp=_xent_jvp)


def _same_shape_pair(labels, logits, opname):
    if labels is None or logits is None:
        raise ValueError(f"{opname}: both labels= and logits= must be given")
    logits = _floating(logits, opname, "logits")
    labels, logits = pair(labels, logits, opname)
    if labels._value.shape != logits._value.shape:
        raise _SHAPE_MISMATCH[opname](tuple(labels.shape), tuple(logits.shape))
    return labels, logits


def _list(shape):
    return "[" + ",".join(map(str, shape)) + "]"


# TensorFlow's exception classes and words for labels and logits of different shapes
_SHAPE_MISMATCH = {
    "softmax_cross_entropy_with_logits": lambda ls, xs: InvalidArgumentError(
        f"logits and labels must be broadcastable: logits_size={_list(xs)} "
        f"labels_size={_list(ls)} [Op:SoftmaxCrossEntropyWithLogits]"),
    "sigmoid_cross_entropy_with_logits": lambda ls, xs: ValueError(
        f"`logits` and `labels` must have the same shape, received ({xs} vs {ls})."),
}
_SHAPE_MISMATCH["weighted_cross_entropy_with_logits"] = \
    _SHAPE_MISMATCH["sigmoid_cross_entropy_with_logits"]


def _broadcast_pair(labels, logits, opname):
    """``labels`` and ``logits`` broadcast against each other when their shapes
    differ and can be (TensorFlow's kernel broadcasts them); else unchanged,
    for the shape check to refuse."""
    if labels is None or logits is None:
        return labels, logits
    labels, logits = pair(labels, _floating(logits, opname, "logits"), opname)
    ls, xs = labels._value.shape, logits._value.shape
    if ls == xs:
        return labels, logits
    try:
        both = NP.broadcast_shapes(ls, xs)
    except ValueError:
        return labels, logits
    return sh.broadcast_to(labels, both), sh.broadcast_to(logits, both)


def softmax_cross_entropy_with_logits(labels: TensorInput, logits: TensorInput, axis: Axis = -1,
                                      name: Optional[str] = None) -> Tensor:
    """Cross-entropy ``-sum(labels * log_softmax(logits), axis)``, computed stably.
    ``labels`` (a probability distribution along ``axis``, cast to the logits'
    dtype as TensorFlow does) gets a gradient too.

    >>> import gradtape as tf
    >>> tf.nn.softmax_cross_entropy_with_logits(
    ...     labels=[[0.0, 1.0]], logits=tf.constant([[0.0, 0.0]])).numpy()
    array([0.6931472], dtype=float32)
    """
    opname = "softmax_cross_entropy_with_logits"
    if isinstance(labels, TensorLike) and isinstance(logits, TensorLike) \
            and labels.dtype != logits.dtype and logits.dtype.is_floating:
        labels = ew.cast(labels, logits.dtype)  # as TensorFlow does
    labels, logits = _broadcast_pair(labels, logits, opname)
    labels, logits = _same_shape_pair(labels, logits, opname)
    return apply(_XENT, (labels, logits), {"axis": _one_axis(axis, logits, opname)})


def _sigmoid_xent_impl(xp, z, x):
    return xp.astype(xp.maximum(x, 0) - x * z + xp.log1p(xp.exp(-xp.abs(x))), x.dtype, copy=False)


def _sigmoid_xent_jvp(ts, ans, z, x):
    tz, tx = ts
    out = None if tx is None else tx * (ew.sigmoid(x) - z)
    if tz is not None:
        part = -tz * x
        out = part if out is None else out + part
    return out


_SIGMOID_XENT = defop("sigmoid_cross_entropy_with_logits", _sigmoid_xent_impl,
                      vjp=(lambda ct, ans, z, x: -ct * x,
                           lambda ct, ans, z, x: ct * (ew.sigmoid(x) - z)),
                      jvp=_sigmoid_xent_jvp)


def sigmoid_cross_entropy_with_logits(labels: Optional[TensorInput] = None,
                                      logits: Optional[TensorInput] = None,
                                      name: Optional[str] = None) -> Tensor:
    """Elementwise logistic loss ``-z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x))``
    for labels ``z`` and logits ``x``, computed stably as
    ``max(x, 0) - x z + log(1 + exp(-|x|))``.

    >>> import gradtape as tf
    >>> tf.nn.sigmoid_cross_entropy_with_logits(
    ...     labels=[1.0, 0.0], logits=tf.constant([0.0, -1000.0])).numpy()
    array([0.6931472, 0.       ], dtype=float32)
    """
    labels, logits = _same_shape_pair(labels, logits, "sigmoid_cross_entropy_with_logits")
    return apply(_SIGMOID_XENT, (labels, logits), NOPARAMS)


def l2_loss(t: TensorInput, name: Optional[str] = None) -> Tensor:
    """Half the sum of squares, ``sum(t ** 2) / 2``.

    >>> import gradtape as tf
    >>> tf.nn.l2_loss(tf.constant([1.0, 2.0])).numpy()
    2.5
    """
    t = _floating(t, "l2_loss", "t")
    return red.reduce_sum(ew.square(t)) * 0.5


def l2_normalize(x: TensorInput, axis: Axis = None, epsilon: float = 1e-12, name: Optional[str] = None,
                 dim: Optional[int] = None) -> Tensor:
    """``x / sqrt(max(sum(x ** 2, axis), epsilon))``: unit L2 norm along ``axis``
    (all axes when None).

    >>> import gradtape as tf
    >>> tf.nn.l2_normalize(tf.constant([3.0, 4.0])).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    x = _floating(x, "l2_normalize", "x")
    axis = dim if axis is None else axis
    square_sum = red.reduce_sum(ew.square(x), axis=axis, keepdims=True)
    return x * ew.rsqrt(ew.maximum(square_sum, float(epsilon)))


# ---------------------------------------------------------------------------
# Dropout, bias, moments
# ---------------------------------------------------------------------------

def dropout(x: TensorInput, rate: float, noise_shape: Optional[ShapeLike] = None,
            seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """Zero each element with probability ``rate`` and scale the rest by
    ``1 / (1 - rate)``, so the expected sum is unchanged.  ``noise_shape``
    (broadcastable to ``x``'s shape) shares one draw along its size-1 axes;
    ``seed`` with ``gradtape.random.set_seed`` makes the mask reproducible.

    >>> import gradtape as tf
    >>> y = tf.nn.dropout(tf.ones((1000,)), rate=0.5, seed=1)
    >>> sorted(set(y.numpy().tolist()))
    [0.0, 2.0]
    """
    from .. import random
    x = _floating(x, "dropout", "x")
    if isinstance(rate, TensorLike):
        rate = float(rate.numpy())
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be a scalar in the range [0, 1), got {rate!r}")
    if rate == 0:
        return sh.identity(x)
    shape = tuple(x._value.shape)
    if noise_shape is not None:
        noise_shape = sh._shape_tuple(noise_shape)
        try:
            if NP.broadcast_shapes(noise_shape, shape) != shape:
                raise ValueError
        except ValueError:
            raise InvalidArgumentError(f"dropout: noise_shape {noise_shape} is not "
                                       f"broadcastable to x's shape {shape}") from None
        shape = noise_shape
    # drawn by NumPy on the host whatever x's namespace: the same seed gives the same mask
    draw = random.uniform(shape, dtype=x.dtype, seed=seed)
    return x * _keep_mask(draw, rate, x)


def _keep_mask(draw, rate, like):
    """``1 / (1 - rate)`` where the uniform ``draw`` is at least ``rate``, else 0, as ops."""
    if foreign[0] and backend_of(like._value) is not backend_of(draw._value):
        draw = on_host_for(draw._value, like)
    return ew.cast(ew.greater_equal(draw, rate), like.dtype) * (1.0 / (1.0 - rate))


def _channels_first(data_format):
    """Whether ``data_format`` (None, ``"N...C"`` or ``"NC..."``) puts the channels at axis 1."""
    if data_format is None:
        return False
    fmt = str(data_format)
    if not fmt.startswith("N") or len(fmt) < 2 or not (fmt[1] == "C" or fmt.endswith("C")):
        raise ValueError(f"`data_format` must be of the form `N...C` or `NC...`. Received: "
                         f"data_format={fmt}")
    return fmt[1] == "C"


def bias_add(value: TensorInput, bias: TensorInput, data_format: Optional[str] = None,
             name: Optional[str] = None) -> Tensor:
    """``value + bias`` along the channel axis: the last one, or axis 1 for a
    ``data_format`` starting with ``"NC"``.

    >>> import gradtape as tf
    >>> tf.nn.bias_add(tf.zeros((2, 3)), tf.constant([1.0, 2.0, 3.0])).numpy()
    array([[1., 2., 3.],
           [1., 2., 3.]], dtype=float32)
    """
    value, bias = pair(value, bias, "BiasAdd")
    nd = value._value.ndim
    if bias._value.ndim != 1:
        raise ValueError(f"bias_add: bias must be 1-D, got shape {tuple(bias.shape)}")
    if nd < 2:
        raise InvalidArgumentError(f"Input tensor must be at least 2D: "
                                   f"[{','.join(map(str, value._value.shape))}] [Op:BiasAdd]")
    channels_first = _channels_first(data_format)
    axis = 1 if channels_first else nd - 1
    if value._value.shape[axis] != bias._value.shape[0]:
        where = "channel" if channels_first else "last"
        raise InvalidArgumentError(
            f"Must provide as many biases as the {where} dimension of the input tensor: "
            f"[{bias._value.shape[0]}] vs. [{','.join(map(str, value._value.shape))}] "
            "[Op:BiasAdd]")
    if channels_first:
        bias = sh.reshape(bias, (-1,) + (1,) * (nd - 2))
    return value + bias


def moments(x: TensorInput, axes: Axis, shift: Optional[TensorInput] = None, keepdims: bool = False,
            name: Optional[str] = None) -> Tensor:
    """Mean and variance of ``x`` over ``axes``, as a pair.

    >>> import gradtape as tf
    >>> mean, var = tf.nn.moments(tf.constant([1.0, 2.0, 3.0, 4.0]), axes=[0])
    >>> float(mean), float(var)
    (2.5, 1.25)
    """
    x = _floating(x, "moments", "x")
    mean = red.reduce_mean(x, axis=axes, keepdims=True)
    variance = red.reduce_mean(ew.square(x - mean), axis=axes, keepdims=True)
    if not keepdims:
        mean = sh.squeeze(mean, axes)
        variance = sh.squeeze(variance, axes)
    return mean, variance


def weighted_moments(x: TensorInput, axes: Axis, frequency_weights: TensorInput,
                     keepdims: bool = False, name: Optional[str] = None) -> Tensor:
    """Mean and variance of ``x`` over ``axes`` with each element counted
    ``frequency_weights`` times (broadcast against ``x``), as a pair (zeros where
    the weights sum to zero); both are differentiable in ``x`` and in the weights.

    >>> import gradtape as tf
    >>> mean, var = tf.nn.weighted_moments(tf.constant([1.0, 2.0, 4.0]), [0],
    ...                                    tf.constant([1.0, 0.0, 1.0]))
    >>> float(mean), float(var)
    (2.5, 2.25)
    """
    x = _floating(x, "weighted_moments", "x")
    weights = ew.cast(frequency_weights, x.dtype)
    total = red.reduce_sum(weights * ew.ones_like(x), axis=axes, keepdims=True)
    mean = ew.divide_no_nan(red.reduce_sum(weights * x, axis=axes, keepdims=True), total)
    variance = ew.divide_no_nan(
        red.reduce_sum(weights * ew.square(x - mean), axis=axes, keepdims=True), total)
    if not keepdims:
        mean = sh.squeeze(mean, axes)
        variance = sh.squeeze(variance, axes)
    return mean, variance


def local_response_normalization(input: TensorInput, depth_radius: int = 5, bias: float = 1.0,
                                 alpha: float = 1.0, beta: float = 0.5,
                                 name: Optional[str] = None) -> Tensor:
    """Each element of a 4-D ``input`` divided by ``(bias + alpha * s) ** beta``,
    where ``s`` sums the squares of the ``2 * depth_radius + 1`` channels around
    it (the last axis), as TensorFlow's ``tf.nn.lrn``.

    >>> import gradtape as tf
    >>> tf.nn.local_response_normalization(tf.constant([[[[1.0, 2.0]]]]), 1).numpy()
    array([[[[0.4082483, 0.8164966]]]], dtype=float32)
    """
    x = _floating(input, "LRN", "input")
    if x.ndim != 4:
        raise InvalidArgumentError(f"input must be 4-dimensional, got a tensor of rank {x.ndim} "
                                   "[Op:LRN]; reshape it to [batch, height, width, channels]")
    radius = int_arg(depth_radius, "local_response_normalization", "depth_radius")
    if radius < 0:
        raise InvalidArgumentError(f"depth_radius must be >= 0, got {radius} [Op:LRN]")
    depth = x.shape[-1]
    padded = sh.pad(ew.square(x), [[0, 0], [0, 0], [0, 0], [radius, radius]])
    window = [padded[..., k:k + depth] for k in range(2 * radius + 1)]
    squares = window[0] if len(window) == 1 else ew.add_n(window)
    return x / ew.pow(ew.add(ew.multiply(squares, alpha), bias), beta)


lrn = local_response_normalization


def normalize_moments(counts: TensorInput, mean_ss: TensorInput, variance_ss: TensorInput,
                      shift: Optional[TensorInput], name: Optional[str] = None) -> Tensor:
    """Mean and variance from sufficient statistics (a count, the sum and the
    sum of squares of ``x - shift``), as a pair, written as TensorFlow's.

    >>> import gradtape as tf
    >>> mean, var = tf.nn.normalize_moments(tf.constant(4.0), tf.constant([4.0]),
    ...                                     tf.constant([10.0]), None)
    >>> mean.numpy(), var.numpy()
    (array([1.], dtype=float32), array([1.5], dtype=float32))
    """
    divisor = ew.reciprocal(counts)
    shifted_mean = ew.multiply(mean_ss, divisor)
    mean = shifted_mean if shift is None else ew.add(shifted_mean, shift)
    variance = ew.subtract(ew.multiply(variance_ss, divisor), ew.square(shifted_mean))
    return mean, variance


def batch_normalization(x: TensorInput, mean: TensorInput, variance: TensorInput,
                        offset: Optional[TensorInput], scale: Optional[TensorInput],
                        variance_epsilon: float, name: Optional[str] = None) -> Tensor:
    """``scale * (x - mean) / sqrt(variance + variance_epsilon) + offset``
    (``offset`` and ``scale`` may be None), computed as TensorFlow's
    ``x * inv + (offset - mean * inv)``.

    >>> import gradtape as tf
    >>> tf.nn.batch_normalization(tf.constant([1.0, 3.0]), 2.0, 4.0, 0.5, 2.0, 0.0).numpy()
    array([-0.5,  1.5], dtype=float32)
    """
    x = _floating(x, "batch_normalization", "x")
    inv = ew.rsqrt(ew.add(variance, variance_epsilon))
    if scale is not None:
        inv = ew.multiply(inv, scale)
    inv = ew.cast(inv, x.dtype)
    shift = -mean * inv if offset is None else ew.subtract(offset, ew.multiply(mean, inv))
    return x * inv + ew.cast(shift, x.dtype)


def weighted_cross_entropy_with_logits(labels: TensorInput, logits: TensorInput,
                                       pos_weight: TensorInput,
                                       name: Optional[str] = None) -> Tensor:
    """``sigmoid_cross_entropy_with_logits`` with the positive term weighted by
    ``pos_weight``: ``(1 - z) x + (1 + (w - 1) z) (log(1 + exp(-|x|)) + max(-x, 0))``,
    written as TensorFlow's (gradients included).

    >>> import gradtape as tf
    >>> tf.nn.weighted_cross_entropy_with_logits(
    ...     labels=[1.0, 0.0], logits=tf.constant([0.0, 0.0]), pos_weight=3.0).numpy()
    array([2.0794415, 0.6931472], dtype=float32)
    """
    labels, logits = _same_shape_pair(labels, logits, "weighted_cross_entropy_with_logits")
    log_weight = 1.0 + ew.multiply(ew.subtract(pos_weight, 1.0), labels)
    softplus_neg = ew.log1p(ew.exp(-ew.abs(logits))) + relu(-logits)
    return (1.0 - labels) * logits + log_weight * softplus_neg


def log_poisson_loss(targets: TensorInput, log_input: TensorInput, compute_full_loss: bool = False,
                     name: Optional[str] = None) -> Tensor:
    """Poisson negative log-likelihood ``exp(c) - c * z`` of targets ``z`` given
    log-rates ``c``; with ``compute_full_loss`` plus Stirling's approximation of
    ``log(z!)`` for ``z > 1``, as TensorFlow's.

    >>> import gradtape as tf
    >>> tf.nn.log_poisson_loss(tf.constant([0.0, 1.0]), tf.constant([0.0, 0.0])).numpy()
    array([1., 1.], dtype=float32)
    """
    targets, log_input = pair(targets, log_input, "log_poisson_loss")
    if targets._value.shape != log_input._value.shape:
        raise ValueError(f"log_input and targets must have the same shape "
                         f"({tuple(log_input.shape)} vs {tuple(targets.shape)})")
    result = ew.exp(log_input) - log_input * targets
    if compute_full_loss:
        stirling = (targets * ew.log(targets) - targets
                    + 0.5 * ew.log(2.0 * math.pi * targets))
        small = ew.logical_and(targets >= 0.0, targets <= 1.0)
        result = result + ew.where(small, _zeros_like(targets), stirling)
    return result


def crelu(features: TensorInput, name: Optional[str] = None, axis: Axis = -1) -> Tensor:
    """Concatenated ReLU: ``relu(x)`` and ``relu(-x)`` joined along ``axis``.

    >>> import gradtape as tf
    >>> tf.nn.crelu(tf.constant([[1.0, -2.0]])).numpy()
    array([[1., 0., 0., 2.]], dtype=float32)
    """
    x = tensor(features)
    return sh.concat([relu(x), relu(-x)], axis)



def _in_top_k_impl(xp, targets, predictions, k):
    p, t = NP.asarray(predictions), NP.asarray(targets)
    rows = NP.arange(p.shape[0])
    valid = (t >= 0) & (t < p.shape[1])
    at_target = p[rows, NP.where(valid, t, 0)]
    above = NP.sum(p > at_target[:, None], axis=1)
    # a non-finite prediction in the row makes TensorFlow's answer False
    known = valid & NP.all(NP.isfinite(p), axis=1)
    return xp.asarray(known & (above < k))


_IN_TOP_K = defop("in_top_k", _in_top_k_impl, nondiff=True)


def in_top_k(targets: TensorInput, predictions: TensorInput, k: int,
             name: Optional[str] = None) -> Tensor:
    """Whether each row's target class is among its ``k`` largest predictions
    (classes tied with the k-th all count as in; a row with a non-finite
    prediction, or a target out of range, is False).

    >>> import gradtape as tf
    >>> tf.math.in_top_k([0, 1, 3], [[1.2, -0.3, 2.8, 5.2], [0.1, 0.0, 0.0, 0.0],
    ...                              [0.0, 0.5, 0.3, 0.3]], 2).numpy()
    array([False,  True,  True])
    """
    predictions = tensor(predictions)
    if predictions.dtype.name != "float32":
        raise ValueError(f"Tensor conversion requested dtype float32 for Tensor with dtype "
                         f"{predictions.dtype.name}: in_top_k takes float32 predictions")
    targets = tensor(targets)
    if targets.dtype not in (int32, int64):
        raise refuse_dtype("InTopKV2", targets.dtype, "ids")
    if len(predictions.shape) != 2:
        raise InvalidArgumentError("predictions must be 2-dimensional [Op:InTopKV2]")
    if len(targets.shape) != 1 or targets.shape[0] != predictions.shape[0]:
        raise InvalidArgumentError(
            f"First dimension of predictions {predictions.shape[0]} must match length of "
            f"targets {targets.shape[0] if targets.shape else 1} [Op:InTopKV2]")
    return apply(_IN_TOP_K, (targets, predictions), {"k": int(k)})


def _along_last(x, axis, opname):
    """``x`` with ``axis`` moved last, and the function that moves it back."""
    axis = norm_axes(axis, len(x.shape), opname)[0] + len(x.shape)
    if axis == len(x.shape) - 1:
        return x, lambda t: t
    perm = [i for i in range(len(x.shape)) if i != axis] + [axis]
    back = [perm.index(i) for i in range(len(perm))]
    return sh.transpose(x, perm), lambda t: sh.transpose(t, back)


def _approx_k(operand, k, reduction_dimension, largest, opname):
    """The exact ``k`` largest (smallest) entries along ``reduction_dimension``
    and their int32 indices: what TensorFlow's CPU fallback of ApproxTopK gives."""
    from .indexing import top_k
    x = tensor(operand)
    if x.dtype.name not in ("float32", "float16"):
        raise refuse_dtype("ApproxTopK", x.dtype, "f")
    moved, back = _along_last(x, reduction_dimension, opname)
    if moved.shape[-1] < k:
        raise InvalidArgumentError(f"input must have at least k columns. Had {moved.shape[-1]}, "
                                   f"needed {k} [Op:ApproxTopK]")
    values, indices = top_k(moved if largest else -moved, k)
    return back(values if largest else -values), back(indices)


def approx_max_k(operand: TensorInput, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True, name: Optional[str] = None) -> tuple:
    """The ``k`` largest entries along ``reduction_dimension`` and their indices,
    as ``(values, indices)``: exact, as TensorFlow's CPU fallback (the recall
    arguments are accepted and have nothing to trade).

    >>> import gradtape as tf
    >>> values, indices = tf.math.approx_max_k(tf.constant([[1.0, 3.0, 3.0, 2.0]]), 2)
    >>> values.numpy(), indices.numpy()
    (array([[3., 3.]], dtype=float32), array([[1, 2]], dtype=int32))
    """
    return _approx_k(operand, k, reduction_dimension, True, "approx_max_k")


def approx_min_k(operand: TensorInput, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True, name: Optional[str] = None) -> tuple:
    """The ``k`` smallest entries along ``reduction_dimension`` and their indices,
    as ``(values, indices)``: exact (TensorFlow computes it under XLA only).

    >>> import gradtape as tf
    >>> values, indices = tf.math.approx_min_k(tf.constant([[1.0, 3.0, 0.5, 2.0]]), 2)
    >>> values.numpy(), indices.numpy()
    (array([[0.5, 1. ]], dtype=float32), array([[2, 0]], dtype=int32))
    """
    return _approx_k(operand, k, reduction_dimension, False, "approx_min_k")


def _pooled_segments(rows):
    """Pool-adjacent-violators on each row of a 2-D array, for a non-increasing
    fit: the segment of each element, as a tuple of tuples (blocks merge while
    the earlier one's mean is strictly below the later one's, as TensorFlow's
    kernel).  Compiled functions check this reading on every call."""
    if type(rows) is not NP.ndarray:
        rows = backend_of(rows).to_numpy(rows)
    out = []
    for row in rows.astype(NP.float64).tolist():
        starts, sums, counts = [], [], []
        for j, v in enumerate(row):
            starts.append(j)
            sums.append(v)
            counts.append(1)
            while len(sums) > 1 and sums[-2] / counts[-2] < sums[-1] / counts[-1]:
                starts.pop()
                total, count = sums.pop(), counts.pop()
                sums[-1] += total
                counts[-1] += count
        ends = starts[1:] + [len(row)]
        out.append(tuple(seg for seg, (a, b) in enumerate(zip(starts, ends)) for _ in range(a, b)))
    return tuple(out)


def isotonic_regression(inputs: TensorInput, decreasing: bool = True, axis: int = -1,
                        name: Optional[str] = None) -> tuple:
    """The least-squares non-increasing (``decreasing=False``: non-decreasing) fit
    along ``axis``, and the int32 segment of each element: ``(output, segments)``.
    Each output is the mean of its segment, so the gradient averages over it;
    integer inputs give float64, as TensorFlow's.

    >>> import gradtape as tf
    >>> y, segments = tf.nn.isotonic_regression([[3.0, 1.0, 2.0], [1.0, 3.0, 4.0]])
    >>> y.numpy()
    array([[3.       , 1.5      , 1.5      ],
           [2.6666667, 2.6666667, 2.6666667]], dtype=float32)
    >>> segments.numpy()
    array([[0, 1, 1],
           [0, 0, 0]], dtype=int32)
    """
    from .indexing import gather, unsorted_segment_mean
    x = tensor(inputs)
    if kind(x._value.dtype) in "iu":
        x = ew.cast(x, "float64")
    elif kind(x._value.dtype) != "f":
        raise refuse_dtype("IsotonicRegression", x.dtype, "iuf")
    if not x.shape:
        return x, on_host_for(NP.zeros((), NP.int32), x)
    moved, back = _along_last(x, axis, "isotonic_regression")
    rows = sh.reshape(moved, [-1, moved.shape[-1]])
    segments = NP.array(decide((rows if decreasing else -rows)._value, _pooled_segments),
                        NP.int32).reshape(rows.shape)
    counts = segments[:, -1] + 1 if moved.shape[-1] else NP.zeros(len(segments), NP.int32)
    offsets = (NP.cumsum(counts) - counts).astype(NP.int32)
    ids = segments + offsets[:, None]  # indices stay on the host, as the segment ops read them
    fitted = sh.reshape(gather(unsorted_segment_mean(rows, ids, int(counts.sum())), ids),
                        list(moved.shape))
    return back(fitted), back(sh.reshape(on_host_for(segments, x), list(moved.shape)))

if not TYPE_CHECKING:  # a type checker reads the module's own public names
    __all__ = public_names(globals()) + ["sigmoid", "tanh", "softplus", "swish"]

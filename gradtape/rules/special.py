"""Special functions of several arguments: ``lbeta``, the regularized incomplete
gamma functions ``igamma``/``igammac``, the Hurwitz ``zeta`` and the regularized
incomplete beta ``betainc``.

The forward passes are NumPy series and continued fractions in float64; the
gradients go to the arguments TensorFlow differentiates (``igamma`` in both,
``zeta`` in ``q``, ``betainc`` in ``x``), the others get None.
"""
from __future__ import annotations
import math

from .._core.dtypes import kind
from .._core.tensor import TensorLike
from .._core.convert import convert_to_tensor
from . import elementwise as ew
from . import reductions as red
from .elementwise import _BERNOULLI, _numpy_only, _product
from ._util import NP, NOPARAMS, apply, defop, pair, public_names, refuse_dtype, tensor
from typing import Optional, TYPE_CHECKING
from .._core.types import Tensor, TensorInput

_EPS = 1e-16
_MAX_TERMS = 5000


def _floats(opname, *args):
    """The arguments as tensors of one float32/float64 dtype (TensorFlow's kernels):
    Python numbers and arrays take the dtype of the first tensor among them."""
    like = next((a for a in args if isinstance(a, TensorLike)), None)
    like = convert_to_tensor(args[0]) if like is None else like
    out = [pair(like, a, opname)[1] for a in args]
    if like.dtype.name not in ("float32", "float64"):
        raise refuse_dtype(opname, like.dtype, "f")
    return out


def _as_float64(*arrays):
    return NP.broadcast_arrays(*[NP.asarray(a, NP.float64) for a in arrays])


def _back(out, like):
    with NP.errstate(over="ignore", under="ignore"):
        return NP.asarray(out).astype(like.dtype)


# ---------------------------------------------------------------------------
# lbeta
# ---------------------------------------------------------------------------

def lbeta(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """The log of the multivariate Beta function over the last axis of ``x``:
    ``sum(lgamma(x), -1) - lgamma(sum(x, -1))`` (``-inf`` for an empty last axis).

    >>> import gradtape as tf
    >>> tf.math.lbeta(tf.constant([[1.0, 2.0], [1.0, 1.0]])).numpy()
    array([-0.6931472,  0.       ], dtype=float32)
    """
    x = tensor(x)
    if kind(x._value.dtype) != "f":
        raise refuse_dtype("Lgamma", x.dtype, "f")
    return red.reduce_sum(ew.lgamma(x), axis=-1) - ew.lgamma(red.reduce_sum(x, axis=-1))


# ---------------------------------------------------------------------------
# igamma, igammac: the series of P(a, x) below x = a + 1, the continued
# fraction of Q(a, x) above; each carries its derivative in ``a`` along
# ---------------------------------------------------------------------------

def _gamma_series(a, x):
    """P(a, x) and dP/da by the power series (for x < a + 1)."""
    term, dterm = NP.ones_like(a), NP.zeros_like(a)
    total, dtotal = NP.ones_like(a), NP.zeros_like(a)
    n = a.copy()
    for _ in range(_MAX_TERMS):
        n = n + 1.0
        dterm = (dterm - term / n) * x / n
        term = term * x / n
        total, dtotal = total + term, dtotal + dterm
        if NP.all(NP.abs(term) <= _EPS * NP.abs(total)):
            break
    log_pref = a * NP.log(x) - x - ew._lgamma_numpy(a + 1.0)
    pref = NP.exp(log_pref)
    dlog_pref = NP.log(x) - ew._psi(NP, a + 1.0, 0)
    return pref * total, pref * (dtotal + dlog_pref * total)


def _gamma_fraction(a, x, terms=400):
    """Q(a, x) and dQ/da by the continued fraction (for x >= a + 1), evaluated
    from its tail: ``1 / (b0 - a1 / (b1 - a2 / (b2 - ...)))``."""
    tail, dtail = x + 2.0 * terms + 1.0 - a, -NP.ones_like(a)
    for k in range(terms, 0, -1):
        num, dnum = k * (k - a), -float(k)
        tail, dtail = (x + 2.0 * k - 1.0 - a - num / tail,
                       -1.0 - (dnum * tail - num * dtail) / (tail * tail))
    log_pref = a * NP.log(x) - x - ew._lgamma_numpy(a)
    pref = NP.exp(log_pref)
    dlog_pref = NP.log(x) - ew._psi(NP, a, 0)
    q = pref / tail
    return q, q * dlog_pref - pref * dtail / (tail * tail)


def _igamma_parts(a, x):
    """P(a, x), Q(a, x) and dP/da, float64, NaN outside ``a > 0, x >= 0``."""
    a, x = _as_float64(a, x)
    p, q, dp = (NP.full(a.shape, NP.nan) for _ in range(3))
    ok = (a > 0) & (x >= 0)
    with NP.errstate(all="ignore"):
        zero, inf = ok & (x == 0), ok & NP.isinf(x)
        p[zero], q[zero], dp[zero] = 0.0, 1.0, 0.0
        p[inf], q[inf], dp[inf] = 1.0, 0.0, 0.0
        finite = ok & (x > 0) & ~NP.isinf(x)
        low = finite & (x < a + 1.0)
        high = finite & ~low
        if low.any():
            p[low], dp[low] = _gamma_series(a[low], x[low])
            q[low] = 1.0 - p[low]
        if high.any():
            q[high], dq = _gamma_fraction(a[high], x[high])
            p[high], dp[high] = 1.0 - q[high], -dq
    return p, q, dp


def _igamma_impl(xp, a, x):
    return _back(_igamma_parts(a, x)[0], a)


def _igamma_grad_a_impl(xp, a, x):
    return _back(_igamma_parts(a, x)[2], a)


def _igamma_grad_x(a, x):
    """dP/dx = x^(a-1) exp(-x) / Gamma(a)."""
    return ew.exp((a - 1.0) * ew.log(x) - x - ew.lgamma(a))


def _no_second_derivative(*args, **params):
    raise LookupError("gradient registry has no entry for: IgammaGradA")


# dP/da, whose own derivative TensorFlow does not have: asking for it raises
_IGAMMA_GRAD_A = defop("igamma_grad_a", _igamma_grad_a_impl,
                       vjp=(_no_second_derivative, _no_second_derivative),
                       jvp=_no_second_derivative, broadcasts=True, elementwise=True,
                       portable=_numpy_only("igamma_grad_a"))


def _igamma_grad_a(a, x):
    return apply(_IGAMMA_GRAD_A, (a, x), NOPARAMS)


def _igamma_vjps(sign):
    return (lambda ct, ans, a, x: _product(ct, sign * _igamma_grad_a(a, x)),
            lambda ct, ans, a, x: _product(ct, sign * _igamma_grad_x(a, x)))


def _igamma_jvp(sign):
    def jvp(ts, ans, a, x):
        parts = [_product(t, sign * d()) for t, d in zip(
            ts, (lambda: _igamma_grad_a(a, x), lambda: _igamma_grad_x(a, x)))
            if t is not None]
        return parts[0] if len(parts) == 1 else parts[0] + parts[1]
    return jvp


_IGAMMA = defop("igamma", _igamma_impl, vjp=_igamma_vjps(1.0), jvp=_igamma_jvp(1.0),
                broadcasts=True, elementwise=True, portable=_numpy_only("igamma"))
_IGAMMAC = defop("igammac", lambda xp, a, x: _back(_igamma_parts(a, x)[1], a),
                 vjp=_igamma_vjps(-1.0), jvp=_igamma_jvp(-1.0),
                 broadcasts=True, elementwise=True, portable=_numpy_only("igammac"))


def igamma(a: TensorInput, x: TensorInput, name: Optional[str] = None) -> Tensor:
    """The lower regularized incomplete gamma function ``P(a, x)``, elementwise
    (NaN unless ``a > 0`` and ``x >= 0``), differentiable in ``a`` and ``x``.

    >>> import gradtape as tf
    >>> tf.math.igamma(tf.constant([0.5, 1.0]), tf.constant([1.0, 2.0])).numpy()
    array([0.8427008 , 0.86466473], dtype=float32)
    """
    return apply(_IGAMMA, tuple(_floats("Igamma", a, x)), NOPARAMS)


def igammac(a: TensorInput, x: TensorInput, name: Optional[str] = None) -> Tensor:
    """The upper regularized incomplete gamma function ``Q(a, x) = 1 - P(a, x)``,
    elementwise, differentiable in ``a`` and ``x``.

    >>> import gradtape as tf
    >>> tf.math.igammac(tf.constant([0.5, 1.0]), tf.constant([1.0, 2.0])).numpy()
    array([0.1572992 , 0.13533528], dtype=float32)
    """
    return apply(_IGAMMAC, tuple(_floats("Igammac", a, x)), NOPARAMS)


# ---------------------------------------------------------------------------
# zeta: the Hurwitz zeta function sum_k (q + k)^-x, by direct terms up to
# q + k >= 20 and the Euler-Maclaurin tail after
# ---------------------------------------------------------------------------

_ZETA_SHIFT = 20.0
_ZETA_STEPS = 1000


def _zeta_impl(xp, x, q):
    s, w = _as_float64(x, q)
    w = w.copy()
    acc = NP.zeros_like(s)
    with NP.errstate(all="ignore"):
        pole = (w <= 0) & (w == NP.floor(w))
        for _ in range(_ZETA_STEPS):
            low = w < _ZETA_SHIFT
            if not low.any():
                break
            acc = acc + NP.where(low, NP.power(NP.where(w == 0, 1.0, w), -s), 0.0)
            w = NP.where(low, w + 1.0, w)
        tail = w ** (1.0 - s) / (s - 1.0) + 0.5 * w ** -s
        rising, power = s.copy(), w ** (-s - 1.0)
        for k, b in enumerate(_BERNOULLI, 1):
            tail = tail + b / math.factorial(2 * k) * rising * power
            rising = rising * (s + 2 * k - 1) * (s + 2 * k)
            power = power / (w * w)
        out = NP.where(w < _ZETA_SHIFT, NP.nan, acc + tail)  # q below -980: not reached
        # at a pole q + k = 0 the terms (q + k)^-x are +inf only for even x
        even = (s == NP.floor(s)) & (NP.fmod(s, 2.0) == 0)
        out = NP.where(pole, NP.where(even, NP.inf, NP.nan), out)
        out = NP.where(s == 1, NP.inf, out)
        out = NP.where(s < 1, NP.nan, out)
    return _back(out, x)


_ZETA = defop("zeta", _zeta_impl,
              vjp=(None, lambda ct, ans, x, q: _product(ct, _zeta_grad_q(x, q))),
              jvp=lambda ts, ans, x, q: None if ts[1] is None else _product(ts[1], _zeta_grad_q(x, q)),
              broadcasts=True, elementwise=True, portable=_numpy_only("zeta"))


def _zeta_grad_q(x, q):
    return -x * apply(_ZETA, (x + 1.0, q), NOPARAMS)


def zeta(x: TensorInput, q: TensorInput, name: Optional[str] = None) -> Tensor:
    """The Hurwitz zeta function ``sum_k (q + k) ** -x`` over ``k >= 0``,
    elementwise (``inf`` at ``x = 1``, NaN for ``x < 1``); as TensorFlow's, the
    gradient goes to ``q`` only.

    >>> import gradtape as tf
    >>> tf.math.zeta(tf.constant([2.0, 3.5]), tf.constant([1.0, 2.5])).numpy()
    array([1.644934  , 0.06517125], dtype=float32)
    """
    return apply(_ZETA, tuple(_floats("Zeta", x, q)), NOPARAMS)


# ---------------------------------------------------------------------------
# betainc: the continued fraction of I_x(a, b) (Lentz's method), on the side
# of x = (a + 1) / (a + b + 2) where it converges fast, by symmetry on the other
# ---------------------------------------------------------------------------

_TINY = 1e-300


def _beta_fraction(a, b, x):
    """The continued fraction of ``I_x(a, b) * a * B(a, b) / (x^a (1 - x)^b)``."""
    def clamp(v):
        return NP.where(NP.abs(v) < _TINY, _TINY, v)

    c, d = NP.ones_like(x), 1.0 / clamp(1.0 - (a + b) * x / (a + 1.0))
    h = d.copy()
    for m in range(1, _MAX_TERMS):
        even = m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m))
        d = 1.0 / clamp(1.0 + even * d)
        c = clamp(1.0 + even / c)
        h = h * d * c
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0))
        d = 1.0 / clamp(1.0 + odd * d)
        c = clamp(1.0 + odd / c)
        step = d * c
        h = h * step
        if NP.all(NP.abs(step - 1.0) <= _EPS):
            break
    return h


def _log_beta(a, b):
    return ew._lgamma_numpy(a) + ew._lgamma_numpy(b) - ew._lgamma_numpy(a + b)


def _betainc_impl(xp, a, b, x):
    a_, b_, x_ = _as_float64(a, b, x)
    out = NP.full(x_.shape, NP.nan)
    ok = (a_ > 0) & (b_ > 0) & (x_ >= 0) & (x_ <= 1)
    with NP.errstate(all="ignore"):
        out[ok & (x_ == 0)] = 0.0
        out[ok & (x_ == 1)] = 1.0
        inner = ok & (x_ > 0) & (x_ < 1)
        flip = x_ > (a_ + 1.0) / (a_ + b_ + 2.0)
        for flipped in (False, True):
            m = inner & (flip == flipped)
            if not m.any():
                continue
            p, q, y = (b_[m], a_[m], 1.0 - x_[m]) if flipped else (a_[m], b_[m], x_[m])
            part = NP.exp(p * NP.log(y) + q * NP.log1p(-y) - _log_beta(p, q)) / p
            part = part * _beta_fraction(p, q, y)
            out[m] = 1.0 - part if flipped else part
    return _back(out, a)


def _betainc_grad_x(a, b, x):
    """dI/dx = x^(a-1) (1 - x)^(b-1) / B(a, b)."""
    return ew.exp(ew.xlogy(a - 1.0, x) + ew.xlog1py(b - 1.0, -x)
                  - (ew.lgamma(a) + ew.lgamma(b) - ew.lgamma(a + b)))


_BETAINC = defop("betainc", _betainc_impl,
                 vjp=(None, None, lambda ct, ans, a, b, x: _product(ct, _betainc_grad_x(a, b, x))),
                 jvp=lambda ts, ans, a, b, x: None if ts[2] is None else _product(
                     ts[2], _betainc_grad_x(a, b, x)),
                 broadcasts=True, elementwise=True, portable=_numpy_only("betainc"))


def betainc(a: TensorInput, b: TensorInput, x: TensorInput, name: Optional[str] = None) -> Tensor:
    """The regularized incomplete beta function ``I_x(a, b)``, elementwise (NaN
    unless ``a, b > 0`` and ``0 <= x <= 1``); as TensorFlow's, the gradient goes
    to ``x`` only.

    >>> import gradtape as tf
    >>> tf.math.betainc(tf.constant([0.5, 2.0]), tf.constant([1.0, 3.0]),
    ...                 tf.constant([0.3, 0.5])).numpy()
    array([0.5477226, 0.6875   ], dtype=float32)
    """
    return apply(_BETAINC, tuple(_floats("Betainc", a, b, x)), NOPARAMS)


if not TYPE_CHECKING:  # a type checker reads the module's own public names
    __all__ = public_names(globals())

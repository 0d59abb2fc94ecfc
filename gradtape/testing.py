"""Numerical gradient checking, the one utility every gradient test uses.

``check_gradients`` compares reverse mode (VJPs) and forward mode (JVPs) with
central differences in float64 along random directions, checks the transpose
identity ``<v, J u> == <J^T v, u>`` between them, and recurses for higher
orders by checking the gradient function itself.  Complex inputs and outputs
get complex directions, with TensorFlow's convention: the gradient of a real
loss ``L`` with respect to ``z = x + iy`` is ``dL/dx + i dL/dy``, and the
inner product is the real one, ``<a, b> = Re(sum(conj(a) * b))``.  ``compute_gradient`` returns
full theoretical and numerical Jacobians like ``tf.test.compute_gradient``.
"""
from __future__ import annotations
import numpy as np

from ._core import nest
from ._core.tensor import TensorLike, constant, wrap
from .indexed_slices import densified
from typing import Any, Callable, List, Optional, Sequence, Tuple

__all__ = ["check_gradients", "compute_gradient", "numerical_jvp"]


def _as_f64(a):
    v = a.numpy() if isinstance(a, TensorLike) else np.asarray(a)
    return np.array(v, dtype=np.complex128 if np.iscomplexobj(v) else np.float64)


def _call(f, arrays):
    out = f(*[constant(a) for a in arrays])
    return [_as_f64(o) for o in nest.flatten(out)]


def numerical_jvp(f: Callable[..., Any], args: Sequence[Any], directions: Any,
                  eps: float = 1e-6) -> List[Any]:
    """Central difference ``(f(x + eps u) - f(x - eps u)) / 2 eps`` for each output.

    >>> import gradtape as tf, numpy as np
    >>> from gradtape.testing import numerical_jvp
    >>> [d] = numerical_jvp(tf.square, [np.array([3.0])], [np.array([1.0])])
    >>> bool(np.allclose(d, [6.0]))
    True
    """
    plus = _call(f, [a + eps * u for a, u in zip(args, directions)])
    minus = _call(f, [a - eps * u for a, u in zip(args, directions)])
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def _random_like(rng, a):
    """A standard normal direction of ``a``'s shape, complex when ``a`` is."""
    if np.iscomplexobj(a):
        return rng.standard_normal(a.shape) + 1j * rng.standard_normal(a.shape)
    return rng.standard_normal(a.shape)


def _vdot(a, b):
    return float(np.sum(np.real(np.conj(a) * b)))


def _vjp(f, args, cotangents):
    from .tape import GradientTape
    xs = [constant(a) for a in args]
    with GradientTape() as tape:
        tape.watch(xs)
        outs = nest.flatten(f(*xs))
    grads = densified(tape.gradient(outs, xs, output_gradients=[constant(c) for c in cotangents]))
    return [np.zeros_like(a) if g is None else _as_f64(g) for a, g in zip(args, grads)]


def _jvp(f, args, directions):
    from .forwardprop import ForwardAccumulator
    xs = [constant(a) for a in args]
    with ForwardAccumulator(xs, [constant(u) for u in directions]) as acc:
        outs = nest.flatten(f(*xs))
    tangents = acc.jvp(outs)
    return [np.zeros(np.shape(o)) if t is None else _as_f64(t)
            for o, t in zip((_as_f64(o) for o in outs), tangents)]


def _close(name, got, want, atol, rtol):
    got, want = np.asarray(got), np.asarray(want)
    if not np.allclose(got, want, atol=atol, rtol=rtol, equal_nan=False):
        err = np.max(np.abs(got - want)) if got.size else 0.0
        raise AssertionError(f"{name} mismatch (max abs error {err:.3g}, atol={atol}, "
                             f"rtol={rtol}):\n  got  {got!r}\n  want {want!r}")


def check_gradients(f: Callable[..., Any], args: Sequence[Any], order: int = 2,
                    modes: Any = ("rev", "fwd"), atol: float = 1e-6, rtol: float = 1e-5,
                    eps: float = 1e-6, seed: int = 0) -> None:
    """Check ``f``'s derivatives at ``args`` against central differences in float64.

    ``f`` takes Tensors and returns a tensor or a nested structure of tensors.
    With ``"rev"`` it checks ``<v, J u>`` numerically against ``<VJP(v), u>``;
    with ``"fwd"`` it checks ``JVP(u)`` against the numerical ``J u``; with
    both, the transpose identity between them.  ``order=2`` also checks the
    derivatives of the gradient function ``x -> VJP(v)(x)`` (and of the JVP).
    Complex arguments and outputs get complex directions, and their gradients
    are checked with TensorFlow's convention (``dL/dx + i dL/dy``; a holomorphic
    op's VJP is ``v * conj(f'(z))``). Raises AssertionError naming what disagreed.

    >>> import gradtape as tf, numpy as np
    >>> from gradtape.testing import check_gradients
    >>> check_gradients(lambda x: tf.sin(x) * x, [[0.3, -1.2]], order=2)
    >>> check_gradients(tf.exp, [np.array([0.3 + 1j])])
    """
    rng = np.random.default_rng(seed)
    args = [_as_f64(a) for a in args]
    outs = _call(f, args)
    u = [_random_like(rng, a) for a in args]
    v = [_random_like(rng, o) for o in outs]
    numeric = numerical_jvp(f, args, u, eps)
    num_scalar = sum(_vdot(vi, ni) for vi, ni in zip(v, numeric))
    if "rev" in modes:
        g = _vjp(f, args, v)
        _close("VJP <J^T v, u> vs numerical <v, J u>",
               sum(_vdot(gi, ui) for gi, ui in zip(g, u)), num_scalar, atol, rtol)
    if "fwd" in modes:
        t = _jvp(f, args, u)
        for i, (ti, ni) in enumerate(zip(t, numeric)):
            _close(f"JVP of output {i} vs numerical J u", ti, ni, atol, rtol)
        if "rev" in modes:
            _close("transpose identity <v, JVP(u)> vs <VJP(v), u>",
                   sum(_vdot(vi, ti) for vi, ti in zip(v, t)),
                   sum(_vdot(gi, ui) for gi, ui in zip(g, u)), atol, rtol)
    if order > 1:
        if "rev" in modes:
            check_gradients(lambda *xs: _vjp_tensors(f, xs, v), args, order - 1,
                            modes, atol, rtol, eps, seed + 1)
        if "fwd" in modes:
            check_gradients(lambda *xs: _jvp_tensors(f, xs, u), args, order - 1,
                            modes, atol, rtol, eps, seed + 2)


def _vjp_tensors(f, xs, cotangents):
    from .tape import GradientTape
    from . import rules
    with GradientTape() as tape:
        tape.watch(list(xs))
        outs = nest.flatten(f(*xs))
    grads = densified(tape.gradient(outs, list(xs),
                                    output_gradients=[constant(c) for c in cotangents]))
    return [rules.zeros_like(x) if g is None else g for x, g in zip(xs, grads)]


def _jvp_tensors(f, xs, directions):
    from .forwardprop import ForwardAccumulator
    from . import rules
    with ForwardAccumulator(list(xs), [constant(u) for u in directions]) as acc:
        outs = nest.flatten(f(*xs))
    return [rules.zeros_like(o) if t is None else t for o, t in zip(outs, acc.jvp(outs))]


def compute_gradient(f: Callable[..., Any], x: Sequence[Any],
                     delta: Optional[float] = None) -> Tuple[List[Any], List[Any]]:
    """Theoretical and numerical Jacobians of ``f`` at ``x`` (a list or tuple of
    arguments), each of shape ``(y.size, x_i.size)``, like ``tf.test.compute_gradient``:
    a pair of tuples, one Jacobian per argument, the numerical one by central
    differences with TensorFlow's default step ``delta = 1/1024``.

    >>> import gradtape as tf, numpy as np
    >>> theo, num = tf.test.compute_gradient(tf.square, [np.array([1.0, 2.0])])
    >>> type(theo).__name__, theo[0].tolist(), num[0].tolist()
    ('tuple', [[2.0, 0.0], [0.0, 4.0]], [[2.0, 0.0], [0.0, 4.0]])
    """
    from .tape import GradientTape
    if not isinstance(x, (list, tuple)):
        raise ValueError("`x` must be a list or tuple of values convertible to a Tensor "
                         f"(arguments to `f`), not a {type(x)}")
    xs = [constant(a) if not isinstance(a, TensorLike) else a for a in x]
    if delta is None:
        delta = 1.0 / 1024
    theoretical, numerical = [], []
    y0 = f(*xs)
    y_size = int(np.size(y0.numpy()))
    for i, xi in enumerate(xs):
        base = np.array(xi.numpy(), copy=True)
        jac_t = np.zeros((y_size, base.size), dtype=base.dtype)
        jac_n = np.zeros((y_size, base.size), dtype=base.dtype)
        for r in range(y_size):
            with GradientTape() as tape:
                tape.watch(xs)
                y = f(*xs)
            ct = np.zeros(y_size, y._value.dtype)
            ct[r] = 1
            [g] = densified([tape.gradient(y, xs[i],
                                           output_gradients=wrap(ct.reshape(y._value.shape)))])
            if g is not None:
                jac_t[r] = np.ravel(g.numpy())
        for c in range(base.size):
            shifted = [a for a in xs]
            up, down = base.copy().ravel(), base.copy().ravel()
            up[c] += delta
            down[c] -= delta
            shifted[i] = constant(up.reshape(base.shape))
            y_up = np.ravel(f(*shifted).numpy())
            shifted[i] = constant(down.reshape(base.shape))
            y_down = np.ravel(f(*shifted).numpy())
            jac_n[:, c] = (y_up - y_down) / (2 * delta)
        theoretical.append(jac_t)
        numerical.append(jac_n)
    return tuple(theoretical), tuple(numerical)

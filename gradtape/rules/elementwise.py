"""Elementwise ops: arithmetic, math functions, comparisons, where, cast.

A differentiable unary op is declared by its derivative ``d(ans, x)``: the VJP
is ``ct * d`` and the JVP ``t * d``, so both modes share one formula.  Binary
ops give one derivative per operand; broadcasting is undone by the engine.
"""
from __future__ import annotations
import math
import numbers

from .._core.dtypes import SCALAR_KINDS as _SCALAR_KINDS, as_dtype, kind
from .._core.backend import constant_like
from .._core.convert import convert_to_tensor
from .._core.tensor import Tensor, TensorLike, decide
from .._core.reverse import know_tanh, negated, pass_through
from ..errors import InvalidArgumentError, NotFoundError, UnimplementedError
from .complex_ops import COMPLEX_ABS as _COMPLEX_ABS, conj
from ._util import (refuse_dtype, public_names, NOPARAMS, _SCALARS, _zeros_like, apply, defop,
                    accepted_dtypes, fast_public,
                    namespace, pair, tensor, wrap, NP)
from .._core.state import foreign
from typing import Any, Callable, Optional, TYPE_CHECKING
from .._core.types import BinaryOp, DTypeLike, TensorInput, UnaryOp

_SQRT_PI = math.sqrt(math.pi)
_builtin_abs = abs  # the module defines its own ``abs`` op


# What TensorFlow 2.21 gives for each op's docstring example (written into the
# docstrings by ``_doc``; a few to fewer digits, where float32 rounding differs, and
# where NumPy's own last digit depends on the CPU's vector kernels: asinh, atan2,
# cosh, expm1; the doctests compare to the digits shown).
_EXAMPLE_OUTPUTS = {
    'abs': 'array([0.5, 1. ], dtype=float32)',
    'acos': 'array([1.0471976, 0.       ], dtype=float32)',
    'acosh': 'array([0.9624237, 1.316958 ], dtype=float32)',
    'asin': 'array([0.5235988, 1.5707964], dtype=float32)',
    'asinh': 'array([0.481212, 0.881374], dtype=float32)',
    'atan': 'array([0.4636476, 0.7853982], dtype=float32)',
    'atan2': 'array([ 0.785398, -0.785398], dtype=float32)',
    'atanh': 'array([ 0.54930615, -0.54930615], dtype=float32)',
    'bessel_i0': 'array([1.26607, 1.06348], dtype=float32)',
    'bessel_i0e': 'array([0.46576 , 0.64504], dtype=float32)',
    'bessel_i1': 'array([-0.56516,  0.25789], dtype=float32)',
    'bessel_i1e': 'array([-0.20791,  0.15642 ], dtype=float32)',
    'ceil': 'array([1., 2.], dtype=float32)',
    'cos': 'array([0.87758255, 0.5403023 ], dtype=float32)',
    'cosh': 'array([1.127626, 1.543081], dtype=float32)',
    'divide': 'array([0.33333334, 0.6666667 ], dtype=float32)',
    'divide_no_nan': 'array([0. , 0.5], dtype=float32)',
    'equal': 'array([False,  True])',
    'erf': 'array([0.52050, 0.84270], dtype=float32)',
    'erfc': 'array([4.7950e-01, 1.5375e-12], dtype=float32)',
    'erfinv': 'array([ 0.47694, -1.16309 ], dtype=float32)',
    'ndtri': 'array([0.       , 1.9599644], dtype=float32)',
    'exp': 'array([1.648721, 2.718282 ], dtype=float32)',
    'expm1': 'array([0.648721, 1.718282], dtype=float32)',
    'floor': 'array([0., 1.], dtype=float32)',
    'floordiv': 'array([ 3., -4.], dtype=float32)',
    'floordiv': 'array([ 3., -4.], dtype=float32)',
    'greater': 'array([False,  True])',
    'greater_equal': 'array([False,  True])',
    'is_finite': 'array([ True,  True])',
    'is_inf': 'array([False, False])',
    'is_nan': 'array([False, False])',
    'less': 'array([ True, False])',
    'lgamma': 'array([0.5723649, 0.6931472], dtype=float32)',
    'less_equal': 'array([ True, False])',
    'log': 'array([-0.6931472,  0.       ], dtype=float32)',
    'log1p': 'array([0.6931472, 1.3862944], dtype=float32)',
    'log_sigmoid': 'array([  -0.6931472, -100.       ], dtype=float32)',
    'logical_and': 'array([ True, False])',
    'logical_not': 'array([False,  True])',
    'logical_or': 'array([ True, False])',
    'logical_xor': 'array([False,  True])',
    'maximum': 'array([3., 3.], dtype=float32)',
    'minimum': 'array([1., 2.], dtype=float32)',
    'mod': 'array([1., 2.], dtype=float32)',
    'mod': 'array([1., 2.], dtype=float32)',
    'multiply': 'array([3., 6.], dtype=float32)',
    'not_equal': 'array([ True, False])',
    'pow': 'array([4., 9.], dtype=float32)',
    'pow': 'array([4., 9.], dtype=float32)',
    'reciprocal': 'array([2., 1.], dtype=float32)',
    'round': 'array([0., 2.], dtype=float32)',
    'rint': 'array([ 0.,  2., -2.], dtype=float32)',
    'rsqrt': 'array([1.4142135, 1.       ], dtype=float32)',
    'sigmoid': 'array([0.62245935, 0.7310586 ], dtype=float32)',
    'sin': 'array([0.479426, 0.841471 ], dtype=float32)',
    'sinh': 'array([0.5210953, 1.1752012], dtype=float32)',
    'softplus': 'array([0.974077 , 1.313262], dtype=float32)',
    'sqrt': 'array([0.70710677, 1.        ], dtype=float32)',
    'square': 'array([0.25, 1.  ], dtype=float32)',
    'squared_difference': 'array([4., 1.], dtype=float32)',
    'tan': 'array([0.5463025, 1.5574077], dtype=float32)',
    'tanh': 'array([0.       , 0.7615942], dtype=float32)',
    'xdivy': 'array([ 0., inf], dtype=float32)',
    'xlogy': 'array([  0., -inf], dtype=float32)',
    'truncatediv': 'array([ 3, -3], dtype=int32)',
    'truncatemod': 'array([ 1, -1], dtype=int32)',
    'xlog1py': 'array([0.       , 1.3862944], dtype=float32)',
    'multiply_no_nan': 'array([0., 6.], dtype=float32)',
}


def _doc(fn, summary, example):
    """The docstring of an elementwise op: its summary and example, with the
    output TensorFlow gives (``_EXAMPLE_OUTPUTS``)."""
    fn.__doc__ = (f"{summary}\n\n    >>> import gradtape as tf\n"
                  f"    >>> tf.{fn.__name__}({example}).numpy()\n"
                  f"    {_EXAMPLE_OUTPUTS[fn.__name__]}\n    ")
    return fn


# ---------------------------------------------------------------------------
# Factories
# ---------------------------------------------------------------------------

_KIND_DTYPES = {"b": "bool", "f": "bfloat16, half, float, double", "i": "int8, int16, int32, int64",
                "u": "uint8, uint16, uint32, uint64", "c": "complex64, complex128"}


def _refuse(opname, x, kinds):
    """Reject a dtype the op has no kernel for (NumPy would silently upcast or
    truncate), with TensorFlow's InvalidArgumentError."""
    try:
        raise refuse_dtype(opname, x.dtype, kinds)
    except KeyError:  # a set of kinds refuse_dtype has no words for
        allowed = ", ".join(_KIND_DTYPES[k] for k in kinds)
        raise InvalidArgumentError(
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
            f"{allowed} [Op:{opname}]; {opname} has no kernel for {x.dtype.name}: "
            "cast it with gradtape.cast") from None


def _check_kind(opname, x, kinds):
    """``x`` (a Tensor) when its dtype's kind is one of ``kinds``, else TensorFlow's error."""
    if kind(x._value.dtype) not in kinds:
        _refuse(opname, x, kinds)
    return x



# ---------------------------------------------------------------------------
# TensorFlow's convention for complex gradients
# ---------------------------------------------------------------------------

def _conjugating(times, is_complex, conjugate):
    """The VJP of a holomorphic op in TensorFlow's convention from ``times``,
    its JVP form ``t * f'(z)``: ``ct * conj(f'(z)) = conj(conj(ct) * f'(z))``.
    Real cotangents go straight through."""
    if times is None:
        return None
    if isinstance(times, tuple):
        return tuple(_conjugating(t, is_complex, conjugate) for t in times)

    def vjp(ct, ans, *xs, **params):
        if not is_complex(ct):
            return times(ct, ans, *xs, **params)
        g = times(conjugate(ct), ans, *xs, **params)
        return None if g is None else conjugate(g)
    return vjp


def _adjoint(times):
    """``_conjugating`` for rules on Tensors (``Op.vjps``)."""
    return _conjugating(times, lambda ct: ct.dtype.is_complex, conj)


def _numpy_adjoint(times):
    """``_conjugating`` for rules on NumPy arrays (``Op.numpy_vjps``)."""
    return _conjugating(times, lambda ct: ct.dtype.kind == "c", NP.conj)


_FLOAT, _NUMERIC = "fc", "iufc"
_SIGNED, _REAL = "ifc", "iuf"  # (TensorFlow's Neg, Abs, Sign, Pow; its orderings)


def unary(name, impl, deriv, summary, example="tf.constant([0.5, 1.0])", times=None,
          kinds=_FLOAT, numpy_times: Any = None, **flags) -> UnaryOp:
    """Declare a differentiable elementwise op from its derivative ``deriv(ans, x)``.

    ``times(t, ans, x)``, when given instead, returns ``t`` times the
    derivative directly (usually one fused op rather than two or three).
    ``numpy_times``, the same on NumPy arrays, is the first-order sweep's VJP
    (``Op.numpy_vjps``).
    ``kinds`` are the NumPy dtype kinds it accepts (floating and complex by default).
    """
    if times is None:
        def times(t, ans, x):
            return _product(t, deriv(ans, x))
    op = defop(name, impl, vjp=_adjoint(times),  # (ct, ans, x)
               jvp=lambda ts, ans, x: times(ts[0], ans, x), elementwise=True,
               numpy_vjps=_numpy_adjoint(numpy_times), real_numpy_vjps=numpy_times, **flags)

    def public(x: TensorInput, name: Optional[str] = None) -> Tensor:
        if type(x) is not Tensor:
            x = tensor(x)
        v = x._value
        k = _SCALAR_KINDS.get(type(v))
        if k is None:
            k = kind(v.dtype)
        if k not in kinds:
            _refuse(op.name, x, kinds)
        return apply(op, (x,), NOPARAMS)
    public.__name__ = public.__qualname__ = name
    public.op = op
    return fast_public(_doc(public, summary, example), op, accepted_dtypes(kinds), 1)


def _times_partial(d):
    """``t`` times the partial ``d(ans, x, y)`` (None stays None)."""
    if d is None:
        return None
    return lambda t, ans, x, y: _product(t, d(ans, x, y))


def _product(t, d):
    """``t * d`` inside a rule: two tensors of one dtype go straight to the op."""
    if type(d) is Tensor and type(t) is Tensor and t._value.dtype == d._value.dtype:
        return apply(multiply.op, (t, d), NOPARAMS)
    return t * d


def binary(name, impl, dx, dy, summary, example="tf.constant([1.0, 2.0]), 3.0",
           times=(None, None), kinds=_FLOAT, numpy_times: Any = None, **flags) -> BinaryOp:
    """Declare a differentiable binary op from its partials ``dx``/``dy(ans, x, y)``.

    ``times``, when given, holds ``(t, ans, x, y) -> t * partial`` functions
    that replace ``dx``/``dy`` with a cheaper fused form; ``numpy_times``, the
    same on NumPy arrays, are the first-order sweep's VJPs (``Op.numpy_vjps``);
    ``kinds`` are the NumPy dtype kinds it accepts.
    """
    tdx = times[0] or _times_partial(dx)
    tdy = times[1] or _times_partial(dy)

    def jvp(ts, ans, x, y):
        tx, ty = ts
        out = None if tx is None else tdx(tx, ans, x, y)
        if ty is not None:
            part = tdy(ty, ans, x, y)
            out = part if out is None else out + part
        return out
    op = defop(name, impl, vjp=_adjoint((tdx, tdy)), jvp=jvp, elementwise=True,
               broadcasts=True, numpy_vjps=_numpy_adjoint(numpy_times),
               real_numpy_vjps=numpy_times, **flags)

    takes_floats = "f" in kinds and "c" in kinds  # what a shared constant's dtype can be

    def with_fallback(fallback):
        """The public function; with ``fallback(x, y)``, a variant that hands it
        the operands it would refuse (an operator's own rule for other dtypes)."""
        def public(x: TensorInput, y: TensorInput, name: Optional[str] = None) -> Tensor:
            if type(y) is float and type(x) is Tensor and takes_floats and not foreign[0]:
                # ``x * 1.01``: what ``pair`` gives, and x's floating dtype needs no check
                t = _SCALARS.get((y, x._value.dtype))
                if t is not None:
                    return apply(op, (x, t), NOPARAMS)
            try:
                xt, yt = pair(x, y, op.name)
            except (TypeError, InvalidArgumentError):
                if fallback is None:
                    raise
                return fallback(x, y)
            try:
                k = xt._value.dtype.kind
            except AttributeError:  # a dtype of another namespace
                k = kind(xt._value.dtype)
            if k not in kinds:
                if fallback is not None:
                    return fallback(x, y)
                _refuse(op.name, xt, kinds)
            return apply(op, (xt, yt), NOPARAMS)
        public.__name__ = public.__qualname__ = name
        public.op = op
        public.with_fallback = with_fallback
        return public

    accepted = accepted_dtypes(kinds)

    def with_fast_fallback(fallback):
        return fast_public(with_fallback(fallback), op, accepted, 2, scalars=takes_floats)
    public = with_fallback(None)
    public.with_fallback = with_fast_fallback
    return fast_public(_doc(public, summary, example), op, accepted, 2, scalars=takes_floats)


def nondiff(name, impl, summary, example="tf.constant([0.5, 1.5])", arity=1,
            kinds="biufc") -> Callable[..., Tensor]:
    """Declare an op with no gradient: the tape's path is cut there.  ``kinds``
    are the NumPy dtype kinds it accepts (TensorFlow's error for the others)."""
    op = defop(name, impl, nondiff=True, broadcasts=arity == 2)
    if arity == 1:
        def public(x: TensorInput, name: Optional[str] = None) -> Tensor:
            return apply(op, (_check_kind(op.name, tensor(x), kinds),), NOPARAMS)
    else:
        def public(x: TensorInput, y: TensorInput, name: Optional[str] = None) -> Tensor:
            x, y = pair(x, y, op.name)
            return apply(op, (_check_kind(op.name, x, kinds), y), NOPARAMS)
    public.__name__ = public.__qualname__ = name
    public.op = op
    return _doc(public, summary, example)


# ---------------------------------------------------------------------------
# Linear arithmetic
# ---------------------------------------------------------------------------

def _add_jvp(ts, ans, x, y):
    tx, ty = ts
    if tx is None:
        return ty
    return tx if ty is None else tx + ty


_same, _negated = pass_through, negated  # (rules the C sweep knows: it makes no call)


_ADD = defop("add", NP.add, vjp=(_same, _same), jvp=_add_jvp, save="none", elementwise=True,
             broadcasts=True, numpy_vjps=(_same, _same))


def _sub_jvp(ts, ans, x, y):
    tx, ty = ts
    if ty is None:
        return tx
    return -ty if tx is None else tx - ty


_SUB = defop("subtract", NP.subtract, vjp=(_same, _negated), jvp=_sub_jvp, save="none",
             elementwise=True, broadcasts=True, numpy_vjps=(_same, _negated))
_NEG = defop("negative", NP.negative, vjp=_negated, linear=True, save="none",
             elementwise=True, numpy_vjps=_negated)


def add(x: TensorInput, y: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise ``x + y`` with broadcasting.

    >>> import gradtape as tf
    >>> tf.add(tf.constant([1.0, 2.0]), 3.0).numpy()
    array([4., 5.], dtype=float32)
    """
    if type(y) is float and type(x) is Tensor and not foreign[0]:
        # ``x + 0.1``: the shared constant ``pair`` would give (only floating
        # and complex dtypes have one)
        t = _SCALARS.get((y, x._value.dtype))
        if t is not None:
            return apply(_ADD, (x, t), NOPARAMS)
    try:
        x, y = pair(x, y, "AddV2")
    except TypeError:
        ref, other, index = (x, y, 1) if isinstance(x, TensorLike) else (y, x, 0)
        if not isinstance(other, float) or ref.dtype.is_floating:
            raise
        # TensorFlow's AddV2 words a float added to an integer tensor so
        raise InvalidArgumentError(
            f"cannot compute AddV2 as input #{index}(zero-based) was expected to be a "
            f"{ref.dtype.name} tensor but is a float tensor") from None
    try:  # (inline: every bias add passes here)
        k = x._value.dtype.kind
    except AttributeError:  # a dtype of another namespace
        k = kind(x._value.dtype)
    if k not in _NUMERIC:
        _refuse("add", x, _NUMERIC)
    return apply(_ADD, (x, y), NOPARAMS)


def subtract(x: TensorInput, y: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise ``x - y`` with broadcasting.

    >>> import gradtape as tf
    >>> tf.subtract(tf.constant([1.0, 2.0]), 3.0).numpy()
    array([-2., -1.], dtype=float32)
    """
    x, y = pair(x, y, "Sub")
    return apply(_SUB, (_check_kind("subtract", x, _NUMERIC), y), NOPARAMS)


def negative(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise ``-x``.

    >>> import gradtape as tf
    >>> tf.negative(tf.constant([1.0, -2.0])).numpy()
    array([-1.,  2.], dtype=float32)
    """
    return apply(_NEG, (_check_kind("negative", tensor(x), _SIGNED),), NOPARAMS)


add = fast_public(add, _ADD, accepted_dtypes(_NUMERIC), 2, scalars=True)
subtract = fast_public(subtract, _SUB, accepted_dtypes(_NUMERIC), 2, scalars=True)


def add_n(inputs: TensorInput, name: Optional[str] = None) -> Tensor:
    """The elementwise sum of a list of same-shaped tensors.

    >>> import gradtape as tf
    >>> tf.add_n([tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])]).numpy()
    array([4., 6.], dtype=float32)
    """
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"add_n: inputs must be a list of tensors, got {type(inputs).__name__}")
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors")
    total = tensor(inputs[0])
    for x in inputs[1:]:
        x = tensor(x)
        if x.shape != total.shape:  # TensorFlow's AddN does not broadcast
            raise InvalidArgumentError(
                f"add_n: inputs must all have one shape, got {total.shape} and {x.shape} "
                "[Op:AddN]; broadcast them first (gradtape.broadcast_to)")
        total = add(total, x)
    return total


_ACCUMULATE_N_INPUTS = "inputs must be a list of at least one Tensor with the same dtype and shape"


def _shape_text(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def accumulate_n(inputs: TensorInput, shape: Any = None, tensor_dtype: Optional[DTypeLike] = None,
                 name: Optional[str] = None) -> Tensor:
    """The elementwise sum of a list of tensors of one dtype and shape, as ``add_n``
    (TensorFlow's deprecated alias, with its checks of ``shape`` and ``tensor_dtype``).

    >>> import gradtape as tf
    >>> a, b = tf.constant([[1, 2], [3, 4]]), tf.constant([[5, 0], [0, 6]])
    >>> tf.math.accumulate_n([a, b, a]).numpy()
    array([[ 7,  4],
           [ 6, 14]], dtype=int32)
    """
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError(_ACCUMULATE_N_INPUTS)
    inputs = [tensor(x) for x in inputs]
    if any(x.dtype != inputs[0].dtype for x in inputs):
        raise ValueError(_ACCUMULATE_N_INPUTS)
    merged = None if shape is None else tuple(shape)
    for x in inputs:
        if merged is not None and (len(merged) != len(x.shape) or any(
                a is not None and a != b for a, b in zip(merged, x.shape))):
            raise ValueError(f"Shapes {_shape_text(merged)} and {_shape_text(x.shape)} "
                             "are not compatible")
        merged = tuple(x.shape)
    if tensor_dtype is not None and as_dtype(tensor_dtype) != inputs[0].dtype:
        raise TypeError(f"The `tensor_dtype` argument is {as_dtype(tensor_dtype)!r}, but `input` "
                        f"is of type {inputs[0].dtype!r}. These must be equal. Try casting the "
                        "input to the desired type.")
    return inputs[0] if len(inputs) == 1 else add_n(inputs)


def polyval(coeffs: list, x: TensorInput, name: Optional[str] = None) -> Tensor:
    """The polynomial ``coeffs[0] * x**(n-1) + ... + coeffs[n-1]`` by Horner's rule,
    as TensorFlow computes it (``p = c + p * x``; coefficients and ``x`` broadcast).

    >>> import gradtape as tf
    >>> tf.math.polyval([2, 1, 0], 3).numpy()
    21
    """
    if not isinstance(coeffs, list):
        raise ValueError(f"Argument coeffs must be list type. Received type {type(coeffs)}.")
    x = tensor(x)
    if not coeffs:
        return zeros_like(x)
    coeffs = [tensor(c) for c in coeffs]  # each with its own dtype, as TensorFlow's
    p = coeffs[0]
    for c in coeffs[1:]:
        p = add(c, multiply(p, x))
    return p


# ---------------------------------------------------------------------------
# Fused products for derivative rules: one dispatch (and fewer array passes)
# where the composed formula would take two or three ops
# ---------------------------------------------------------------------------

def _scaled_product_impl(xp, x, y, scale):
    if scale == 1:
        return xp.multiply(x, y)
    if type(x) is NP.ndarray and type(y) is NP.ndarray and x.dtype == y.dtype:
        # scale the operand of the result's shape into a new array, then
        # multiply in place: one temporary, not two
        if x.shape == y.shape or y.ndim == 0:
            out = xp.multiply(x, constant_like(scale, x.dtype) if x.dtype.kind in "fc" else scale)
            out *= y
            return out
        if x.ndim == 0:
            out = xp.multiply(y, scale)
            out *= x
            return out
    return xp.multiply(x, y) * scale


def _product_of_three_impl(xp, x, y, z, scale):
    return _times_fresh(z, _scaled_product_impl(xp, x, y, scale))


def _product_op(name, impl, arity):
    """The op ``scale * x1 * ... * xn``: the partial in each factor is the
    product of the others, so its VJPs and JVP are products of the same kind."""
    def others(xs, i, first):
        return (first,) + xs[:i] + xs[i + 1:]

    def jvp(ts, ans, *xs, scale):
        out = None
        for i, t in enumerate(ts):
            if t is not None:
                part = _scaled_product(*others(xs, i, t), scale=scale)
                out = part if out is None else out + part
        return out

    vjps = tuple(lambda ct, ans, *xs, scale, i=i: _scaled_product(*others(xs, i, ct), scale=scale)
                 for i in range(arity))
    return defop(name, impl, vjp=_adjoint(vjps), jvp=jvp, elementwise=True, broadcasts=True)


_SCALED_PRODUCT = _product_op("scaled_product", _scaled_product_impl, 2)
_SCALED_PRODUCT3 = _product_op("scaled_product3", _product_of_three_impl, 3)
_PRODUCTS = {2: _SCALED_PRODUCT, 3: _SCALED_PRODUCT3}


def _scaled_product(*factors, scale):
    """``scale * x * y`` (or ``scale * x * y * z``) for tensors of one dtype and a
    constant ``scale``, as one op."""
    return apply(_PRODUCTS[len(factors)], factors, {"scale": scale})


def _times_fresh(g, d):
    """``g * d`` where ``d`` is a temporary array: in place when shapes allow."""
    if type(d) is NP.ndarray and type(g) is NP.ndarray and d.shape == g.shape \
            and d.dtype == g.dtype:
        d *= g
        return d
    return g * d


def _plus_fresh(d, e):
    """``d + e`` where ``d`` is a temporary array: in place when shapes allow."""
    if type(d) is NP.ndarray and type(e) is NP.ndarray and d.shape == e.shape \
            and d.dtype == e.dtype:
        d += e
        return d
    return d + e


def _output_grad(name, deriv, deriv_prime, times_deriv_prime, second):
    """``g * f(a)`` as one op, for an op whose derivative is a function ``f``
    of its output ``a`` with a constant second derivative ``f'' = second``.

    ``deriv(xp, a)``/``deriv_prime(xp, a)`` compute ``f``/``f'`` on arrays, and
    ``times_deriv_prime(u, v, a)`` gives ``u * v * f'(a)`` with gradtape ops.  The
    op's JVP ``tg f(a) + g ta f'(a)`` is one op too (forward-over-reverse
    runs it once per such op).
    """
    def impl(xp, g, a):
        return _times_fresh(g, deriv(xp, a))

    def grad(g, a):
        return apply(op, (g, a), NOPARAMS)

    def jvp_impl(xp, tg, g, ta, a):
        return _plus_fresh(_times_fresh(tg, deriv(xp, a)),
                           _times_fresh(ta, _times_fresh(g, deriv_prime(xp, a))))

    # d(tg f(a) + g ta f'(a)): each partial times a cotangent or tangent
    partials = (lambda u, tg, g, ta, a: grad(u, a),
                lambda u, tg, g, ta, a: times_deriv_prime(u, ta, a),
                lambda u, tg, g, ta, a: times_deriv_prime(u, g, a),
                lambda u, tg, g, ta, a: times_deriv_prime(u, tg, a)
                + _scaled_product(u, g, ta, scale=second))

    def jvp_of_jvp(ts, ans, *xs):
        out = None
        for t, partial in zip(ts, partials):
            if t is not None:
                part = partial(t, *xs)
                out = part if out is None else out + part
        return out

    jvp_op = defop(name + "_jvp", jvp_impl,
                   vjp=_adjoint(tuple(lambda ct, ans, *xs, p=p: p(ct, *xs) for p in partials)),
                   jvp=jvp_of_jvp, elementwise=True, broadcasts=True)

    def jvp(ts, ans, g, a):
        tg, ta = ts
        if ta is None:
            return grad(tg, a)
        if tg is None:
            return times_deriv_prime(g, ta, a)
        return apply(jvp_op, (tg, g, ta, a), NOPARAMS)

    op = defop(name, impl,
               vjp=_adjoint((lambda ct, ans, g, a: grad(ct, a),
                             lambda ct, ans, g, a: times_deriv_prime(ct, g, a))),
               jvp=jvp, elementwise=True, broadcasts=True)
    return grad


def _input_grad(name, impl, second):
    """``g * f'(x)`` as one op, for the VJP of an op ``f`` whose derivative is
    computed from its input: ``impl(xp, g, x)`` on arrays, and ``second(x)``,
    the second derivative, with gradtape ops."""
    def grad(g, x):
        return apply(op, (g, x), NOPARAMS)

    def jvp(ts, ans, g, x):
        tg, tx = ts
        out = None if tg is None else grad(tg, x)
        if tx is not None:
            part = tx * g * second(x)
            out = part if out is None else out + part
        return out

    op = defop(name, impl,
               vjp=_adjoint((lambda ct, ans, g, x: grad(ct, x),
                             lambda ct, ans, g, x: ct * g * second(x))),
               jvp=jvp, elementwise=True, broadcasts=True)
    return grad


def _one_minus_square(xp, a):
    d = xp.square(a)
    if type(d) is NP.ndarray:
        return NP.subtract(constant_like(1, d.dtype), d, out=d)
    return 1 - d


def _times_one_minus(xp, a):
    return a * (1 - a)


def _one_minus_twice(xp, a):
    return 1 - 2 * a


def _tanh_numpy_vjp(t, a, x=None):
    """``t * (1 - a * a)`` on arrays, in place on the one temporary (``x``, the
    input, is not needed: the rule is tanh's ``numpy_times`` as it is)."""
    if type(a) is NP.ndarray and type(t) is NP.ndarray and a.shape == t.shape \
            and a.dtype == t.dtype:
        d = NP.square(a)
        NP.subtract(constant_like(1, d.dtype), d, out=d)
        d *= t
        return d
    if type(a) is not NP.ndarray and type(t) is type(a) and a.dtype.kind == "f":
        # NumPy scalars (a scalar chain): their operators, not a ufunc call;
        # a * a is square(a) for real floats (one rounded product)
        return t * (1 - a * a)
    return _times_fresh(t, _one_minus_square(NP, a))


_tanh_grad = _output_grad("tanh_grad", _one_minus_square, lambda xp, a: -2 * a,
                          lambda u, v, a: _scaled_product(u, v, a, scale=-2.0), -2.0)
_sigmoid_grad = _output_grad("sigmoid_grad", _times_one_minus, _one_minus_twice,
                             lambda u, v, a: _scaled_product(u, v, 0.5 - a, scale=2.0), -2.0)


# ---------------------------------------------------------------------------
# Products, quotients, powers
# ---------------------------------------------------------------------------

multiply = binary("multiply", NP.multiply, lambda a, x, y: y, lambda a, x, y: x,
                  "Elementwise ``x * y`` with broadcasting.", kinds=_NUMERIC,
                  numpy_times=(lambda t, a, x, y: t * y, lambda t, a, x, y: t * x))
divide = binary("divide", NP.true_divide, None, None,
                "Elementwise ``x / y`` (true division) with broadcasting.",
                times=(lambda t, a, x, y: t / y,
                       lambda t, a, x, y: _scaled_product(t / y, x / y, scale=-1.0)),
                numpy_times=(lambda t, a, x, y: t / y,
                             lambda t, a, x, y: _SCALED_PRODUCT.numpy_impl(t / y, x / y,
                                                                           scale=-1.0)),
                kinds=_NUMERIC)


def truediv(x: TensorInput, y: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise true division; integer inputs give float64 as in TensorFlow.

    >>> import gradtape as tf
    >>> tf.truediv(tf.constant([1, 2]), 2).numpy()
    array([0.5, 1. ])
    """
    return divide(*_floating_pair(x, y, "RealDiv"))


def _floating_pair(x, y, opname):
    """``pair(x, y)``, integers cast as TensorFlow's true divisions cast them:
    8- and 16-bit integers to float32, wider ones to float64."""
    x, y = pair(x, y, opname)
    if kind(x._value.dtype) in "iu":
        target = "float64" if x._value.dtype.itemsize > 2 else "float32"
        x, y = cast(x, target), cast(y, target)
    return x, y


def _xdivy_impl(xp, x, y):
    with xp.errstate(divide="ignore", invalid="ignore"):
        return xp.astype(xp.where(x == 0, 0.0, x / y), x.dtype, copy=False)


def _xlogy_impl(xp, x, y):
    with xp.errstate(divide="ignore", invalid="ignore"):
        return xp.astype(xp.where(x == 0, 0.0, x * xp.log(y)), x.dtype, copy=False)


def _xlog1py_impl(xp, x, y):
    with xp.errstate(divide="ignore", invalid="ignore"):
        return xp.astype(xp.where(x == 0, 0.0, x * xp.log1p(y)), x.dtype, copy=False)


def _multiply_no_nan_impl(xp, x, y):
    with xp.errstate(invalid="ignore"):
        return xp.astype(xp.where(y == 0, 0.0, x * y), x.dtype, copy=False)


def _divide_no_nan_impl(xp, x, y):
    zero = y == 0
    return xp.astype(xp.where(zero, 0.0, x / xp.where(zero, 1.0, y)), x.dtype, copy=False)


def reciprocal_no_nan(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise ``1 / x``, and 0 wherever ``x`` is 0: ``divide_no_nan(1, x)``.

    >>> import gradtape as tf
    >>> tf.math.reciprocal_no_nan(tf.constant([2.0, 0.0])).numpy()
    array([0.5, 0. ], dtype=float32)
    """
    return divide_no_nan(1.0, _check_kind("reciprocal_no_nan", tensor(x), _FLOAT))


def _divide_no_nan_dx(ans, x, y):
    return divide_no_nan(1.0, y)


def _divide_no_nan_dy(ans, x, y):
    return divide_no_nan(divide_no_nan(-x, y), y)


xdivy = binary("xdivy", _xdivy_impl,
               lambda a, x, y: xdivy(cast(not_equal(x, 0.0), x.dtype), y),
               lambda a, x, y: xdivy(-x, y * y),
               "Elementwise ``x / y``, and 0 wherever ``x`` is 0 (even where ``y`` is 0).",
               "tf.constant([0.0, 2.0]), 0.0")
xlogy = binary("xlogy", _xlogy_impl,
               lambda a, x, y: xlogy(cast(not_equal(x, 0.0), x.dtype), y),
               lambda a, x, y: xdivy(x, y),
               "Elementwise ``x * log(y)``, and 0 wherever ``x`` is 0.",
               "tf.constant([0.0, 2.0]), 0.0")
xlog1py = binary("xlog1py", _xlog1py_impl,
                 lambda a, x, y: xlog1py(cast(not_equal(x, 0.0), x.dtype), y),
                 lambda a, x, y: xdivy(x, 1.0 + y),
                 "Elementwise ``x * log1p(y)``, and 0 wherever ``x`` is 0.",
                 "tf.constant([0.0, 2.0]), tf.constant([-1.0, 1.0])")
multiply_no_nan = binary("multiply_no_nan", _multiply_no_nan_impl, None, None,
                         "Elementwise ``x * y``, and 0 wherever ``y`` is 0 (even where "
                         "``x`` is NaN or infinite).",
                         "tf.constant([float('inf'), 2.0]), tf.constant([0.0, 3.0])",
                         times=(lambda t, a, x, y: multiply_no_nan(t, y),
                                lambda t, a, x, y: multiply_no_nan(x, t)))
_divide_no_nan = binary("divide_no_nan", _divide_no_nan_impl,
                        _divide_no_nan_dx, _divide_no_nan_dy,
                        "Elementwise ``x / y``, and 0 wherever ``y`` is 0.",
                        "tf.constant([3.0, 2.0]), tf.constant([0.0, 4.0])")


def divide_no_nan(x: TensorInput, y: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise ``x / y``, and 0 wherever ``y`` is 0; integers divide in
    floating point, as in ``truediv``.

    >>> import gradtape as tf
    >>> tf.math.divide_no_nan(tf.constant([3.0, 2.0]), tf.constant([0.0, 4.0])).numpy()
    array([0. , 0.5], dtype=float32)
    >>> tf.math.divide_no_nan(tf.constant([1, 2]), tf.constant([0, 4])).numpy()
    array([0. , 0.5])
    """
    return _divide_no_nan(*_floating_pair(x, y, "DivNoNan"))


divide_no_nan.op = _divide_no_nan.op
squared_difference = binary("squared_difference", lambda xp, x, y: xp.square(x - y),
                            lambda a, x, y: 2.0 * (x - y), lambda a, x, y: 2.0 * (y - x),
                            "Elementwise ``(x - y) ** 2``.", kinds="iuf")
# (for complex inputs TensorFlow computes (x - y) * conj(x - y), with other rules: refused)

def _check_divisor(xp, y, opname):
    """TensorFlow's error for an integer division by zero (NumPy would give 0)."""
    if kind(y.dtype) in "iu" and xp.any(y == 0):
        raise InvalidArgumentError(f"Integer division by zero [Op:{opname}]")


def _floordiv_impl(xp, x, y):
    if kind(x.dtype) == "f":
        # TensorFlow's floor(x / y): 1.0 // 0.1 is 10 (NumPy's exact floor_divide gives 9)
        return xp.floor(x / y)
    _check_divisor(xp, y, "FloorDiv")
    return xp.floor_divide(x, y)


def _floormod_impl(xp, x, y):
    _check_divisor(xp, y, "FloorMod")
    return xp.remainder(x, y)


def _truncatediv_impl(xp, x, y):
    if kind(x.dtype) == "f":
        return xp.trunc(x / y)
    _check_divisor(xp, y, "TruncateDiv")
    quotient = xp.floor_divide(x, y)
    # floor to truncation: one up where the division left a remainder of the other sign
    return quotient + ((xp.remainder(x, y) != 0) & ((x < 0) != (y < 0))).astype(x.dtype)


def _truncatemod_impl(xp, x, y):
    if kind(x.dtype) in "iu":
        _check_divisor(xp, y, "TruncateMod")
    return xp.fmod(x, y)


truncatediv = nondiff("truncatediv", _truncatediv_impl,
                      "Elementwise division rounded toward zero (C's ``/`` on integers); "
                      "it has no gradient.", "tf.constant([7, -7]), 2", arity=2, kinds=_REAL)
truncatemod = nondiff("truncatemod", _truncatemod_impl,
                      "Elementwise remainder of ``truncatediv`` (C's ``fmod``: the sign of "
                      "``x``); it has no gradient.", "tf.constant([7, -7]), 2", arity=2,
                      kinds=_REAL)
floordiv = nondiff("floordiv", _floordiv_impl,
                   "Elementwise floor division; it has no gradient.",
                   "tf.constant([7.0, -7.0]), 2.0", arity=2, kinds=_REAL)
floor_div = floordiv
mod = binary("mod", _floormod_impl, lambda a, x, y: 1.0, lambda a, x, y: -floordiv(x, y),
             "Elementwise floor modulo ``x - y * floor(x / y)``.",
             "tf.constant([7.0, -7.0]), 3.0", kinds=_REAL)
floormod = mod


def _pow_dy(ans, x, y):
    # TensorFlow's formula: x ** y times log(x), with log(x) taken as 0 where
    # x <= 0 (so NaN where x ** y is infinite or NaN there, as TensorFlow's;
    # for complex x only where x is 0)
    positive = not_equal(x, 0.0) if x.dtype.is_complex else x > 0
    return ans * where(positive, log(where(positive, x, 1.0)), 0.0)


_pow_tensors = binary("pow", NP.power, lambda a, x, y: y * x ** (y - 1), _pow_dy,
                      "Elementwise ``x ** y``.", "tf.constant([2.0, 3.0]), 2.0", save_ans=True,
                      kinds=_SIGNED)


def _small_integer(e):
    """``e`` as an int when it is a whole number with ``1 <= |e| <= 4``, else None."""
    return int(e) if e == int(e) and 1 <= _builtin_abs(e) <= 4 else None


def _whole_power(xp, base, n):
    """``base ** n`` for n in 1..4 by products: a general power costs ~7 products."""
    if n == 1:
        return xp.positive(base)
    out = xp.square(base)
    if n == 3:
        out *= base
    return xp.square(out) if n == 4 else out


def _pow_const_standard(xp, x, exponent):
    exponent = float(exponent)
    n = _small_integer(exponent) if math.isfinite(exponent) else None
    if n is not None:
        return _whole_power(xp, x if n > 0 else xp.reciprocal(x), _builtin_abs(n))
    return xp.sqrt(x) if exponent == 0.5 else xp.pow(x, exponent)


def _pow_const_impl(xp, x, exponent):
    n = _small_integer(exponent) if xp.isfinite(exponent) else None
    if n is not None:
        return _whole_power(xp, x if n > 0 else xp.reciprocal(x), _builtin_abs(n))
    if exponent == 0.5:
        return xp.sqrt(x)  # NumPy's power does the same (-inf ** 0.5 is nan)
    return xp.power(x, exponent)


def _cube(a):
    dt = a.dtype
    if dt.kind != "f":
        return square(a) * a
    return apply(_POW_CONST, (a,), {"exponent": dt.as_numpy_dtype(3)})


def _pow_const_times(t, x, exponent):
    """``t`` times the derivative ``exponent * x ** (exponent - 1)`` (for
    ``exponent`` 1 too: ``x ** 0`` keeps the second derivative TensorFlow's,
    NaN at 0 and 0 elsewhere, not None)."""
    if exponent == 2:
        return _scaled_product(t, x, scale=2.0)
    return _scaled_product(t, apply(_POW_CONST, (x,), {"exponent": exponent - 1}),
                           scale=exponent)


_POW_CONST = defop("pow_const", _pow_const_impl, portable=_pow_const_standard,
                   vjp=_adjoint(lambda ct, ans, x, exponent: _pow_const_times(ct, x, exponent)),
                   jvp=lambda ts, ans, x, exponent: _pow_const_times(ts[0], x, exponent),
                   elementwise=True)


def pow(x: TensorInput, y: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise ``x ** y`` with broadcasting.

    A constant number as the exponent of a float tensor (``x ** 2``) takes a
    faster path with the same values and derivatives.

    >>> import gradtape as tf
    >>> tf.pow(tf.constant([2.0, 3.0]), 2.0).numpy()
    array([4., 9.], dtype=float32)
    """
    if isinstance(y, numbers.Real) and not isinstance(y, bool):
        x = tensor(x)
        dt = x.dtype
        if dt.kind == "f":
            if y == 2:
                return square(x)
            return apply(_POW_CONST, (x,), {"exponent": dt.as_numpy_dtype(y)})
    return _pow_tensors(x, y)


pow.op = _pow_tensors.op
square = unary("square", NP.square, None, "Elementwise ``x * x``.",
               times=lambda t, ans, x: _scaled_product(t, x, scale=2.0), kinds=_NUMERIC,
               numpy_times=lambda t, ans, x: _SCALED_PRODUCT.numpy_impl(t, x, scale=2.0))
def _zero_where_zero(t, g):
    """``g`` with 0 wherever ``t`` is 0, as TensorFlow's SqrtGrad, RsqrtGrad and
    ReciprocalGrad kernels: a zero cotangent stays 0 where the derivative is
    infinite, so ``where(x > 0, sqrt(x), 0.)`` has gradient 0 at 0."""
    return where(equal(t, 0.0), _zeros_like(g), g)


reciprocal = unary("reciprocal", NP.reciprocal, None, "Elementwise ``1 / x``.",
                   times=lambda t, a, x: _zero_where_zero(
                       t, _scaled_product(t, square(a), scale=-1.0)),
                   save="none", save_ans=True)
sqrt = unary("sqrt", NP.sqrt, None, "Elementwise square root.",
             times=lambda t, a, x: _zero_where_zero(t, _product(t, 0.5 / a)),
             save="none", save_ans=True)
rsqrt = unary("rsqrt", lambda xp, x: 1.0 / xp.sqrt(x), None, "Elementwise ``1 / sqrt(x)``.",
              times=lambda t, a, x: _zero_where_zero(t, _scaled_product(t, _cube(a), scale=-0.5)),
              save="none", save_ans=True)


# ---------------------------------------------------------------------------
# Exponentials, logarithms, trigonometry
# ---------------------------------------------------------------------------

exp = unary("exp", NP.exp, lambda a, x: a, "Elementwise ``e ** x``.",
            numpy_times=lambda t, a, x: t * a, save="none", save_ans=True)
expm1 = unary("expm1", NP.expm1, lambda a, x: a + 1.0, "Elementwise ``exp(x) - 1``.",
              save="none", save_ans=True)
log = unary("log", NP.log, None, "Elementwise natural logarithm.",
            times=lambda t, a, x: t / x, numpy_times=lambda t, a, x: t / x)
log1p = unary("log1p", NP.log1p, None, "Elementwise ``log(1 + x)``.", "tf.constant([1.0, 3.0])",
              times=lambda t, a, x: t / (1.0 + x))
_sin_grad = _input_grad("sin_grad", lambda xp, g, x: _times_fresh(g, xp.cos(x)),
                        lambda x: -sin(x))
_cos_grad = _input_grad("cos_grad", lambda xp, g, x: _times_fresh(g, xp.negative(xp.sin(x))),
                        lambda x: -cos(x))
sin = unary("sin", NP.sin, None, "Elementwise sine.", times=lambda t, a, x: _sin_grad(t, x),
            numpy_times=lambda t, a, x: _times_fresh(t, NP.cos(x)))
cos = unary("cos", NP.cos, None, "Elementwise cosine.", times=lambda t, a, x: _cos_grad(t, x),
            numpy_times=lambda t, a, x: _times_fresh(t, NP.negative(NP.sin(x))))
tan = unary("tan", NP.tan, lambda a, x: 1.0 + square(a), "Elementwise tangent.",
            save="none", save_ans=True)
asin = unary("asin", NP.arcsin, lambda a, x: rsqrt(1.0 - square(x)), "Elementwise arcsine.")
acos = unary("acos", NP.arccos, None, "Elementwise arccosine.",
             times=lambda t, a, x: _scaled_product(t, rsqrt(1.0 - square(x)), scale=-1.0))
atan = unary("atan", NP.arctan, None, "Elementwise arctangent.",
             times=lambda t, a, x: t / (1.0 + square(x)))
atan2 = binary("atan2", NP.arctan2,
               lambda a, y, x: x / (x * x + y * y), lambda a, y, x: -y / (x * x + y * y),
               "Elementwise angle of the point ``(x, y)``: ``atan2(y, x)``.",
               "tf.constant([1.0, -1.0]), 1.0")
sinh = unary("sinh", NP.sinh, lambda a, x: cosh(x), "Elementwise hyperbolic sine.")
cosh = unary("cosh", NP.cosh, lambda a, x: sinh(x), "Elementwise hyperbolic cosine.")
tanh = unary("tanh", NP.tanh, None, "Elementwise hyperbolic tangent.",
             example="tf.constant([0.0, 1.0])",
             times=lambda t, a, x: _tanh_grad(t, a),
             numpy_times=_tanh_numpy_vjp, save="none", save_ans=True)
know_tanh(_tanh_numpy_vjp)
asinh = unary("asinh", NP.arcsinh, lambda a, x: rsqrt(square(x) + 1.0),
              "Elementwise inverse hyperbolic sine.")
acosh = unary("acosh", NP.arccosh, lambda a, x: rsqrt(square(x) - 1.0),
              "Elementwise inverse hyperbolic cosine.", "tf.constant([1.5, 2.0])")
atanh = unary("atanh", NP.arctanh, None, "Elementwise inverse hyperbolic tangent.",
              "tf.constant([0.5, -0.5])", times=lambda t, a, x: t / (1.0 - square(x)))


def _sigmoid(xp, x):
    if kind(x.dtype) == "c":  # (abs and >= below are for real numbers)
        return 1.0 / (1.0 + xp.exp(-x))
    # exp of a non-positive number only: no overflow warning for large |x|
    e = xp.exp(-xp.abs(x))
    return xp.astype(xp.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)), x.dtype, copy=False)


def _softplus(xp, x):
    return xp.astype(xp.maximum(x, 0.0) + xp.log1p(xp.exp(-xp.abs(x))), x.dtype, copy=False)


sigmoid = unary("sigmoid", _sigmoid, None, "Elementwise logistic sigmoid.",
                times=lambda t, a, x: _sigmoid_grad(t, a),
                numpy_times=lambda t, a, x: _times_fresh(t, _times_one_minus(NP, a)), save="none", save_ans=True)
# (TensorFlow has no complex kernel for these, and their real formulas would be wrong)
softplus = unary("softplus", _softplus, lambda a, x: sigmoid(x),
                 "Elementwise ``log(1 + exp(x))``, computed stably.", kinds="f")

log_sigmoid = unary("log_sigmoid", lambda xp, x: -_softplus(xp, -x), lambda a, x: sigmoid(-x),
                   "Elementwise ``log(sigmoid(x))``, computed stably as ``-softplus(-x)``.",
                   "tf.constant([0.0, -100.0])", kinds="f")


# ---------------------------------------------------------------------------
# The error function: W. J. Cody's rational Chebyshev approximations
# (Math. Comp. 1969), accurate to float64 rounding, evaluated on whole arrays
# ---------------------------------------------------------------------------

_ERF_SMALL = (0.185777706184603153, 3.16112374387056560, 113.864154151050156,
              377.485237685302021, 3209.37758913846947)
_ERF_SMALL_DEN = (1.0, 23.6012909523441209, 244.024637934444173,
                  1282.61652607737228, 2844.23683343917062)
_ERFC_MID = (2.15311535474403846e-8, 0.564188496988670089, 8.88314979438837594,
             66.1191906371416295, 298.635138197400131, 881.952221241769090,
             1712.04761263407058, 2051.07837782607147, 1230.33935479799725)
_ERFC_MID_DEN = (1.0, 15.7449261107098347, 117.693950891312499, 537.181101862009858,
                 1621.38957456669019, 3290.79923573345963, 4362.61909014324716,
                 3439.36767414372164, 1230.33935480374942)
_ERFC_BIG = (0.0163153871373020978, 0.305326634961232344, 0.360344899949804439,
             0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4)
_ERFC_BIG_DEN = (1.0, 2.56852019228982242, 1.87295284992346047, 0.527905102951428412,
                 0.0605183413124413191, 0.00233520497626869185)
_ERF_SPLIT = 0.46875  # below: erf by one ratio; above: erfc by two others
_ERFC_ZERO = 40.0  # erfc underflows to 0 well before this


def _polyval(coeffs, z):
    out = coeffs[0] * z + coeffs[1]
    for c in coeffs[2:]:
        out = out * z + c
    return out


def _erf_small(x):
    """erf(x) for |x| <= 0.46875."""
    s = x * x
    return x * _polyval(_ERF_SMALL, s) / _polyval(_ERF_SMALL_DEN, s)


def _split(xp, mask):
    """Flat indices where ``mask`` holds and where it does not (NaN lands in the
    second).  Index arrays gather and scatter far faster than boolean masks."""
    return xp.flatnonzero(mask), xp.flatnonzero(~mask)


def _erfc_large(xp, y):
    """erfc(y) for a flat array of y > 0.46875 (or NaN)."""
    y = xp.minimum(y, _ERFC_ZERO)
    out = xp.empty_like(y)
    mid, far = _split(xp, y <= 4.0)
    if mid.size:
        ym = y.take(mid)
        out.put(mid, _polyval(_ERFC_MID, ym) / _polyval(_ERFC_MID_DEN, ym))
    if far.size:
        yf = y.take(far)
        z = 1.0 / (yf * yf)
        out.put(far, (1.0 / _SQRT_PI - z * _polyval(_ERFC_BIG, z) / _polyval(_ERFC_BIG_DEN, z)) / yf)
    # exp(-y*y) with y*y split in an exact part and a small rest, so the
    # rounding error of y*y is not amplified into exp's result
    hi = xp.trunc(y * 16.0) / 16.0
    out *= xp.exp(-hi * hi)
    out *= xp.exp(-(y - hi) * (y + hi))
    return out


_ERF_LOOP_MAX = 256  # up to this size the C library per element is faster


def _erf_family(xp, x, complement):
    if xp is not NP:
        return _erf_family_dense(xp, x, complement)
    if xp.size(x) <= _ERF_LOOP_MAX:
        fn = math.erfc if complement else math.erf
        v = xp.asarray(x, dtype=xp.float64)
        out = xp.array([fn(e) for e in v.ravel().tolist()], dtype=xp.float64)
        return out.reshape(v.shape).astype(x.dtype, copy=False)
    v = xp.asarray(x, dtype=xp.float64).ravel()
    y = xp.abs(v)
    out = xp.empty_like(v)
    small, large = _split(xp, y <= _ERF_SPLIT)
    if small.size:
        part = _erf_small(v.take(small))
        out.put(small, 1.0 - part if complement else part)
    if not large.size:
        return out.reshape(xp.shape(x)).astype(x.dtype, copy=False)
    vl = v.take(large)
    tail = _erfc_large(xp, y.take(large))
    if complement:
        out.put(large, xp.where(vl < 0, 2.0 - tail, tail))
    else:
        out.put(large, xp.copysign(1.0 - tail, vl))
    return out.reshape(xp.shape(x)).astype(x.dtype, copy=False)


def _erf_family_dense(xp, x, complement):
    """The same formulas on every element, then a choice by ``where``: for
    namespaces without gather/scatter into flat indices (the array API)."""
    v = xp.astype(x, xp.float64)
    y = xp.abs(v)
    small = _erf_small(xp.minimum(v, _ERF_SPLIT))
    yl = xp.minimum(xp.maximum(y, _ERF_SPLIT), _ERFC_ZERO)
    mid = _polyval(_ERFC_MID, yl) / _polyval(_ERFC_MID_DEN, yl)
    z = 1.0 / (yl * yl)
    far = (1.0 / _SQRT_PI - z * _polyval(_ERFC_BIG, z) / _polyval(_ERFC_BIG_DEN, z)) / yl
    hi = xp.trunc(yl * 16.0) / 16.0
    tail = xp.where(yl <= 4.0, mid, far) * xp.exp(-hi * hi) * xp.exp(-(yl - hi) * (yl + hi))
    if complement:
        out = xp.where(y <= _ERF_SPLIT, 1.0 - small, xp.where(v < 0, 2.0 - tail, tail))
    else:
        out = xp.where(y <= _ERF_SPLIT, small, xp.where(v < 0, tail - 1.0, 1.0 - tail))
    return xp.astype(out, x.dtype, copy=False)


def _erf(xp, x):
    return _erf_family(xp, x, complement=False)


def _erfc(xp, x):
    return _erf_family(xp, x, complement=True)


erf = unary("erf", _erf, None, "Elementwise Gauss error function.", kinds="f",
            times=lambda t, a, x: _scaled_product(t, exp(-square(x)), scale=2.0 / _SQRT_PI))
erfc = unary("erfc", _erfc, None,
             "Elementwise complementary error function ``1 - erf(x)``, accurate "
             "for large ``x``.", "tf.constant([0.5, 5.0])", kinds="f",
             times=lambda t, a, x: _scaled_product(t, exp(-square(x)), scale=-2.0 / _SQRT_PI))

# ---------------------------------------------------------------------------
# Inverses of the normal distribution and of erf: Halley's iteration on the
# accurate erf/erfc above, from Abramowitz and Stegun's 26.2.23 (error < 4.5e-4)
# ---------------------------------------------------------------------------

_AS_NUM = (0.010328, 0.802853, 2.515517)
_AS_DEN = (0.001308, 0.189269, 1.432788, 1.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_SQRT_HALF = math.sqrt(0.5)


def _ndtri_impl(xp, x):
    """The y with ``Phi(y) = p``, computed in float64; ``p - 0.5`` and ``1 - p``
    are exact where they are used, so each region keeps its digits."""
    p = xp.astype(x, xp.float64)
    d, upper = p - 0.5, 1.0 - p
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = xp.sqrt(-2.0 * xp.log(xp.minimum(p, upper)))
        y = t - _polyval(_AS_NUM, t) / _polyval(_AS_DEN, t)
        y = xp.where(d < 0, -y, y)
        y = xp.where(xp.abs(d) < 1e-3, d * _SQRT_2PI, y)  # digits for tiny results
        central = xp.abs(d) <= 0.4
        for _ in range(3):
            # Phi(y) - p, from erf near the centre and from erfc in the tails
            err = xp.where(central, 0.5 * _erf(xp, y * _SQRT_HALF) - d,
                           xp.where(d < 0, 0.5 * _erfc(xp, -y * _SQRT_HALF) - p,
                                    upper - 0.5 * _erfc(xp, y * _SQRT_HALF)))
            r = err * _SQRT_2PI * xp.exp(0.5 * y * y)
            step = y - r / (1.0 + 0.5 * r * y)
            y = xp.where(xp.isfinite(step), step, y)
        y = xp.where(p == 0, -math.inf, xp.where(upper == 0, math.inf, y))
        y = xp.where((p >= 0) & (upper >= 0), y, math.nan)
    return xp.astype(y, x.dtype, copy=False)


def _erfinv_impl(xp, x):
    # TensorFlow's kernel: ndtri(x / 2 + 1 / 2) / sqrt(2), in x's dtype
    return _ndtri_impl(xp, x * 0.5 + 0.5) * xp.asarray(_SQRT_HALF, dtype=x.dtype)


def _without_half(public, kernel):
    """``public`` refusing float16 as TensorFlow's CPU kernels do (NotFoundError)."""
    def refusing(x: TensorInput, name: Optional[str] = None) -> Tensor:
        x = tensor(x)
        if x._value.dtype == NP.float16:
            raise NotFoundError(f"Could not find device for node: {{{{node {kernel}}}}} = "
                                f"{kernel}[T=DT_HALF]: TensorFlow has no CPU kernel for "
                                "float16; cast to float32 first")
        return public(x)
    refusing.__name__ = refusing.__qualname__ = public.__name__
    refusing.__doc__, refusing.op = public.__doc__, public.op
    return refusing


ndtri = _without_half(unary(
    "ndtri", _ndtri_impl, None, "Elementwise inverse of the standard normal CDF.",
    "tf.constant([0.5, 0.975])", kinds="f",
    times=lambda t, a, x: _scaled_product(t, exp(0.5 * square(a)), scale=_SQRT_2PI),
    save="none", save_ans=True), "Ndtri")
erfinv = _without_half(unary(
    "erfinv", _erfinv_impl, None, "Elementwise inverse error function, on [-1, 1].",
    "tf.constant([0.5, -0.9])", kinds="f",
    times=lambda t, a, x: _scaled_product(t, exp(square(a)), scale=0.5 * _SQRT_PI),
    save="none", save_ans=True), "Erfinv")


def erfcinv(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise inverse of ``erfc``, on [0, 2]: ``-ndtri(x / 2) * sqrt(1 / 2)``,
    as TensorFlow computes it.

    >>> import gradtape as tf
    >>> tf.math.erfcinv([0., 0.2, 1., 2.]).numpy()
    array([       inf,  0.9061938, -0.       ,       -inf], dtype=float32)
    """
    x = tensor(x)
    return -ndtri(0.5 * x) * _SQRT_HALF


# ---------------------------------------------------------------------------
# Modified Bessel functions of orders 0 and 1 (tf.math.special): the power
# series up to |x| = 30, Hankel's asymptotic expansion beyond, in float64
# ---------------------------------------------------------------------------

_BESSEL_SPLIT = 30.0


def _bessel_scaled(xp, a, order):
    """``exp(-a) * I_order(a)`` (float64) for ``a = |x|``."""
    small = xp.minimum(a, _BESSEL_SPLIT)
    q = 0.25 * small * small
    term = 0.5 * small if order else xp.ones_like(small)
    total = term
    for k in range(1, 90):
        term = term * q / (k * (k + order))
        total = total + term
    large = xp.maximum(a, _BESSEL_SPLIT)
    mu = 4.0 * order * order
    term = xp.ones_like(large)
    series = term
    for k in range(1, 26):
        term = term * -(mu - (2 * k - 1) ** 2) / (k * 8.0 * large)
        series = series + term
    with xp.errstate(invalid="ignore"):
        far = series / xp.sqrt(2.0 * math.pi * large)
    return xp.where(a <= _BESSEL_SPLIT, total * xp.exp(-small), far)


def _bessel_impl(order, scaled):
    def impl(xp, x):
        v = xp.astype(x, xp.float64)
        a = xp.abs(v)
        out = _bessel_scaled(xp, a, order)
        if not scaled:
            with xp.errstate(over="ignore", invalid="ignore"):
                out = xp.where(xp.isinf(a), math.inf, out * xp.exp(a))
        if order:
            out = xp.where(v < 0, -out, out)
        with xp.errstate(over="ignore"):  # beyond the dtype's range: inf, as TensorFlow's
            return xp.astype(out, x.dtype, copy=False)
    return impl


def _bessel_i1_times(t, a, x):
    """``t * I1'(x) = t * (I0(x) - I1(x) / x)``, 1/2 at 0 (the true derivative:
    TensorFlow's rule gives 1 there)."""
    at_zero = equal(x, 0.0)
    slope = bessel_i0(x) - a / where(at_zero, ones_like(x), x)
    return _product(t, where(at_zero, 0.5 * ones_like(x), slope))


def _bessel_i1e_times(t, a, x):
    """``t * (I0e(x) - I1e(x) * (sign(x) + 1 / x))``, 1/2 at 0."""
    at_zero = equal(x, 0.0)
    slope = bessel_i0e(x) - a * (sign(x) + 1.0 / where(at_zero, ones_like(x), x))
    return _product(t, where(at_zero, 0.5 * ones_like(x), slope))


_BESSEL_EXAMPLE = "tf.constant([-1.0, 0.5])"
bessel_i0 = unary("bessel_i0", _bessel_impl(0, False), lambda a, x: bessel_i1(x),
                  "Elementwise modified Bessel function of the first kind of order 0.",
                  _BESSEL_EXAMPLE, kinds="f", save_ans=True)
bessel_i0e = unary("bessel_i0e", _bessel_impl(0, True),
                   lambda a, x: bessel_i1e(x) - sign(x) * a,
                   "Elementwise ``exp(-|x|) * bessel_i0(x)``, finite for large ``x``.",
                   _BESSEL_EXAMPLE, kinds="f", save_ans=True)
bessel_i1 = unary("bessel_i1", _bessel_impl(1, False), None,
                  "Elementwise modified Bessel function of the first kind of order 1.",
                  _BESSEL_EXAMPLE, kinds="f", times=_bessel_i1_times, save_ans=True)
bessel_i1e = unary("bessel_i1e", _bessel_impl(1, True), None,
                   "Elementwise ``exp(-|x|) * bessel_i1(x)``, finite for large ``x``.",
                   _BESSEL_EXAMPLE, kinds="f", times=_bessel_i1e_times, save_ans=True)


# ---------------------------------------------------------------------------
# log |Gamma| (the C library's, per element, as TensorFlow's kernels call it)
# and the polygamma functions (a shift to x >= 20, then the asymptotic series)
# ---------------------------------------------------------------------------

def _lgamma_one(v):
    try:
        return math.lgamma(v)
    except ValueError:  # a pole: 0 or a negative integer
        return math.inf


def _lgamma_numpy(x):
    v = NP.asarray(x, dtype=NP.float64)
    out = NP.array([_lgamma_one(e) for e in v.ravel().tolist()], dtype=NP.float64)
    with NP.errstate(over="ignore"):
        return out.reshape(v.shape).astype(x.dtype)


def _numpy_only(opname):
    def portable(xp, *arrays, **params):
        raise UnimplementedError(f"op {opname} is not supported on "
                                 f"{getattr(xp, '__name__', xp)}: it computes on NumPy arrays only")
    return portable


_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)  # B2 ... B14
_PSI_SHIFT = 20.0  # the asymptotic series from here
_PSI_STEPS = 1000  # arguments below -980 are not reached: NaN


def _psi(xp, x, n):
    """The polygamma function of order ``n`` (digamma for 0) of float64 ``x``."""
    fact = math.factorial(n)
    acc, y = xp.zeros_like(x), x
    with xp.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for _ in range(_PSI_STEPS):
            low = y < _PSI_SHIFT
            if not bool(xp.any(low)):
                break
            acc = acc + xp.where(low, 1.0 / y if n == 0 else fact / y ** (n + 1), 0.0)
            y = xp.where(low, y + 1.0, y)
        z = 1.0 / y
        z2 = z * z
        if n == 0:
            series = xp.log(y) - 0.5 * z
            for k, b in enumerate(_BERNOULLI, 1):
                series = series - b / (2 * k) * z2 ** k
            out = series - acc
        else:
            series = math.factorial(n - 1) * z ** n + 0.5 * fact * z ** (n + 1)
            for k, b in enumerate(_BERNOULLI, 1):
                series = series + (b * math.factorial(2 * k + n - 1) / math.factorial(2 * k)
                                   * z ** (2 * k + n))
            out = (series + acc) * (-1.0 if n % 2 == 0 else 1.0)
        pole = (x <= 0) & (x == xp.floor(x))
        out = xp.where(pole | (y < _PSI_SHIFT), math.inf if n % 2 else math.nan, out)
    return out


def _polygamma_impl(xp, a, x):
    v = xp.astype(x, xp.float64)
    orders = NP.unique(NP.asarray(a))
    out = xp.full(xp.broadcast_arrays(xp.astype(a, xp.float64), v)[0].shape, math.nan)
    for n in orders.tolist():
        if n >= 0 and n == int(n):
            out = xp.where(a == n, _psi(xp, v, int(n)), out)
    with xp.errstate(over="ignore"):
        return xp.astype(out, x.dtype, copy=False)


def _polygamma_next(t, a, x):
    return _product(t, apply(_POLYGAMMA, (a + 1.0, x), NOPARAMS))


_POLYGAMMA = defop("polygamma", _polygamma_impl,
                   vjp=(None, lambda ct, ans, a, x: _polygamma_next(ct, a, x)),
                   jvp=lambda ts, ans, a, x: None if ts[1] is None else _polygamma_next(ts[1], a, x),
                   broadcasts=True, elementwise=True, portable=_numpy_only("polygamma"))


def polygamma(a: TensorInput, x: TensorInput, name: Optional[str] = None) -> Tensor:
    """The polygamma function of order ``a`` (a whole number, as a float tensor of
    ``x``'s dtype; NaN otherwise): the ``a + 1``-th derivative of ``lgamma``.
    The gradient goes to ``x`` only, as TensorFlow's.

    >>> import gradtape as tf
    >>> tf.math.polygamma(tf.constant([0.0, 1.0]), tf.constant([1.0, 1.0])).numpy()
    array([-0.57722,  1.64493 ], dtype=float32)
    """
    a = tensor(a)
    x = tensor(x) if isinstance(x, TensorLike) else convert_to_tensor(x, dtype=a.dtype)
    a, x = pair(a, x, "Polygamma")
    if a.dtype.name not in ("float32", "float64"):  # TensorFlow's kernel: float, double
        raise refuse_dtype("Polygamma", a.dtype, "f")
    return apply(_POLYGAMMA, (a, x), NOPARAMS)


def digamma(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise derivative of ``lgamma``: ``polygamma(0, x)``.

    >>> import gradtape as tf
    >>> tf.math.digamma(tf.constant([1.0, 0.5])).numpy()
    array([-0.57722, -1.96351  ], dtype=float32)
    """
    x = _check_kind("Digamma", tensor(x), "f")
    return apply(_POLYGAMMA, (zeros_like(x), x), NOPARAMS)


lgamma = unary("lgamma", lambda xp, x: _lgamma_numpy(x), lambda a, x: digamma(x),
               "Elementwise log of the absolute value of the Gamma function.",
               "tf.constant([0.5, 3.0])", kinds="f", portable=_numpy_only("lgamma"))


# ---------------------------------------------------------------------------
# Sign-like ops
# ---------------------------------------------------------------------------

_SIGN = defop("sign", NP.sign, vjp=lambda ct, ans, x: _zeros_like(ct),
              jvp=lambda ts, ans, x: _zeros_like(ts[0]), save="none", elementwise=True)


def sign(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """Elementwise sign (-1, 0 or 1); its derivative is zero, as TensorFlow's.

    >>> import gradtape as tf
    >>> tf.sign(tf.constant([-2.0, 0.0, 3.0])).numpy()
    array([-1.,  0.,  1.], dtype=float32)

    Of a complex tensor it is ``x / |x|`` (0 at 0), differentiable, as TensorFlow's:

    >>> tf.sign(tf.constant([3 + 4j, 0j], tf.complex64)).numpy()
    array([0.6+0.8j, 0. +0.j ], dtype=complex64)
    """
    x = _check_kind("sign", tensor(x), _SIGNED)
    if kind(x._value.dtype) == "c":
        return divide_no_nan(x, cast(abs(x), x.dtype))
    return apply(_SIGN, (x,), NOPARAMS)


_real_abs = unary("abs", NP.abs, lambda a, x: sign(x),
                  "Elementwise absolute value.", "tf.constant([-0.5, 1.0])", kinds=_SIGNED)


def abs(x: TensorInput, name: Optional[str] = None) -> Tensor:  # noqa: A001
    """Elementwise absolute value; of a complex tensor, the modulus as a real
    tensor (float32 for complex64), with TensorFlow's gradient ``z / |z|``.

    >>> import gradtape as tf
    >>> tf.abs(tf.constant([-0.5, 1.0])).numpy()
    array([0.5, 1. ], dtype=float32)
    >>> tf.abs(tf.constant([3 + 4j], tf.complex64)).numpy()
    array([5.], dtype=float32)
    """
    if type(x) is not Tensor:
        x = tensor(x)
    if kind(x._value.dtype) == "c":
        return apply(_COMPLEX_ABS, (x,), NOPARAMS)
    return _real_abs(x)


abs.op = _real_abs.op
_round = nondiff("round", lambda xp, x: xp.round(x),
                 "Elementwise rounding to the nearest integer, half to even; it has no gradient.",
                 kinds=_REAL)


def round(x: TensorInput, name: Optional[str] = None) -> Tensor:  # noqa: A001
    """Elementwise rounding to the nearest integer, half to even (banker's
    rounding); it has no gradient.  Complex tensors are refused, as TensorFlow
    has no kernel for them.

    >>> import gradtape as tf
    >>> tf.round(tf.constant([0.5, 1.5, 2.5, -0.5])).numpy()
    array([ 0.,  2.,  2., -0.], dtype=float32)
    """
    x = tensor(x)
    if kind(x._value.dtype) == "c":
        raise NotFoundError(f"Could not find device for node: {{{{node Round}}}} = "
                            f"Round[T=DT_{x.dtype.name.upper()}]: TensorFlow has no Round "
                            "kernel for complex numbers; round real(x) and imag(x) apart")
    return _round(x)


round.op = _round.op
floor = nondiff("floor", NP.floor, "Elementwise floor; it has no gradient.", kinds="f")
ceil = nondiff("ceil", NP.ceil, "Elementwise ceiling; it has no gradient.", kinds="f")
rint = nondiff("rint", lambda xp, x: xp.round(x),
               "Elementwise rounding to the nearest integer, half to even; it has no gradient.",
               "tf.constant([0.5, 1.5, -2.5])", kinds="f")

# y takes the gradient wherever x does not (NaN included), as TensorFlow's
maximum = binary("maximum", NP.maximum,
                 lambda a, x, y: cast(x >= y, x.dtype),
                 lambda a, x, y: cast(logical_not(x >= y), x.dtype),
                 "Elementwise maximum; ties send the gradient to ``x``.", kinds=_REAL)
minimum = binary("minimum", NP.minimum,
                 lambda a, x, y: cast(x <= y, x.dtype),
                 lambda a, x, y: cast(logical_not(x <= y), x.dtype),
                 "Elementwise minimum; ties send the gradient to ``x``.", kinds=_REAL)


def clip_by_value(t: TensorInput, clip_value_min: TensorInput, clip_value_max: TensorInput,
                  name: Optional[str] = None) -> Tensor:
    """Clip ``t`` elementwise to ``[clip_value_min, clip_value_max]``:
    ``maximum(minimum(t, clip_value_max), clip_value_min)``, as TensorFlow's
    (so ``clip_value_min`` wins where the bounds cross).

    The gradient passes where ``t`` is inside the range (ends included).
    The bounds broadcast to ``t``'s shape; a result of another shape is
    TensorFlow's ValueError.

    >>> import gradtape as tf
    >>> tf.clip_by_value(tf.constant([-2.0, 0.5, 3.0]), -1.0, 1.0).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    t = tensor(t)
    out = maximum(minimum(t, clip_value_max), clip_value_min)
    if out.shape != t.shape:
        raise ValueError(f"Shapes {t.shape} and {out.shape} are incompatible: "
                         "clip_by_value's bounds must broadcast to t's shape")
    return out


# ---------------------------------------------------------------------------
# Comparisons and logic: no gradient
# ---------------------------------------------------------------------------

equal = nondiff("equal", NP.equal, "Elementwise ``x == y`` as a bool tensor.",
                "tf.constant([1.0, 2.0]), 2.0", arity=2)
not_equal = nondiff("not_equal", NP.not_equal, "Elementwise ``x != y``.",
                    "tf.constant([1.0, 2.0]), 2.0", arity=2)
greater = nondiff("greater", NP.greater, "Elementwise ``x > y``.",
                  "tf.constant([1.0, 2.0]), 1.0", arity=2, kinds=_REAL)
greater_equal = nondiff("greater_equal", NP.greater_equal, "Elementwise ``x >= y``.",
                        "tf.constant([1.0, 2.0]), 2.0", arity=2, kinds=_REAL)
less = nondiff("less", NP.less, "Elementwise ``x < y``.",
               "tf.constant([1.0, 2.0]), 2.0", arity=2, kinds=_REAL)
less_equal = nondiff("less_equal", NP.less_equal, "Elementwise ``x <= y``.",
                     "tf.constant([1.0, 2.0]), 1.0", arity=2, kinds=_REAL)
logical_and = nondiff("logical_and", NP.logical_and, "Elementwise logical and.",
                      "tf.constant([True, False]), True", arity=2, kinds="b")
logical_or = nondiff("logical_or", NP.logical_or, "Elementwise logical or.",
                     "tf.constant([True, False]), False", arity=2, kinds="b")
logical_xor = nondiff("logical_xor", NP.logical_xor, "Elementwise logical xor.",
                      "tf.constant([True, False]), True", arity=2, kinds="b")
logical_not = nondiff("logical_not", NP.logical_not, "Elementwise logical not.",
                      "tf.constant([True, False])", kinds="b")
is_nan = nondiff("is_nan", NP.isnan, "Elementwise test for NaN.", kinds="f")
is_inf = nondiff("is_inf", NP.isinf, "Elementwise test for infinity.", kinds="f")
is_finite = nondiff("is_finite", NP.isfinite, "Elementwise test for finite values.", kinds="f")


# ---------------------------------------------------------------------------
# where and cast
# ---------------------------------------------------------------------------

def _where_jvp(ts, ans, c, x, y):
    # a missing tangent is a zero scalar, broadcast (no array of zeros)
    _, tx, ty = ts
    return where(c, 0.0 if tx is None else tx, 0.0 if ty is None else ty)


_WHERE = defop("where", lambda xp, c, x, y: xp.where(c, x, y),
               vjp=(None,
                    lambda ct, ans, c, x, y: where(c, ct, 0.0),
                    lambda ct, ans, c, x, y: where(c, 0.0, ct)),
               jvp=_where_jvp, save=(0,), elementwise=True, broadcasts=True)


def where(condition: TensorInput, x: Optional[TensorInput] = None, y: Optional[TensorInput] = None,
          name: Optional[str] = None) -> Tensor:
    """Pick ``x`` where ``condition`` holds, else ``y`` (broadcasting all three).

    With only ``condition``, returns the indices of its true elements.

    >>> import gradtape as tf
    >>> tf.where(tf.constant([True, False]), 1.0, 2.0).numpy()
    array([1., 2.], dtype=float32)
    """
    condition = tensor(condition)
    if x is None and y is None:
        ns = namespace(condition._value)
        return wrap(ns.astype(ns.argwhere(decide(condition._value)), ns.int64))
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    if kind(condition._value.dtype) != "b":
        raise TypeError(f"where: condition must be a bool tensor, got {condition.dtype.name}")
    x, y = pair(x, y, "SelectV2")
    return apply(_WHERE, (condition, x, y), NOPARAMS)


def _cast_vjp(ct, ans, x, dtype):
    if kind(x.dtype) not in "fc":
        return None
    return cast(ct, x.dtype)


def _cast_impl(xp, x, dtype):
    if kind(x.dtype) == "c" and kind(dtype) != "c":  # the real part, as TensorFlow (no warning)
        x = xp.real(x)
    return xp.astype(x, dtype, copy=False)


_CAST = defop("cast", _cast_impl, vjp=_cast_vjp,
              jvp=lambda ts, ans, x, dtype: cast(ts[0], dtype), save="none", elementwise=True)


def cast(x: TensorInput, dtype: DTypeLike, name: Optional[str] = None) -> Tensor:
    """``x`` converted to ``dtype``.  Float-to-float is differentiable; a cast to
    an integer or bool dtype cuts the gradient path, as in TensorFlow.

    >>> import gradtape as tf
    >>> tf.cast(tf.constant([1.7, -1.7]), tf.int32).numpy()
    array([ 1, -1], dtype=int32)
    """
    x = tensor(x)
    want = as_dtype(dtype)
    if want.kind not in "biufc":
        raise TypeError(f"cast: cannot cast a {x.dtype.name} tensor to {want.name}; "
                        "gradtape casts between numeric and bool dtypes only")
    if x.dtype is want:
        return x if type(x) is Tensor else x._read()
    return apply(_CAST, (x,), {"dtype": want._np})


# ---------------------------------------------------------------------------
# Fills shaped like another tensor (used by rules above)
# ---------------------------------------------------------------------------

def _fill_like(fill):
    """``impl(xp, x, dtype)`` of an array of ``fill`` shaped like ``x``."""
    return lambda xp, x, dtype: getattr(xp, fill)(x.shape, dtype=dtype)


# Recorded without a gradient, as TensorFlow's ZerosLike and OnesLike: a Variable
# passed in is read (so watched), and the result of a watched input stays on
# the tape, so a gradient with respect to it exists.
_ZEROS_LIKE = defop("zeros_like", _fill_like("zeros"), nondiff=True)
_ONES_LIKE = defop("ones_like", _fill_like("ones"), nondiff=True)


def _filled_like(op, input, dtype):
    x = tensor(input)
    return apply(op, (x,), {"dtype": x._value.dtype if dtype is None else as_dtype(dtype)._np})


def zeros_like(input: TensorInput, dtype: Optional[DTypeLike] = None,
               name: Optional[str] = None) -> Tensor:
    """A tensor of zeros with ``input``'s shape (and dtype unless given).

    >>> import gradtape as tf
    >>> tf.zeros_like(tf.constant([1.0, 2.0])).numpy()
    array([0., 0.], dtype=float32)
    """
    return _filled_like(_ZEROS_LIKE, input, dtype)


def ones_like(input: TensorInput, dtype: Optional[DTypeLike] = None,
              name: Optional[str] = None) -> Tensor:
    """A tensor of ones with ``input``'s shape (and dtype unless given).

    >>> import gradtape as tf
    >>> tf.ones_like(tf.constant([1.0, 2.0])).numpy()
    array([1., 1.], dtype=float32)
    """
    return _filled_like(_ONES_LIKE, input, dtype)


# ---- Tangents seen by outer recorders ----

def _tangent_op(n, _cache={}):
    """The op ``(t, *primals) -> t`` for ``n`` primals: a forward-mode tangent
    that outer tapes and accumulators see as computed from the primals with a
    zero derivative in them (as TensorFlow's are), so a second derivative
    through a linear op is zeros, not None.  The engine's forward mode applies
    it (``_core/basic_ops.tie``)."""
    op = _cache.get(n)
    if op is None:
        def zeros_of(i):
            def vjp(ct, ans, t, *xs):
                batch = tuple(ct.shape[:ct._value.ndim - len(t.shape)])
                return wrap(namespace(ct._value).zeros(batch + tuple(xs[i].shape),
                                                       dtype=xs[i].dtype))
            return vjp
        op = _cache[n] = defop(
            "tangent", lambda xp, t, *xs: t,
            vjp=(lambda ct, ans, t, *xs: ct,) + tuple(zeros_of(i) for i in range(n)),
            jvp=lambda ts, ans, t, *xs: ts[0] if ts[0] is not None else _zeros_like(ans),
            save="none", save_ans=True, register_as=not _cache)
    return op


_tangent_op(1).per_arity = _tangent_op  # the first arity holds the name in the registry


if not TYPE_CHECKING:  # a type checker reads the module's own public names
    __all__ = public_names(globals(), exclude=("unary", "binary", "nondiff"))

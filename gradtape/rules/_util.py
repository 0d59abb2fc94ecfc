"""How an op is declared: the factories every rule module uses.

Each op is declared once with its forward computation (on raw arrays, with
the functions of the namespace ``xp`` it is given as first argument) and its
VJP and JVP rules (on Tensors, through gradtape's own ops).
Rules must accept cotangents and tangents with extra *leading* axes (a
vectorized Jacobian stacks them there): use negative axes, and take shapes
relative to the end of ``ct``.  An op that cannot is declared with
``batch_vjp=False`` and the engine loops over the leading axis for it.
"""
from __future__ import annotations
import numbers
import operator

from .._core.backend import NP, NUMPY, backend_of, common_backend, foreign, is_array
from .._core.dtypes import from_numpy
from .._core.tensor import TensorLike, to_array, wrap
from .._core.convert import convert_to_tensor
from .._core.op import Op, register
from .._core.trace import apply
from ..errors import InvalidArgumentError
from typing import Any, Callable, Optional, Sequence, Union

__all__ = ["Op", "apply", "defop", "tensor", "pair", "NP", "namespace", "on_host_for",
           "host_array_for", "wrap", "int_arg", "lead", "norm_axes", "NOPARAMS", "linear_jvp",
           "accepted_dtypes", "fast_public"]

NOPARAMS = {}


def _use_c_fast_ops():
    """``_apply.fast_op`` when the C apply was built with NumPy's headers, else None."""
    from .._core import trace
    if not trace.C_APPLY:
        return None
    from .._core import _apply
    return getattr(_apply, "fast_op", None)


_FAST_OP = _use_c_fast_ops()
_NUMPY_TYPES = set(NP.sctypeDict.values())


def accepted_dtypes(kinds):
    """The NumPy dtypes (and scalar types) of the kind letters ``kinds``, as the
    keys ``fast_public`` checks an operand's value against."""
    accepted = {}
    for t in _NUMPY_TYPES:
        dt = NP.dtype(t)
        if dt.kind in kinds:
            accepted[dt] = accepted[t] = True
    return accepted


def fast_public(public, op, accepted, arity, scalars=False, params=NOPARAMS, matmul=False):
    """``public`` (an op's public function) with its common case in C, where the C
    apply is built: for Tensors (or Variables, binary ops) whose values' dtypes are
    ``accepted`` (``accepted_dtypes``), one dtype for both, or a Tensor and a Python
    number with a shared constant (``scalars``), or two matrices (``matmul``), it
    applies ``op`` without running ``public``, which stays the reference and
    handles every other call (its name, docstring and signature are the object's).

    >>> import gradtape as tf
    >>> tf.tanh.__name__, tf.tanh(tf.constant(0.0)).numpy()
    ('tanh', 0.0)
    """
    if _FAST_OP is None:
        return public
    return _FAST_OP(op, accepted, public, arity, _SCALARS if scalars else None, params, matmul)


def tensor(x):
    """``x`` as a TensorLike (Tensors and Variables pass through untouched)."""
    return x if isinstance(x, TensorLike) else convert_to_tensor(x)


# (Python number, dtype) -> its constant: a Tensor is immutable and a constant
# made here is never handed to the caller, so one is shared by every use
_SCALARS = {}


def _scalar_like(value, ref, opname="op"):
    """A Python number as a tensor of ``ref``'s dtype (TensorFlow's rule)."""
    v = ref._value
    dt = v.dtype
    if foreign[0] and backend_of(v) is not NUMPY:
        return _foreign_scalar_like(value, v)
    if (type(value) is float or type(value) is int) and dt.kind in "fc":
        key = (value, dt)
        t = _SCALARS.get(key)
        if t is None:
            t = wrap(dt.type(value))
            if value and value == value:  # not 0 (-0.0 == 0.0) or NaN (never equal)
                if len(_SCALARS) > 1024:
                    _SCALARS.clear()
                _SCALARS[key] = t
        return t
    if dt.kind in "fc" and isinstance(value, (float, int)) and not isinstance(value, bool):
        return wrap(dt.type(value))
    if hasattr(type(value), "_as_dense_tensor"):  # an IndexedSlices: its dense tensor
        return pair(convert_to_tensor(value), ref, opname)[0]
    try:
        return wrap(to_array(value, from_numpy(dt)))
    except (TypeError, ValueError) as e:
        raise type(e)(f"{opname}: {e}") from None


def _foreign_scalar_like(value, v):
    if isinstance(value, TensorLike):
        return value
    if is_array(value):  # left as it is: mixing namespaces is the op's error
        return wrap(to_array(value))
    return wrap(backend_of(v).asarray(value, from_numpy(v.dtype)))


_TF_TYPE_NAMES = {"float16": "half", "float32": "float", "float64": "double"}
_ALLOWED = {"fc": "bfloat16, half, float, double, complex64, complex128",
            "f": "half, bfloat16, float, double",
            "iufc": "bfloat16, half, float, double, int8, int16, int32, int64, uint8, uint16, "
                    "uint32, uint64, complex64, complex128",
            "iuf": "bfloat16, half, float, double, int8, int16, int32, int64, uint8, uint16, "
                   "uint32, uint64",
            "ids": "int32, int64"}  # class ids, indices


def refuse_dtype(opname, dtype, kinds, attr="T"):
    """TensorFlow's InvalidArgumentError for a dtype the op has no kernel for,
    in its words (code may match on them), with the fix."""
    got = _TF_TYPE_NAMES.get(dtype.name, dtype.name)
    return InvalidArgumentError(
        f"Value for attr '{attr}' of {got} is not in the list of allowed values: "
        f"{_ALLOWED[kinds]} [Op:{opname}]; {opname} has no kernel for {dtype.name}: "
        "cast it with gradtape.cast")


def pair(x, y, opname):
    """Two operands of a binary op as tensors of one dtype.

    A Python value or ndarray takes the other operand's dtype; two tensors of
    different dtypes are an error, as in TensorFlow (no silent promotion).
    """
    xt = isinstance(x, TensorLike)
    yt = isinstance(y, TensorLike)
    if xt and yt:
        if x._value.dtype != y._value.dtype:
            common_backend((x._value, y._value), opname)  # two namespaces: that error first
            if x.dtype is y.dtype:
                return x, y
            raise InvalidArgumentError(
                f"cannot compute {opname} as input #1(zero-based) was expected to be "
                f"a {x.dtype.name} tensor but is a {y.dtype.name} tensor; cast one "
                "operand with gradtape.cast")
        return x, y
    if xt:
        if (type(y) is float or type(y) is int) and not foreign[0]:
            # ``x * 1.01``: the shared constant, without a call (``_scalar_like``'s first case)
            t = _SCALARS.get((y, x._value.dtype))
            if t is not None:
                return x, t
        return x, _scalar_like(y, x, opname)
    if yt:
        return _scalar_like(x, y, opname), y
    x = convert_to_tensor(x)
    return x, pair(x, y, opname)[1]


def int_arg(value, opname, what="axis"):
    """An integer argument (an axis, ``batch_dims``) as an int; a float, a bool
    or a non-integer tensor is a TypeError, never truncated."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"{opname}: {what} must be an int, got {value!r}")


def lead(ct, ndim):
    """The extra leading (batch) shape of ``ct`` over a value of rank ``ndim``."""
    return tuple(ct.shape[:ct.ndim - ndim])


def norm_axes(axis, ndim, opname="op"):
    """``axis`` (None, int or sequence) as a sorted tuple of negative axes."""
    if axis is None:
        return tuple(range(-ndim, 0))
    if isinstance(axis, (TensorLike, NP.ndarray)):
        axis = NP.asarray(axis).tolist()
    if isinstance(axis, numbers.Integral):
        axis = (axis,)
    if isinstance(axis, (str, bytes)) or not all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool)
            for a in (axis if hasattr(axis, "__iter__") else (axis,))):
        raise TypeError(f"{opname}: axis must be None, an int or a list of ints, got {axis!r}")
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < max(ndim, 1) or (ndim == 0 and a not in (0, -1)):
            raise InvalidArgumentError(
                f"{opname}: axis {a} is out of range for a tensor of rank {ndim} "
                f"(expected -{ndim} <= axis < {ndim})")
        out.append(a - ndim if a >= 0 else a)
    if len(set(out)) != len(out):
        raise InvalidArgumentError(f"{opname}: axis {tuple(axis)} repeats an axis")
    return tuple(sorted(out))


def linear_jvp(op):
    """The JVP of an op linear in all its inputs: the op applied to the tangents."""
    def jvp(ts, ans, *xs, **params):
        ts = [t if t is not None else _zeros_like(x) for t, x in zip(ts, xs)]
        return apply(op, ts, params)
    return jvp


def _zeros_like(x):
    v = x._value
    return wrap(namespace(v).zeros(v.shape, dtype=v.dtype))


def on_host_for(array, like):
    """A NumPy ``array`` made by a rule (a mask, a random draw) as a tensor in
    ``like``'s namespace: an explicit move, for values that start on the host."""
    return wrap(host_array_for(array, like._value))


def host_array_for(array, value):
    """A NumPy ``array`` moved to ``value``'s namespace (itself for NumPy)."""
    if type(value) is NP.ndarray or isinstance(value, NP.generic):
        return array
    return backend_of(value).xp.asarray(array)


def namespace(value: Any) -> Any:
    """The namespace to build arrays like ``value`` with (``NP`` for NumPy).

    >>> import numpy as np
    >>> from gradtape.extend import namespace
    >>> namespace(np.zeros(2)).zeros(3).shape
    (3,)
    """
    return backend_of(value).xp


def defop(name: str, impl: Callable[..., Any],
          vjp: Union[Callable[..., Any], Sequence[Optional[Callable[..., Any]]], None] = None,
          jvp: Optional[Callable[..., Any]] = None, linear: bool = False, register_as: bool = True,
          **flags: Any) -> Op:
    """Declare a primitive and enter it in the registry (``OPS``).

    ``impl(xp, *arrays, **params)`` computes with the namespace ``xp`` it is
    given (a NumPy ufunc stands for the namespace's function of its name);
    the ``portable`` flag, an impl of the same form, is what namespaces other
    than NumPy run instead where ``impl`` uses what the standard lacks.
    ``vjp`` is one function per input (a tuple; a single function for a
    one-input op; None where an input gets no gradient); ``jvp`` computes the
    output tangent; ``linear=True`` derives the JVP for an op linear in its
    inputs.  ``flags`` go to ``Op`` (``save``, ``save_ans``, ``multi``,
    ``nondiff``, ``batch_vjp``, ``batch_jvp``, ``broadcasts``, ``stateful``, and
    for vectorized Jacobians ``elementwise``, ``onehot_vjps``: see ``Op`` and
    ``_core/onehot.py``).  A name already declared is an error;
    ``register_as=False`` is for the further arities of an op made per number
    of inputs (``concat``, ``einsum``), whose first arity holds the name.

    >>> import numpy as np
    >>> from gradtape.extend import defop, OPS
    >>> op = defop("doc_example_square", np.square, vjp=lambda ct, ans, x: 2.0 * x * ct)
    >>> OPS["doc_example_square"] is op
    True
    >>> del OPS["doc_example_square"]
    """
    if vjp is not None and not isinstance(vjp, tuple):
        vjp = (vjp,)
    op = Op(name, impl, vjp, jvp, **flags)
    if linear:
        op.jvp = linear_jvp(op)
    if register_as:
        register(op)
    return op


def public_names(namespace, exclude=()):
    """The names a rule module exports: its own public functions."""
    mod = namespace["__name__"]
    return sorted(n for n, v in namespace.items()
                  if not n.startswith("_") and n not in exclude and callable(v)
                  and getattr(v, "__module__", None) == mod)

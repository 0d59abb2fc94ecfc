"""Function transforms in the style of JAX: grad, vjp, jvp, Jacobians, Hessians.

Each transform runs the user's function under a fresh ``GradientTape``
(reverse mode) or ``ForwardAccumulator`` (forward mode) that tracks *fresh
copies* of the differentiated arguments (an ``identity`` op).  The function
sees the copies, so only its arguments are differentiated, never a value it
captured from outside (no "perturbation confusion").  Tapes and accumulators
that were already active record the copies, the function and the derivative
computation, which is why the transforms nest with each other
(``grad(grad(f))``, ``jacfwd(jacrev(f))``) and with explicit tapes.

Arguments and outputs may be nested dicts, lists, tuples and namedtuples
(pytrees) of Tensors, Variables, NumPy arrays or Python numbers; results keep
their structure.  Python floats become float32 and arrays keep their dtype,
as in TensorFlow.  As in JAX, an input the output does not depend on gets a
zero derivative, and integer or bool inputs cannot be differentiated.
"""
from __future__ import annotations
import functools
import numbers


from ._core.backend import zeros_for
from ._core import nest
from ._core.tensor import TensorLike, wrap
from ._core.convert import convert_to_tensor
from .forwardprop import ForwardAccumulator
from .indexed_slices import densified
from .jacobians import forward_jacobian
from .rules import broadcast_to, identity
from . import tape as _tape
from .tape import GradientTape, UnconnectedGradients
from typing import Any, Callable, Sequence, Tuple, Union
from ._core.types import Nested

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "linearize", "jacrev", "jacfwd",
           "hessian", "hvp"]

_ZERO = UnconnectedGradients.ZERO


# --------------------------------------------------------------------------
# Arguments: which ones are differentiated, as fresh tensors
# --------------------------------------------------------------------------

def _normalize_argnums(argnums, nargs, fname):
    """``argnums`` as a tuple of non-negative ints, and whether it was one int."""
    single = isinstance(argnums, numbers.Integral) and not isinstance(argnums, bool)
    nums = (argnums,) if single else argnums
    if not isinstance(nums, (tuple, list)) or not nums or not all(
            isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in nums):
        raise TypeError(f"{fname}: argnums must be an int or a non-empty tuple of ints, "
                        f"got {argnums!r}")
    out = []
    for i in nums:
        if not -nargs <= i < nargs:
            raise ValueError(f"{fname}: argnums={argnums!r} refers to argument {i}, but the "
                             f"function was called with {nargs} positional argument(s)")
        out.append(int(i) % nargs)
    if len(set(out)) != len(out):
        raise ValueError(f"{fname}: argnums={argnums!r} repeats an argument")
    return tuple(out), single


def _fresh_copy(leaf, fname, where):
    """A new float Tensor with ``leaf``'s value, recorded by any active tape."""
    if leaf is None:
        return None
    if isinstance(leaf, TensorLike):
        t = leaf._read()  # a Variable read is noted by the tapes already active
    else:
        try:
            t = convert_to_tensor(leaf)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{fname}: {where} must be a tensor, Variable, NumPy array or "
                            f"Python number, got {type(leaf).__name__}: {e}") from None
    if not t.dtype.differentiable:
        raise TypeError(f"{fname}: {where} has dtype {t.dtype.name}, but only floating-point "
                        "or complex inputs can be differentiated; pass floats (e.g. 1.0, "
                        "not 1) or cast with gradtape.cast, or leave this argument out of "
                        "argnums")
    return identity(t)


class _Inputs:
    """The call's arguments with the differentiated ones replaced by fresh copies.

    ``sources`` lists the copies (every leaf of every differentiated argument
    but None); ``pack`` rebuilds per-source results in the arguments' structure.
    """

    def __init__(self, fname, args, argnums):
        self.nums, self.single = _normalize_argnums(argnums, len(args), fname)
        self.args = list(args)
        self.structures = [args[i] for i in self.nums]
        self.leaves = []
        for i in self.nums:
            flat = nest.flatten(args[i])
            where = (f"argument {i}" if len(flat) == 1 and not nest.is_nested(args[i])
                     else f"argument {i} (leaf {{}} of its {type(args[i]).__name__})")
            fresh = [_fresh_copy(leaf, fname, where.format(k)) for k, leaf in enumerate(flat)]
            self.leaves.append(fresh)
            self.args[i] = nest.pack_sequence_as(args[i], fresh)
        self.sources = [t for fresh in self.leaves for t in fresh if t is not None]

    def pack(self, flat_results):
        """One result per source, back in the structure of the arguments."""
        it = iter(flat_results)
        per_arg = [nest.pack_sequence_as(s, [None if t is None else next(it) for t in fresh])
                   for s, fresh in zip(self.structures, self.leaves)]
        return per_arg[0] if self.single else tuple(per_arg)


def _split_aux(result, has_aux, fname):
    if not has_aux:
        return result, None
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise ValueError(f"{fname}: with has_aux=True the function must return a pair "
                         f"(output, aux), got {type(result).__name__}")
    return result[0], result[1]


def _as_tensor(leaf, fname):
    if leaf is None or isinstance(leaf, TensorLike):
        return leaf
    try:
        return convert_to_tensor(leaf)
    except (TypeError, ValueError):
        raise TypeError(f"{fname}: the function must return tensors (or nested structures "
                        f"of them), got {type(leaf).__name__}") from None


def _flat_outputs(out, fname):
    return [_as_tensor(o, fname) for o in nest.flatten(out)]


def _check_float_output(o, fname, what="output"):
    if o is None or not o.dtype.is_floating:
        got = "None" if o is None else f"dtype {o.dtype.name}"
        raise TypeError(f"{fname}: the function's {what} must be a floating-point tensor, "
                        f"got {got}")


def _run_taped(f, inputs, kwargs, fname, has_aux, persistent):
    """Run ``f`` on ``inputs`` under a fresh tape watching the sources."""
    tape = GradientTape(persistent=persistent, watch_accessed_variables=False)
    with tape:
        tape.watch(inputs.sources)
        result = f(*inputs.args, **kwargs)
    out, aux = _split_aux(result, has_aux, fname)
    return tape, out, aux


# --------------------------------------------------------------------------
# Reverse mode
# --------------------------------------------------------------------------

def _scalar_output(out, fname):
    if nest.is_nested(out):
        raise TypeError(f"{fname}: the function must return a single scalar tensor, got a "
                        f"{type(out).__name__}; use has_aux=True to return extra values, or "
                        "vjp/jacrev for structured outputs")
    out = _as_tensor(out, fname)
    _check_float_output(out, fname)
    if out._value.shape != ():
        raise TypeError(f"{fname}: the function must return a scalar (shape ()), got a "
                        f"tensor of shape {tuple(out._value.shape)}; reduce it (e.g. "
                        "gradtape.reduce_sum) or use jacrev, jacfwd or vjp for non-scalar "
                        "outputs")
    return out


def _value_and_grad_fn(f, argnums, has_aux, fname):
    def value_and_grad_f(*args, **kwargs):
        inputs = _Inputs(fname, args, argnums)
        tape, out, aux = _run_taped(f, inputs, kwargs, fname, has_aux, persistent=False)
        out = _scalar_output(out, fname)
        grads = densified(tape.gradient(out, inputs.sources, unconnected_gradients=_ZERO))
        value = (out, aux) if has_aux else out
        return value, inputs.pack(grads)
    return functools.wraps(f)(value_and_grad_f)


def value_and_grad(f: Callable[..., Any], argnums: Union[int, Sequence[int]] = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """A function returning both ``f(*args)`` and its gradient (see ``grad``).

    With ``has_aux=True`` it returns ``((value, aux), gradient)``.

    >>> import gradtape as gt
    >>> value, g = gt.value_and_grad(lambda x: x ** 3)(2.0)
    >>> value.numpy(), g.numpy()
    (8.0, 12.0)
    """
    return _value_and_grad_fn(f, argnums, has_aux, "value_and_grad")


def grad(f: Callable[..., Any], argnums: Union[int, Sequence[int]] = 0,
         has_aux: bool = False) -> Callable[..., Any]:
    """The gradient of a scalar function ``f`` with respect to argument(s) ``argnums``.

    ``grad(f)(*args)`` has the structure of ``args[argnums]`` (a tuple of
    such structures when ``argnums`` is a tuple).  ``f`` must return a float
    scalar; with ``has_aux=True`` it returns ``(scalar, aux)`` and the
    gradient comes back as ``(gradient, aux)``.  Transforms nest, so
    ``grad(grad(f))`` is the second derivative.

    >>> import gradtape as gt
    >>> gt.grad(gt.sin)(0.0).numpy()
    1.0
    >>> gt.grad(gt.grad(lambda x: x ** 3))(2.0).numpy()
    12.0
    >>> g = gt.grad(lambda p, x: gt.reduce_sum(p["w"] * x + p["b"]))(
    ...     {"w": gt.constant([1.0, 2.0]), "b": 0.5}, gt.constant([3.0, 4.0]))
    >>> g["w"].numpy(), g["b"].numpy()
    (array([3., 4.], dtype=float32), 2.0)
    """
    value_and_grad_f = _value_and_grad_fn(f, argnums, has_aux, "grad")

    def grad_f(*args, **kwargs):
        value, g = value_and_grad_f(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return functools.wraps(f)(grad_f)


def _matching(value, like, fname, what, like_what):
    """``value`` as a tensor with ``like``'s shape and dtype, or a clear error."""
    t = convert_to_tensor(value, dtype_hint=like.dtype)
    if t._value.shape != like._value.shape:
        raise ValueError(f"{fname}: {what} of shape {tuple(t._value.shape)} given for "
                         f"{like_what} of shape {tuple(like._value.shape)}; they must match")
    if t._value.dtype != like._value.dtype:
        raise TypeError(f"{fname}: {what} of dtype {t.dtype.name} given for {like_what} of "
                        f"dtype {like.dtype.name}; they must match")
    return t


def vjp(f: Callable[..., Any], *primals: Nested, has_aux: bool = False) -> Tuple[Any, ...]:
    """Evaluate ``f(*primals)`` and its vector-Jacobian product function.

    Returns ``(out, vjp_fn)`` (``(out, vjp_fn, aux)`` with ``has_aux``).
    ``vjp_fn(cotangent)`` takes a cotangent shaped like ``out`` and returns a
    tuple with one cotangent per primal, each shaped like that primal; it may
    be called any number of times (the recording is kept until ``vjp_fn`` is
    released).

    >>> import gradtape as gt
    >>> out, vjp_fn = gt.vjp(lambda x, y: x * y, gt.constant([1.0, 2.0]), 3.0)
    >>> dx, dy = vjp_fn(gt.constant([1.0, 10.0]))
    >>> dx.numpy(), dy.numpy()
    (array([ 3., 30.], dtype=float32), 21.0)
    """
    if not primals:
        raise TypeError("vjp: needs at least one primal argument to differentiate")
    inputs = _Inputs("vjp", primals, tuple(range(len(primals))))
    tape, out, aux = _run_taped(f, inputs, {}, "vjp", has_aux, persistent=True)
    flat_out = _flat_outputs(out, "vjp")

    def vjp_fn(cotangents):
        nest.assert_same_structure(out, cotangents, "output and cotangent structures")
        flat_ct = nest.flatten(cotangents)
        targets, cts = [], []
        for o, ct in zip(flat_out, flat_ct):
            if o is not None and o.dtype.differentiable and ct is not None:
                targets.append(o)
                cts.append(_matching(ct, o, "vjp", "cotangent", "an output"))
        if not targets:
            grads = [wrap(zeros_for(s._value)) for s in inputs.sources]
        else:
            grads = densified(tape.gradient(targets, inputs.sources, output_gradients=cts,
                                            unconnected_gradients=_ZERO))
        return inputs.pack(grads)
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


# --------------------------------------------------------------------------
# Forward mode
# --------------------------------------------------------------------------

def _tangent_of(acc, o):
    t = acc.jvp(o, unconnected_gradients=_ZERO)
    # a broadcasting op may hand on its operand's tangent unbroadcast
    if t._value.shape != o._value.shape:
        t = broadcast_to(t, o._value.shape)
    return t


def _output_tangents(acc, out, fname):
    def one(o):
        o = _as_tensor(o, fname)
        return None if o is None else _tangent_of(acc, o)
    return nest.map_structure(one, out)


def _check_pair(primals, tangents, fname):
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, (tuple, list)):
            raise TypeError(f"{fname}: {name} must be a tuple or list with one entry per "
                            f"argument of the function, got {type(value).__name__}")
    if len(primals) != len(tangents):
        raise ValueError(f"{fname}: got {len(primals)} primals but {len(tangents)} tangents; "
                         "give one tangent per primal")


def _jvp(f, primals, tangents, has_aux, fname):
    _check_pair(primals, tangents, fname)
    if not primals:
        raise TypeError(f"{fname}: needs at least one primal argument to differentiate")
    inputs = _Inputs(fname, primals, tuple(range(len(primals))))
    flat_t = []
    for p, t, fresh in zip(primals, tangents, inputs.leaves):
        nest.assert_same_structure(p, t, "primal and tangent structures")
        flat_t.extend(_matching(ti, s, fname, "tangent", "a primal")
                      for ti, s in zip(nest.flatten(t), fresh) if s is not None)
    with ForwardAccumulator(inputs.sources, flat_t) as acc:
        result = f(*inputs.args)
    out, aux = _split_aux(result, has_aux, fname)
    tangent_out = _output_tangents(acc, out, fname)
    return (out, tangent_out, aux) if has_aux else (out, tangent_out)


def jvp(f: Callable[..., Any], primals: Nested, tangents: Nested,
        has_aux: bool = False) -> Tuple[Any, Any]:
    """Evaluate ``f(*primals)`` and its Jacobian-vector product with ``tangents``.

    ``primals`` and ``tangents`` are tuples (one entry per argument, same
    structures); returns ``(out, tangent_out)``, or ``(out, tangent_out, aux)``
    with ``has_aux``.  Forward mode: one pass, whatever the number of outputs.

    >>> import gradtape as gt
    >>> out, t = gt.jvp(gt.sin, (0.0,), (2.0,))
    >>> out.numpy(), t.numpy()
    (0.0, 2.0)
    """
    return _jvp(f, primals, tangents, has_aux, "jvp")


def linearize(f: Callable[..., Any], *primals: Nested) -> Tuple[Any, Callable[..., Any]]:
    """Evaluate ``f(*primals)`` and return ``(out, f_jvp)``, where
    ``f_jvp(*tangents)`` is the Jacobian-vector product at ``primals``.

    Each ``f_jvp`` call runs ``f`` again in forward mode (primal and tangent
    together); ``out`` is computed once, here.

    >>> import gradtape as gt
    >>> out, f_jvp = gt.linearize(lambda x: x * x, gt.constant([1.0, 3.0]))
    >>> out.numpy(), f_jvp(gt.constant([1.0, 1.0])).numpy()
    (array([1., 9.], dtype=float32), array([2., 6.], dtype=float32))
    """
    if not primals:
        raise TypeError("linearize: needs at least one primal argument")
    out = f(*primals)

    def f_jvp(*tangents):
        return _jvp(f, primals, tangents, False, "linearize")[1]
    return out, f_jvp


# --------------------------------------------------------------------------
# Jacobians and Hessians
# --------------------------------------------------------------------------

def _per_output(out, flat_blocks):
    """``out``'s structure with each leaf replaced by its block of results."""
    return flat_blocks[0] if not nest.is_nested(out) else \
        nest.pack_sequence_as(out, flat_blocks)


def jacrev(f: Callable[..., Any], argnums: Union[int, Sequence[int]] = 0,
           has_aux: bool = False) -> Callable[..., Any]:
    """The Jacobian of ``f`` by reverse mode: one vectorized backward sweep per output.

    For an output of shape ``S`` and an input of shape ``T`` the block has
    shape ``S + T``; the result has the output's structure with each leaf
    replaced by the structure of ``args[argnums]``.  Best when outputs are
    fewer than inputs.

    >>> import gradtape as gt
    >>> gt.jacrev(lambda x: x ** 2)(gt.constant([1.0, 2.0])).numpy()
    array([[2., 0.],
           [0., 4.]], dtype=float32)
    """
    def jacrev_f(*args, **kwargs):
        inputs = _Inputs("jacrev", args, argnums)
        tape, out, aux = _run_taped(f, inputs, kwargs, "jacrev", has_aux, persistent=True)
        blocks = []
        for o in _flat_outputs(out, "jacrev"):
            _check_float_output(o, "jacrev", "outputs")
            blocks.append(inputs.pack(tape.jacobian(o, inputs.sources,
                                                    unconnected_gradients=_ZERO)))
        jac = _per_output(out, blocks)
        return (jac, aux) if has_aux else jac
    return functools.wraps(f)(jacrev_f)


def jacfwd(f: Callable[..., Any], argnums: Union[int, Sequence[int]] = 0,
           has_aux: bool = False) -> Callable[..., Any]:
    """The Jacobian of ``f`` by forward mode, in one vectorized forward pass.

    Every element of the differentiated inputs gets a basis tangent, and the
    whole block goes through ``f`` at once (a leading batch axis on each
    tangent), so ``f`` runs once, or a few times when the stacked tangents
    would exceed ``gradtape.tape.JACOBIAN_CHUNK_BYTES``.  As in JAX, every
    intermediate value of ``f`` then carries one tangent per input element,
    so memory grows with the number of input elements (the chunk budget is
    estimated from the inputs' size alone).  Same layout as ``jacrev``
    (output shape, then input shape).  Best when inputs are fewer than
    outputs; ``jacfwd(jacrev(f))`` is a Hessian.

    >>> import gradtape as gt
    >>> gt.jacfwd(lambda x: gt.stack([x[0] * x[1], gt.sin(x[0])]))(
    ...     gt.constant([0.0, 2.0])).numpy()
    array([[2., 0.],
           [1., 0.]], dtype=float32)
    """
    def jacfwd_f(*args, **kwargs):
        inputs = _Inputs("jacfwd", args, argnums)
        last = {}

        def flat_f(*_sources):  # the sources already sit in inputs.args
            last["out"], last["aux"] = _split_aux(f(*inputs.args, **kwargs), has_aux,
                                                  "jacfwd")
            flat_out = _flat_outputs(last["out"], "jacfwd")
            for o in flat_out:
                _check_float_output(o, "jacfwd", "outputs")
            return flat_out

        if inputs.sources:
            per_output = forward_jacobian(flat_f, inputs.sources,
                                          chunk_bytes=_tape.JACOBIAN_CHUNK_BYTES)
        else:  # every differentiated leaf is None: nothing to differentiate
            per_output = [() for _ in flat_f()]
        jac = _per_output(last["out"], [inputs.pack(blocks) for blocks in per_output])
        return (jac, last["aux"]) if has_aux else jac
    return functools.wraps(f)(jacfwd_f)


def hessian(f: Callable[..., Any], argnums: Union[int, Sequence[int]] = 0,
            has_aux: bool = False) -> Callable[..., Any]:
    """The Hessian of a scalar function: ``jacfwd(jacrev(f))`` (forward over reverse).

    For an input of shape ``T`` the result has shape ``T + T``.

    >>> import gradtape as gt
    >>> gt.hessian(lambda x: x[0] ** 2 * x[1])(gt.constant([1.0, 3.0])).numpy()
    array([[6., 2.],
           [2., 0.]], dtype=float32)
    """
    return jacfwd(jacrev(f, argnums, has_aux), argnums, has_aux)


def hvp(f: Callable[..., Any], primals: Nested, tangents: Nested) -> Any:
    """The Hessian-vector product of a scalar ``f`` at ``primals`` along ``tangents``,
    by forward over reverse (one gradient pass carrying tangents; no Hessian formed).

    ``primals`` and ``tangents`` are tuples with one entry per argument; the
    result is shaped like ``tangents[0]`` for one argument, a tuple otherwise.

    >>> import gradtape as gt
    >>> f = lambda x: gt.reduce_sum(x ** 3)
    >>> gt.hvp(f, (gt.constant([1.0, 2.0]),), (gt.constant([1.0, 1.0]),)).numpy()
    array([ 6., 12.], dtype=float32)
    """
    _check_pair(primals, tangents, "hvp")
    argnums = 0 if len(primals) == 1 else tuple(range(len(primals)))
    return _jvp(_value_and_grad_fn(f, argnums, False, "hvp"), primals, tangents,
                False, "hvp")[1][1]

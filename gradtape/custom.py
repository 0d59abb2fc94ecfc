"""Functions with gradients of the user's choosing: custom_gradient.

As in TensorFlow, every recorder sees the decorated function's own ops
(Variable reads are noted); its outputs are then recorded as one op whose VJP
is the user's ``grad_fn``.  A tape that tracks none of that op's inputs does
not record it and keeps the function's own ops as the outputs' producers, so
a tensor the function captured (a watched closure) gets its true gradient
(inside a ``tf.function``, as in TensorFlow's graph mode, it gets None).
Forward mode is TensorFlow's: an output the function's own ops reach has the
tangent of those ops; an output they do not reach (computed in NumPy, or
through ``stop_gradient``) gets the transpose of ``grad_fn`` (which is linear
in the upstream gradient).
"""
from __future__ import annotations
import functools
import inspect


from ._core.backend import zeros_for
from ._core import nest, trace
from ._core.forward import ForwardRecorder
from ._core.reverse import TapeRecorder
from ._core.tensor import TensorLike, wrap
from ._core.convert import convert_to_tensor
from ._core.op import OPS, Op
from typing import Any, Callable, Optional


class _VariableWatcher(trace.Recorder):
    """A recorder that only notes which Variables a function reads."""

    __slots__ = ("variables",)

    def __init__(self):
        self.variables = {}

    def watch_variable(self, var):
        self.variables[var._uid] = var

    def record(self, op, inputs, out, params):
        pass


def _accepts_variables(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return "variables" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _flat_inputs(args):
    """The leaves of the positional ``args`` (any nesting) as tensors, and
    ``args`` rebuilt from them: what ``f`` is called with."""
    leaves = nest.flatten(args)
    inputs = [a if isinstance(a, TensorLike) else convert_to_tensor(a) for a in leaves]
    return inputs, nest.pack_sequence_as(args, inputs)


def _as_list(g, n):
    if n == 1 and (isinstance(g, TensorLike) or g is None):
        return [g]
    g = nest.flatten(g) if isinstance(g, (list, tuple, dict)) else [g]
    if len(g) != n:
        raise ValueError(f"custom_gradient: grad_fn returned {len(g)} gradients for {n} inputs")
    return g


def _check_grad_shape(f, i, g, x):
    # the trailing axes must be the input's: leading ones are a Jacobian's batch
    shape, want = tuple(g._value.shape), tuple(x._value.shape)
    if len(shape) < len(want) or shape[len(shape) - len(want):] != want:
        raise ValueError(f"custom_gradient: grad_fn of {getattr(f, '__name__', 'f')} returned a "
                         f"gradient of shape {shape} for input {i} of shape {want}; "
                         "they must match")


def _split_result(out, f):
    """``f``'s ``(outputs, grad_fn)`` pair, or a TypeError saying what came instead."""
    if not (isinstance(out, (tuple, list)) and len(out) == 2 and callable(out[1])):
        raise TypeError(f"custom_gradient: {getattr(f, '__name__', 'f')} must return a pair "
                        f"(outputs, grad_fn), got {type(out).__name__}")
    return out


class _OncePerCotangent:
    """``compute(ct, *rest)``, computed once for the cotangent of one entry.

    The sweep calls an op's VJP once per input, and may wrap the same
    cotangent arrays in new Tensors for each call: the cotangent is known by
    its arrays, and kept so that their ids stay theirs.
    """

    __slots__ = ("_compute", "_key", "_ct", "_result")

    def __init__(self, compute):
        self._compute, self._key, self._ct, self._result = compute, None, None, None

    def __call__(self, ct, *rest):
        parts = ct if isinstance(ct, tuple) else (ct,)
        key = tuple([None if c is None else id(getattr(c, "_value", c)) for c in parts])
        if key != self._key:
            self._result = self._compute(ct, *rest)
            self._key, self._ct = key, ct
        return self._result


def _make_op(f, grad_fn, n_inputs, variables):
    def call_grad_fn(upstream):
        if variables:
            in_grads, var_grads = grad_fn(*upstream, variables=list(variables))
            grads = _as_list(in_grads, n_inputs) + _as_list(var_grads, len(variables))
        else:
            grads = _as_list(grad_fn(*upstream), n_inputs)
        return [None if g is None else convert_to_tensor(g) for g in grads]

    grads_for = _OncePerCotangent(
        lambda ct: call_grad_fn(ct if isinstance(ct, tuple) else (ct,)))

    def vjp_for(i):
        def vjp(ct, ans, *xs):
            g = grads_for(ct)[i]
            if g is not None:
                _check_grad_shape(f, i, g, xs[i])
            return g
        return vjp

    def jvp(ts, ans, *xs):
        tangents = _transposed_grad_fn(call_grad_fn, ts, ans)
        return (None,) * len(ans) if tangents is None else tangents

    n = n_inputs + len(variables)
    return Op(f"custom_gradient:{getattr(f, '__name__', 'f')}", None,
              vjps=tuple(vjp_for(i) for i in range(n)), jvp=jvp, multi=True,
              batch_jvp=False)


def _transposed_grad_fn(call_grad_fn, ts, outs):
    """The JVP as the transpose of the user's (linear) VJP, as TensorFlow does.

    ``<grad_fn(ct), t>`` is linear in ``ct`` and its gradient with respect to
    ``ct`` is ``J t``.  Returns None when ``grad_fn`` is not written in
    gradtape ops (nothing connects its result to ``ct``).
    """
    from . import rules
    from .indexed_slices import densified
    from .tape import GradientTape
    cts = [wrap(zeros_for(o._value)) for o in outs]
    with GradientTape() as tape:
        tape.watch(cts)
        grads = call_grad_fn(tuple(cts))
        terms = [rules.reduce_sum(g * t) for g, t in zip(grads, ts)
                 if g is not None and t is not None]
        if not terms:
            return (None,) * len(outs)
        total = rules.add_n(terms) if len(terms) > 1 else terms[0]
    got = densified(tape.gradient(total, cts))
    if all(g is None for g in got):
        return None
    return tuple(got)


def _record(op, inputs, outs, inner):
    """Offer the custom op to the recorders; an accumulator keeps the tangent
    ``f``'s own ops gave an output (``inner``), as TensorFlow's, and takes
    ``grad_fn``'s transpose only for the outputs they did not reach."""
    # inside a tf.function, as in TensorFlow's graph mode, the outputs' only
    # producer is the custom op
    eager = trace.tracer() is None
    for rec in trace.stack():
        if rec.traces_ops:
            continue
        if not isinstance(rec, ForwardRecorder):
            rec.record(op, inputs, outs, {})
            if eager and isinstance(rec, TapeRecorder):
                _keep_own_ops(rec, outs, inner)
            continue
        own = [rec.tangents.get(o._uid) for o in inner]
        if None in own:
            rec.record(op, inputs, outs, {})
        for o, t in zip(outs, own):
            if t is not None:
                rec._keep(o, t)


def _keep_own_ops(tape, outs, inner):
    """Where ``tape`` did not record the custom op (it tracks none of its
    inputs), an output it reached through ``f``'s own ops is their identity,
    as TensorFlow's tape keeps the ``Identity`` that ``custom_gradient`` adds."""
    tracked = tape.tracked
    for o, i in zip(outs, inner):
        if o._uid not in tracked and i._uid in tracked:
            tape.record(OPS["identity"], (i,), o, {})


def _as_tensors(result):
    """``f``'s outputs as tensors (a Python number or NumPy value converted, as TF does)."""
    if isinstance(result, TensorLike):
        return result
    return nest.map_structure(
        lambda o: o if isinstance(o, TensorLike) else convert_to_tensor(o), result)


def custom_gradient(f: Optional[Callable[..., Any]] = None) -> Callable[..., Any]:
    """Decorate ``f(*x) -> (y, grad_fn)`` so gradients of ``y`` use ``grad_fn``.

    ``grad_fn(*upstream)`` returns one gradient per input (per tensor of
    nested arguments; keyword arguments reach ``f`` but get none); if ``f``
    reads Variables other than its arguments, ``grad_fn(*upstream,
    variables=...)`` returns ``(input_grads, variable_grads)``, as in TensorFlow.

    >>> import gradtape as tf
    >>> @tf.custom_gradient
    ... def clip_grad(x):
    ...     def grad(upstream):
    ...         return tf.clip_by_value(upstream, -0.1, 0.1)
    ...     return tf.identity(x), grad
    >>> x = tf.constant(2.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = clip_grad(x * 3.0)
    >>> tape.gradient(y, x).numpy()
    0.3
    """
    if f is None:
        return custom_gradient
    return _CustomGradient(f)


def _call_with_custom_gradient(f, args, kwargs):
    """``f(*args, **kwargs)``'s outputs, recorded as one op whose VJP is its ``grad_fn``."""
    if not trace.stack():
        return _as_tensors(_split_result(f(*args, **kwargs), f)[0])
    inputs, args = _flat_inputs(args)
    watcher = _VariableWatcher()
    with trace.replaced(trace.stack() + (watcher,)):
        result, grad_fn = _split_result(f(*args, **kwargs), f)
    in_uids = {x._uid for x in inputs}
    # a Variable passed as an argument is an input; only the others it
    # reads are grad_fn's ``variables``
    variables = [v for u, v in sorted(watcher.variables.items()) if u not in in_uids]
    if variables and not _accepts_variables(grad_fn):
        raise TypeError(f"@tf.custom_gradient grad_fn must accept keyword argument "
                        f"'variables', since function uses variables: {variables}")
    result = _as_tensors(result)
    inner = nest.flatten(result)
    # each output needs an id of its own: the recorders saw f's ops make them
    outs = tuple(wrap(o._value) for o in inner)
    op = _make_op(f, grad_fn, len(inputs), variables)
    recorded_inputs = tuple(inputs) + tuple(variables)
    _record(op, tuple(x._read() for x in recorded_inputs), outs, inner)
    return nest.pack_sequence_as(result, list(outs))


class _CustomGradient:
    """``f`` decorated by ``custom_gradient``; on a method it binds its instance
    first, as TensorFlow's decorator does (``self`` is not an input)."""

    def __init__(self, f):
        self._f = f
        functools.update_wrapper(self, f)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return _CustomGradient(self._f.__get__(instance, owner))

    def __call__(self, *args, **kwargs):
        return _call_with_custom_gradient(self._f, args, kwargs)

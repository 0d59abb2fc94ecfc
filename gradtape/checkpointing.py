"""Gradient checkpointing: recompute_grad (TensorFlow's name) and checkpoint (JAX's).

A checkpointed call runs the function with recording paused (only Variable
reads are noted), then offers the active recorders ONE op, inputs to outputs,
that keeps only the inputs.  Its VJP runs the function again under a fresh
tape and backpropagates through that recording, which is dropped right after:
the intermediate values of the function never live on the outer tape, at the
price of a second forward pass.  Its JVP reruns the function in forward mode.

Only the function's positional arguments (the tensors of nested ones) and
the trainable Variables it reads are differentiated (one it does not use
gets zeros, as TensorFlow's); like TensorFlow's, a recomputation must give the same
values, so the function should not draw random numbers or change state.
"""
from __future__ import annotations
import functools

from ._core import nest, trace
from ._core.forward import ForwardRecorder
from ._core.tensor import Tensor, TensorLike, wrap
from ._core.op import Op
from ._core.backend import zeros_for
from .custom import _OncePerCotangent, _VariableWatcher, _as_tensors, _flat_inputs
from .rules import identity
from .tape import GradientTape
from typing import Any, Callable

__all__ = ["recompute_grad", "checkpoint"]


def _outputs(result, name):
    outs = nest.flatten(result)
    for o in outs:
        if not isinstance(o, TensorLike):
            raise TypeError(f"recompute_grad: {name} must return tensors (or nested structures "
                            f"of them), got {type(o).__name__}")
    return outs


def _converted(result, name):
    """``f``'s result with Python and NumPy numbers as tensors, as TensorFlow's."""
    try:
        return _as_tensors(result)
    except TypeError:
        _outputs(result, name)  # names what is not a tensor
        raise


def _recompute_vjp(f, name, args, variables, kwargs, ct, xs):
    """Cotangents of the inputs and Variables: rerun ``f`` under a fresh tape."""
    copies = [identity(x) for x in xs[:len(xs) - len(variables)]]
    tape = GradientTape()
    with tape:
        tape.watch([c for c in copies if c.dtype.differentiable])
        for v in variables:
            tape.watch(v)
        outs = _outputs(_converted(f(*nest.pack_sequence_as(args, copies), **kwargs), name), name)
    cts = ct if isinstance(ct, tuple) else (ct,)
    targets = [(o._uid, c) for o, c in zip(outs, cts) if c is not None]
    extra = cts[0]._value.ndim - outs[0]._value.ndim if cts else 0
    batch_shape = tuple(cts[0]._value.shape[:extra]) if extra > 0 else ()
    uids = [c._uid for c in copies] + [v._uid for v in variables]
    found = tape._sweep(targets, uids, False, batch_shape)
    tape._spend()
    return [_or_zeros(found.get(u), x, batch_shape) for u, x in zip(uids, copies + variables)]


def _or_zeros(grad, x, batch_shape):
    """``grad``, or zeros for a floating ``x`` that ``f`` does not use: TensorFlow's
    recompute_grad asks its inner tape for ``UnconnectedGradients.ZERO``."""
    if grad is not None or not x.dtype.differentiable:
        return grad
    return wrap(zeros_for(x._value, batch_shape + tuple(x._value.shape)))


def _make_op(f, name, args, variables, kwargs):
    """The op of one call; ``args`` is the structure of its positional arguments."""
    n_inputs = len(nest.flatten(args))
    # the sweep asks once per input with the same cotangent: recompute once
    grads_for = _OncePerCotangent(
        lambda ct, xs: _recompute_vjp(f, name, args, variables, kwargs, ct, xs))

    def vjp_for(i):
        return lambda ct, ans, *xs: grads_for(ct, xs)[i]

    def jvp(ts, ans, *xs):
        rec = ForwardRecorder()
        copies = [identity(x) for x in xs[:n_inputs]]
        for c, t in zip(copies, ts):
            if t is not None:
                rec.tangents[c._uid] = t
        for v, t in zip(variables, ts[n_inputs:]):
            if t is not None:
                rec.tangents[v._uid] = t
        with trace.replaced(trace.stack() + (rec,)):
            outs = _outputs(f(*nest.pack_sequence_as(args, copies), **kwargs), name)
        return tuple(rec.tangents.get(o._uid) for o in outs)

    n = n_inputs + len(variables)
    # the JVP reruns f with plain tangents: batched ones go one row at a time
    return Op(f"recompute_grad:{name}", None, vjps=tuple(vjp_for(i) for i in range(n)),
              jvp=jvp, multi=True, batch_jvp=False)


def recompute_grad(f: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``f`` so tapes keep only its inputs and recompute its inside for gradients.

    Trades compute for memory: a tape records a call of the wrapped function
    as a single entry holding its inputs (not its intermediate values), and
    the backward pass runs ``f`` again to differentiate it.  Gradients reach
    the positional arguments and the trainable Variables ``f`` reads.

    >>> import gradtape as tf
    >>> w = tf.Variable([[0.5, -1.0], [2.0, 0.1]])
    >>> block = lambda x: tf.tanh(x @ w)
    >>> x = tf.constant([[1.0, 2.0]])
    >>> with tf.GradientTape(persistent=True) as tape:
    ...     plain = tf.reduce_sum(block(block(x)))
    ...     saved = tf.reduce_sum(tf.recompute_grad(block)(tf.recompute_grad(block)(x)))
    >>> g_plain, g_saved = tape.gradient(plain, w), tape.gradient(saved, w)
    >>> bool((g_plain.numpy() == g_saved.numpy()).all())
    True
    """
    name = getattr(f, "__name__", "f")

    @functools.wraps(f)
    def checkpointed(*args, **kwargs):
        if not trace.stack():
            return _converted(f(*args, **kwargs), name)
        inputs, args = _flat_inputs(args)
        inputs = [x._read() for x in inputs]
        args = nest.pack_sequence_as(args, inputs)
        watcher = _VariableWatcher()
        with trace.replaced((watcher,)):
            result = _converted(f(*args, **kwargs), name)
        variables = [v for _, v in sorted(watcher.variables.items())]
        in_uids = {x._uid for x in inputs} | set(watcher.variables)
        # each output needs an id of its own (an input returned as is, or a Variable)
        outs = tuple(o if type(o) is Tensor and o._uid not in in_uids else wrap(o._value)
                     for o in _outputs(result, name))
        op = _make_op(f, name, args, variables, kwargs)
        recorded = tuple(inputs) + tuple(v._read() for v in variables)
        trace.record(op, recorded, outs, {})
        return nest.pack_sequence_as(result, list(outs))
    return checkpointed


def checkpoint(f: Callable[..., Any]) -> Callable[..., Any]:
    """JAX's name for ``recompute_grad``: ``checkpoint(f)`` recomputes ``f`` in the
    backward pass instead of keeping its intermediate values.  (Saving
    Variables to files is ``gradtape.train.Checkpoint``: docs/functional.md
    sets the two side by side.)

    >>> import gradtape as gt
    >>> gt.grad(gt.checkpoint(lambda x: gt.sin(x) * x))(0.0).numpy()
    0.0
    """
    return recompute_grad(f)

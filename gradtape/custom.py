"""Functions with gradients of the user's choosing: custom_gradient.

The decorated function runs with recording paused (only Variable reads are
noted); its outputs are recorded as one op whose VJP is the user's ``grad_fn``.
Its JVP re-runs the function's own ops in forward mode.
"""
import functools
import inspect

from ._core import nest, trace
from ._core.forward import ForwardRecorder
from ._core.tensor import Tensor, TensorLike, convert_to_tensor, wrap
from ._core.trace import Op


class _VariableWatcher:
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


def _as_list(g, n):
    if n == 1 and (isinstance(g, TensorLike) or g is None):
        return [g]
    g = list(g) if isinstance(g, (list, tuple)) else [g]
    if len(g) != n:
        raise ValueError(f"custom_gradient: grad_fn returned {len(g)} gradients for {n} inputs")
    return g


def _make_op(f, grad_fn, n_inputs, variables):
    memo = {}

    def grads_for(ct):
        key = id(ct)
        if key not in memo:
            upstream = ct if isinstance(ct, tuple) else (ct,)
            if variables:
                in_grads, var_grads = grad_fn(*upstream, variables=list(variables))
                grads = _as_list(in_grads, n_inputs) + _as_list(var_grads, len(variables))
            else:
                grads = _as_list(grad_fn(*upstream), n_inputs)
            memo.clear()
            memo[key] = (ct, [None if g is None else convert_to_tensor(g) for g in grads])
        return memo[key][1]

    def vjp_for(i):
        return lambda ct, ans, *xs: grads_for(ct)[i]

    def jvp(ts, ans, *xs):
        rec = ForwardRecorder()
        for x, t in zip(xs, ts):
            if t is not None:
                rec.tangents[x._uid] = t
        with trace.replaced(trace.stack() + (rec,)):
            out, _ = f(*xs[:n_inputs])
        return tuple(rec.tangents.get(o._uid) for o in nest.flatten(out))

    n = n_inputs + len(variables)
    return Op(f"custom_gradient:{getattr(f, '__name__', 'f')}", None,
              vjps=tuple(vjp_for(i) for i in range(n)), jvp=jvp, multi=True)


def custom_gradient(f=None):
    """Decorate ``f(*x) -> (y, grad_fn)`` so gradients of ``y`` use ``grad_fn``.

    ``grad_fn(*upstream)`` returns one gradient per input; if ``f`` reads
    Variables, ``grad_fn(*upstream, variables=...)`` returns
    ``(input_grads, variable_grads)``, as in TensorFlow.

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

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        if not trace.stack():
            return f(*args, **kwargs)[0]
        inputs = [a if isinstance(a, TensorLike) else convert_to_tensor(a) for a in args]
        watcher = _VariableWatcher()
        with trace.replaced((watcher,)):
            result, grad_fn = f(*inputs, **kwargs)
        variables = [v for _, v in sorted(watcher.variables.items())]
        if variables and not _accepts_variables(grad_fn):
            raise TypeError("If using @custom_gradient with a function that uses variables, "
                            "then grad_fn must accept a keyword argument 'variables'.")
        outs = nest.flatten(result)
        for o in outs:
            if not isinstance(o, TensorLike):
                raise TypeError(f"custom_gradient: {f.__name__} must return tensors, "
                                f"got {type(o).__name__}")
        in_uids = {x._uid for x in inputs}
        # each output needs an id of its own (an input returned as is, or a Variable)
        outs = tuple(o if type(o) is Tensor and o._uid not in in_uids else wrap(o._value)
                     for o in outs)
        op = _make_op(f, grad_fn, len(inputs), variables)
        recorded_inputs = tuple(inputs) + tuple(variables)
        trace.record(op, tuple(x._read() for x in recorded_inputs), outs, {})
        return nest.pack_sequence_as(result, list(outs))
    return wrapper

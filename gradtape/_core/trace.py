"""The recording stack and the op-dispatch hot path.

Every op goes through ``apply``.  With no tape or accumulator active in any
thread it computes and wraps, nothing else.  Otherwise each active recorder of
this thread (tapes and forward accumulators, outermost first) is offered the
op; a recorder decides for itself whether the op touches something it tracks.

While a recorder runs rules of its own (an accumulator's JVPs), only the
recorders outside it stay active, so outer recorders see the inner one's work
(that is how nesting gives higher derivatives) and never the reverse.
"""
from __future__ import annotations
import os
import re
import warnings

from .errors import InvalidArgumentError, OpError
from . import sites, state
from .backend import NP, compute
from .state import foreign
from .user_warnings import warn_at_user_line as _warn_at_user_line
from .op import Op  # noqa: F401  (the op record lives in op.py)
from .tensor import Tensor, _next_uid, wrap
from typing import Any, Dict, Sequence

_local = state.local
_lock = state.lock
_acquire, _release = _lock.acquire, _lock.release
_tracing = state.tracing
_active = state.active  # recorders entered in any thread: 0 means the fast path for all
_EMPTY = ()
stack = state.stack
tracer = state.tracer
notify_escape = state.notify_escape
notify_host_read = state.notify_host_read


class Recorder:
    """What the engine tells a recorder (a tape, an accumulator, a trace).

    ``apply`` offers every op run while the recorder is on this thread's
    stack to ``record``; a recorder decides for itself whether the op touches
    something it tracks.  The other methods hear of events off the op path and
    do nothing unless a recorder overrides them:

    * ``watch_variable(var)``: a trainable Variable was read;
    * ``note_read(var)``: a Variable was read that the recorder does not watch;
    * ``note_escape(x, how)``: ``x`` left gradtape (``.numpy()``, ``float()``,
      an ``if``, a Variable's state);
    * ``host_read(value, predicate, result)``: a rule read a value on the host
      (told only to the outermost recorder, and only when ``traces_ops``);
    * ``traces_ops = True`` marks a ``gradtape.function`` trace: it stays
      outermost and sees every op, the engine's own included.

    >>> from gradtape._core import trace
    >>> import gradtape as tf
    >>> class Names(trace.Recorder):
    ...     def __init__(self):
    ...         self.names = []
    ...     def record(self, op, inputs, out, params):
    ...         self.names.append(op.name)
    >>> names = Names()
    >>> trace.push(names)
    >>> y = tf.constant(2.0) * 3.0
    >>> trace.pop(names)
    >>> names.names
    ['multiply']
    """

    __slots__ = ()
    traces_ops = False

    def record(self, op, inputs, out, params):
        raise NotImplementedError

    def watch_variable(self, var):
        pass

    def note_read(self, var):
        pass

    def note_escape(self, x, how):
        pass

    def host_read(self, value, predicate, result):
        pass


def push(recorder):
    """Make ``recorder`` the innermost active recorder of this thread."""
    traces_ops = recorder.traces_ops  # (read before the lock: a bad recorder must not hold it)
    _local.stack = getattr(_local, "stack", _EMPTY) + (recorder,)
    _acquire()
    _active[0] += 1
    if traces_ops:
        _tracing[0] += 1
    _release()


def pop(recorder):
    """Remove ``recorder`` from this thread's active recorders."""
    st = getattr(_local, "stack", _EMPTY)
    if st and st[-1] is recorder:  # (almost always: the innermost is popped)
        _local.stack = st[:-1]
    elif recorder in st:
        _local.stack = tuple([r for r in st if r is not recorder])
    else:
        return
    _acquire()
    _active[0] -= 1
    if recorder.traces_ops:
        _tracing[0] -= 1
    _release()


class outside:
    """Run a block with only the recorders outside ``recorder`` active."""

    __slots__ = ("_rec", "_saved")

    def __init__(self, recorder):
        self._rec = recorder

    def __enter__(self):
        st = self._saved = getattr(_local, "stack", _EMPTY)
        try:
            _local.stack = st[:st.index(self._rec)]
        except ValueError:
            pass

    def __exit__(self, *exc):
        _local.stack = self._saved


class replaced:
    """Run a block with ``recorders`` as this thread's whole stack.

    A ``gradtape.function`` being traced stays outermost: it must see every op.
    """

    __slots__ = ("_new", "_saved")

    def __init__(self, recorders):
        self._new = tuple(recorders)

    def __enter__(self):
        self._saved = getattr(_local, "stack", _EMPTY)
        t = tracer()
        if t is not None and t not in self._new:
            self._new = (t,) + self._new
        _local.stack = self._new
        with _lock:
            _active[0] += len(self._new)

    def __exit__(self, *exc):
        _local.stack = self._saved
        with _lock:
            _active[0] -= len(self._new)


def python_apply(op: Any, inputs: Sequence[Any], params: Dict[str, Any], _new=Tensor.__new__,
                 _T=Tensor) -> Any:
    """Run ``op`` on ``inputs`` (Tensors or Variables) and record it.

    Returns a Tensor, or a tuple of Tensors for a multi-output op.  With no
    recorder active anywhere this only computes and wraps.  ``apply`` is this
    function, or its C form (``_apply.c``) when that was built.

    >>> import gradtape as tf
    >>> from gradtape.extend import OPS, apply
    >>> apply(OPS["multiply"], (tf.constant(2.0), tf.constant(3.0)), {}).numpy()
    6.0
    """
    recorders = None
    if _active[0]:
        recorders = getattr(_local, "stack", None)
        if foreign[0]:  # another array namespace is in use (this keeps ``_active[0]`` > 0)
            return _apply_any_namespace(op, inputs, params, recorders)
    # (no closure in here: a variable a nested function reads costs every call a cell)
    try:
        if params:
            if len(inputs) == 2:
                out = op.numpy_impl(inputs[0]._value, inputs[1]._value, **params)
            else:
                out = op.numpy_impl(*[x._value for x in inputs], **params)
        elif len(inputs) == 1:
            out = op.numpy_impl(inputs[0]._value)
        elif len(inputs) == 2:
            out = op.numpy_impl(inputs[0]._value, inputs[1]._value)
        else:
            out = op.numpy_impl(*[x._value for x in inputs])
    except _RAW_ERRORS as e:
        raise _op_error(op, inputs, e) from None
    except RuntimeWarning as warning:
        out = _warn_and_recompute(op, inputs, params, warning)
    if op.multi:
        out = tuple([wrap(o) for o in out])
    else:
        t = _new(_T)
        t._value = out
        t._uid = _next_uid()
        out = t
    if recorders:
        # a Variable is read as a snapshot, which watches it
        if len(inputs) == 2:
            a, b = inputs
            if type(a) is not _T or type(b) is not _T or type(inputs) is not tuple:
                inputs = (a if type(a) is _T else a._read_under(recorders),
                          b if type(b) is _T else b._read_under(recorders))
        else:
            for x in inputs:
                if type(x) is not _T:
                    inputs = tuple([x if type(x) is _T else x._read_under(recorders)
                                    for x in inputs])
                    break
            else:
                if type(inputs) is not tuple:
                    inputs = tuple(inputs)
        for rec in recorders:
            rec.record(op, inputs, out, params)
    return out


def _failed(op, inputs, params, error):
    """What the C ``apply`` makes of ``error``, raised by ``op``'s NumPy code: a
    gradtape error naming the op, or a warning at the user's line and the result."""
    if isinstance(error, RuntimeWarning):
        return _warn_and_recompute(op, inputs, params, error)
    raise _op_error(op, inputs, error) from None


def _wrap_all(outs):
    """A multi-output op's results as Tensors."""
    return tuple([wrap(o) for o in outs])


def _warn_and_recompute(op, inputs, params, warning):
    """``warning`` (a NumPy floating-point warning) at the user's line, and the
    op's result computed again without it."""
    values = [x._value for x in inputs]
    return _warn_at_user_line(op, warning, lambda: op.numpy_impl(*values, **params))


def _apply_any_namespace(op, inputs, params, recorders):
    """``apply`` once a non-NumPy array exists: the impl of the inputs' namespace."""
    if recorders:
        inputs = tuple([x._read() for x in inputs])
    values = [x._value for x in inputs]
    try:
        out = compute(op, values, params)
    except _RAW_ERRORS as e:
        raise _op_error(op, inputs, e) from None
    except RuntimeWarning as warning:
        out = _warn_at_user_line(op, warning, lambda: compute(op, values, params))
    out = tuple([wrap(o) for o in out]) if op.multi else wrap(out)
    for rec in recorders or _EMPTY:
        rec.record(op, inputs, out, params)
    return out


_RAW_ERRORS = (ValueError, TypeError, IndexError, ArithmeticError)

# NumPy warns of a floating-point error (log of 0, overflow...) at the Python
# line that called the ufunc: gradtape's, for every op alike (and, shown once
# per line, only the first op's).  While this filter stands (a user's own
# filters come first), such a warning raised here is an error that
# ``_warn_at_user_line`` turns into the same warning at the user's line.
warnings.filterwarnings("error", category=RuntimeWarning,
                        module=re.escape(__name__) + r"\Z", append=True)


def _op_error(op, inputs, error):
    """A NumPy failure inside ``op`` as a gradtape error naming the op and its inputs."""
    if isinstance(error, OpError):
        return error
    got = ", ".join(f"{x.dtype.name}{list(x._value.shape)}" for x in inputs)
    kind = TypeError if isinstance(error, TypeError) else InvalidArgumentError
    return kind(f"{op.name}: {error} (inputs: {got})")


def _use_c_apply():
    """``_apply.c``'s ``apply`` when it was built (``GRADTAPE_PURE_PYTHON=1`` keeps
    ``python_apply``).  It has no Python frame: ``sites.apply_frames`` tells the
    record how far the user's frame is, ``state.applying`` names the ops it runs."""
    if os.environ.get("GRADTAPE_PURE_PYTHON"):
        return python_apply
    try:
        from . import _apply
    except ImportError:  # built without a C compiler
        return python_apply
    _apply.install(Op, Tensor, state, _next_uid, python_apply, _apply_any_namespace, _failed,
                   _wrap_all, _RAW_ERRORS)
    sites.apply_frames = 0
    state.applying = _apply.applying
    state.applied_fast = getattr(_apply, "applied_fast", state.applied_fast)
    return _apply.apply


def _wrap_array():
    """``tensor.wrap``, in C where the C apply is built (the sweep wraps its results)."""
    if apply is python_apply:
        return wrap
    from . import _apply
    return _apply.wrap


apply = _use_c_apply()
wrap_array = _wrap_array()
#: Whether ``apply`` is the C one (``_apply.c``).
C_APPLY = apply is not python_apply


def record(op, inputs, out, params):
    """Offer an op computed elsewhere (``custom_gradient``) to the recorders.

    A function being traced has already seen the ops that computed it.
    """
    for rec in stack():
        if not rec.traces_ops:
            rec.record(op, inputs, out, params)

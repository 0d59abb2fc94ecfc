"""The recording stack and the op-dispatch hot path.

Every op goes through ``apply``.  With no tape or accumulator active in any
thread it computes and wraps, nothing else.  Otherwise each active recorder of
this thread (tapes and forward accumulators, outermost first) is offered the
op; a recorder decides for itself whether the op touches something it tracks.

While a recorder runs rules of its own (an accumulator's JVPs), only the
recorders outside it stay active, so outer recorders see the inner one's work
(that is how nesting gives higher derivatives) and never the reverse.
"""
import functools
import operator
import threading

from ..errors import InvalidArgumentError, OpError
from .backend import NP, compute, foreign
from .tensor import Tensor, _next_uid, wrap

_local = threading.local()
_lock = threading.Lock()
_active = [0]  # recorders entered in any thread: 0 means the fast path for all
_EMPTY = ()


# NumPy's operators give the same results as these ufuncs on arrays, and are
# far faster on the 0-d values scalar work produces (a binary ufunc call on two
# NumPy scalars costs about 1 µs, the operator about 30 ns).
_OPERATOR_FORMS = {NP.add: operator.add, NP.subtract: operator.sub,
                   NP.multiply: operator.mul, NP.true_divide: operator.truediv}


def _by_name(ufunc):
    """The impl of an op declared by a NumPy ufunc: the namespace's function
    of the ufunc's name (the NumPy path calls the ufunc itself)."""
    name = ufunc.__name__

    def impl(xp, *arrays):
        return getattr(xp, name)(*arrays)
    impl.__name__ = impl.__qualname__ = name
    return impl


class Op:
    """A primitive: its forward computation and its differentiation rules.

    ``impl(xp, *arrays, **params)`` computes on raw arrays with the functions
    of the array namespace ``xp`` it is given; ``portable``, when given, is
    what namespaces other than NumPy run instead (an impl whose NumPy form
    uses what the array-API standard lacks).  A NumPy ufunc as ``impl``
    stands for the function of its name in each namespace.  The NumPy path
    calls ``numpy_impl(*arrays, **params)``: ``impl`` with NumPy bound, or
    the ufunc itself (Python's operator for ``+ - * /``).

    ``vjps[i](ct, ans, *inputs, **params)`` returns the cotangent of input
    ``i`` as a Tensor (or None); ``jvp(tangents, ans, *inputs, **params)``
    returns the output tangent from the input tangents (None where an input
    has none).  Rules are written with gradtape's own ops, so a tape watching
    them differentiates them again.

    ``save`` says which inputs the VJPs read (``"all"``, ``"none"`` or a tuple
    of indices); the tape keeps only those (and the output if ``save_ans``),
    and a stand-in with ``shape`` and ``dtype`` for the others.

    ``elementwise`` says the Jacobian w.r.t. every input of the output's size
    is diagonal in row-major order (elementwise ops, reshape), so a vectorized
    Jacobian's one-hot cotangent rows stay one-hot; ``onehot_vjps[i](rows, ans,
    *inputs, **params)``, when given, computes input ``i``'s batched cotangent
    from such rows directly (see ``_core/onehot.py``), or returns None.

    ``stateful`` marks an impl whose result is not a function of its inputs
    and parameters alone (a random draw): ``gradtape.function`` never
    computes it ahead of a call.
    """

    __slots__ = ("name", "impl", "vjps", "jvp", "save", "save_ans", "multi",
                 "nondiff", "batch_vjp", "batch_jvp", "elementwise", "onehot_vjps", "stateful",
                 "portable", "numpy_impl", "__weakref__")

    def __init__(self, name, impl, vjps=None, jvp=None, save="all", save_ans=False,
                 multi=False, nondiff=False, batch_vjp=True, batch_jvp=True,
                 elementwise=False, onehot_vjps=None, stateful=False, portable=None):
        self.name = name
        if isinstance(impl, NP.ufunc):
            self.numpy_impl = _OPERATOR_FORMS.get(impl, impl)
            impl = _by_name(impl)
        else:
            self.numpy_impl = None if impl is None else functools.partial(impl, NP)
        self.impl = impl
        self.portable = portable
        self.vjps = vjps
        self.jvp = jvp
        self.save = save
        self.save_ans = save_ans
        self.multi = multi
        self.nondiff = nondiff
        self.batch_vjp = batch_vjp
        self.batch_jvp = batch_jvp
        self.elementwise = elementwise
        self.onehot_vjps = onehot_vjps
        self.stateful = stateful

    def __repr__(self):
        return f"<Op {self.name}>"


def stack():
    """The recorders active in this thread, outermost first (a tuple)."""
    return getattr(_local, "stack", _EMPTY)


def push(recorder):
    """Make ``recorder`` the innermost active recorder of this thread."""
    _local.stack = getattr(_local, "stack", _EMPTY) + (recorder,)
    with _lock:
        _active[0] += 1


def pop(recorder):
    """Remove ``recorder`` from this thread's active recorders."""
    st = getattr(_local, "stack", _EMPTY)
    if recorder in st:
        _local.stack = tuple(r for r in st if r is not recorder)
        with _lock:
            _active[0] -= 1


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


def apply(op, inputs, params, _new=Tensor.__new__, _T=Tensor):
    """Run ``op`` on ``inputs`` (Tensors or Variables) and record it.

    Returns a Tensor, or a tuple of Tensors for a multi-output op.  With no
    recorder active anywhere this only computes and wraps.
    """
    recorders = None
    if _active[0]:
        recorders = getattr(_local, "stack", None)
        if foreign[0]:  # another array namespace is in use (this keeps ``_active[0]`` > 0)
            return _apply_any_namespace(op, inputs, params, recorders)
    try:
        if params:
            out = op.numpy_impl(*[x._value for x in inputs], **params)
        elif len(inputs) == 2:
            out = op.numpy_impl(inputs[0]._value, inputs[1]._value)
        else:
            out = op.numpy_impl(*[x._value for x in inputs])
    except _RAW_ERRORS as e:
        raise _op_error(op, inputs, e) from None
    if op.multi:
        out = tuple([wrap(o) for o in out])
    else:
        t = _new(_T)
        t._value = out
        t._uid = _next_uid()
        out = t
    if recorders:
        for x in inputs:
            if type(x) is not _T:  # a Variable: read a snapshot, which watches it
                inputs = tuple([x if type(x) is _T else x._read() for x in inputs])
                break
        else:
            if type(inputs) is not tuple:
                inputs = tuple(inputs)
        for rec in recorders:
            rec.record(op, inputs, out, params)
    return out


def _apply_any_namespace(op, inputs, params, recorders):
    """``apply`` once a non-NumPy array exists: the impl of the inputs' namespace."""
    if recorders:
        inputs = tuple([x._read() for x in inputs])
    values = [x._value for x in inputs]
    try:
        out = compute(op, values, params)
    except _RAW_ERRORS as e:
        raise _op_error(op, inputs, e) from None
    out = tuple([wrap(o) for o in out]) if op.multi else wrap(out)
    for rec in recorders or _EMPTY:
        rec.record(op, inputs, out, params)
    return out


_RAW_ERRORS = (ValueError, TypeError, IndexError, ArithmeticError)


def _op_error(op, inputs, error):
    """A NumPy failure inside ``op`` as a gradtape error naming the op and its inputs."""
    if isinstance(error, OpError):
        return error
    got = ", ".join(f"{x.dtype.name}{list(x._value.shape)}" for x in inputs)
    kind = TypeError if isinstance(error, TypeError) else InvalidArgumentError
    return kind(f"{op.name}: {error} (inputs: {got})")


def record(op, inputs, out, params):
    """Offer an op computed elsewhere (``custom_gradient``) to the recorders.

    A function being traced has already seen the ops that computed it.
    """
    for rec in stack():
        if not getattr(rec, "traces_ops", False):
            rec.record(op, inputs, out, params)


def tracer():
    """The ``gradtape.function`` being traced in this thread, or None."""
    st = getattr(_local, "stack", _EMPTY)
    return st[0] if st and getattr(st[0], "traces_ops", False) else None


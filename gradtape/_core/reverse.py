"""The tape as plain data, and the backward sweep over it.

``TapeRecorder`` owns the tape: one entry per recorded op, kept as a tuple
(cheap to build on the hot path) that only this module indexes; everyone
else reads entries through ``Entry`` views (``entry(i)``, ``views()``).  An
entry holds the op, the ids of its inputs and outputs, the inputs its VJPs
read (a ``Meta`` stand-in for the others), its output(s) if the VJPs read
them, the op's parameters, the shapes and dtypes of a multi-output op's
outputs, and where in user code the op ran (``sites.py``).

``backward`` visits only entries on a path from a watched source to a target,
in reverse recording order, sums cotangents per tensor id, undoes
broadcasting and matches dtypes once here, and frees what it consumed when the
tape is not persistent.  The vectorized Jacobian sweep, whose cotangents
carry extra leading axes, is ``rows.backward_rows``.
"""
import os
from collections import namedtuple
from itertools import repeat
from operator import itemgetter

from . import basic_ops, sites
from .backend import DOT_REPORTS_OVERFLOW, NP
from .dtypes import NUMPY_INEXACT_KINDS as _INEXACT_KINDS, SCALAR_KINDS as _SCALAR_KINDS, kind
from .sites import getframe as _getframe, user_site
from .state import foreign
from .op import Op
from .tensor import Tensor, wrap
from .trace import Recorder, stack as _recorders, wrap_array

_OP, _IN, _SAVED, _OUT, _ANS, _PARAMS, _OUT_META, _CODE, _LASTI = range(9)
_OP_OF = itemgetter(_OP)
_GRAPH_COLUMNS = tuple(map(itemgetter, (_OP, _IN, _OUT, _CODE, _LASTI)))
_ndarray = NP.ndarray

#: A named view of a tape entry (the tape itself keeps plain tuples).
Entry = namedtuple("Entry", "op inputs saved outputs ans params out_meta code lasti")
Entry.__doc__ = """A recorded op, by name: ``op``, the input ids ``inputs``, the ``saved``
inputs (``Meta`` for the ones not kept), the output id(s) ``outputs`` (a
tuple for a multi-output op), the output ``ans`` when the VJPs read it, the
``params``, ``out_meta`` (shapes and dtypes of a multi-output op's outputs)
and the user ``code`` object and instruction offset ``lasti`` it ran at.

>>> import gradtape as tf
>>> x = tf.constant(2.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = x * x
>>> [(e.op.name, len(e.inputs)) for e in tape._rec.views()]
[('multiply', 2)]
"""


class Meta:
    """Shape and dtype of an input whose value the tape did not keep."""

    __slots__ = ("shape", "dtype", "ndim")

    def __init__(self, shape, dtype):
        self.shape = shape
        self.dtype = dtype
        self.ndim = len(shape)

    def __repr__(self):
        return f"Meta(shape={self.shape}, dtype={self.dtype})"


_METAS = {}


def _meta(value):
    """The (shared, immutable) stand-in for an array of ``value``'s shape and dtype."""
    key = (value.shape, value.dtype)
    m = _METAS.get(key)
    if m is None:
        if len(_METAS) > 4096:
            _METAS.clear()
        m = _METAS[key] = Meta(value.shape, value.dtype)
    return m


def shape_dtype(x):
    """``(shape, dtype)`` of a saved input (a Tensor or a ``Meta``)."""
    if type(x) is Meta:
        return x.shape, x.dtype
    v = x._value
    return v.shape, v.dtype


# how far up from ``TapeRecorder.record`` the frame that called apply is
_SITE_DEPTH = 1 + sites.apply_frames
_OWN_FILES = sites.OWN_FILES


class TapeRecorder(Recorder):
    """The recording half of a GradientTape: the entries and what they track."""

    __slots__ = ("entries", "producer", "tracked", "cut_only", "variables", "watch_accessed",
                 "notes", "stacks", "reads", "complex_seen", "__weakref__")

    def __init__(self, watch_accessed_variables=True):
        self.entries = []
        self.producer = {}
        self.tracked = set()
        # tracked ids no gradient can reach (an integer or bool result, a
        # stop_gradient): kept so explain can follow a path past a cut, but
        # never a source of gradients, as in TensorFlow
        self.cut_only = set()
        self.variables = {}
        self.watch_accessed = watch_accessed_variables
        self.notes = []   # cut points and escapes, for gradtape.explain
        self.stacks = {}  # entry index -> full stack (gradtape.debugging's debug mode)
        self.reads = {}   # Variable id -> where it was read but not watched
        # whether an entry has a complex output: only then can a cotangent be
        # complex, and the sweep runs the rules that conjugate for it
        self.complex_seen = False

    def watch(self, x):
        """Track ``x`` (a Tensor, or a Variable by its id)."""
        self.tracked.add(x._uid)

    def watch_variable(self, var):
        """Auto-watch a trainable Variable read while this tape was active."""
        if self.watch_accessed:
            uid = var._uid
            if uid not in self.variables:  # (read again and again in a step)
                self.tracked.add(uid)
                self.variables[uid] = var
                if kind(var._value.dtype) not in "fc":
                    self.cut_only.add(uid)
        elif var._uid not in self.tracked:
            self.note_read(var)

    def add_variable(self, var):
        """Watch a Variable explicitly (``tape.watch(variable)``)."""
        self.tracked.add(var._uid)
        self.variables[var._uid] = var
        self.cut_only.discard(var._uid)

    def record(self, op, inputs, out, params):
        n = len(inputs)
        if n == 2:
            in_uids = (inputs[0]._uid, inputs[1]._uid)
        elif n == 1:
            in_uids = (inputs[0]._uid,)
        else:
            in_uids = tuple([x._uid for x in inputs])
        tracked = self.tracked
        if tracked.isdisjoint(in_uids):
            return
        if op.nondiff:
            return self.note_cut(op, inputs, out)
        if op.multi:
            kinds = [kind(o._value.dtype) for o in out]
            outs = [o for o, k in zip(out, kinds) if k in "fc"]
            if "c" in kinds:
                self.complex_seen = True
            out_meta = tuple([(o._value.shape, o._value.dtype) for o in out])
            out_uids = tuple([o._uid for o in out])
        else:
            v = out._value
            if type(v) is _ndarray:
                k = _INEXACT_KINDS.get(v.dtype)
            else:
                k = _SCALAR_KINDS.get(type(v))  # as the unary ops' check: no dtype made for a scalar
            if k is None:
                k = kind(v.dtype)
            if k != "f":
                if k != "c":
                    return self.note_cut(op, inputs, out)
                self.complex_seen = True
            out_meta = None
            out_uids = out._uid
        save = op.save
        if save == "all":
            saved = inputs
        elif save == "none":
            metas = _METAS
            if len(inputs) == 1:
                v = inputs[0]._value
                saved = (metas.get((v.shape, v.dtype)) or _meta(v),)
            elif len(inputs) == 2:
                a, b = inputs[0]._value, inputs[1]._value
                saved = (metas.get((a.shape, a.dtype)) or _meta(a),
                         metas.get((b.shape, b.dtype)) or _meta(b))
            else:
                saved = tuple([metas.get((x._value.shape, x._value.dtype)) or _meta(x._value)
                               for x in inputs])
        else:
            saved = tuple([x if i in save else _meta(x._value) for i, x in enumerate(inputs)])
        idx = len(self.entries)
        if sites.enabled:
            # the walk to the user's frame starts at the one that called apply
            # (record <- apply <- caller, or record <- caller with the C apply);
            # nearer frames are never touched, and the last user code seen ends it
            try:
                f = _getframe(_SITE_DEPTH)
                code = f.f_code
                if code is not sites.last_user and code.co_filename in _OWN_FILES:
                    f = f.f_back  # (a public op's frame: the user's is usually next)
                    code = f.f_code
                if code is not sites.last_user:  # (always, in debug mode)
                    f = sites.user_frame(f)
                    code = f.f_code
                    if sites.keep_stacks:
                        self.stacks[idx] = sites.stack_at(f)
                lasti = f.f_lasti
            except (AttributeError, ValueError):
                code = lasti = None
        else:
            code = lasti = None
        self.entries.append((op, in_uids, saved, out_uids,
                             out if op.save_ans else None, params, out_meta, code, lasti))
        if self.cut_only and self._through_cut_only(in_uids):
            # recorded for explain only: no gradient reaches its inputs
            self.cut_only.update([out_uids] if out_meta is None else [o._uid for o in outs])
        if out_meta is None:
            self.producer[out_uids] = idx
            tracked.add(out_uids)
            return
        producer = self.producer
        for o in outs:
            producer[o._uid] = idx
            tracked.add(o._uid)

    # -- named views of the entries (off the hot path) -------------------------
    def entry(self, idx):
        """Entry ``idx`` as an ``Entry`` (None once a sweep has freed it)."""
        e = self.entries[idx]
        return None if e is None else Entry._make(e)

    def uses(self, op):
        """Whether ``op`` has an entry on the tape (a scan at C speed: it may run
        on every ``gradient()``)."""
        return op in map(_OP_OF, filter(None, self.entries))

    def views(self):
        """Every entry as an ``Entry``, by index (None where a sweep freed one)."""
        make = Entry._make
        return [None if e is None else make(e) for e in self.entries]

    def graph(self):
        """The graph without values, as five columns over the entries: their ops,
        inputs, outputs, code and lasti (None in each where an entry was freed).
        Taken before a sweep frees a non-persistent tape, so on every such
        ``gradient()``: five C-level list copies, no object made per entry."""
        entries = self.entries
        try:  # (maps of maps: no Python frame per column)
            return tuple(map(list, map(map, _GRAPH_COLUMNS, repeat(entries))))
        except TypeError:  # entries a sweep already freed
            return tuple([[None if e is None else column(e) for e in entries]
                          for column in _GRAPH_COLUMNS])

    # -- what explain needs beyond the entries (off the common path) ----------
    def _through_cut_only(self, in_uids):
        """Whether every tracked input is one no gradient can reach."""
        tracked, cut_only = self.tracked, self.cut_only
        return all(u in cut_only or u not in tracked for u in in_uids)

    def note_cut(self, op, inputs, out):
        """Note a tracked value entering an op with no gradient (argmax, a
        comparison, an integer cast, stop_gradient).

        The output stays tracked so the ops after it are recorded and the cut
        can be found again.  As in TensorFlow, a floating output of an op with a
        gradient of None (``round``, ``floor``) is a new start for gradients;
        an integer or bool output, a ``stop_gradient``'s, and any output of
        inputs no gradient reaches are not (``cut_only``).
        """
        outs = out if op.multi else (out,)
        in_uids = tuple([x._uid for x in inputs])
        beyond = op.nondiff == "stop" or self._through_cut_only(in_uids)
        code, lasti = user_site(2)
        self.notes.append(("cut", op, in_uids, tuple([o._uid for o in outs]), code, lasti))
        for o in outs:
            self.tracked.add(o._uid)
            if beyond or kind(o._value.dtype) not in "fc":
                self.cut_only.add(o._uid)

    def note_escape(self, x, how):
        """Note a tracked value leaving the tape (``.numpy()``, ``float()``,
        ``if``, an ``assign``...)."""
        if x._uid in self.tracked:
            code, lasti = user_site(2)
            self.notes.append(("escape", how, (x._uid,), (), code, lasti))

    def note_read(self, var):
        """Note where a Variable this tape does not watch was first read."""
        if var._uid not in self.reads:
            self.reads[var._uid] = user_site(2)


def _use_c_record():
    """Put ``_record.c``'s ``record`` on ``TapeRecorder`` when it was built (the same
    entries for the common case, the method above for every other one); whether it is
    in use. ``GRADTAPE_PURE_PYTHON=1`` keeps the Python method."""
    if os.environ.get("GRADTAPE_PURE_PYTHON"):
        return False
    try:
        from . import _record
    except ImportError:  # built without a C compiler
        return False
    _record.install(TapeRecorder, Op, Tensor, NP.ndarray, TapeRecorder.python_record,
                    _INEXACT_KINDS, _SCALAR_KINDS, _METAS, _meta, sites, sites.apply_frames)
    return True


TapeRecorder.python_record = TapeRecorder.record
#: Whether TapeRecorder.record is the C one (``_record.c``).
C_RECORD = _use_c_record()


def live_ids(recorder, source_uids):
    """The ids on a path from a source: those whose cotangent is worth computing.

    Only a tracked source starts a path (one the tape watched, or an output of
    a recorded op), never one in ``cut_only``: that is TensorFlow's rule, so an
    unwatched constant, a non-trainable Variable or a value computed off the
    tape gets None even when it is an input of a recorded op.  When every
    tracked id that no entry produced (the watched tensors and Variables) is
    a source, that is everything the tape tracks; otherwise one pass in
    recording order finds them.
    """
    tracked, cut_only = recorder.tracked, recorder.cut_only
    sources = tracked.intersection(source_uids)  # an untracked source gets None
    if cut_only:
        sources -= cut_only
    elif tracked.difference(recorder.producer) <= sources:
        return tracked
    live = sources
    for entry in recorder.entries:
        if entry is None or live.isdisjoint(entry[_IN]):
            continue
        outs = entry[_OUT]
        if type(outs) is tuple:
            live.update(outs)
        else:
            live.add(outs)
    return live


_UNBROADCAST_AXES = {}


def unbroadcast(gv, shape, nbatch):
    """Sum the array ``gv`` over the axes broadcasting added, to ``shape``."""
    key = (gv.shape, shape, nbatch)
    axes = _UNBROADCAST_AXES.get(key)
    if axes is None:
        extra = gv.ndim - len(shape)
        axes = tuple(range(nbatch, nbatch + extra)) + tuple(
            extra + i for i in range(nbatch, len(shape))
            if shape[i] == 1 and gv.shape[extra + i] != 1)
        if len(_UNBROADCAST_AXES) > 4096:
            _UNBROADCAST_AXES.clear()
        _UNBROADCAST_AXES[key] = axes
    if not axes:
        return gv.reshape(shape) if gv.shape != shape else gv
    if axes[-1] == len(axes) - 1 and gv.dtype in BLAS_FLOATS and gv.size and DOT_REPORTS_OVERFLOW:
        return sum_leading(gv, len(axes), shape)
    gv = NP.add.reduce(gv, axis=axes, dtype=gv.dtype)
    return gv.reshape(shape) if gv.shape != shape else gv


#: the dtypes whose sums over leading axes are BLAS products (``sum_leading``)
BLAS_FLOATS = frozenset([NP.dtype(NP.float32), NP.dtype(NP.float64)])
_ONES = {}


def sum_leading(gv, k, shape):
    """A float32 or float64 array ``gv`` summed over its ``k`` leading axes, to
    ``shape``: one product with a vector of ones (a BLAS gemv), as a dense layer's
    bias gradient is often computed.  On small arrays it costs a third of
    ``add.reduce``; ``_sweep.c`` computes it the same way, bit for bit.

    >>> import numpy as np
    >>> sum_leading(np.ones((2, 3, 4), np.float32), 2, (4,))
    array([6., 6., 6., 6.], dtype=float32)
    """
    rows = 1
    for d in gv.shape[:k]:
        rows *= d
    ones = _ONES.get((rows, gv.dtype))
    if ones is None:
        if len(_ONES) > 64:
            _ONES.clear()
        ones = _ONES[rows, gv.dtype] = NP.ones(rows, gv.dtype)
    out = ones.dot(gv.reshape(rows, -1))
    return out.reshape(shape) if out.shape != shape else out


def with_zeros(got, out_meta, batch_shape=()):
    """A multi-output op's cotangents, zeros where an output got none (None if all)."""
    if all(g is None for g in got):
        return None
    like = next(g for g in got if g is not None)._value  # zeros of the same namespace
    return tuple([g if g is not None else basic_ops.zeros(batch_shape + tuple(shape), dtype, like)
                  for g, (shape, dtype) in zip(got, out_meta)])


def accumulate_ops(cts, u, g, shape, dtype, nbatch):
    """Add ``g`` to the cotangent of ``u`` with ops (a recorder watches the sweep)."""
    if tuple(g._value.shape) != tuple(shape):
        g = basic_ops.sum_to_shape(g, shape, nbatch)
    if g._value.dtype != dtype and kind(dtype) in "fc":
        g = basic_ops.cast(g, dtype)
    prev = cts.get(u)
    cts[u] = g if prev is None else basic_ops.add(prev, g)


def pass_through(ct, ans, *inputs, **params):
    """The VJP rule of an input whose cotangent is the output's (add, identity):
    the C sweep hands the cotangent on without calling it."""
    return ct


def negated(ct, ans, *inputs, **params):
    """The VJP rule of an input whose cotangent is minus the output's (the
    C sweep negates the cotangent without calling it)."""
    return -ct


def call_vjp(op, i, ct, ans, saved, params):
    """Input ``i``'s cotangent from ``op``'s VJP rule."""
    return op.vjps[i](ct, ans, *saved, **params)


def seeded(target_cts, add):
    """The targets' cotangents by id, summed where a target repeats."""
    cts = {}
    for uid, ct in target_cts:
        cts[uid] = ct if uid not in cts else add(cts[uid], ct)
    return cts


def free(recorder, persistent):
    """Drop a non-persistent tape's entries once a sweep has used them."""
    if not persistent:
        recorder.entries.clear()
        recorder.producer.clear()


def backward(recorder, target_cts, source_uids, persistent, vjp_caller=None):
    """Propagate cotangents from targets back to sources.

    ``target_cts`` is a list of ``(uid, cotangent)``; returns ``{uid: ct}`` for
    the source ids reached.  ``vjp_caller(op, i, ct, ans, saved, params,
    call_vjp)``, when given, makes each VJP call (``check_numerics``).

    Entries are visited in reverse recording order; one whose outputs got no
    cotangent is not on a path from a target and is skipped.  A cotangent is
    dropped as soon as its producer's VJPs have consumed it.

    With no recorder watching the sweep (first order) on NumPy, the sweep
    works on arrays (``_sweep_arrays``); otherwise every step is an op, so a
    watching tape differentiates the sweep itself (``_sweep_ops``).
    """
    live = live_ids(recorder, source_uids)
    keep = set(source_uids)
    if vjp_caller is None and not _recorders() and not foreign[0]:
        found = _sweep_arrays(recorder.entries, target_cts, live, keep, persistent,
                              recorder.complex_seen)
        found = dict(zip(*_wrapped(found, source_uids)))
    else:
        found = _sweep_ops(recorder.entries, target_cts, live, keep, persistent, vjp_caller)
        found = {u: found[u] for u in source_uids if u in found}
    free(recorder, persistent)
    return found


def _wrapped(arrays, uids):
    """The ids of ``uids`` that ``arrays`` holds, and those arrays as Tensors."""
    got = [u for u in uids if u in arrays]
    return got, map(wrap_array, map(arrays.__getitem__, got))


def _sweep_ops(entries, target_cts, live, keep, persistent, vjp_caller):
    """The sweep with gradtape ops: cotangents are Tensors, each step recorded."""
    cts = seeded(target_cts, basic_ops.add)
    for idx in range(len(entries) - 1, -1, -1):
        entry = entries[idx]
        if entry is None:
            continue
        op, in_uids, saved, outs, ans, params, out_meta = entry[:7]
        ct = cts.get(outs) if out_meta is None else with_zeros([cts.get(u) for u in outs],
                                                                out_meta)
        if ct is None:
            continue
        if not persistent:
            entries[idx] = None
        for i, u in enumerate(in_uids):
            if u not in live or op.vjps[i] is None:
                continue
            if vjp_caller is not None:
                g = vjp_caller(op, i, ct, ans, saved, params, call_vjp)
            else:
                g = op.vjps[i](ct, ans, *saved, **params)
            if g is not None:
                shape, dtype = shape_dtype(saved[i])
                accumulate_ops(cts, u, g, shape, dtype, 0)
        _drop_consumed(cts, outs, out_meta, keep)
    return cts


def _sweep_arrays(entries, target_cts, live, keep, persistent, complex_seen=True):
    """The first-order sweep on NumPy arrays: cotangents are arrays, an op's
    ``numpy_vjps`` run where it has them (its Tensor VJPs otherwise;
    ``real_numpy_vjps`` unless a recorded value is complex), and a sum made
    here is ours to update in place (``owned``).  The loop is ``_sweep.c``'s
    when it was built, ``python_sweep_arrays`` otherwise."""
    cts, owned = {}, set()
    for uid, ct in target_cts:
        if uid in cts:
            cts[uid] = cts[uid] + ct._value
            owned.add(uid)
        else:
            cts[uid] = ct._value
    current = [None]  # the op being differentiated (user_warnings names it)
    return _sweep_loop(entries, cts, owned, live, keep, persistent, complex_seen, current)


def python_sweep_arrays(entries, cts, owned, live, keep, persistent, complex_seen, current):
    """``_sweep_arrays``' loop in Python: the reference for ``_sweep.c``."""
    get, ndarray = cts.get, NP.ndarray
    for idx in range(len(entries) - 1, -1, -1):
        entry = entries[idx]
        if entry is None:
            continue
        op, in_uids, saved, outs, ans, params, out_meta, _, _ = entry
        if out_meta is None:
            ct = get(outs)
        else:
            ct = _array_cts(cts, outs, out_meta)
        if ct is None:
            continue
        if not persistent:
            entries[idx] = None
        current[0] = op
        fast = op.numpy_vjps if complex_seen else op.real_numpy_vjps
        av = None if ans is None or fast is None else ans._value
        if len(saved) == 2:
            x, y = saved
            values = (x if type(x) is Meta else x._value, y if type(y) is Meta else y._value)
        elif len(saved) == 1:
            x = saved[0]
            values = (x if type(x) is Meta else x._value,)
        else:
            values = [x if type(x) is Meta else x._value for x in saved]
        i = -1
        for u in in_uids:
            i += 1
            if u not in live:
                continue
            if fast is not None and fast[i] is not None:
                gv = fast[i](ct, av, *values, **params) if params else fast[i](ct, av, *values)
            else:
                vjp = op.vjps[i]
                if vjp is None:
                    continue
                gv = _tensor_vjp(vjp, ct, out_meta, ans, saved, params)
                if gv is None:
                    continue
            x = values[i]
            if type(gv) is not type(x) or type(gv) is ndarray:  # (two NumPy scalars of one type match)
                if gv.shape != x.shape:
                    gv = unbroadcast(gv, x.shape, 0)
                dtype = x.dtype
                if gv.dtype is not dtype and gv.dtype != dtype and dtype.kind in "fc":
                    gv = gv.astype(dtype)
            prev = get(u)
            if prev is None:
                cts[u] = gv
            elif type(prev) is not ndarray:  # NumPy scalars: the operator is the fast add
                cts[u] = prev + gv
            elif u in owned:
                NP.add(prev, gv, out=prev)
            else:
                cts[u] = NP.add(prev, gv)
                owned.add(u)
        if out_meta is not None:
            _drop_consumed(cts, outs, out_meta, keep)
        elif outs not in keep:
            del cts[outs]
    return cts


def _tensor_vjp(vjp, ct, out_meta, ans, saved, params):
    """A Tensor VJP rule's result on cotangent arrays ``ct``, as an array (None if none)."""
    g = vjp(_as_tensors(ct, out_meta), ans, *saved, **params)
    return None if g is None else g._value


def _drop_consumed(cts, outs, out_meta, keep):
    """Free an entry's output cotangents once its VJPs have run (sources stay)."""
    if out_meta is None:
        if outs not in keep:
            cts.pop(outs, None)
    else:
        for u in outs:
            if u not in keep:
                cts.pop(u, None)


def _array_cts(cts, outs, out_meta):
    """A multi-output op's cotangent arrays, zeros where an output got none (None if all)."""
    got = [cts.get(u) for u in outs]
    if all(g is None for g in got):
        return None
    return tuple([g if g is not None else NP.zeros(shape, dtype)
                  for g, (shape, dtype) in zip(got, out_meta)])


def _as_tensors(ct, out_meta):
    """Cotangent arrays as the Tensors a Tensor VJP takes."""
    return wrap(ct) if out_meta is None else tuple([wrap(c) for c in ct])


def _use_c_sweep():
    """``_sweep.c``'s loop when it was built (``GRADTAPE_PURE_PYTHON=1`` keeps
    ``python_sweep_arrays``)."""
    if os.environ.get("GRADTAPE_PURE_PYTHON"):
        return python_sweep_arrays
    try:
        from . import _sweep
    except ImportError:  # built without a C compiler
        return python_sweep_arrays
    _sweep.install(Op, Tensor, NP.ndarray, Meta, _array_cts, _tensor_vjp, unbroadcast,
                   _drop_consumed, pass_through, negated, DOT_REPORTS_OVERFLOW)
    return _sweep.sweep


def know_matmul(rule_a, rule_b, plain_params):
    """Tell the C sweep matmul's NumPy VJP rules (``ct.dot(b.T)`` and ``a.T.dot(ct)``
    for two matrices): it makes those products itself, without calling them,
    when the parameters are ``plain_params`` (no transposes)."""
    _tell_sweep("know_matmul", rule_a, rule_b, plain_params)


def know_tanh(rule):
    """Tell the C sweep tanh's NumPy VJP rule (``ct * (1 - ans * ans)`` in place on
    its one temporary): it makes those three ufunc calls itself for two arrays of
    one shape and dtype."""
    _tell_sweep("know_tanh", rule)


def know_relu(rule):
    """Tell the C sweep relu's NumPy VJP rule (``ct`` times ``ans > 0`` as 0/1 of
    the dtype): it computes that itself for two arrays of one shape and dtype."""
    _tell_sweep("know_relu", rule)


def _tell_sweep(what, *args):
    if C_SWEEP:
        from . import _sweep
        if hasattr(_sweep, what):
            getattr(_sweep, what)(*args)


_sweep_loop = _use_c_sweep()
#: Whether the first-order sweep's loop is the C one (``_sweep.c``).
C_SWEEP = _sweep_loop is not python_sweep_arrays

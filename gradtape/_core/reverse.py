"""The tape as plain data, and the backward sweep over it.

A tape entry is a tuple ``(op, in_uids, saved, out_uids, ans, params, out_meta,
code, lasti)``: the op, the ids of its inputs and outputs, the inputs its VJPs
read (a ``Meta`` stand-in for the others), its output(s) if the VJPs read them,
the op's parameters, the shapes and dtypes of a multi-output op's outputs, and
where in user code the op ran (the code object and instruction offset of the
first frame outside gradtape; ``gradtape.explain`` turns them into file:line).

``backward`` visits only entries on a path from a watched source to a target,
in reverse recording order, sums cotangents per tensor id, undoes
broadcasting and matches dtypes once here, and frees what it consumed when the
tape is not persistent.  A vectorized Jacobian's seed may be ``OneHotRows``
(``_core/onehot.py``): such a sweep keeps cotangents structured where ops allow.
"""
import os
import sys
import threading
import warnings

import numpy as np

from .backend import NP, foreign
from .dtypes import kind
from .onehot import OneHotRows, dense
from .tensor import wrap
from . import trace

OP, IN, SAVED, OUT, ANS, PARAMS, OUT_META, CODE, LASTI = range(9)

#: Whether each recorded op notes where in user code it ran (a few tens of ns).
note_sites = True
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _own_files():
    # spelled like the code objects' co_filename (a set lookup is cheaper than startswith)
    top = os.path.dirname(os.path.dirname(__file__))
    return frozenset(os.path.join(root, name) for root, _, names in os.walk(top)
                     for name in names if name.endswith(".py"))


_OWN_FILES = _own_files()
_getframe = sys._getframe
_last_user = None  # a code object known to be outside gradtape


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


class Hooks:
    """The few ops the sweep itself needs; installed by ``gradtape.rules``."""

    add = sum_to_shape = cast = zeros = None
    _numerics = threading.local()

    @property
    def checked_vjp(self):
        """Set while ``gradtape.debugging.check_numerics`` is active: in this thread only."""
        return getattr(self._numerics, "checker", None)

    @checked_vjp.setter
    def checked_vjp(self, checker):
        if (checker is None) != (self.checked_vjp is None):
            with _numerics_lock:
                numerics_threads[0] += 1 if checker is not None else -1
        self._numerics.checker = checker


numerics_threads = [0]  # threads with numerics checks on: 0 means none anywhere
_numerics_lock = threading.Lock()


hooks = Hooks()


def _shape_dtype(x):
    if type(x) is Meta:
        return x.shape, x.dtype
    v = x._value
    return v.shape, v.dtype


class TapeRecorder:
    """The recording half of a GradientTape: the entries and what they track."""

    __slots__ = ("entries", "producer", "tracked", "variables", "watch_accessed",
                 "notes", "stacks", "reads", "__weakref__")

    def __init__(self, watch_accessed_variables=True):
        self.entries = []
        self.producer = {}
        self.tracked = set()
        self.variables = {}
        self.watch_accessed = watch_accessed_variables
        self.notes = []   # cut points and escapes, for gradtape.explain
        self.stacks = {}  # entry index -> full stack (gradtape.debugging's debug mode)
        self.reads = {}   # Variable id -> where it was read but not watched

    def watch(self, x):
        """Track ``x`` (a Tensor, or a Variable by its id)."""
        self.tracked.add(x._uid)

    def watch_variable(self, var):
        """Auto-watch a trainable Variable read while this tape was active."""
        if self.watch_accessed:
            self.tracked.add(var._uid)
            self.variables[var._uid] = var
        elif var._uid not in self.tracked:
            self.note_read(var)

    def add_variable(self, var):
        """Watch a Variable explicitly (``tape.watch(variable)``)."""
        self.tracked.add(var._uid)
        self.variables[var._uid] = var

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
            outs = [o for o in out if kind(o._value.dtype) in "fc"]
            out_meta = tuple([(o._value.shape, o._value.dtype) for o in out])
            out_uids = tuple([o._uid for o in out])
        else:
            try:
                k = out._value.dtype.kind
            except AttributeError:  # a dtype of another namespace
                k = kind(out._value.dtype)
            if k not in "fc":
                return self.note_cut(op, inputs, out)
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
            else:
                saved = tuple([metas.get((x._value.shape, x._value.dtype)) or _meta(x._value)
                               for x in inputs])
        else:
            saved = tuple([x if i in save else _meta(x._value) for i, x in enumerate(inputs)])
        idx = len(self.entries)
        if note_sites:
            # the user's frame is usually 3 up (record <- apply <- public op <- user);
            # nearer frames are never touched, and the last user code seen skips the walk
            try:
                f = _getframe(3)
                code = f.f_code
                if code is not _last_user:
                    while code.co_filename in _OWN_FILES:
                        f = f.f_back
                        code = f.f_code
                    _remember_user(code)
                lasti = f.f_lasti
            except (AttributeError, ValueError):
                code = lasti = None
        else:
            code = lasti = None
        self.entries.append((op, in_uids, saved, out_uids,
                             out if op.save_ans else None, params, out_meta, code, lasti))
        if out_meta is None:
            self.producer[out_uids] = idx
            tracked.add(out_uids)
            return
        producer = self.producer
        for o in outs:
            producer[o._uid] = idx
            tracked.add(o._uid)

    # -- what explain needs beyond the entries (off the common path) ----------
    def note_cut(self, op, inputs, out):
        """Note a tracked value entering an op with no gradient (argmax, a
        comparison, an integer cast, stop_gradient).  Its output stays tracked
        so the ops after it are recorded and the cut can be found again."""
        outs = out if op.multi else (out,)
        code, lasti = user_site(2)
        self.notes.append(("cut", op, tuple([x._uid for x in inputs]),
                           tuple([o._uid for o in outs]), code, lasti))
        for o in outs:
            self.tracked.add(o._uid)

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


def _remember_user(code):
    global _last_user
    _last_user = code


# frames that are never the user's: gradtape's, contextlib's, NumPy's (np.mean(t))
_NOT_USER = (_PACKAGE_DIR,
             os.path.join(os.path.dirname(os.path.abspath(os.__file__)), "contextlib.py"),
             os.path.dirname(os.path.abspath(np.__file__)) + os.sep)


def user_site(depth=1):
    """``(code, lasti)`` of the first frame outside gradtape above ``depth``."""
    try:
        f = _getframe(depth + 1)
        while f.f_code.co_filename.startswith(_NOT_USER):
            f = f.f_back
        return f.f_code, f.f_lasti
    except AttributeError:
        return None, None


def _live_ids(recorder, source_uids):
    """The ids on a path from a source: those whose cotangent is worth computing.

    When every tracked id that no entry produced (the watched tensors and
    Variables) is a source, that is everything the tape tracks; otherwise one
    pass in recording order finds them.
    """
    sources = set(source_uids)
    tracked = recorder.tracked
    if tracked.difference(recorder.producer) <= sources:
        return tracked
    live = sources
    for entry in recorder.entries:
        if entry is None or live.isdisjoint(entry[IN]):
            continue
        outs = entry[OUT]
        if type(outs) is tuple:
            live.update(outs)
        else:
            live.add(outs)
    return live


_UNBROADCAST_AXES = {}


def _unbroadcast(gv, shape, nbatch):
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
    if axes:
        gv = NP.add.reduce(gv, axis=axes, dtype=gv.dtype)
    return gv.reshape(shape) if gv.shape != shape else gv


def _output_cotangent(entry, cts, batch_shape):
    outs = entry[OUT]
    if type(outs) is not tuple:
        return cts.get(outs)
    got = [cts.get(u) for u in outs]
    if all(g is None for g in got):
        return None
    if batch_shape:
        got = [dense(g) for g in got]
    like = next(g for g in got if g is not None)._value  # zeros of the same namespace
    return tuple([g if g is not None else hooks.zeros(batch_shape + tuple(shape), dtype, like)
                  for g, (shape, dtype) in zip(got, entry[OUT_META])])


def _call_vjp(op, i, ct, ans, saved, params, batch_shape):
    vjp = op.vjps[i]
    if not batch_shape or op.batch_vjp:
        return vjp(ct, ans, *saved, **params)
    return _looped_vjp(op, vjp, ct, ans, saved, params, batch_shape)


def _call_vjp_onehot(op, i, ct, ans, saved, params, batch_shape):
    """``_call_vjp`` in a sweep seeded with ``OneHotRows``: structured where the op allows."""
    if type(ct) is OneHotRows:
        g = _onehot_vjp(op, i, ct, ans, saved, params)
        if g is not NotImplemented:
            return g
        ct = ct.dense()
    return _call_vjp(op, i, ct, ans, saved, params, batch_shape)


def _onehot_vjp(op, i, rows, ans, saved, params):
    """Input ``i``'s cotangent from one-hot ``rows``: rows again through an
    elementwise op, a dense batch from an op's one-hot rule, or NotImplemented."""
    if op.elementwise:
        d = rows.d
        shape, dtype = _shape_dtype(saved[i])
        size = d._value.size
        if _size(shape) == size:  # same flat positions: the Jacobian is diagonal
            g = op.vjps[i](d, ans, *saved, **params)
            if g is None:
                return None
            if g._value.size == size:
                return rows.like(_as_input(g, shape, dtype, rows.ops))
    gathers = op.onehot_vjps
    if gathers is not None and gathers[i] is not None:
        g = gathers[i](rows, ans, *saved, **params)
        if g is not None:
            return g
    return NotImplemented


def _size(shape):
    n = 1
    for k in shape:
        n *= k
    return n


def _as_input(g, shape, dtype, ops):
    """An unbatched cotangent of an input's size, in its shape and dtype."""
    if ops:
        if tuple(g.shape) != tuple(shape):
            g = hooks.sum_to_shape(g, shape, 0)
        if g._value.dtype != dtype and kind(dtype) in "fc":
            g = hooks.cast(g, dtype)
        return g
    gv = g._value
    if gv.shape != shape:
        gv = NP.reshape(gv, shape)
    if gv.dtype != dtype and kind(dtype) in "fc":
        gv = gv.astype(dtype)
    return g if gv is g._value else wrap(gv)


_warned_loop = set()


def _looped_vjp(op, vjp, ct, ans, saved, params, batch_shape):
    """Apply a VJP that cannot take a batch axis one cotangent row at a time."""
    if op.name not in _warned_loop:
        _warned_loop.add(op.name)
        warnings.warn(f"op '{op.name}' has no batched VJP rule; its Jacobian rows "
                      "are computed one at a time", RuntimeWarning, stacklevel=4)
    from .. import rules  # noqa: the sweep is configured by rules at import
    n = 1
    for d in batch_shape:
        n *= d
    multi = type(ct) is tuple
    flat = (tuple(rules.reshape(c, (n,) + tuple(c.shape[len(batch_shape):])) for c in ct)
            if multi else rules.reshape(ct, (n,) + tuple(ct.shape[len(batch_shape):])))
    rows = []
    for b in range(n):
        row = tuple(c[b] for c in flat) if multi else flat[b]
        g = vjp(row, ans, *saved, **params)
        if g is None:
            return None
        rows.append(g)
    out = rules.stack(rows)
    return rules.reshape(out, batch_shape + tuple(out.shape[1:]))


def backward(recorder, target_cts, source_uids, persistent, batch_shape=()):
    """Propagate cotangents from targets back to sources.

    ``target_cts`` is a list of ``(uid, cotangent)``; returns ``{uid: ct}`` for
    the source ids reached.  ``batch_shape`` is the shape of extra leading
    axes the cotangents carry (a vectorized Jacobian), ``()`` otherwise.

    Entries are visited in reverse recording order; one whose outputs got no
    cotangent is not on a path from a target and is skipped.  A cotangent is
    dropped as soon as its producer's VJPs have consumed it.
    """
    entries = recorder.entries
    # one check per sweep: gradtape.debugging.check_numerics swaps in a checking VJP call
    call_vjp = _call_vjp if hooks.checked_vjp is None else hooks.checked_vjp(recorder)
    structured = False
    if batch_shape:
        structured = any(type(ct) is OneHotRows for _, ct in target_cts)
        if structured and call_vjp is not _call_vjp:
            target_cts = [(u, dense(ct)) for u, ct in target_cts]
            structured = False
        elif structured:
            call_vjp = _call_vjp_onehot
    cts = {}
    add = hooks.add
    for uid, ct in target_cts:
        if uid not in cts:
            cts[uid] = ct
        elif structured:
            cts[uid] = _sum_rows(cts[uid], ct)
        else:
            cts[uid] = add(cts[uid], ct)
    live = _live_ids(recorder, source_uids)
    keep = set(source_uids)
    # With no recorder watching the sweep (no higher order), broadcasting is
    # undone and cotangents are summed on arrays directly, and a sum made
    # here is ours to update in place.  Otherwise every step is an op.
    # (another array namespace in use: every step an op, which keeps it in its namespace)
    owned = None if trace.stack() or foreign[0] else set()
    sum_to_shape, cast = hooks.sum_to_shape, hooks.cast
    direct = call_vjp is _call_vjp and not batch_shape  # call the rules themselves
    for idx in range(len(entries) - 1, -1, -1):
        entry = entries[idx]
        if entry is None:
            continue
        outs = entry[OUT]
        if type(outs) is tuple:
            ct = _output_cotangent(entry, cts, batch_shape)
        else:
            ct = cts.get(outs)
        if ct is None:
            continue
        if not persistent:
            entries[idx] = None
        op, in_uids, saved, _, ans, params = entry[:6]  # OP, IN, SAVED, OUT, ANS, PARAMS
        vjps = op.vjps
        for i, u in enumerate(in_uids):
            if u not in live or vjps[i] is None:
                continue
            if not direct:
                g = call_vjp(op, i, ct, ans, saved, params, batch_shape)
            elif params:
                g = vjps[i](ct, ans, *saved, **params)
            else:
                g = vjps[i](ct, ans, *saved)
            if g is None:
                continue
            x = saved[i]
            if type(x) is Meta:
                shape, dtype = x.shape, x.dtype
            else:
                shape, dtype = x._value.shape, x._value.dtype
            if batch_shape:
                if structured:
                    prev = cts.get(u)
                    if type(g) is OneHotRows:
                        if prev is None or type(prev) is OneHotRows:
                            cts[u] = g if prev is None else prev.plus(g)
                            continue
                        g = g.dense()
                    elif type(prev) is OneHotRows:
                        cts[u] = prev.dense()
                shape = batch_shape + tuple(shape)
            gv = g._value
            if owned is None:
                # a recorder watches the sweep: every step must be an op
                if gv.shape != shape:
                    g = sum_to_shape(g, shape, len(batch_shape))
                if gv.dtype != dtype and kind(dtype) in "fc":
                    g = cast(g, dtype)
                prev = cts.get(u)
                cts[u] = g if prev is None else add(prev, g)
                continue
            if gv.shape != shape:
                gv = _unbroadcast(gv, shape, len(batch_shape))
            if gv.dtype is not dtype and gv.dtype != dtype and dtype.kind in "fc":
                gv = gv.astype(dtype)
            if gv is not g._value:
                g = wrap(gv)
            prev = cts.get(u)
            if prev is None:
                cts[u] = g
            elif u in owned and type(prev._value) is NP.ndarray:
                NP.add(prev._value, gv, out=prev._value)
            else:
                cts[u] = wrap(NP.add(prev._value, gv))
                owned.add(u)
        if type(outs) is tuple:
            for u in outs:
                if u not in keep:
                    cts.pop(u, None)
        elif outs not in keep:
            cts.pop(outs, None)
    if not persistent:
        entries.clear()
        recorder.producer.clear()
    if structured:  # a source reached only through elementwise ops
        return {u: dense(cts[u]) for u in source_uids if u in cts}
    return {u: cts[u] for u in source_uids if u in cts}


def _sum_rows(a, b):
    """The sum of two batched cotangents, either of them possibly ``OneHotRows``."""
    if type(a) is OneHotRows and type(b) is OneHotRows:
        return a.plus(b)
    return hooks.add(dense(a), dense(b))

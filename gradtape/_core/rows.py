"""The vectorized Jacobian sweep: cotangents with extra leading (batch) axes.

``backward_rows`` is ``reverse.backward`` for a block of Jacobian rows at
once: every cotangent carries ``batch_shape`` leading axes, a VJP rule that
cannot take them (``batch_vjp=False``) is run one row at a time, and a seed
given as ``OneHotRows`` (``onehot.py``) stays structured through elementwise
ops and ops with one-hot rules, so an identity seed is never built densely
where it need not be.
"""
import warnings

from . import basic_ops
from .backend import NP
from .dtypes import kind
from .onehot import OneHotRows, dense
from .reverse import (accumulate_ops, free, live_ids, seeded, shape_dtype, unbroadcast,
                      with_zeros)
from .state import foreign
from .tensor import wrap
from .trace import stack as _recorders


def backward_rows(recorder, target_cts, source_uids, persistent, batch_shape, vjp_caller=None):
    """Propagate batched cotangents (leading axes ``batch_shape``) from targets to sources.

    As ``reverse.backward``; a target's cotangent may be ``OneHotRows``.
    Returns ``{uid: ct}`` with dense batched cotangents.
    """
    entries = recorder.entries
    call = _caller(batch_shape)
    structured = any(type(ct) is OneHotRows for _, ct in target_cts)
    if structured and vjp_caller is not None:  # a checked sweep sees plain cotangents
        target_cts = [(u, dense(ct)) for u, ct in target_cts]
        structured = False
    if vjp_caller is not None:
        plain = call
        call = lambda op, i, ct, ans, saved, params: vjp_caller(  # noqa: E731
            op, i, ct, ans, saved, params, plain)
    elif structured:
        call = _structured_caller(call)
    cts = seeded(target_cts, _sum_rows)
    live = live_ids(recorder, source_uids)
    keep = set(source_uids)
    owned = None if _recorders() or foreign[0] else set()  # see reverse.backward
    nbatch = len(batch_shape)
    for idx in range(len(entries) - 1, -1, -1):
        entry = entries[idx]
        if entry is None:
            continue
        op, in_uids, saved, outs, ans, params, out_meta = entry[:7]
        if out_meta is None:
            ct = cts.get(outs)
        else:
            ct = with_zeros([None if cts.get(u) is None else dense(cts[u]) for u in outs],
                            out_meta, batch_shape)
        if ct is None:
            continue
        if not persistent:
            entries[idx] = None
        for i, u in enumerate(in_uids):
            if u not in live or op.vjps[i] is None:
                continue
            g = call(op, i, ct, ans, saved, params)
            if g is None:
                continue
            prev = cts.get(u)
            if type(g) is OneHotRows:
                if prev is None or type(prev) is OneHotRows:
                    cts[u] = g if prev is None else prev.plus(g)
                    continue
                g = g.dense()
            elif type(prev) is OneHotRows:
                cts[u] = prev.dense()
            shape, dtype = shape_dtype(saved[i])
            shape = batch_shape + tuple(shape)
            if owned is None:
                accumulate_ops(cts, u, g, shape, dtype, nbatch)
            else:
                _accumulate_arrays(cts, u, g, shape, dtype, nbatch, owned)
        for u in (outs if out_meta is not None else (outs,)):
            if u not in keep:
                cts.pop(u, None)
    free(recorder, persistent)
    return {u: dense(cts[u]) for u in source_uids if u in cts}


def _accumulate_arrays(cts, u, g, shape, dtype, nbatch, owned):
    """Add ``g`` to the cotangent of ``u`` on arrays; a sum made here is
    ``owned`` and updated in place."""
    gv = g._value
    if gv.shape != shape:
        gv = unbroadcast(gv, shape, nbatch)
    if gv.dtype != dtype and dtype.kind in "fc":
        gv = gv.astype(dtype)
    prev = cts.get(u)
    if prev is None:
        cts[u] = g if gv is g._value else wrap(gv)
    elif u in owned and type(prev._value) is NP.ndarray:
        NP.add(prev._value, gv, out=prev._value)
    else:
        cts[u] = wrap(NP.add(prev._value, gv))
        owned.add(u)


def _caller(batch_shape):
    """Call a VJP on batched cotangents: at once, or row by row where it cannot."""
    def call(op, i, ct, ans, saved, params):
        vjp = op.vjps[i]
        if op.batch_vjp:
            return vjp(ct, ans, *saved, **params)
        return _looped_vjp(op, vjp, ct, ans, saved, params, batch_shape)
    return call


def _structured_caller(call):
    """``call`` in a sweep seeded with ``OneHotRows``: structured where the op allows."""
    def structured(op, i, ct, ans, saved, params):
        if type(ct) is OneHotRows:
            g = _onehot_vjp(op, i, ct, ans, saved, params)
            if g is not NotImplemented:
                return g
            ct = ct.dense()
        return call(op, i, ct, ans, saved, params)
    return structured


def _onehot_vjp(op, i, rows, ans, saved, params):
    """Input ``i``'s cotangent from one-hot ``rows``: rows again through an
    elementwise op, a dense batch from an op's one-hot rule, or NotImplemented."""
    if op.elementwise:
        d = rows.d
        shape, dtype = shape_dtype(saved[i])
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
            g = basic_ops.sum_to_shape(g, shape, 0)
        if g._value.dtype != dtype and kind(dtype) in "fc":
            g = basic_ops.cast(g, dtype)
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
                      "are computed one at a time", RuntimeWarning, stacklevel=5)
    n = _size(batch_shape)
    multi = type(ct) is tuple
    flat = (tuple(_rows_of(c, n, batch_shape) for c in ct) if multi
            else _rows_of(ct, n, batch_shape))
    rows = []
    for b in range(n):
        row = tuple(c[b] for c in flat) if multi else flat[b]
        g = vjp(row, ans, *saved, **params)
        if g is None:
            return None
        rows.append(g)
    out = basic_ops.stack(rows)
    return basic_ops.reshape(out, batch_shape + tuple(out.shape[1:]))


def _rows_of(c, n, batch_shape):
    return basic_ops.reshape(c, (n,) + tuple(c.shape[len(batch_shape):]))


def _sum_rows(a, b):
    """The sum of two batched cotangents, either of them possibly ``OneHotRows``."""
    if type(a) is OneHotRows and type(b) is OneHotRows:
        return a.plus(b)
    return basic_ops.add(dense(a), dense(b))

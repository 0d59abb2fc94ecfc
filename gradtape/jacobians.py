"""Vectorized Jacobians for GradientTape.

A whole block of Jacobian rows is one backward sweep whose cotangents carry a
leading batch axis (one row per cotangent).  Rows are split into chunks so
the stacked cotangents stay under ``tape.JACOBIAN_CHUNK_BYTES``; each chunk is
a sweep over the same (kept) tape, then the tape is freed if not persistent.
"""
import numpy as np

from ._core import nest
from ._core.reverse import backward
from ._core.tensor import wrap
from . import rules

_PFOR_MESSAGE = ("GradientTape must be created with persistent=True to compute the "
                 "jacobian with parallel_iterations or experimental_use_pfor=False.")


def _chunk_rows(n_rows, row_bytes, parallel_iterations):
    from .tape import JACOBIAN_CHUNK_BYTES
    if parallel_iterations:
        return max(1, min(n_rows, int(parallel_iterations)))
    return max(1, min(n_rows, JACOBIAN_CHUNK_BYTES // max(row_bytes, 1)))


def _row_bytes(tape, target, sources):
    """A per-row memory estimate: the largest value a cotangent row may take."""
    biggest = max([target._value.nbytes] + [s._value.nbytes for s in sources])
    for entry in tape._rec.entries:
        if entry is not None and entry[4] is not None and type(entry[4]) is not tuple:
            biggest = max(biggest, entry[4]._value.nbytes)
    return 4 * biggest


def _sweep_rows(tape, t_uid, ct_rows, source_uids):
    return backward(tape._rec, [(t_uid, ct_rows)], source_uids, True,
                    batch_shape=(ct_rows._value.shape[0],))


def _rows(tape, target, sources, ct_for, n_rows, parallel_iterations, use_pfor):
    """Compute ``n_rows`` rows (one cotangent each) for every source, chunked."""
    flat = []
    uids = [s._uid for s in sources]
    if not use_pfor:
        for r in range(n_rows):
            got = backward(tape._rec, [(target._uid, ct_for(r, r + 1)[0])], uids, True)
            flat.append({u: g[None] if g is not None else None for u, g in got.items()})
    else:
        chunk = _chunk_rows(n_rows, _row_bytes(tape, target, sources), parallel_iterations)
        for start in range(0, n_rows, chunk):
            stop = min(n_rows, start + chunk)
            flat.append(_sweep_rows(tape, target._uid, ct_for(start, stop), uids))
    out = []
    for s in sources:
        # reachability depends on the graph, not on the cotangent rows, so a
        # source is either reached by every chunk or by none
        parts = [f.get(s._uid) for f in flat]
        if any(p is None for p in parts):
            out.append(None)
        else:
            out.append(parts[0] if len(parts) == 1 else rules.concat(parts, axis=0))
    return out


def _prepare(tape, use_pfor, parallel_iterations):
    tape._live()
    if (not use_pfor or parallel_iterations) and not tape._persistent and not use_pfor:
        raise ValueError(_PFOR_MESSAGE)
    if tape._recording and not tape._persistent:
        tape.__exit__()


def jacobian(tape, target, sources, unconnected, parallel_iterations, use_pfor):
    from .tape import _check_source, UnconnectedGradients
    _prepare(tape, use_pfor, parallel_iterations)
    flat_sources = nest.flatten(sources)
    for s in flat_sources:
        _check_source(s)
    target = rules.convert_to_tensor(target) if not hasattr(target, "_uid") else target
    t_shape = tuple(target._value.shape)
    n = int(np.prod(t_shape, dtype=np.int64))
    dtype = target._value.dtype

    def ct_for(start, stop):
        eye = np.zeros((stop - start, n), dtype)
        eye[np.arange(stop - start), np.arange(start, stop)] = 1
        return wrap(eye.reshape((stop - start,) + t_shape))

    cols = _rows(tape, target, flat_sources, ct_for, n, parallel_iterations, use_pfor) \
        if n else [None] * len(flat_sources)
    result = []
    for s, j in zip(flat_sources, cols):
        if j is None:
            if n == 0 or unconnected is UnconnectedGradients.ZERO:
                result.append(wrap(np.zeros(t_shape + tuple(s._value.shape), s._value.dtype)))
            else:
                result.append(None)
        else:
            result.append(rules.reshape(j, t_shape + tuple(s._value.shape)))
    if not tape._persistent:
        tape._spend()
    return nest.pack_sequence_as(sources, result)


def batch_jacobian(tape, target, source, unconnected, parallel_iterations, use_pfor):
    from .tape import _check_source, UnconnectedGradients
    _prepare(tape, use_pfor, parallel_iterations)
    _check_source(source, "source")
    t_shape, s_shape = tuple(target._value.shape), tuple(source._value.shape)
    if len(t_shape) < 2 or len(s_shape) < 2:
        raise ValueError(f"batch_jacobian needs target and source of rank >= 2 (a batch "
                         f"axis and at least one more); got target shape {t_shape} and "
                         f"source shape {s_shape}")
    if t_shape[0] != s_shape[0]:
        raise ValueError(f"batch_jacobian needs matching batch (first) dimensions; got "
                         f"target shape {t_shape} and source shape {s_shape}")
    batch = t_shape[0]
    per = t_shape[1:]
    m = int(np.prod(per, dtype=np.int64))
    dtype = target._value.dtype

    def ct_for(start, stop):
        eye = np.zeros((stop - start, m), dtype)
        eye[np.arange(stop - start), np.arange(start, stop)] = 1
        rows = np.broadcast_to(eye[:, None, :], (stop - start, batch, m))
        return wrap(np.ascontiguousarray(rows).reshape((stop - start, batch) + per))

    (j,) = _rows(tape, target, [source], ct_for, m, parallel_iterations, use_pfor) \
        if m else [None]
    if not tape._persistent:
        tape._spend()
    if j is None:
        if m == 0 or unconnected is UnconnectedGradients.ZERO:
            return wrap(np.zeros((batch,) + per + s_shape[1:], source._value.dtype))
        return None
    # j: (m, batch) + s_shape[1:]  ->  (batch,) + per + s_shape[1:]
    nd_s = len(s_shape) - 1
    j = rules.transpose(j, (1, 0) + tuple(range(2, 2 + nd_s)))
    return rules.reshape(j, (batch,) + per + s_shape[1:])

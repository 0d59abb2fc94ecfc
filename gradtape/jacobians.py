"""Vectorized Jacobians: GradientTape.jacobian / batch_jacobian, and forward_jacobian.

Reverse mode: a whole block of Jacobian rows is one backward sweep whose
cotangents carry a leading batch axis (one row per cotangent).  ``jacobian``
seeds it with rows of the identity kept structured (``_core/onehot.py``): a
tensor ``d`` of the target's shape whose row ``r`` is ``d.flat[r] * e_r``.
Elementwise and reshape-like ops map it to the same structure with one
unbatched VJP of ``d``; matmul gathers its operand's rows from it instead of
multiplying by the identity, so ``tanh(W @ x)`` costs about what
``(1 - y**2) * W`` costs; any other op gets the dense rows.  Rows are split
into chunks so a sweep's stacked cotangents stay under
``gradtape.tape.JACOBIAN_CHUNK_BYTES`` (256 MiB by default; set it to trade
speed for memory), estimated as eight times the largest value one row
touches; ``parallel_iterations`` caps the rows per sweep instead.  Each chunk
is a sweep over the same (kept) tape, then a non-persistent tape is freed.
Chunks are written into one preallocated result, so the peak memory is about
the budget plus the result.

``batch_jacobian`` sends, for each target position, a cotangent that is one
at that position in *every* example: one sweep gives all examples' rows at
once and the (batch x batch) Jacobian is never built.  Like TensorFlow's, it
assumes example ``i`` of the target depends only on example ``i`` of the
source; otherwise each result row is summed over the target's examples.

Forward mode: :func:`forward_jacobian` pushes a block of basis tangents (a
leading batch axis again) through the function in one forward pass.
"""
import math

import numpy as np

from ._core import nest, trace
from ._core.backend import backend_of
from ._core.onehot import OneHotRows
from ._core.tensor import TensorLike, wrap
from . import rules
from .errors import UnimplementedError
from .unconnected import JACOBIAN_CHUNK_BYTES, UnconnectedGradients, check_source

_PFOR_MESSAGE = ("GradientTape must be created with persistent=True to compute the "
                 "{what} with experimental_use_pfor=False (one backward pass per row "
                 "reuses the tape)")


def _numpy_only(tensors, what):
    """Jacobians build their basis rows with NumPy: other namespaces get a clear error."""
    for t in tensors:
        v = t._value
        if type(v) is not np.ndarray and not isinstance(v, np.generic):
            raise UnimplementedError(
                f"{what} is not supported on {backend_of(v).name} yet: take gradients "
                "one output at a time (tape.gradient, gradtape.vjp) or move the values to NumPy")


def _chunk(n_rows, row_bytes, parallel_iterations, chunk_bytes):
    """Rows (or columns) per sweep: ``parallel_iterations``, else what fits ``chunk_bytes``."""
    if parallel_iterations:
        return max(1, min(n_rows, int(parallel_iterations)))
    return max(1, min(n_rows, chunk_bytes // max(row_bytes, 1)))


def _row_bytes(tape, target, sources):
    """A per-row memory estimate: eight times the largest value one row touches.

    A row's cotangent, the temporaries its VJPs make (products, transposed
    copies) and the copy of its result are each about that size; measured
    peaks stay within this margin (``benchmarks/bench_jacobian.py``).
    """
    biggest = max([target._value.nbytes] + [s._value.nbytes for s in sources])
    for entry in tape._rec.views():
        if entry is not None and entry.ans is not None and type(entry.ans) is not tuple:
            biggest = max(biggest, entry.ans._value.nbytes)
    return 8 * biggest


class _Rows:
    """Jacobian rows of one source, gathered chunk by chunk.

    With no recorder active the rows go straight into one preallocated array
    (no concatenation: the result is never held twice).  Under an active tape
    or accumulator they are joined with gradtape ops, so the Jacobian itself
    stays differentiable.
    """

    __slots__ = ("n_rows", "rows_axis", "array", "parts", "missing")

    def __init__(self, n_rows, rows_axis):
        self.n_rows = n_rows
        self.rows_axis = rows_axis
        self.array = None
        self.parts = [] if trace.stack() else None
        self.missing = False

    def add(self, start, stop, g):
        if g is None:
            self.missing = True
            return
        if self.parts is not None:
            self.parts.append(g)
            return
        if stop - start == self.n_rows and not self.rows_axis:
            self.parts = [g]  # one chunk holds every row: nothing to gather
            return
        v = g._value
        if self.array is None:
            shape = list(v.shape)
            shape[0] = self.n_rows
            if self.rows_axis:
                shape[0], shape[1] = shape[1], shape[0]
            self.array = np.empty(shape, v.dtype)
        if self.rows_axis:
            self.array[:, start:stop] = np.swapaxes(v, 0, 1)
        else:
            self.array[start:stop] = v

    def result(self):
        """The rows (axis ``rows_axis``), or None for an unreached source."""
        if self.missing:
            return None
        if self.parts is None:
            return wrap(self.array)
        j = self.parts[0] if len(self.parts) == 1 else rules.concat(self.parts, axis=0)
        if self.rows_axis:
            j = rules.transpose(j, (1, 0) + tuple(range(2, j._value.ndim)))
        return j


def _rows(tape, target, sources, ct_for, n_rows, parallel_iterations, use_pfor, chunk_bytes,
          rows_axis=0):
    """Compute ``n_rows`` rows (one cotangent each) for every source, chunked."""
    uids = [s._uid for s in sources]
    gathered = [_Rows(n_rows, rows_axis) for _ in sources]
    if use_pfor:
        chunk = _chunk(n_rows, _row_bytes(tape, target, sources), parallel_iterations,
                       chunk_bytes)
    else:
        chunk = 1
    for start in range(0, n_rows, chunk):
        stop = min(n_rows, start + chunk)
        cts = ct_for(start, stop)
        if use_pfor:
            got = tape._sweep([(target._uid, cts)], uids, True, (stop - start,))
        else:
            got = tape._sweep([(target._uid, cts[0])], uids, True)
            got = {u: g[None] for u, g in got.items()}
        # reachability depends on the graph, not on the cotangent rows, so a
        # source is either reached by every chunk or by none
        for rows, u in zip(gathered, uids):
            rows.add(start, stop, got.get(u))
    return [rows.result() for rows in gathered]


def _check_batch_chunks(tape, use_pfor, parallel_iterations, m):
    """TensorFlow's vectorizer asks a tape for a second gradient when
    ``parallel_iterations`` splits a batch Jacobian's ``m`` rows, and a
    non-persistent tape refuses: the same error here (a chunking knob of 1,
    gradtape's own, is left alone)."""
    if (use_pfor and not tape._persistent and parallel_iterations is not None
            and 2 <= parallel_iterations <= m):
        raise RuntimeError("GradientTape must be created with persistent=True to compute "
                           "the batch_jacobian with parallel_iterations.")


def _prepare(tape, use_pfor, what):
    tape._live()
    if not use_pfor and not tape._persistent:
        raise RuntimeError(_PFOR_MESSAGE.format(what=what))
    if tape._recording and not tape._persistent:
        tape.__exit__()


def _identity_rows(start, stop, n, dtype, shape):
    """Rows ``start:stop`` of the n x n identity, each reshaped to ``shape``."""
    if start == 0 and stop == n:
        eye = np.eye(n, dtype=dtype)
    else:
        eye = np.zeros((stop - start, n), dtype)
        eye[np.arange(stop - start), np.arange(start, stop)] = 1
    return eye.reshape((stop - start,) + shape)


def _check_target(target, what):
    """A Jacobian's target is one tensor (TensorFlow fails on anything else)."""
    if not isinstance(target, TensorLike):
        raise TypeError(f"{what}: target must be one Tensor or Variable, got "
                        f"{type(target).__name__}; stack several targets with tf.stack "
                        "or take one Jacobian per target")


def jacobian(tape, target, sources, unconnected, parallel_iterations, use_pfor,
             chunk_bytes=JACOBIAN_CHUNK_BYTES):
    """``GradientTape.jacobian``: one cotangent row per target element."""
    _prepare(tape, use_pfor, "jacobian")
    flat_sources = nest.flatten(sources)
    for s in flat_sources:
        check_source(s)
    _check_target(target, "jacobian")
    _numpy_only([target] + flat_sources, "jacobian")
    t_shape = tuple(target._value.shape)
    n = math.prod(t_shape)
    dtype = target._value.dtype

    def ct_for(start, stop):
        if use_pfor:  # structured rows: see gradtape/_core/onehot.py
            return OneHotRows.identity(t_shape, dtype, start, stop)
        return wrap(_identity_rows(start, stop, n, dtype, t_shape))

    cols = _rows(tape, target, flat_sources, ct_for, n, parallel_iterations, use_pfor,
                 chunk_bytes) \
        if n and target.dtype.differentiable else [None] * len(flat_sources)
    result = []
    for s, j in zip(flat_sources, cols):
        shape = t_shape + tuple(s._value.shape)
        if j is None:
            if n == 0 or unconnected is UnconnectedGradients.ZERO:
                result.append(wrap(np.zeros(shape, s._value.dtype)))
            else:
                result.append(None)
        else:
            result.append(j if tuple(j._value.shape) == shape else rules.reshape(j, shape))
    if not tape._persistent:
        tape._spend()
    return nest.pack_sequence_as(sources, result)


def _check_batch_shapes(t_shape, s_shape):
    """TensorFlow's checks, in its words: code may match on them."""
    for shape in (t_shape, s_shape):
        if len(shape) < 2:
            raise ValueError(f"Shape {shape} must have rank at least 2")
    if t_shape[0] != s_shape[0]:
        raise ValueError(f"Need first dimension of target shape ({t_shape}) and "
                         f"source shape ({s_shape}) to match.")


def batch_jacobian(tape, target, source, unconnected, parallel_iterations, use_pfor,
                   chunk_bytes=JACOBIAN_CHUNK_BYTES):
    """``GradientTape.batch_jacobian``: one cotangent per target position, set in
    every example at once, so one sweep gives that row for the whole batch."""
    _prepare(tape, use_pfor, "batch_jacobian")
    check_source(source, "source")
    _numpy_only([source], "batch_jacobian")
    _check_target(target, "batch_jacobian")
    t_shape, s_shape = tuple(target._value.shape), tuple(source._value.shape)
    _check_batch_shapes(target.shape, source.shape)
    batch, per = t_shape[0], t_shape[1:]
    m = math.prod(per)
    _check_batch_chunks(tape, use_pfor, parallel_iterations, m)
    dtype = target._value.dtype

    def ct_for(start, stop):
        eye = _identity_rows(start, stop, m, dtype, (m,))
        rows = np.broadcast_to(eye[:, None, :], (stop - start, batch, m))
        return wrap(np.ascontiguousarray(rows).reshape((stop - start, batch) + per))

    # rows come back as (row, batch) + source.shape[1:]; they are stored batch-first
    (j,) = _rows(tape, target, [source], ct_for, m, parallel_iterations, use_pfor,
                 chunk_bytes, rows_axis=1) if m and target.dtype.differentiable else [None]
    if not tape._persistent:
        tape._spend()
    shape = (batch,) + per + s_shape[1:]
    if j is None:
        # TensorFlow's batch_jacobian gives zeros here whatever
        # unconnected_gradients says: of the target's dtype (an integer one
        # too) for 'none', of the source's (its zero gradients) for 'zero'
        zero = unconnected is UnconnectedGradients.ZERO
        return wrap(np.zeros(shape, source._value.dtype if zero else dtype))
    return j if tuple(j._value.shape) == shape else rules.reshape(j, shape)


# ---------------------------------------------------------------------------
# Forward mode
# ---------------------------------------------------------------------------

def _basis(primal, offset, start, stop):
    """Rows ``start:stop`` of the identity, restricted to ``primal``'s columns."""
    v = primal._value
    rows = np.zeros((stop - start, v.size), v.dtype)
    lo, hi = max(start, offset), min(stop, offset + v.size)
    if lo < hi:
        idx = np.arange(lo, hi)
        rows[idx - start, idx - offset] = 1
    return wrap(rows.reshape((stop - start,) + v.shape))


def _forward_pass(f, primals, offsets, start, stop, spread):
    from .forwardprop import ForwardAccumulator
    watched, tangents = [], []
    for p, off in zip(primals, offsets):
        if off < stop and start < off + p._value.size:
            watched.append(p)
            tangents.append(_basis(p, off, start, stop))
    acc = ForwardAccumulator._batch_accumulator(watched, tangents)
    with acc:
        out = f(*primals) if spread else f(primals[0])
    return out, acc


def forward_jacobian(f, primals, parallel_iterations=None, chunk_bytes=JACOBIAN_CHUNK_BYTES):
    """The Jacobian of ``f`` at ``primals`` in forward mode, one column per tangent.

    ``primals`` is a tensor (``f(primals)``) or a list or tuple of tensors
    (``f(*primals)``).  A block of basis tangents, one per input element,
    goes through ``f`` in a single forward pass (more than one only when the
    stacked tangents would exceed ``chunk_bytes``, by default 256 MiB, or
    to honour ``parallel_iterations`` columns per pass).  For each output of
    ``f`` (any nested structure) the result is a tensor of shape
    ``output.shape + primal.shape``, or a tuple of them, one per primal, when
    ``primals`` is a list or tuple.  Outputs that do not depend on the primals
    get zeros.  Forward mode suits functions with fewer inputs than outputs.

    >>> import gradtape as tf
    >>> from gradtape.jacobians import forward_jacobian
    >>> forward_jacobian(lambda x: x * x, tf.constant([1.0, 2.0])).numpy()
    array([[2., 0.],
           [0., 4.]], dtype=float32)
    >>> j = forward_jacobian(lambda a, b: a * b, [tf.constant([2.0]), tf.constant(3.0)])
    >>> [t.numpy().tolist() for t in j]
    [[[3.0]], [2.0]]
    """
    spread = isinstance(primals, (list, tuple))
    flat = list(primals) if spread else [primals]
    for p in flat:
        if not isinstance(p, TensorLike):
            raise TypeError(f"forward_jacobian: primals must be Tensors or Variables, got "
                            f"{type(p).__name__}; convert it with gradtape.constant")
        if not p.dtype.differentiable:
            raise TypeError(f"forward_jacobian: primal dtype {p.dtype.name} is not "
                            "floating, so it has no derivative")
    _numpy_only(flat, "forward_jacobian")
    sizes = [p._value.size for p in flat]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int).tolist()
    n = offsets[-1]
    chunk = _chunk(n, 4 * max([p._value.nbytes for p in flat] + [1]), parallel_iterations,
                   chunk_bytes)
    pieces, out = [], None
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        out, acc = _forward_pass(f, flat, offsets, start, stop, spread)
        flat_out = nest.flatten(out)
        pieces.append([acc.jvp(o, unconnected_gradients="zero") if o.dtype.differentiable
                       else None for o in flat_out])
    if out is None:
        out = f(*flat) if spread else f(flat[0])
    results = []
    for k, o in enumerate(nest.flatten(out)):
        cols = [piece[k] for piece in pieces]
        results.append(_split_columns(o, cols, flat, offsets, n, spread))
    return nest.pack_sequence_as(out, results)


def _split_columns(out, cols, primals, offsets, n, spread):
    """Per-primal Jacobians ``out.shape + primal.shape`` from stacked columns."""
    o_shape = tuple(out._value.shape)
    dtype = out._value.dtype if out.dtype.differentiable else primals[0]._value.dtype
    if n == 0 or any(c is None for c in cols):
        stacked = None
    else:
        stacked = cols[0] if len(cols) == 1 else rules.concat(cols, axis=0)
    per = []
    for p, lo, hi in zip(primals, offsets[:-1], offsets[1:]):
        p_shape = tuple(p._value.shape)
        if stacked is None:
            per.append(wrap(np.zeros(o_shape + p_shape, dtype)))
            continue
        block = stacked[lo:hi] if (lo, hi) != (0, n) else stacked
        nd = len(o_shape)
        block = rules.transpose(block, tuple(range(1, nd + 1)) + (0,))
        per.append(rules.reshape(block, o_shape + p_shape))
    return tuple(per) if spread else per[0]

"""Tangent propagation: the recording half of a ForwardAccumulator.

Each op that reads a tensor with a tangent gets its output tangent from the
op's JVP rule at once.  The rule runs with only the recorders outside this
accumulator active, so an outer tape or accumulator differentiates the JVP
computation (higher order), and this accumulator never sees its own work.

A tangent lives as long as its tensor: a weak reference to each output drops
the tangent when the tensor is freed, so forward mode keeps no intermediate
values alive.

Batched tangents (forward-mode Jacobians) carry one extra leading axis of
size ``batch``.  JVP rules take it like a vectorized Jacobian's cotangents;
where input ranks differ, a broadcasting op gets the lower-rank tangents
padded with length-1 axes after the batch axis; every other JVP takes the
batch axis as it comes, and an op declared ``batch_jvp=False`` is run one
tangent row at a time.
"""
import warnings
import weakref

from . import basic_ops as ops
from .dtypes import kind
from .errors import UnimplementedError
from .trace import Recorder, outside, stack as _active_stack

_warned_loop = set()


class ForwardRecorder(Recorder):
    """Tangents of the tensors that depend on the primals, by tensor id.

    ``batch`` is None for ordinary tangents, or the size of the leading
    batch axis every tangent carries.
    """

    __slots__ = ("tangents", "batch", "_refs", "__weakref__")

    def __init__(self, batch=None):
        self.tangents = {}
        self.batch = batch
        self._refs = {}

    def set_tangent(self, uid, t, primal=None):
        """Give the tensor with id ``uid`` (a primal) the tangent ``t``; with
        ``primal``, the tangent is dropped when the primal is freed."""
        self.tangents[uid] = t
        if primal is not None:
            ref = weakref.ref(primal, self._forget)
            self._refs[id(ref)] = (ref, uid)

    def record(self, op, inputs, out, params):
        get = self.tangents.get
        ts = [get(x._uid) for x in inputs]
        if ts.count(None) == len(ts) or op.nondiff:
            return
        if op.jvp is None:
            raise UnimplementedError(
                f"op '{op.name}' has no forward-mode (JVP) rule, so a "
                "ForwardAccumulator cannot differentiate through it; compute this "
                "derivative with a GradientTape instead")
        with outside(self):
            if self.batch is None:
                t_out = op.jvp(ts, out, *inputs, **params)
            else:
                t_out = self._batched_jvp(op, ts, out, inputs, params)
            if _active_stack():
                t_out = self._tied(op, t_out, inputs)
            if op.multi:
                for o, t in zip(out, t_out):
                    self._keep(o, t)
            elif t_out is not None:
                self._keep(out, t_out)

    @staticmethod
    def _tied(op, t_out, inputs):
        """A tangent an outer tape or accumulator sees as a function of the
        op's primal inputs (as TensorFlow's do): a second derivative through a
        linear op is then zeros, not None."""
        primals = [x for x in inputs if kind(x._value.dtype) in "fc"]
        if not primals:
            return t_out
        if op.multi:
            return tuple([None if t is None else ops.tie(t, primals) for t in t_out])
        return None if t_out is None else ops.tie(t_out, primals)

    def _keep(self, out, t):
        if t is None:
            return
        v = out._value
        if kind(v.dtype) not in "fc":
            return
        want = v.shape if self.batch is None else (self.batch,) + v.shape
        if t._value.shape != want:
            # a rule may return a tangent that broadcasts to the output (x + c)
            t = ops.broadcast_to(t, want)
        if t._value.dtype != v.dtype:
            t = ops.cast(t, v.dtype)
        uid = out._uid
        self.tangents[uid] = t
        ref = weakref.ref(out, self._forget)
        self._refs[id(ref)] = (ref, uid)

    def _forget(self, ref):
        """Drop the tangent of a tensor that was freed."""
        _, uid = self._refs.pop(id(ref), (None, None))
        self.tangents.pop(uid, None)

    # -- batched tangents ----------------------------------------------
    def _batched_jvp(self, op, ts, out, inputs, params):
        ranks = [x._value.ndim for x in inputs if kind(x._value.dtype) in "fc"]
        top = max(ranks) if ranks else 0
        uneven = any(t is not None and x._value.ndim < top for t, x in zip(ts, inputs))
        if not op.batch_jvp:
            return self._looped_jvp(op, ts, out, inputs, params)
        if uneven and op.broadcasts:
            return op.jvp(self._padded(ts, inputs, top), out, *inputs, **params)
        # any other op's JVP takes the leading batch axis whatever its inputs' ranks
        return op.jvp(ts, out, *inputs, **params)

    def _padded(self, ts, inputs, rank):
        out = []
        for t, x in zip(ts, inputs):
            shape = x._value.shape
            if t is not None and len(shape) < rank:
                t = ops.reshape(t, (self.batch,) + (1,) * (rank - len(shape)) + shape)
            out.append(t)
        return out

    def _looped_jvp(self, op, ts, out, inputs, params):
        """Apply a JVP that cannot take a batch axis one tangent row at a time."""
        if op.name not in _warned_loop:
            _warned_loop.add(op.name)
            warnings.warn(f"op '{op.name}' has no batched JVP rule for these inputs; "
                          "its forward-mode Jacobian columns are computed one at a time",
                          RuntimeWarning, stacklevel=5)
        rows = []
        for b in range(self.batch):
            row = [None if t is None else t[b] for t in ts]
            rows.append(op.jvp(row, out, *inputs, **params))
        if op.multi:
            outs = []
            for k, o in enumerate(out):
                parts = [r[k] for r in rows]
                outs.append(None if any(p is None for p in parts) else
                            ops.stack([self._full(p, o) for p in parts]))
            return tuple(outs)
        if any(r is None for r in rows):
            return None
        return ops.stack([self._full(r, out) for r in rows])

    @staticmethod
    def _full(t, out):
        shape = out._value.shape
        return t if t._value.shape == shape else ops.broadcast_to(t, shape)

    def watch_variable(self, var):
        """Accumulators do not auto-watch Variables (TensorFlow's behaviour)."""

"""Tangent propagation: the recording half of a ForwardAccumulator.

Each op that reads a tensor with a tangent gets its output tangent from the
op's JVP rule at once.  The rule runs with only the recorders outside this
accumulator active, so an outer tape or accumulator differentiates the JVP
computation (higher order), and this accumulator never sees its own work.
"""
from ..errors import UnimplementedError
from .trace import outside


class ForwardRecorder:
    """Tangents of the tensors that depend on the primals, by tensor id."""

    __slots__ = ("tangents", "__weakref__")

    def __init__(self):
        self.tangents = {}

    def record(self, op, inputs, out, params):
        tangents = self.tangents
        ts = [tangents.get(x._uid) for x in inputs]
        for t in ts:
            if t is not None:
                break
        else:
            return
        if op.nondiff:
            return
        if op.jvp is None:
            raise UnimplementedError(
                f"op '{op.name}' has no forward-mode (JVP) rule, so a "
                "ForwardAccumulator cannot differentiate through it")
        with outside(self):
            t_out = op.jvp(ts, out, *inputs, **params)
        if op.multi:
            for o, t in zip(out, t_out):
                if t is not None and o._value.dtype.kind in "fc":
                    tangents[o._uid] = t
        elif t_out is not None and out._value.dtype.kind in "fc":
            tangents[out._uid] = t_out

    def watch_variable(self, var):
        """Accumulators do not auto-watch Variables (TensorFlow's behaviour)."""

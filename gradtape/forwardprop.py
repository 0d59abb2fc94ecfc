"""ForwardAccumulator: forward-mode autodiff (Jacobian-vector products).

Every differentiable op has a native JVP rule, so tangents are pushed forward
as the computation runs.  It nests with GradientTape both ways and with other
accumulators, as TensorFlow's does.
"""
from ._core import nest, trace
from ._core.forward import ForwardRecorder
from ._core.tensor import TensorLike, convert_to_tensor, wrap
from .tape import UnconnectedGradients, _as_unconnected


class ForwardAccumulator:
    """Compute JVPs of everything computed from ``primals`` inside the block.

    >>> import gradtape as tf
    >>> x = tf.constant([1.0, 2.0])
    >>> with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
    ...     y = x * x
    >>> acc.jvp(y).numpy()
    array([2., 0.], dtype=float32)
    """

    def __init__(self, primals, tangents):
        flat_p = nest.flatten(primals)
        flat_t = nest.flatten(tangents)
        nest.assert_same_structure(primals, tangents, "primals and tangents")
        self._rec = ForwardRecorder()
        seen = set()
        for p, t in zip(flat_p, flat_t):
            if not isinstance(p, TensorLike):
                raise TypeError(f"ForwardAccumulator: primals must be tensors or Variables, "
                                f"got {type(p).__name__}")
            if p._uid in seen:
                raise ValueError(
                    f"Tensor {p!r} was specified as a primal multiple times. This may "
                    "indicate an error. If it was intended, please sum the corresponding "
                    "tangents.")
            seen.add(p._uid)
            t = convert_to_tensor(t, dtype_hint=p.dtype)
            if t._value.shape != p._value.shape:
                raise ValueError(f"ForwardAccumulator: tangent shape {tuple(t.shape)} does not "
                                 f"match its primal's shape {tuple(p.shape)}")
            if t._value.dtype != p._value.dtype:
                raise TypeError(f"ForwardAccumulator: tangent dtype {t.dtype.name} does not "
                                f"match its primal's dtype {p.dtype.name}")
            if not p.dtype.differentiable:
                raise TypeError(f"ForwardAccumulator: primal dtype {p.dtype.name} is not "
                                "floating or complex, so it has no tangent")
            self._rec.tangents[p._uid] = t
        self._recording = False

    def __enter__(self):
        trace.push(self._rec)
        self._recording = True
        return self

    def __exit__(self, *exc):
        if self._recording:
            trace.pop(self._rec)
            self._recording = False

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """The tangents of ``primals`` (a tensor or nested structure), or None /
        zeros (``UnconnectedGradients.ZERO``) where they do not depend on the
        accumulator's primals.

        >>> import gradtape as tf
        >>> x = tf.constant(2.0)
        >>> with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        ...     y = tf.sin(x)
        >>> print(acc.jvp(tf.constant(3.0)))
        None
        """
        unconnected = _as_unconnected(unconnected_gradients)
        tangents = self._rec.tangents

        def one(t):
            if not isinstance(t, TensorLike):
                raise TypeError(f"ForwardAccumulator.jvp: expected tensors, got {type(t).__name__}")
            got = tangents.get(t._uid)
            if got is None and unconnected is UnconnectedGradients.ZERO:
                v = t._value
                import numpy as np
                return wrap(np.zeros(v.shape, v.dtype))
            return got
        return nest.map_structure(one, primals)

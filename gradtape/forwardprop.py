"""ForwardAccumulator: forward-mode autodiff (Jacobian-vector products).

Every differentiable op has a native JVP rule, so tangents are pushed forward
as the computation runs.  It nests with GradientTape both ways and with other
accumulators, as TensorFlow's does: recorders see each other's work only
outwards, so an outer tape or accumulator differentiates what an inner one
computes (forward-over-reverse Hessian-vector products, forward-over-forward
second derivatives), never the reverse.
"""
from __future__ import annotations
import warnings


from ._core.backend import zeros_for
from ._core import nest, trace
from ._core.forward import ForwardRecorder
from ._core.tensor import TensorLike, to_array, wrap
from .unconnected import UnconnectedGradients, as_unconnected as _as_unconnected
from typing import Union
from ._core.types import Nested



def _tangent_for(primal, tangent, batch):
    """``tangent`` as a Tensor of ``primal``'s dtype and shape (with the batch axis)."""
    if isinstance(tangent, TensorLike):
        t = tangent._read()
        if t._value.dtype != primal._value.dtype:
            raise ValueError(f"Tensor conversion requested dtype {primal.dtype.name} for "
                             f"Tensor with dtype {t.dtype.name}: {t!r} (a tangent must have "
                             "its primal's dtype: cast it)")
    else:
        t = wrap(to_array(tangent, primal.dtype))
    want = tuple(primal._value.shape)
    if batch is not None:
        want = (batch,) + want
    if tuple(t._value.shape) != want:
        raise ValueError(f"ForwardAccumulator: a tangent has shape {tuple(t._value.shape)} "
                         f"but must have shape {want} to match its primal of shape "
                         f"{tuple(primal._value.shape)}"
                         + (" (with a leading batch axis)" if batch is not None else ""))
    return t


def _batch_size(tangents):
    shapes = [tuple(to_array(t).shape) for t in tangents]
    sizes = {s[0] if s else None for s in shapes}
    if len(sizes) != 1 or None in sizes:
        raise ValueError("ForwardAccumulator: batched tangents must all have the same "
                         f"leading batch axis, got shapes {shapes}")
    return sizes.pop()


class ForwardAccumulator:
    """Compute Jacobian-vector products of what is computed from ``primals``.

    ``primals`` is a tensor or Variable, or a nested structure of them;
    ``tangents`` has the same structure, each tangent with its primal's shape
    and dtype (Python values are converted to it).  Listing a primal twice is
    an error; a primal left out has a zero tangent.  JVPs are computed as the
    ops run inside the ``with`` block and fetched with :meth:`jvp`.

    >>> import gradtape as tf
    >>> x = tf.constant([1.0, 2.0])
    >>> with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
    ...     y = x * x
    >>> acc.jvp(y).numpy()
    array([2., 0.], dtype=float32)

    Nested inside an accumulator, a tape's gradient computation is seen by
    the accumulator, which gives a Hessian-vector product:

    >>> v = tf.Variable([1.0, 2.0])
    >>> with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0])) as acc:
    ...     with tf.GradientTape() as tape:
    ...         y = tf.reduce_sum(v ** 3.0)
    ...     backward = tape.gradient(y, v)
    >>> acc.jvp(backward).numpy()
    array([6., 0.], dtype=float32)
    """

    def __init__(self, primals: Nested, tangents: Nested) -> None:
        self._rec = self._watch(primals, tangents, None)
        self._recording = False

    @classmethod
    def _batch_accumulator(cls, primals, tangents):
        """An accumulator whose tangents carry a leading batch axis (one JVP per row)."""
        acc = cls.__new__(cls)
        flat_t = nest.flatten(tangents)
        acc._rec = acc._watch(primals, tangents, _batch_size(flat_t))
        acc._recording = False
        return acc

    @staticmethod
    def _watch(primals, tangents, batch):
        nest.assert_same_structure(primals, tangents, "ForwardAccumulator primals and tangents")
        rec = ForwardRecorder(batch)
        seen = set()
        for p, t in zip(nest.flatten(primals), nest.flatten(tangents)):
            if not isinstance(p, TensorLike):
                raise TypeError(f"ForwardAccumulator: primals must be Tensors or Variables, "
                                f"got {type(p).__name__}; convert it with gradtape.constant")
            if id(p) in seen:
                raise ValueError(
                    f"Tensor {p!r} was specified as a primal multiple times. This may "
                    "indicate an error. If it was intended, please sum the corresponding "
                    "tangents.")
            seen.add(id(p))
            if not p.dtype.differentiable:
                warnings.warn(f"The dtype of the watched primal must be floating (e.g. "
                              f"tf.float32), got {p.dtype!r}; it gets no tangent",
                              stacklevel=3)
                continue
            rec.set_tangent(p._uid, _tangent_for(p, t, batch), p)
        return rec

    def __enter__(self):
        if self._recording:
            raise ValueError("Accumulator is already recording.")
        trace.push(self._rec)
        self._recording = True
        return self

    def __exit__(self, *exc):
        if self._recording:
            trace.pop(self._rec)
            self._recording = False

    def jvp(self, primals: Nested,
            unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE
            ) -> Nested:
        """The JVPs of ``primals`` (a tensor or nested structure), in its structure.

        A tensor that does not depend on the accumulator's primals gives None,
        or zeros with ``unconnected_gradients=UnconnectedGradients.ZERO``.  This
        only looks up tangents already computed; it works inside or after the
        ``with`` block.

        >>> import gradtape as tf
        >>> x = tf.constant(2.0)
        >>> with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        ...     y = {"sin": tf.sin(x), "other": tf.constant(3.0)}
        >>> got = acc.jvp(y)
        >>> round(float(got["sin"]), 4), got["other"]
        (-0.4161, None)
        >>> acc.jvp(y["other"], unconnected_gradients="zero").numpy()
        0.0
        """
        unconnected = _as_unconnected(unconnected_gradients, accumulator=True)
        tangents = self._rec.tangents
        batch = self._rec.batch

        def one(t):
            if not isinstance(t, TensorLike):
                raise TypeError(f"ForwardAccumulator.jvp: expected Tensors or Variables, "
                                f"got {type(t).__name__}")
            got = tangents.get(t._uid)
            if got is None and unconnected is UnconnectedGradients.ZERO:
                v = t._value
                shape = v.shape if batch is None else (batch,) + v.shape
                return wrap(zeros_for(v, shape))
            return got
        return nest.map_structure(one, primals)


__all__ = ["ForwardAccumulator"]

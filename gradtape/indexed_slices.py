"""``IndexedSlices``: a sparse gradient, some rows of a tensor, as in TensorFlow.

``GradientTape.gradient`` returns one for a source (a Variable or a watched
tensor) whose only uses on the tape are gathers along axis 0 (``tf.gather``,
``tf.nn.embedding_lookup``, also of ``tf.identity`` of it): the rows read, with their cotangents, repeats
kept.  A source also used otherwise gets the usual dense Tensor (the rows
summed in).  ``tf.convert_to_tensor`` and any op taking it densify it;
optimizers apply it as Keras does.

>>> import gradtape as tf
>>> table = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
>>> with tf.GradientTape() as tape:
...     loss = tf.reduce_sum(tf.nn.embedding_lookup(table, [2, 0, 2]))
>>> grad = tape.gradient(loss, table)
>>> type(grad).__name__, grad.indices.numpy()
('IndexedSlices', array([2, 0, 2], dtype=int32))
>>> tf.convert_to_tensor(grad).numpy()
array([[1., 1.],
       [0., 0.],
       [2., 2.]], dtype=float32)
"""
from __future__ import annotations
import numpy as np

from ._core.op import OPS
from ._core.reverse import backward
from ._core.convert import convert_to_tensor
from ._core.tensor import TensorLike, TensorShape, wrap
from typing import Any, Optional, Sequence, Tuple
from ._core.types import DType, Nested, Tensor, TensorInput

__all__ = ["IndexedSlices", "densified", "summed_rows"]


class IndexedSlices:
    """Rows ``values[i]`` of a tensor of shape ``dense_shape`` at row ``indices[i]``
    (a repeated index adds up).

    >>> import gradtape as tf
    >>> s = tf.IndexedSlices(tf.constant([[1.0, 1.0]]), tf.constant([1]), tf.constant([3, 2]))
    >>> s.dense_shape.numpy(), tf.convert_to_tensor(s).numpy()[1]
    (array([3, 2], dtype=int32), array([1., 1.], dtype=float32))
    """

    __slots__ = ("_values", "_indices", "_dense_shape")

    def __init__(self, values: TensorInput, indices: TensorInput,
                 dense_shape: Optional[TensorInput] = None) -> None:
        self._values = convert_to_tensor(values)
        self._indices = convert_to_tensor(indices)
        self._dense_shape = None if dense_shape is None else convert_to_tensor(dense_shape)

    @property
    def values(self) -> Tensor:
        """The rows, a Tensor of shape ``[len(indices)] + dense_shape[1:]``."""
        return self._values

    @property
    def indices(self) -> Tensor:
        """The row of each slice, a 1-D integer Tensor."""
        return self._indices

    @property
    def dense_shape(self) -> Tensor:
        """The shape of the dense tensor, a 1-D integer Tensor (or None)."""
        return self._dense_shape

    @property
    def dtype(self) -> DType:
        """The dtype of ``values``."""
        return self._values.dtype

    @property
    def shape(self) -> TensorShape:
        """The dense shape as a TensorShape."""
        if self._dense_shape is None:
            return TensorShape((None,) + tuple(self._values.shape[1:]))
        return TensorShape(int(d) for d in self._dense_shape._value)

    def _nest_parts(self):
        """The tensors it is made of, in constructor order (``_core/nest.py``)."""
        return (self._values, self._indices, self._dense_shape)

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __str__(self):
        shape = "" if self._dense_shape is None else f", dense_shape={self._dense_shape!s}"
        return f"IndexedSlices(indices={self._indices!s}, values={self._values!s}{shape})"

    __repr__ = __str__

    def _as_dense_tensor(self):
        """The dense tensor: the rows added into zeros (differentiable in ``values``)."""
        from .rules import indexing
        if self._dense_shape is None:
            raise ValueError("Tensor conversion requested for IndexedSlices without "
                             "dense_shape: give IndexedSlices a dense_shape")
        shape = tuple(int(d) for d in self._dense_shape._value)
        rows = np.asarray(self._indices._value, np.int64).reshape(-1)
        return indexing._scatter_into(self._values, (rows,), shape)


def densified(grads: Nested) -> Any:
    """``grads`` (a list) with each IndexedSlices made a dense Tensor.

    >>> import gradtape as tf
    >>> from gradtape.indexed_slices import densified
    >>> densified([tf.IndexedSlices(tf.ones((1, 2)), [0], [2, 2]), None])[0].numpy()
    array([[1., 1.],
           [0., 0.]], dtype=float32)
    """
    return [g._as_dense_tensor() if type(g) is IndexedSlices else g for g in grads]


def summed_rows(values: TensorInput, indices: TensorInput,
                shape: Sequence[int]) -> Tuple[Tensor, Tensor]:
    """The rows ``values`` (an array, or a Tensor) added into zeros of ``shape``
    at ``indices``: an array, or a Tensor.

    >>> import numpy as np
    >>> from gradtape.indexed_slices import summed_rows
    >>> summed_rows(np.ones((3, 2)), np.array([1, 0, 1]), (3, 2))
    array([[1., 1.],
           [2., 2.],
           [0., 0.]])
    """
    rows = np.asarray(getattr(indices, "_value", indices), np.int64).reshape(-1)
    if isinstance(values, TensorLike):
        return IndexedSlices(values, wrap(rows), wrap(np.asarray(shape, np.int64)))._as_dense_tensor()
    out = np.zeros(tuple(shape), values.dtype)
    np.add.at(out, rows, values)
    return out


# ---------------------------------------------------------------------------
# the backward sweep, with sources read only by gathers kept sparse
# ---------------------------------------------------------------------------

def _row_gathers(recorder, source_uids, target_cts):
    """``{source uid: [(gather output uid, indices, source shape), ...]}`` for the
    leaf sources whose every use on a path to a target is a gather along axis 0,
    of the source itself or of an identity of it (TensorFlow's identity passes
    IndexedSlices through)."""
    gather = OPS["gather"]
    target_uids = [u for u, _ in target_cts]
    # only a source the tape tracks gets a gradient (see reverse._live_ids)
    candidates = (recorder.tracked.intersection(source_uids) - recorder.cut_only
                  - set(target_uids) - set(recorder.producer))
    entries = [e for e in recorder.views() if e is not None]
    origin = _identity_origins(entries, candidates)
    if not any(e.op is gather and e.inputs[0] in origin for e in entries):
        return {}
    reach = _reaching(entries, target_uids)
    uses, dense = {}, {origin[u] for u in target_uids if u in origin}
    for entry in entries:
        op, in_uids, outs = entry.op, entry.inputs, entry.outputs
        if not (any(o in reach for o in outs) if type(outs) is tuple else outs in reach):
            continue
        for i, u in enumerate(in_uids):
            source = origin.get(u)
            if source is None or outs in origin:
                continue
            key = entry.params.get("key") if op is gather else None
            if i == 0 and key is not None and len(key) == 1 and isinstance(key[0], np.ndarray):
                uses.setdefault(source, []).append((outs, key[0], entry.saved[0].shape))
            else:
                dense.add(source)
    return {u: found for u, found in uses.items() if u not in dense}


def _identity_origins(entries, candidates):
    """``{uid: source uid}`` for the candidate sources and the identities of
    them (chains included), in recording order."""
    identity = OPS["identity"]
    origin = {u: u for u in candidates}
    for entry in entries:
        if entry.op is identity and entry.inputs[0] in origin:
            origin[entry.outputs] = origin[entry.inputs[0]]
    return origin


def _reaching(entries, target_uids):
    """The ids some target depends on (through the recorded entries)."""
    reach = set(target_uids)
    for entry in reversed(entries):
        outs = entry.outputs
        if any(o in reach for o in outs) if type(outs) is tuple else outs in reach:
            reach.update(entry.inputs)
    return reach


def _slices(parts):
    """One IndexedSlices from the cotangents of several gathers of one source."""
    from .rules import shape as sh
    shape = parts[0][2]
    values = [sh.reshape(ct, (-1,) + tuple(shape[1:])) for ct, _, _ in parts]
    indices = np.concatenate([idx.reshape(-1) for _, idx, _ in parts])
    if indices.size == 0 or (indices.max() < 2**31 and indices.min() >= -2**31):
        indices = indices.astype(np.int32)  # TensorFlow's dtype for ids given as Python ints
    return IndexedSlices(values[0] if len(values) == 1 else sh.concat(values, 0),
                         wrap(indices), wrap(np.asarray(shape, np.int32)))


def backward_with_slices(recorder, target_cts, source_uids, persistent, vjp_caller=None):
    """``reverse.backward`` for ``GradientTape.gradient``: a source read only by
    axis-0 gathers gets an IndexedSlices (its gathers' output cotangents)
    instead of a dense sum."""
    gathered = (recorder.uses(OPS["gather"])
                and _row_gathers(recorder, source_uids, target_cts))
    if not gathered:
        return backward(recorder, target_cts, source_uids, persistent, vjp_caller)
    outputs = [out for uses in gathered.values() for out, _, _ in uses]
    wanted = [u for u in source_uids if u not in gathered]
    found = backward(recorder, target_cts, wanted + outputs, persistent, vjp_caller)
    keep = set(wanted)
    for u, uses in gathered.items():
        parts = [(found[out], idx, shape) for out, idx, shape in uses if out in found]
        if parts:
            found[u] = _slices(parts)
    for out in outputs:
        if out not in keep:
            found.pop(out, None)
    return found


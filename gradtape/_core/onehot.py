"""Structured cotangents for vectorized Jacobians: batches of scaled one-hot rows.

``GradientTape.jacobian`` seeds one backward sweep with rows of the identity,
one per target element.  As a dense array that seed is (rows x target size),
and every op on the way back pushes all of it through: a matmul VJP becomes a
matrix-matrix product.  ``OneHotRows`` keeps the seed as what it is: row ``r``
of a chunk ``[start, stop)`` is ``d.flat[start + r]`` times the unit vector at
position ``start + r``, for a tensor ``d`` of the value's shape (the identity
seed has ``d = 1`` at the chunk's positions and 0 elsewhere).

The sweep (``_core/rows.py``) keeps the rows structured as long as it can:

* an op declared ``elementwise`` turns them, for an input of the output's
  size, into rows of the same kind: the new ``d`` is the op's ordinary
  (unbatched) VJP of ``d``, one call for all rows;
* an op with ``onehot_vjps`` (matmul) builds an input's dense batched
  cotangent by gathering, in time proportional to its size, with the helpers
  below (``coordinates``, ``take``, ``placed``);
* anything else gets the dense rows, built once (``dense``).

With no recorder active the helpers work on NumPy arrays.  Under an outer tape
or accumulator they use gradtape's own ops, so the Jacobian stays
differentiable (the Jacobian of a Jacobian); so they do once another array
namespace is in use, like the rest of the sweep.
"""
import numpy as np

from . import basic_ops as ops
from .state import foreign, stack
from .tensor import wrap


class OneHotRows:
    """Rows ``start:stop`` of a batched cotangent, row ``r`` being
    ``d.flat[start + r] * e_{start + r}`` for a Tensor ``d`` of the value's shape.

    >>> import numpy as np
    >>> from gradtape._core.onehot import OneHotRows
    >>> from gradtape._core.tensor import wrap
    >>> rows = OneHotRows(wrap(np.array([2.0, 3.0, 4.0])), 1, 3)
    >>> rows.dense().numpy()
    array([[0., 3., 0.],
           [0., 0., 4.]])
    """

    __slots__ = ("d", "start", "stop", "ops", "_dense")

    def __init__(self, d, start, stop, ops=None):
        self.d = d
        self.start = start
        self.stop = stop
        # every step an op: a recorder watches the sweep, or another namespace is in use
        self.ops = bool(stack() or foreign[0]) if ops is None else ops
        self._dense = None

    @classmethod
    def identity(cls, shape, dtype, start, stop):
        """Rows ``start:stop`` of the identity over a value of ``shape``.

        >>> import numpy as np
        >>> from gradtape._core.onehot import OneHotRows
        >>> OneHotRows.identity((2, 2), np.float32, 1, 3).dense().numpy()[0]
        array([[0., 1.],
               [0., 0.]], dtype=float32)
        """
        d = np.zeros(shape, dtype)
        d.reshape(-1)[start:stop] = 1
        return cls(wrap(d), start, stop)

    def __repr__(self):
        return (f"OneHotRows(rows {self.start}:{self.stop} of shape "
                f"{tuple(self.d._value.shape)}, dtype={self.d._value.dtype})")

    @property
    def count(self):
        """The number of rows."""
        return self.stop - self.start

    def like(self, d):
        """Rows of the same chunk with the scales ``d``."""
        return OneHotRows(d, self.start, self.stop, self.ops)

    def plus(self, other):
        """The sum with ``other`` rows: structured when both are of one chunk."""
        if (other.start, other.stop) == (self.start, self.stop):
            if self.ops:
                return self.like(ops.add(self.d, other.d))
            return self.like(wrap(np.add(self.d._value, other.d._value)))
        a, b = self.dense(), other.dense()
        return ops.add(a, b) if self.ops else wrap(np.add(a._value, b._value))

    def values(self):
        """Each row's scale, ``d.flat[start:stop]`` (an array, or a Tensor when ``ops``)."""
        if self.ops:
            return ops.flatten(self.d)[self.start:self.stop]
        return self.d._value.reshape(-1)[self.start:self.stop]

    def dense(self):
        """The rows as one Tensor of shape ``(count,) + d.shape`` (built once)."""
        if self._dense is None:
            v = self.d._value
            m, n = self.count, v.size
            if self.ops:
                eye = np.zeros((m, n), v.dtype)
                _diagonal(eye, self.start)[...] = 1
                rows = ops.multiply(wrap(eye), ops.expand_dims(self.values(), -1))
                self._dense = ops.reshape(rows, (m,) + tuple(v.shape))
            else:
                out = np.zeros((m, n), v.dtype)
                _diagonal(out, self.start)[...] = self.values()
                self._dense = wrap(out.reshape((m,) + v.shape))
        return self._dense

    # -- helpers for one-hot VJP rules of ops on matrices (d of rank 2) --------
    def coordinates(self):
        """Each row's position ``(i, j)`` in the matrix ``d``: int arrays, or a
        ``slice`` for a contiguous run (a column or row vector)."""
        p, q = self.d._value.shape
        if q == 1:
            return slice(self.start, self.stop), np.zeros(self.count, np.intp)
        if p == 1:
            return np.zeros(self.count, np.intp), slice(self.start, self.stop)
        return np.divmod(np.arange(self.start, self.stop), q)

    def take(self, x, index, axis):
        """Rows (``axis=0``) or columns (``axis=1``) ``index`` of the matrix
        Tensor ``x``, one per row of this batch: shape ``(count, k)``."""
        if not self.ops:
            v = x._value
            return v[index] if axis == 0 else v[:, index].T
        got = ops.gather(x, _indices(index), axis=axis)
        return got if axis == 0 else ops.transpose(got)

    def placed(self, vectors, index, axis, shape):
        """The batched cotangent of a matrix of ``shape`` whose row ``r`` is zero
        but for ``values()[r] * vectors[r]`` at row (``axis=0``) or column
        (``axis=1``) ``index[r]``: shape ``(count,) + shape``."""
        m = self.count
        out_shape = (m,) + tuple(shape)
        if self.ops:
            return self._placed_ops(vectors, index, axis, out_shape)
        scaled = vectors * self.values()[:, None]
        if shape[axis] == 1:  # the only row (column): nothing to place
            return wrap(scaled.reshape(out_shape))
        out = np.zeros(out_shape, scaled.dtype)
        rows = np.arange(m)
        if axis == 0:
            out[rows, _indices(index), :] = scaled
        else:
            out[rows, :, _indices(index)] = scaled
        return wrap(out)

    def _placed_ops(self, vectors, index, axis, out_shape):
        scaled = ops.multiply(vectors, ops.expand_dims(self.values(), -1))
        if out_shape[1 + axis] == 1:
            return ops.reshape(scaled, out_shape)
        m, size = self.count, out_shape[1 + axis]
        onehot = np.zeros((m, size), scaled._value.dtype)
        onehot[np.arange(m), _indices(index)] = 1
        if axis == 0:  # (m, 1, k) * (m, size, 1)
            return ops.multiply(ops.expand_dims(scaled, 1), wrap(onehot[:, :, None]))
        return ops.multiply(ops.expand_dims(scaled, 2), wrap(onehot[:, None, :]))


def _diagonal(rows, start):
    """The view of ``rows[r, start + r]`` for every row r of a 2-D array."""
    m, n = rows.shape
    return rows.reshape(-1)[start::n + 1][:m]


def _indices(index):
    return np.arange(index.start, index.stop) if type(index) is slice else index


def dense(ct):
    """``ct`` as a plain (batched) cotangent Tensor.

    >>> import numpy as np
    >>> from gradtape._core.onehot import OneHotRows, dense
    >>> dense(OneHotRows.identity((2,), np.float64, 0, 2)).numpy()
    array([[1., 0.],
           [0., 1.]])
    """
    return ct.dense() if type(ct) is OneHotRows else ct

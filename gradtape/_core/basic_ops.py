"""The few ops the engine runs itself, taken from the op registry.

The sweeps sum cotangents, undo broadcasting and match dtypes with these when
a recorder watches them (higher order) or another array namespace is in use;
forward mode pads, broadcasts and stacks tangents; ``OneHotRows`` builds
dense rows.  The engine declares none of them: it looks them up by name in
``OPS``, which the rule modules fill (``add``, ``multiply``, ``cast``,
``reshape``, ``broadcast_to``, ``transpose``, ``gather``, ``reduce_sum`` and
``stack``; ``rules/shape.py`` sums with it too, below ``rules/reductions.py``).  That lookup is the engine's whole contract with the rules.
"""
import numpy as np

from .backend import backend_of
from .dtypes import as_dtype
from .op import OPS
from .tensor import wrap
from .trace import apply

_NOPARAMS = {}


def add(a, b):
    """``a + b`` (same shape up to broadcasting, same dtype)."""
    return apply(OPS["add"], (a, b), _NOPARAMS)


def multiply(a, b):
    """``a * b`` (same dtype)."""
    return apply(OPS["multiply"], (a, b), _NOPARAMS)


def cast(x, dtype):
    """``x`` as ``dtype`` (a dtype of any namespace gradtape knows)."""
    return apply(OPS["cast"], (x,), {"dtype": as_dtype(dtype)._np})


def reshape(x, shape):
    """``x`` with the (fully known) ``shape``."""
    return apply(OPS["reshape"], (x,), {"shape": tuple(shape)})


def flatten(x):
    """``x`` as a vector."""
    return reshape(x, (x._value.size,))


def expand_dims(x, axis):
    """``x`` with a length-1 axis inserted at ``axis``."""
    shape = list(x._value.shape)
    shape.insert(axis if axis >= 0 else len(shape) + 1 + axis, 1)
    return reshape(x, shape)


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return apply(OPS["broadcast_to"], (x,), {"shape": tuple(shape)})


def transpose(x):
    """``x`` with its axes reversed."""
    return apply(OPS["transpose"], (x,), {"perm": tuple(range(x._value.ndim))[::-1]})


def gather(x, indices, axis):
    """``x``'s slices ``indices`` (a NumPy int array) along ``axis``."""
    v = x._value
    if type(v) is not np.ndarray:
        indices = backend_of(v).xp.asarray(indices)
    nd = v.ndim
    key = (slice(None),) * (axis % nd) + (indices,)
    return apply(OPS["gather"], (x,), {"key": key, "rank": nd, "front": 0,
                                       "out_rank": nd - 1 + indices.ndim})


def stack(values):
    """Same-shaped tensors of one dtype stacked along a new first axis."""
    return apply(OPS["stack"].per_arity(len(values)), tuple(values), {"axis": 0})


def reduce_sum(x, axes):
    """``x`` summed over ``axes`` (negative, each once)."""
    return apply(OPS["reduce_sum"], (x,), {"axes": tuple(sorted(axes)), "keepdims": False})


def zeros(shape, dtype, like):
    """A tensor of zeros in the namespace of the array ``like``."""
    return wrap(backend_of(like).xp.zeros(shape, dtype=dtype))


def sum_to_shape(g, shape, nbatch=0):
    """Sum ``g`` over the axes broadcasting added, so it has ``shape``.

    The first ``nbatch`` axes of both ``g`` and ``shape`` are batch axes of a
    vectorized Jacobian: they are kept, and broadcasting is undone after them.

    >>> import gradtape as tf
    >>> from gradtape._core.basic_ops import sum_to_shape
    >>> sum_to_shape(tf.ones((2, 3)), (1, 3)).numpy()
    array([[2., 2., 2.]], dtype=float32)
    """
    shape = tuple(shape)
    extra = g.ndim - len(shape)
    base = shape[nbatch:]
    axes = tuple(range(nbatch, nbatch + extra)) + tuple(
        nbatch + extra + i for i, d in enumerate(base)
        if d == 1 and g.shape[nbatch + extra + i] != 1)
    if axes and nbatch == 0 and axes[-1] == len(axes) - 1:
        # leading axes: the sum the sweep on arrays makes (reverse.unbroadcast)
        g = apply(OPS["sum_leading"], (g,), {"k": len(axes), "keep": g.ndim - len(axes)})
    elif axes:
        g = reduce_sum(g, [a - g.ndim for a in axes])
    if tuple(g.shape) != shape:
        g = reshape(g, shape)
    return g


def tie(t, primals):
    """The tangent ``t`` as outer recorders should see it: computed from the
    op's ``primals`` with a zero derivative in them (the ``tangent`` op)."""
    return apply(OPS["tangent"].per_arity(len(primals)), (t, *primals), _NOPARAMS)

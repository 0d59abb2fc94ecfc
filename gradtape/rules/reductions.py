"""Reductions over axes: sums, means, extrema, products, norms, scans.

VJPs put the reduced axes back (``_unreduce``) relative to the end of the
cotangent, so they work with extra leading (batch) axes.
"""
from ._util import public_names, NOPARAMS, apply, defop, lead, norm_axes, tensor, xp
from . import elementwise as ew
from . import shape as sh


def _unreduce(ct, x_shape, axes, keepdims):
    """Broadcast a reduced cotangent back to ``lead + x_shape``."""
    if not keepdims:
        for a in sorted(axes, reverse=True):
            ct = sh.expand_dims(ct, a)
    return sh.broadcast_to(ct, lead(ct, len(x_shape)) + tuple(x_shape))


def _count(x_shape, axes):
    n = 1
    for a in axes:
        n *= x_shape[a]
    return n


def _sum_impl(x, axes, keepdims):
    return xp.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


_SUM = defop("reduce_sum", _sum_impl,
             vjp=lambda ct, ans, x, axes, keepdims: _unreduce(ct, x.shape, axes, keepdims),
             linear=True, save="none")


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum of elements across ``axis`` (all axes when None).

    >>> import gradtape as tf
    >>> tf.reduce_sum(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy()
    array([4., 6.], dtype=float32)
    """
    x = tensor(input_tensor)
    axes = norm_axes(axis, x._value.ndim, "reduce_sum")
    return apply(_SUM, (x,), {"axes": axes, "keepdims": bool(keepdims)})


def _mean_impl(x, axes, keepdims):
    if x.dtype.kind in "iu":
        return (xp.sum(x, axis=axes, keepdims=keepdims) // max(_count(x.shape, axes), 1)).astype(x.dtype)
    return xp.mean(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


_MEAN = defop("reduce_mean", _mean_impl,
              vjp=lambda ct, ans, x, axes, keepdims:
                  _unreduce(ct, x.shape, axes, keepdims) / float(max(_count(x.shape, axes), 1)),
              linear=True, save="none")


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean of elements across ``axis`` (integer tensors use integer division).

    >>> import gradtape as tf
    >>> tf.reduce_mean(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=1).numpy()
    array([1.5, 3.5], dtype=float32)
    """
    x = tensor(input_tensor)
    axes = norm_axes(axis, x._value.ndim, "reduce_mean")
    return apply(_MEAN, (x,), {"axes": axes, "keepdims": bool(keepdims)})


def sum_to_shape(g, shape, nbatch=0):
    """Sum ``g`` over the axes broadcasting added, so it has ``shape`` (engine hook).

    The first ``nbatch`` axes of both ``g`` and ``shape`` are batch axes of a
    vectorized Jacobian: they are kept, and broadcasting is undone after them.
    """
    shape = tuple(shape)
    extra = g.ndim - len(shape)
    base = shape[nbatch:]
    axes = tuple(range(nbatch, nbatch + extra)) + tuple(
        nbatch + extra + i for i, d in enumerate(base)
        if d == 1 and g.shape[nbatch + extra + i] != 1)
    if axes:
        g = apply(_SUM, (g,), {"axes": tuple(a - g.ndim for a in axes), "keepdims": False})
    if tuple(g.shape) != shape:
        g = sh.reshape(g, shape)
    return g


__all__ = public_names(globals(), exclude=("sum_to_shape",))

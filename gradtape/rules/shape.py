"""Shape ops: reshape, transpose, expand_dims, squeeze, broadcast_to, stack, ...

All are linear, so their JVP is the op itself applied to the tangent; their
VJPs take the leading (batch) axes of the cotangent into account.
"""
from .._core.dtypes import as_dtype
from .._core.tensor import Tensor, TensorLike, wrap
from ..errors import InvalidArgumentError
from ._util import public_names, NOPARAMS, apply, defop, lead, tensor, xp


def _reshape_vjp(ct, ans, x, shape):
    return reshape(ct, lead(ct, len(shape)) + tuple(x.shape))


_RESHAPE = defop("reshape", lambda x, shape: xp.reshape(x, shape), vjp=_reshape_vjp,
                 save="none")
_RESHAPE.jvp = lambda ts, ans, x, shape: reshape(ts[0], lead(ts[0], x.ndim) + shape)


def _resolve_shape(shape, size, opname="reshape"):
    if isinstance(shape, TensorLike):
        shape = shape.numpy().tolist()
    shape = [int(d) for d in (shape if hasattr(shape, "__len__") else (shape,))]
    unknown = [i for i, d in enumerate(shape) if d == -1]
    known = 1
    for d in shape:
        if d != -1:
            if d < 0:
                raise InvalidArgumentError(f"{opname}: dimension {d} in shape {shape} is negative")
            known *= d
    if len(unknown) > 1:
        raise InvalidArgumentError(f"{opname}: only one dimension may be -1, got shape {shape}")
    if unknown:
        if known == 0 or size % known:
            raise InvalidArgumentError(
                f"{opname}: cannot reshape a tensor with {size} elements to shape {shape}")
        shape[unknown[0]] = size // known
    elif known != size:
        raise InvalidArgumentError(
            f"{opname}: cannot reshape a tensor with {size} elements to shape {shape} "
            f"({known} elements)")
    return tuple(shape)


def reshape(tensor_, shape, name=None):
    """``tensor_`` with a new shape of the same size (one dimension may be -1).

    >>> import gradtape as tf
    >>> tf.reshape(tf.constant([1.0, 2.0, 3.0, 4.0]), (2, -1)).shape
    TensorShape([2, 2])
    """
    x = tensor(tensor_)
    return apply(_RESHAPE, (x,), {"shape": _resolve_shape(shape, x._value.size)})


def _transpose_vjp(ct, ans, x, perm):
    nb = ct.ndim - len(perm)
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return apply(_TRANSPOSE, (ct,), {"perm": tuple(range(nb)) + tuple(i + nb for i in inv)})


def _transpose_jvp(ts, ans, x, perm):
    t = ts[0]
    nb = t.ndim - len(perm)
    return apply(_TRANSPOSE, (t,), {"perm": tuple(range(nb)) + tuple(p + nb for p in perm)})


_TRANSPOSE = defop("transpose", lambda x, perm: xp.transpose(x, perm),
                   vjp=_transpose_vjp, jvp=_transpose_jvp, save="none")


def transpose(a, perm=None, conjugate=False, name=None):
    """Permute the axes of ``a`` (reverse them when ``perm`` is None).

    >>> import gradtape as tf
    >>> tf.transpose(tf.zeros((2, 3, 4)), perm=[2, 0, 1]).shape
    TensorShape([4, 2, 3])
    """
    x = tensor(a)
    nd = x._value.ndim
    if perm is None:
        perm = tuple(range(nd - 1, -1, -1))
    else:
        if isinstance(perm, TensorLike):
            perm = perm.numpy().tolist()
        perm = tuple(int(p) % nd if nd else int(p) for p in perm)
        if sorted(perm) != list(range(nd)):
            raise InvalidArgumentError(
                f"transpose: perm {list(perm)} is not a permutation of the {nd} axes")
    return apply(_TRANSPOSE, (x,), {"perm": perm})


def matrix_transpose(a, name=None):
    """Swap the last two axes of ``a``.

    >>> import gradtape as tf
    >>> tf.linalg.matrix_transpose(tf.zeros((5, 2, 3))).shape
    TensorShape([5, 3, 2])
    """
    x = tensor(a)
    nd = x._value.ndim
    if nd < 2:
        raise InvalidArgumentError(f"matrix_transpose needs rank >= 2, got shape {tuple(x.shape)}")
    perm = list(range(nd))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return apply(_TRANSPOSE, (x,), {"perm": tuple(perm)})


def expand_dims(input, axis, name=None):  # noqa: A002
    """Insert a length-1 axis at ``axis``.

    >>> import gradtape as tf
    >>> tf.expand_dims(tf.constant([1.0, 2.0]), -1).shape
    TensorShape([2, 1])
    """
    x = tensor(input)
    nd = x._value.ndim
    axis = int(axis)
    if not -nd - 1 <= axis <= nd:
        raise InvalidArgumentError(
            f"expand_dims: axis {axis} is out of range for a tensor of rank {nd} "
            f"(expected {-nd - 1} <= axis <= {nd})")
    shape = list(x._value.shape)
    shape.insert(axis if axis >= 0 else nd + 1 + axis, 1)
    return apply(_RESHAPE, (x,), {"shape": tuple(shape)})


def squeeze(input, axis=None, name=None):  # noqa: A002
    """Remove length-1 axes (all of them, or those in ``axis``).

    >>> import gradtape as tf
    >>> tf.squeeze(tf.zeros((1, 2, 1))).shape
    TensorShape([2])
    """
    x = tensor(input)
    shape = x._value.shape
    nd = len(shape)
    if axis is None:
        keep = [d for d in shape if d != 1]
    else:
        axes = {int(a) % nd for a in ((axis,) if isinstance(axis, int) else axis)}
        for a in axes:
            if shape[a] != 1:
                raise InvalidArgumentError(
                    f"squeeze: cannot squeeze axis {a} of shape {tuple(shape)}: its size is {shape[a]}, not 1")
        keep = [d for i, d in enumerate(shape) if i not in axes]
    return apply(_RESHAPE, (x,), {"shape": tuple(keep)})


def _broadcast_vjp(ct, ans, x, shape):
    return ct  # the engine sums the cotangent back to x's shape


_BROADCAST = defop("broadcast_to", lambda x, shape: xp.broadcast_to(x, shape),
                   vjp=_broadcast_vjp, save="none", batch_jvp=False)
_BROADCAST.jvp = lambda ts, ans, x, shape: broadcast_to(ts[0], lead(ts[0], x.ndim) + shape)


def broadcast_to(input, shape, name=None):  # noqa: A002
    """``input`` broadcast to ``shape`` (NumPy's broadcasting rules).

    >>> import gradtape as tf
    >>> tf.broadcast_to(tf.constant([1.0, 2.0]), (3, 2)).shape
    TensorShape([3, 2])
    """
    x = tensor(input)
    if isinstance(shape, TensorLike):
        shape = shape.numpy().tolist()
    shape = tuple(int(d) for d in shape)
    if x._value.shape == shape:
        return x if type(x) is Tensor else identity(x)
    try:
        xp.broadcast_shapes(x._value.shape, shape)
        if len(shape) < x._value.ndim:
            raise ValueError
    except ValueError:
        raise InvalidArgumentError(
            f"broadcast_to: cannot broadcast a tensor of shape {tuple(x._value.shape)} "
            f"to shape {shape}") from None
    return apply(_BROADCAST, (x,), {"shape": shape})


def _stack_impl(*xs, axis):
    return xp.stack(xs, axis=axis)


def _stack_vjp(i):
    def vjp(ct, ans, *xs, axis):
        nd = xs[0].ndim + 1
        a = axis - nd if axis >= 0 else axis
        return apply(_TAKE, (ct,), {"index": i, "axis": a})
    return vjp


def _take_impl(x, index, axis):
    return xp.take(x, index, axis=axis)


def _insert_impl(ct, index, axis, size):
    shape = list(ct.shape)
    pos = axis + len(shape) + 1
    shape.insert(pos, size)
    out = xp.zeros(shape, ct.dtype)
    key = (slice(None),) * pos + (index,)
    out[key] = ct
    return out


# take one slice along an axis (the VJP of stack), and its transpose
_TAKE = defop("take_slice", _take_impl, linear=True, save="none")
_INSERT = defop("insert_slice", _insert_impl, linear=True, save="none")
_TAKE.vjps = (lambda ct, ans, x, index, axis:
              apply(_INSERT, (ct,), {"index": index, "axis": axis, "size": x.shape[axis]}),)
_INSERT.vjps = (lambda ct, ans, x, index, axis, size:
                apply(_TAKE, (ct,), {"index": index, "axis": axis}),)


def _zeros(ct):
    from .elementwise import zeros_like
    return zeros_like(ct)


_STACK_OPS = {}


def _make_stack(n):
    op = _STACK_OPS.get(n)
    if op is None:
        op = defop("stack", _stack_impl, vjp=tuple(_stack_vjp(i) for i in range(n)),
                   save="none")
        op.jvp = _stack_jvp(op)
        _STACK_OPS[n] = op
    return op


def _stack_jvp(op):
    def jvp(ts, ans, *xs, axis):
        t0 = next(t for t in ts if t is not None)
        nb = t0.ndim - xs[0].ndim
        ts = [t if t is not None else _zeros_batched(x, t0.shape[:nb]) for t, x in zip(ts, xs)]
        return apply(op, ts, {"axis": axis - (xs[0].ndim + 1) if axis >= 0 else axis})
    return jvp


def _zeros_batched(x, batch):
    v = x._value
    from .._core.tensor import wrap
    return wrap(xp.zeros(tuple(batch) + v.shape, v.dtype))


def stack(values, axis=0, name=None):
    """Stack same-shaped tensors along a new axis.

    >>> import gradtape as tf
    >>> tf.stack([tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])], axis=1).numpy()
    array([[1., 3.],
           [2., 4.]], dtype=float32)
    """
    from ._util import pair
    values = [tensor(v) for v in values]
    if not values:
        raise ValueError("stack: values must be a non-empty list of tensors")
    first = values[0]
    for i, v in enumerate(values[1:], 1):
        if v._value.shape != first._value.shape:
            raise InvalidArgumentError(
                f"stack: all values must have the same shape, but value 0 has shape "
                f"{tuple(first.shape)} and value {i} has shape {tuple(v.shape)}")
        pair(first, v, "Pack")
    nd = first._value.ndim + 1
    axis = int(axis)
    if not -nd <= axis < nd:
        raise InvalidArgumentError(f"stack: axis {axis} is out of range for rank {nd}")
    return apply(_make_stack(len(values)), values, {"axis": axis % nd})


# a contiguous range along one (negative) axis: the VJP of concat, and its transpose
def _range_impl(x, start, stop, axis):
    key = (slice(None),) * (x.ndim + axis) + (slice(start, stop),)
    return x[key]


def _unrange_impl(ct, start, stop, axis, size):
    shape = list(ct.shape)
    shape[axis] = size
    out = xp.zeros(shape, ct.dtype)
    out[(slice(None),) * (ct.ndim + axis) + (slice(start, stop),)] = ct
    return out


_RANGE = defop("slice_axis", _range_impl, linear=True, save="none")
_UNRANGE = defop("unslice_axis", _unrange_impl, linear=True, save="none")
_RANGE.vjps = (lambda ct, ans, x, start, stop, axis:
               apply(_UNRANGE, (ct,), {"start": start, "stop": stop, "axis": axis,
                                       "size": x.shape[axis]}),)
_UNRANGE.vjps = (lambda ct, ans, x, start, stop, axis, size:
                 apply(_RANGE, (ct,), {"start": start, "stop": stop, "axis": axis}),)


def _concat_impl(*xs, axis):
    return xp.concatenate(xs, axis=axis)


def _concat_vjp(i):
    def vjp(ct, ans, *xs, axis):
        start = sum(x.shape[axis] for x in xs[:i])
        return apply(_RANGE, (ct,), {"start": start, "stop": start + xs[i].shape[axis],
                                     "axis": axis})
    return vjp


_CONCAT_OPS = {}


def _make_concat(n):
    op = _CONCAT_OPS.get(n)
    if op is None:
        op = defop("concat", _concat_impl, vjp=tuple(_concat_vjp(i) for i in range(n)),
                   save="none")
        op.jvp = _concat_jvp(op)
        _CONCAT_OPS[n] = op
    return op


def _concat_jvp(op):
    def jvp(ts, ans, *xs, axis):
        t0 = next(t for t in ts if t is not None)
        nb = t0.ndim - xs[0].ndim
        ts = [t if t is not None else _zeros_batched(x, t0.shape[:nb]) for t, x in zip(ts, xs)]
        return apply(op, ts, {"axis": axis})
    return jvp


def concat(values, axis, name=None):
    """Join tensors along an existing axis.

    >>> import gradtape as tf
    >>> tf.concat([tf.constant([[1.0]]), tf.constant([[2.0], [3.0]])], axis=0).numpy()
    array([[1.],
           [2.],
           [3.]], dtype=float32)
    """
    from ._util import pair
    values = [tensor(v) for v in values]
    if not values:
        raise ValueError("concat: values must be a non-empty list of tensors")
    first = values[0]
    nd = first._value.ndim
    axis = int(axis)
    if nd == 0 or not -nd <= axis < nd:
        raise InvalidArgumentError(f"concat: axis {axis} is out of range for tensors of rank {nd}")
    neg = axis - nd if axis >= 0 else axis
    for i, v in enumerate(values[1:], 1):
        pair(first, v, "ConcatV2")
        a, b = first._value.shape, v._value.shape
        if len(a) != len(b) or any(x != y for k, (x, y) in enumerate(zip(a, b)) if k != neg % nd):
            raise InvalidArgumentError(
                f"concat: value 0 has shape {tuple(a)} and value {i} has shape {tuple(b)}; "
                f"they must match on every axis but {axis}")
    if len(values) == 1:
        return identity(first)
    return apply(_make_concat(len(values)), values, {"axis": neg})


def _shape_tuple(shape):
    if isinstance(shape, TensorLike):
        shape = shape.numpy().tolist()
    if isinstance(shape, int):
        shape = (shape,)
    return tuple(int(d) for d in shape)


def zeros(shape, dtype="float32", name=None):
    """A tensor of zeros.

    >>> import gradtape as tf
    >>> tf.zeros((2,))
    <gradtape.Tensor: shape=(2,), dtype=float32, numpy=array([0., 0.], dtype=float32)>
    """
    return wrap(xp.zeros(_shape_tuple(shape), as_dtype(dtype)._np))


def ones(shape, dtype="float32", name=None):
    """A tensor of ones.

    >>> import gradtape as tf
    >>> tf.ones((2,), dtype=tf.int32).numpy()
    array([1, 1], dtype=int32)
    """
    return wrap(xp.ones(_shape_tuple(shape), as_dtype(dtype)._np))


_IDENTITY = defop("identity", lambda x: x, vjp=lambda ct, ans, x: ct, linear=True, save="none")


def identity(input, name=None):  # noqa: A002
    """A Tensor with the same value as ``input`` (a Variable is read).

    >>> import gradtape as tf
    >>> tf.identity(tf.Variable(2.0))
    <gradtape.Tensor: shape=(), dtype=float32, numpy=2.0>
    """
    return apply(_IDENTITY, (tensor(input),), NOPARAMS)


_STOP = defop("stop_gradient", lambda x: x, nondiff=True)


def stop_gradient(input, name=None):  # noqa: A002
    """``input``'s value, with no gradient flowing back through it.

    >>> import gradtape as tf
    >>> x = tf.Variable(3.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * tf.stop_gradient(x)
    >>> tape.gradient(y, x).numpy()
    3.0
    """
    return apply(_STOP, (tensor(input),), NOPARAMS)


__all__ = public_names(globals(), exclude=())

"""Shape ops: reshape, transpose, expand_dims, squeeze, broadcast_to, stack, ...

All are linear, so their JVP is the op itself applied to the tangent; their
VJPs take the leading (batch) axes of the cotangent into account.
"""
from __future__ import annotations
from .._core import basic_ops
from .._core.dtypes import as_dtype
from .._core.state import shape_view
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike, wrap
from ..errors import InvalidArgumentError
from ._util import public_names, NOPARAMS, apply, defop, int_arg, lead, norm_axes, pair, tensor, NP
from typing import List, Optional, Sequence, TYPE_CHECKING, Union
from .._core.types import Axis, DTypeLike, ShapeLike, Tensor, TensorInput
_to_tensor = tensor  # for the ops whose argument TensorFlow names ``tensor``


def _reshape_vjp(ct, ans, x, shape):
    return reshape(ct, lead(ct, len(shape)) + tuple(x.shape))


_RESHAPE = defop("reshape", lambda xp, x, shape: xp.reshape(x, shape), vjp=_reshape_vjp,
                 save="none", elementwise=True)  # the flat order is unchanged
_RESHAPE.jvp = lambda ts, ans, x, shape: reshape(ts[0], lead(ts[0], x.ndim) + shape)


def _product(dims):
    out = 1
    for d in dims:
        out *= d
    return out


def _resolve_shape(shape, size, input_shape, opname="reshape"):
    if isinstance(shape, TensorLike):
        shape = shape.numpy().tolist()
    shape = [int_arg(d, opname, "a shape dimension")
             for d in (shape if hasattr(shape, "__len__") else (shape,))]
    unknown = [i for i, d in enumerate(shape) if d == -1]
    known = 1
    for d in shape:
        if d != -1:
            if d < 0:
                raise InvalidArgumentError(f"{opname}: dimension {d} in shape {shape} is negative")
            known *= d
    if len(unknown) > 1:
        raise InvalidArgumentError(f"{opname}: only one dimension may be -1, got shape {shape}")
    if unknown and size == 0 and 0 in shape:
        # TensorFlow's rule for an empty result: the -1 takes the input's
        # nonzero dimensions over the shape's nonzero ones
        nonzero = [d for d in shape if d not in (0, -1)]
        shape[unknown[0]] = _product(d for d in input_shape if d) // _product(nonzero)
        return tuple(shape)
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


def reshape(tensor_: TensorInput, shape: ShapeLike, name: Optional[str] = None) -> Tensor:
    """``tensor_`` with a new shape of the same size (one dimension may be -1).

    >>> import gradtape as tf
    >>> tf.reshape(tf.constant([1.0, 2.0, 3.0, 4.0]), (2, -1)).shape
    TensorShape([2, 2])
    """
    x = tensor(tensor_)
    return apply(_RESHAPE, (x,), {"shape": _resolve_shape(shape, x._value.size,
                                                          x._value.shape)})


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


_TRANSPOSE = defop("transpose", lambda xp, x, perm: xp.transpose(x, perm),
                   vjp=_transpose_vjp, jvp=_transpose_jvp, save="none")


def transpose(a: TensorInput, perm: Optional[TensorInput] = None, conjugate: bool = False,
              name: Optional[str] = None) -> Tensor:
    """Permute the axes of ``a`` (reverse them when ``perm`` is None); with
    ``conjugate=True`` a complex ``a`` is also conjugated.

    >>> import gradtape as tf
    >>> tf.transpose(tf.zeros((2, 3, 4)), perm=[2, 0, 1]).shape
    TensorShape([4, 2, 3])
    >>> tf.transpose(tf.constant([[1 + 2j, 3 - 1j]]), conjugate=True).numpy()
    array([[1.-2.j],
           [3.+1.j]])
    """
    x = tensor(a)
    nd = x._value.ndim
    if perm is None:
        perm = tuple(range(nd - 1, -1, -1))
    else:
        if isinstance(perm, TensorLike):
            perm = perm.numpy().tolist()
        perm = tuple(int_arg(p, "transpose", "each perm entry") for p in perm)
        perm = tuple(p % nd for p in perm) if nd else perm
        if sorted(perm) != list(range(nd)):
            raise InvalidArgumentError(
                f"transpose: perm {list(perm)} is not a permutation of the {nd} axes")
    out = apply(_TRANSPOSE, (x,), {"perm": perm})
    if conjugate and x.dtype.is_complex:
        from .complex_ops import conj
        out = conj(out)
    return out


def matrix_transpose(a: TensorInput, name: Optional[str] = None) -> Tensor:
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


def expand_dims(input: TensorInput, axis: Axis, name: Optional[str] = None) -> Tensor:
    """Insert a length-1 axis at ``axis``.

    >>> import gradtape as tf
    >>> tf.expand_dims(tf.constant([1.0, 2.0]), -1).shape
    TensorShape([2, 1])
    """
    x = tensor(input)
    nd = x._value.ndim
    axis = int_arg(axis, "expand_dims")
    if not -nd - 1 <= axis <= nd:
        raise InvalidArgumentError(
            f"expand_dims: axis {axis} is out of range for a tensor of rank {nd} "
            f"(expected {-nd - 1} <= axis <= {nd})")
    shape = list(x._value.shape)
    shape.insert(axis if axis >= 0 else nd + 1 + axis, 1)
    return apply(_RESHAPE, (x,), {"shape": tuple(shape)})


def squeeze(input: TensorInput, axis: Axis = None, name: Optional[str] = None) -> Tensor:
    """Remove length-1 axes (all of them, or those in ``axis``).

    >>> import gradtape as tf
    >>> tf.squeeze(tf.zeros((1, 2, 1))).shape, tf.squeeze(tf.zeros((1, 2, 1)), axis=-1).shape
    (TensorShape([2]), TensorShape([1, 2]))
    """
    x = tensor(input)
    shape = x._value.shape
    nd = len(shape)
    if axis is None or (isinstance(axis, (list, tuple)) and not axis):  # [] squeezes all
        keep = [d for d in shape if d != 1]
    elif nd == 0:
        raise InvalidArgumentError(f"squeeze: axis {axis} is out of range for a tensor of rank 0")
    else:
        axes = {a + nd for a in norm_axes(axis, nd, "squeeze")}
        for a in sorted(axes):
            if shape[a] != 1:
                raise InvalidArgumentError(
                    f"squeeze: cannot squeeze axis {a} of shape {tuple(shape)}: its size is "
                    f"{shape[a]}, not 1")
        keep = [d for i, d in enumerate(shape) if i not in axes]
    return apply(_RESHAPE, (x,), {"shape": tuple(keep)})


def _broadcast_vjp(ct, ans, x, shape):
    return ct  # the engine sums the cotangent back to x's shape


_BROADCAST = defop("broadcast_to", lambda xp, x, shape: xp.broadcast_to(x, shape),
                   vjp=_broadcast_vjp, save="none")


def _broadcast_jvp(ts, ans, x, shape):
    t = ts[0]
    batch = lead(t, x.ndim)
    if len(shape) > x.ndim:  # align the tangent's own axes with the trailing axes of shape
        t = apply(_RESHAPE, (t,), {"shape": batch + (1,) * (len(shape) - x.ndim) + tuple(x.shape)})
    return apply(_BROADCAST, (t,), {"shape": batch + tuple(shape)})


_BROADCAST.jvp = _broadcast_jvp


def broadcast_to(input: TensorInput, shape: ShapeLike, name: Optional[str] = None) -> Tensor:
    """``input`` broadcast to ``shape`` (NumPy's broadcasting rules).

    >>> import gradtape as tf
    >>> tf.broadcast_to(tf.constant([1.0, 2.0]), (3, 2)).shape
    TensorShape([3, 2])
    """
    x = tensor(input)
    if isinstance(shape, TensorLike):
        shape = shape.numpy().tolist()
    shape = tuple(int_arg(d, "broadcast_to", "a shape dimension") for d in shape)
    if x._value.shape == shape:
        return identity(x)  # a new tensor, as TensorFlow's
    try:
        NP.broadcast_shapes(x._value.shape, shape)
        if len(shape) < x._value.ndim:
            raise ValueError
    except ValueError:
        raise InvalidArgumentError(
            f"broadcast_to: cannot broadcast a tensor of shape {tuple(x._value.shape)} "
            f"to shape {shape}") from None
    return apply(_BROADCAST, (x,), {"shape": shape})


def _stack_impl(xp, *xs, axis):
    return xp.stack(xs, axis=axis)


def _stack_vjp(i):
    def vjp(ct, ans, *xs, axis):
        nd = xs[0].ndim + 1
        a = axis - nd if axis >= 0 else axis
        return apply(_TAKE, (ct,), {"index": i, "axis": a})
    return vjp


def _take_impl(xp, x, index, axis):
    return xp.take(x, index, axis=axis)


def _insert_impl(xp, ct, index, axis, size):
    shape = list(ct.shape)
    pos = axis + len(shape) + 1
    shape.insert(pos, size)
    out = xp.zeros(tuple(shape), ct.dtype)
    key = (slice(None),) * pos + (index, ...)
    out[key] = ct
    return out


# take one slice along an axis (the VJP of stack), and its transpose
_TAKE = defop("take_slice", _take_impl, linear=True, save="none")
_INSERT = defop("insert_slice", _insert_impl, linear=True, save="none")
_TAKE.vjps = (lambda ct, ans, x, index, axis:
              apply(_INSERT, (ct,), {"index": index, "axis": axis, "size": x.shape[axis]}),)
_INSERT.vjps = (lambda ct, ans, x, index, axis, size:
                apply(_TAKE, (ct,), {"index": index, "axis": axis}),)


def _list_op(name, impl, vjp_for, batched_axis):
    """The Op of a list-taking op (stack, concat) for ``n`` inputs, made once per ``n``.

    ``vjp_for(i)`` is input ``i``'s VJP; ``batched_axis(axis, ndim)`` is the
    op's axis counted from the end, so tangents with leading batch axes fit.
    """
    cache = {}

    def jvp_of(op):
        def jvp(ts, ans, *xs, axis):
            t0 = next(t for t in ts if t is not None)
            nb = t0.ndim - xs[0].ndim
            ts = [t if t is not None else _zeros_batched(x, t0.shape[:nb])
                  for t, x in zip(ts, xs)]
            return apply(op, ts, {"axis": batched_axis(axis, xs[0].ndim)})
        return jvp

    def make(n):
        op = cache.get(n)
        if op is None:
            op = defop(name, impl, vjp=tuple(vjp_for(i) for i in range(n)), save="none",
                       register_as=not cache)
            op.jvp = jvp_of(op)
            cache[n] = op
        return op
    make.cache = cache
    make(1).per_arity = make  # the first arity holds the name in the registry
    return make


_make_stack = _list_op("stack", _stack_impl, _stack_vjp,
                       lambda axis, nd: axis - (nd + 1) if axis >= 0 else axis)


def _zeros_batched(x, batch):
    v = x._value
    return wrap(NP.zeros(tuple(batch) + v.shape, v.dtype))


def _value_list(values, opname):
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"{opname}: values must be a list of tensors, got {type(values).__name__}")
    return values


def stack(values: TensorInput, axis: Axis = 0, name: Optional[str] = None) -> Tensor:
    """Stack same-shaped tensors along a new axis.

    >>> import gradtape as tf
    >>> tf.stack([tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])], axis=1).numpy()
    array([[1., 3.],
           [2., 4.]], dtype=float32)
    """
    values = [tensor(v) for v in _value_list(values, "stack")]
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
    axis = int_arg(axis, "stack")
    if not -nd <= axis < nd:
        raise InvalidArgumentError(f"stack: axis {axis} is out of range for rank {nd}")
    return apply(_make_stack(len(values)), values, {"axis": axis % nd})


# a contiguous range along one (negative) axis: the VJP of concat, and its transpose
def _range_impl(xp, x, start, stop, axis):
    key = (slice(None),) * (x.ndim + axis) + (slice(start, stop), ...)
    return x[key]


def _unrange_impl(xp, ct, start, stop, axis, size):
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


def _concat_impl(xp, *xs, axis):
    return xp.concatenate(xs, axis=axis)


def _concat_vjp(i):
    def vjp(ct, ans, *xs, axis):
        start = sum(x.shape[axis] for x in xs[:i])
        return apply(_RANGE, (ct,), {"start": start, "stop": start + xs[i].shape[axis],
                                     "axis": axis})
    return vjp


_make_concat = _list_op("concat", _concat_impl, _concat_vjp, lambda axis, nd: axis)


def concat(values: TensorInput, axis: Axis, name: Optional[str] = None) -> Tensor:
    """Join tensors along an existing axis.

    >>> import gradtape as tf
    >>> tf.concat([tf.constant([[1.0]]), tf.constant([[2.0], [3.0]])], axis=0).numpy()
    array([[1.],
           [2.],
           [3.]], dtype=float32)
    """
    values = [tensor(v) for v in _value_list(values, "concat")]
    if not values:
        raise ValueError("concat: values must be a non-empty list of tensors")
    first = values[0]
    nd = first._value.ndim
    axis = int_arg(axis, "concat")
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


# ---------------------------------------------------------------------------
# unstack, split: one input, several outputs
# ---------------------------------------------------------------------------

def _axis_of(axis, nd, opname):
    """``axis`` as a negative axis of a rank-``nd`` tensor (range-checked)."""
    axis = int_arg(axis, opname)
    if not -nd <= axis < nd:
        raise InvalidArgumentError(f"{opname}: axis {axis} is out of range for a tensor of "
                                   f"rank {nd} (expected -{nd} <= axis < {nd})")
    return axis - nd if axis >= 0 else axis


def _unstack_impl(xp, x, axis, num):
    moved = xp.moveaxis(x, axis, 0)
    return tuple(moved[i, ...] for i in range(moved.shape[0]))


_UNSTACK = defop("unstack", _unstack_impl,
                 vjp=lambda cts, ans, x, axis, num: apply(_make_stack(num), cts, {"axis": axis}),
                 linear=True, multi=True, save="none")


def unstack(value: TensorInput, num: Optional[int] = None, axis: Axis = 0,
            name: Optional[str] = None) -> List[Tensor]:
    """The slices of ``value`` along ``axis``, as a list of tensors of one rank less.

    >>> import gradtape as tf
    >>> [t.numpy() for t in tf.unstack(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=1)]
    [array([1., 3.], dtype=float32), array([2., 4.], dtype=float32)]
    """
    x = tensor(value)
    shape = x._value.shape
    if not shape:
        raise ValueError("unstack: cannot unstack a scalar (rank 0) tensor")
    axis = _axis_of(axis, len(shape), "unstack")
    n = shape[axis]
    if num is not None and int(num) != n:
        raise InvalidArgumentError(f"unstack: num={num} does not match the size {n} of axis "
                                   f"{axis} of the input of shape {tuple(shape)}")
    if n == 0:
        return []
    return list(apply(_UNSTACK, (x,), {"axis": axis, "num": n}))


def _split_impl(xp, x, axis, sizes):
    bounds = []
    total = 0
    for s in sizes[:-1]:
        total += s
        bounds.append(total)
    return tuple(xp.split(x, bounds, axis=axis))


_SPLIT = defop("split", _split_impl,
               vjp=lambda cts, ans, x, axis, sizes:
                   apply(_make_concat(len(sizes)), cts, {"axis": axis}),
               linear=True, multi=True, save="none")


def _split_sizes(num_or_size_splits, dim, axis):
    if isinstance(num_or_size_splits, TensorLike):
        num_or_size_splits = num_or_size_splits.numpy().tolist()
    if isinstance(num_or_size_splits, int) or (hasattr(num_or_size_splits, "ndim")
                                               and num_or_size_splits.ndim == 0):
        n = int(num_or_size_splits)
        if n <= 0 or dim % n:
            raise InvalidArgumentError(
                f"split: the number of splits {n} must evenly divide the size of the split "
                f"axis {axis} ({dim})")
        return (dim // n,) * n
    sizes = [int(s) for s in num_or_size_splits]
    unknown = [i for i, s in enumerate(sizes) if s == -1]
    known = sum(s for s in sizes if s != -1)
    if len(unknown) > 1 or any(s < -1 for s in sizes) or not sizes:
        raise InvalidArgumentError(
            f"split: size_splits {sizes} must be non-negative sizes with at most one -1")
    if unknown and known <= dim:
        sizes[unknown[0]] = dim - known
    elif unknown or known != dim:
        raise InvalidArgumentError(
            f"split: size_splits {sizes} must add up to the size of the split axis {axis} "
            f"({dim})")
    return tuple(sizes)


def split(value: TensorInput, num_or_size_splits: Union[int, Sequence[int]], axis: Axis = 0,
          num: Optional[int] = None, name: Optional[str] = None) -> List[Tensor]:
    """Split ``value`` along ``axis`` into that many equal parts, or parts of the given sizes.

    >>> import gradtape as tf
    >>> [t.shape for t in tf.split(tf.zeros((5, 2)), [1, -1, 2])]
    [TensorShape([1, 2]), TensorShape([2, 2]), TensorShape([2, 2])]
    """
    x = tensor(value)
    shape = x._value.shape
    if not shape:
        raise InvalidArgumentError("split: cannot split a scalar (rank 0) tensor")
    neg = _axis_of(axis, len(shape), "split")
    sizes = _split_sizes(num_or_size_splits, shape[neg], axis)
    return list(apply(_SPLIT, (x,), {"axis": neg, "sizes": sizes}))


# ---------------------------------------------------------------------------
# tile, pad
# ---------------------------------------------------------------------------

def _tile_vjp(ct, ans, x, multiples):
    r = len(multiples)
    base = tuple(x.shape)[x.ndim - r:]
    folded = []
    for m, d in zip(multiples, base):
        folded += [m, d]
    g = reshape(ct, lead(ct, r) + tuple(folded))
    return basic_ops.reduce_sum(g, [-2 * (r - i) for i in range(r)]) if r else g


# np.tile prepends 1s to short ``multiples``: extra leading axes are not tiled
_TILE = defop("tile", lambda xp, x, multiples: xp.tile(x, multiples), vjp=_tile_vjp,
              linear=True, save="none")


def tile(input: TensorInput, multiples: TensorInput, name: Optional[str] = None) -> Tensor:
    """``input`` repeated ``multiples[i]`` times along each axis ``i``.

    >>> import gradtape as tf
    >>> tf.tile(tf.constant([[1.0, 2.0]]), [2, 2]).numpy()
    array([[1., 2., 1., 2.],
           [1., 2., 1., 2.]], dtype=float32)
    """
    x = tensor(input)
    multiples = _shape_tuple(multiples)
    nd = x._value.ndim
    if len(multiples) != nd:
        raise InvalidArgumentError(
            f"tile: expected multiples to be a vector of length {nd} (the rank of input "
            f"of shape {tuple(x.shape)}), but got length {len(multiples)}")
    if any(m < 0 for m in multiples):
        raise InvalidArgumentError(f"tile: multiples must be non-negative, got {list(multiples)}")
    return apply(_TILE, (x,), {"multiples": multiples})


def _pad_impl(xp, x, paddings, mode, constant_values):
    widths = ((0, 0),) * (x.ndim - len(paddings)) + paddings
    if not widths:
        return x
    if mode == "CONSTANT":
        return xp.pad(x, widths, constant_values=xp.asarray(constant_values, x.dtype))
    return xp.pad(x, widths, mode="reflect" if mode == "REFLECT" else "symmetric")


def _edge(axis, start, stop, step=None):
    """A key selecting ``start:stop:step`` along the negative ``axis``."""
    return (Ellipsis, slice(start, stop, step)) + (slice(None),) * (-axis - 1)


def _unpad_impl(xp, ct, paddings, mode):
    """The transpose of padding: fold the padded borders back onto what they copied."""
    r = len(paddings)
    out = ct
    for i, (a, b) in enumerate(paddings):
        ax = i - r
        n = out.shape[ax] - a - b
        center = out[_edge(ax, a, a + n)]
        if mode != "CONSTANT" and (a or b):
            center = xp.astype(center, center.dtype, copy=True)
            left = xp.flip(out[_edge(ax, 0, a)], axis=ax)
            right = xp.flip(out[_edge(ax, a + n, None)], axis=ax)
            shift = 1 if mode == "REFLECT" else 0
            center[_edge(ax, shift, shift + a)] += left
            center[_edge(ax, n - shift - b, n - shift)] += right
        out = center
    return xp.ascontiguousarray(out)


_PAD = defop("pad", _pad_impl, save="none")
_UNPAD = defop("unpad", _unpad_impl, linear=True, save="none")
_PAD.vjps = (lambda ct, ans, x, paddings, mode, constant_values:
             apply(_UNPAD, (ct,), {"paddings": paddings, "mode": mode}),)
_PAD.jvp = (lambda ts, ans, x, paddings, mode, constant_values:
            apply(_PAD, (ts[0],), {"paddings": paddings, "mode": mode, "constant_values": 0}))
_UNPAD.vjps = (lambda ct, ans, g, paddings, mode:
               apply(_PAD, (ct,), {"paddings": paddings, "mode": mode, "constant_values": 0}),)


def _pad_widths(paddings, shape, mode):
    if isinstance(paddings, TensorLike):
        paddings = paddings.numpy()
    p = NP.asarray(paddings)
    if p.dtype.kind not in "iu" and p.size:
        raise TypeError(f"pad: paddings must be integers, got {paddings!r}")
    if p.size == 0 and not shape:
        return ()
    if p.ndim != 2 or p.shape != (len(shape), 2):
        raise InvalidArgumentError(
            f"pad: paddings must have shape [{len(shape)}, 2] (one [before, after] pair per "
            f"axis of the input of shape {tuple(shape)}), got shape {list(p.shape)}")
    widths = tuple((int(a), int(b)) for a, b in p)
    for i, ((a, b), d) in enumerate(zip(widths, shape)):
        if a < 0 or b < 0:
            raise InvalidArgumentError(f"pad: paddings must be non-negative, got {a} {b} "
                                       f"for axis {i}")
        if mode == "REFLECT" and max(a, b) >= d:
            raise InvalidArgumentError(
                f"pad: REFLECT paddings must be less than the dimension size: {a}, {b} not "
                f"less than {d} (axis {i})")
        if mode == "SYMMETRIC" and max(a, b) > d:
            raise InvalidArgumentError(
                f"pad: SYMMETRIC paddings must be no greater than the dimension size: {a}, {b} "
                f"greater than {d} (axis {i})")
    return widths


def _pad_value(value, x):
    """``constant_values`` as a scalar of ``x``'s dtype (no gradient flows to it, as in
    TensorFlow); a Python value that does not fit the dtype is a TypeError."""
    if isinstance(value, TensorLike) and value.dtype != x.dtype:
        raise InvalidArgumentError(
            f"cannot compute PadV2 as input #2(zero-based) was expected to be a "
            f"{x.dtype.name} tensor but is a {value.dtype.name} tensor [Op:PadV2]")
    v = convert_to_tensor(value, dtype=x.dtype).numpy()
    if v.ndim:
        raise InvalidArgumentError(f"pad: constant_values must be a scalar. Found: "
                                   f"{list(v.shape)} [Op:PadV2]")
    return v


def pad(tensor: TensorInput, paddings: TensorInput, mode: str = "CONSTANT",
        constant_values: TensorInput = 0, name: Optional[str] = None) -> Tensor:
    """Pad ``tensor`` with ``paddings[i] = [before, after]`` values along each axis ``i``.

    ``mode`` is ``"CONSTANT"`` (``constant_values``), ``"REFLECT"`` (mirror
    without the edge) or ``"SYMMETRIC"`` (mirror with the edge).

    >>> import gradtape as tf
    >>> x = tf.constant([1.0, 2.0, 3.0])
    >>> tf.pad(x, [[1, 2]]).numpy(), tf.pad(x, [[2, 1]], mode="REFLECT").numpy()
    (array([0., 1., 2., 3., 0., 0.], dtype=float32), array([3., 2., 1., 2., 3., 2.], dtype=float32))
    """
    x = _to_tensor(tensor)
    mode = str(mode).upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"pad: mode must be one of 'CONSTANT', 'REFLECT' or 'SYMMETRIC', "
                         f"got {mode!r}")
    widths = _pad_widths(paddings, x._value.shape, mode)
    constant_values = _pad_value(constant_values, x) if mode == "CONSTANT" else 0
    return apply(_PAD, (x,), {"paddings": widths, "mode": mode,
                              "constant_values": constant_values})


# ---------------------------------------------------------------------------
# roll
# ---------------------------------------------------------------------------

def _roll_impl(xp, x, shift, axis):
    return xp.roll(x, shift, axis=axis)


def _roll_back(ct, shift, axis):
    return apply(_ROLL, (ct,), {"shift": tuple(-s for s in shift), "axis": axis})


_ROLL = defop("roll", _roll_impl, vjp=lambda ct, ans, x, shift, axis: _roll_back(ct, shift, axis),
              linear=True, save="none")


def roll(input: TensorInput, shift: TensorInput, axis: TensorInput,
         name: Optional[str] = None) -> Tensor:
    """``input`` with its elements moved ``shift[i]`` places along ``axis[i]``
    (wrapping around; shifts along a repeated axis add up).

    >>> import gradtape as tf
    >>> tf.roll(tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), shift=[1, -1], axis=[0, 1]).numpy()
    array([[5., 6., 4.],
           [2., 3., 1.]], dtype=float32)
    """
    x = tensor(input)
    shifts = _int_values(shift, "roll", "shift")
    axes = _int_values(axis, "roll", "axis")
    if len(shifts) != len(axes):
        raise InvalidArgumentError(f"roll: shift and axis must have the same size, got "
                                   f"{len(shifts)} shifts and {len(axes)} axes")
    nd = x._value.ndim
    return apply(_ROLL, (x,), {"shift": shifts,
                               "axis": tuple(_axis_of(a, nd, "roll") for a in axes)})


def _int_values(value, opname, argname):
    """An int or a 1-D list/tensor of ints as a tuple."""
    if isinstance(value, TensorLike):
        value = value.numpy().tolist()
    if not isinstance(value, (list, tuple)):
        value = [value]
    return tuple(int_arg(v, opname, argname) for v in value)


# ---------------------------------------------------------------------------
# shape, size, rank: int32 tensors describing a tensor
# ---------------------------------------------------------------------------

def shape(input: TensorInput, out_type: DTypeLike = "int32", name: Optional[str] = None) -> Tensor:
    """The shape of ``input`` as a 1-D integer tensor.

    >>> import gradtape as tf
    >>> tf.shape(tf.zeros((2, 3)))
    <tf.Tensor: shape=(2,), dtype=int32, numpy=array([2, 3], dtype=int32)>
    """
    x = tensor(input)._read()  # a Variable is read (a tape watches it), as in TensorFlow
    out = wrap(NP.asarray(x._value.shape, as_dtype(out_type)._np))
    if shape_view[0] is not None:  # a trace with relaxed sizes: a size read at run time
        shape_view[0](x, "shape", out)
    return out


def size(input: TensorInput, out_type: DTypeLike = "int32", name: Optional[str] = None) -> Tensor:
    """The number of elements of ``input`` as a scalar integer tensor.

    >>> import gradtape as tf
    >>> tf.size(tf.zeros((2, 3)))
    <tf.Tensor: shape=(), dtype=int32, numpy=6>
    """
    x = tensor(input)._read()
    out = wrap(NP.asarray(x._value.size, as_dtype(out_type)._np))
    if shape_view[0] is not None:  # a trace with relaxed sizes: a size read at run time
        shape_view[0](x, "size", out)
    return out


def rank(input: TensorInput, name: Optional[str] = None) -> Tensor:
    """The number of axes of ``input`` as a scalar int32 tensor.

    >>> import gradtape as tf
    >>> tf.rank(tf.zeros((2, 3)))
    <tf.Tensor: shape=(), dtype=int32, numpy=2>
    """
    return wrap(NP.asarray(_read(input).ndim, NP.int32))


def _read(input):  # noqa: A002
    """``input``'s array; a Variable is read (so a tape watches it), as in TensorFlow."""
    return tensor(input)._read()._value


def _shape_tuple(shape, opname="shape"):
    if isinstance(shape, TensorLike):
        # int() of each entry: inside gradtape.function, a read checked on every call
        shape = shape.numpy().tolist() if not shape.dtype.is_integer else (
            int(shape) if shape.ndim == 0 else [int(d) for d in shape])
    if isinstance(shape, (int, NP.integer)):
        shape = (shape,)
    if isinstance(shape, (list, tuple)) and any(isinstance(d, TensorLike) for d in shape):
        shape = [_scalar_dim(d) for d in shape]   # (tf.shape(x)[0], 1), as TensorFlow takes
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__") or not all(
            isinstance(d, (int, NP.integer)) and not isinstance(d, bool) for d in shape):
        raise TypeError(f"{opname}: a shape must be a list of ints, got {shape!r}")
    return tuple(int(d) for d in shape)


def _scalar_dim(d):
    """A shape entry given as a scalar integer tensor, as an int (others unchanged)."""
    if isinstance(d, TensorLike) and d.ndim == 0 and d.dtype.is_integer:
        return int(d)  # (inside gradtape.function, checked on every call)
    return d


def _new_shape(shape, opname):
    dims = _shape_tuple(shape, opname)
    if any(d < 0 for d in dims):
        raise InvalidArgumentError(f"{opname}: dimensions must be non-negative, got {list(dims)}")
    return dims


def zeros(shape: ShapeLike, dtype: DTypeLike = "float32", name: Optional[str] = None) -> Tensor:
    """A tensor of zeros.

    >>> import gradtape as tf
    >>> tf.zeros((2,))
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0., 0.], dtype=float32)>
    """
    return wrap(NP.zeros(_new_shape(shape, "zeros"), as_dtype(dtype)._np))


def ones(shape: ShapeLike, dtype: DTypeLike = "float32", name: Optional[str] = None) -> Tensor:
    """A tensor of ones.

    >>> import gradtape as tf
    >>> tf.ones((2,), dtype=tf.int32).numpy()
    array([1, 1], dtype=int32)
    """
    return wrap(NP.ones(_new_shape(shape, "ones"), as_dtype(dtype)._np))


_IDENTITY = defop("identity", lambda xp, x: x, vjp=lambda ct, ans, x: ct, linear=True, save="none",
                  elementwise=True)


def identity(input: TensorInput, name: Optional[str] = None) -> Tensor:
    """A Tensor with the same value as ``input`` (a Variable is read).

    >>> import gradtape as tf
    >>> tf.identity(tf.Variable(2.0))
    <tf.Tensor: shape=(), dtype=float32, numpy=2.0>
    """
    return apply(_IDENTITY, (tensor(input),), NOPARAMS)


_STOP = defop("stop_gradient", lambda xp, x: x, nondiff="stop")


def stop_gradient(input: TensorInput, name: Optional[str] = None) -> Tensor:
    """``input``'s value, with no gradient flowing back through it.

    >>> import gradtape as tf
    >>> x = tf.Variable(3.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * tf.stop_gradient(x)
    >>> tape.gradient(y, x).numpy()
    3.0
    """
    return apply(_STOP, (tensor(input),), NOPARAMS)


# ``shape`` would hide this module as ``gradtape.rules.shape``: it is exported
# by name from ``gradtape`` instead
if not TYPE_CHECKING:  # a type checker reads the module's own public names
    __all__ = public_names(globals(), exclude=("shape",))

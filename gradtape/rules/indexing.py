"""Indexing: ``tensor[key]`` (ints, slices, ``...``, ``None``, negative steps,
integer and bool arrays) and the ops built on the same key machinery:
``gather``, ``gather_nd``, ``boolean_mask``, ``slice``, ``reverse``,
``tensor_scatter_nd_update``/``tensor_scatter_nd_add``; and ``searchsorted``.

Every indexing op is one primitive, ``x[key]`` on the trailing axes, whose
transpose adds the cotangent into zeros at ``key`` (``np.add.at`` when
repeated indices may add up).  The VJP of that scatter is indexing again, so
second derivatives work.  Both take extra leading (batch) axes on their input.
"""
from __future__ import annotations
import builtins
import collections
import numbers

from .._core.dtypes import kind
from .._core.tensor import TensorLike, decide, host
from ..errors import InvalidArgumentError, UnimplementedError
from ._util import apply, defop, int_arg, on_host_for, pair, public_names, tensor, wrap, NP
from typing import Any, Optional, TYPE_CHECKING
from .._core.types import Axis, DTypeLike, Tensor, TensorInput

_ALL = builtins.slice(None)
_to_tensor = tensor  # for the ops whose argument TensorFlow names ``tensor``


def _is_int(k):
    return isinstance(k, numbers.Integral) and not isinstance(k, bool)


# TensorFlow's words (code may match on them); integer and bool arrays work too, as NumPy's
_BAD_INDEX = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
              "scalar tf.int32/tf.int64 tensors are valid indices, got ")


def _normalize_key(key):
    """A tuple key of ints, slices, None, Ellipsis and integer ndarrays."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, TensorLike):
            if k.dtype.kind not in "iub":
                raise TypeError(_BAD_INDEX + repr(k))
            k = host(k._value)  # an index is static: it is read on the host
        if isinstance(k, list):
            k = NP.asarray(k) if k else NP.zeros(0, NP.intp)
        if isinstance(k, (NP.ndarray, NP.generic)):
            if k.dtype.kind == "b":
                out.extend(NP.nonzero(k))
                continue
            if k.dtype.kind not in "iu":
                raise TypeError(_BAD_INDEX + repr(k))
            if k.ndim == 0:
                k = int(k)
        elif isinstance(k, builtins.slice) and k.step is not None and _is_int(k.step) \
                and k.step == 0:
            raise InvalidArgumentError(f"strides[{len(out)}] must be non-zero [Op:StridedSlice]")
        elif not (_is_int(k) or k is None or k is Ellipsis or isinstance(k, builtins.slice)):
            raise TypeError(_BAD_INDEX + repr(k))
        out.append(k)
    return tuple(out)


def _has_array(key):
    return any(_is_array(k) for k in key)


def _advanced_front(key):
    """How many leading axes NumPy gives the advanced indices of ``key`` when a
    slice, ``...`` or ``None`` splits them (it then moves them to the front);
    0 when they stand together and stay in place."""
    if not _has_array(key):
        return 0
    pos = [i for i, k in enumerate(key) if _is_array(k) or _is_int(k)]
    if pos[-1] - pos[0] + 1 == len(pos):
        return 0
    return len(NP.broadcast_shapes(*[k.shape for k in key if _is_array(k)]))


def _is_array(k):
    """Whether a key entry is an index array (NumPy's, or another namespace's
    once the key was moved there)."""
    return isinstance(k, NP.ndarray) or hasattr(k, "__array_namespace__") \
        or type(k).__module__.split(".")[0] in ("dask", "cupy")


def _probe(shape):
    # a zero-stride view: indexing it checks the key and gives the result's
    # shape without reading the real data
    return NP.lib.stride_tricks.as_strided(NP.zeros((), NP.bool_), shape, (0,) * len(shape))


# ---------------------------------------------------------------------------
# The primitive pair: x[key] and its transpose
# ---------------------------------------------------------------------------

def _index_impl(xp, x, key, rank, front, out_rank):
    nb = x.ndim - rank
    if not nb:
        return x[key]
    out = x[(_ALL,) * nb + key]
    if front:  # the advanced axes went before the batch axes: put them back after
        out = xp.moveaxis(out, tuple(range(front, front + nb)), tuple(range(nb)))
    return out


def _index_standard(xp, x, key, rank, front, out_rank):
    """``_index_impl`` where the standard is stricter than NumPy: every axis
    accounted for, slices within bounds, index arrays alone (no slices beside)."""
    if _has_array(key):
        axis = _one_index_array(key, x.ndim - rank)
        if axis is not None:  # a gather along one axis: the standard's take
            idx = key[axis - (x.ndim - rank)]
            out = xp.take(x, xp.reshape(idx, (-1,)), axis=axis)
            return xp.reshape(out, tuple(x.shape[:axis]) + tuple(idx.shape)
                              + tuple(x.shape[axis + 1:]))
        try:
            return _index_impl(xp, x, key, rank, front, out_rank)
        except (IndexError, TypeError) as e:
            raise UnimplementedError(
                f"indexing with index arrays beside slices or new axes (gather, boolean_mask, "
                f"x[array, ...]) is not supported on {getattr(xp, '__name__', xp)}: {e}") from None
    return _index_impl(xp, x, _in_bounds(key, x.shape, x.ndim - rank), rank, front, out_rank)


def _in_bounds(key, shape, nb):
    """A basic ``key`` (after ``nb`` batch axes) with forward slices clipped to
    the axes they cut and a closing ``...``: how the standard wants it."""
    rank = len(shape) - nb
    axis = nb
    clamped = []
    for k in key:
        if isinstance(k, builtins.slice) and (k.step is None or k.step > 0):
            k = builtins.slice(*k.indices(shape[axis]))
        if k is Ellipsis:
            axis += rank - sum(1 for k2 in key if k2 is not None and k2 is not Ellipsis)
        elif k is not None:
            axis += 1
        clamped.append(k)
    return tuple(clamped) if Ellipsis in key else tuple(clamped) + (Ellipsis,)


def _scatter_impl(xp, g, key, shape, out_rank, front):
    nb = g.ndim - out_rank
    out = xp.zeros(g.shape[:nb] + shape, g.dtype)
    if nb:
        if front:
            g = xp.moveaxis(g, tuple(range(nb)), tuple(range(front, front + nb)))
        key = (_ALL,) * nb + key
    if _has_array(key):
        axis = None if xp is NP else _one_index_array(key, 0)
        if axis is not None:
            return _add_at_one_axis(xp, out, key[axis], g, axis)
        _add_at(xp, out, key, g)
    elif xp is not NP:
        key, g = _without_newaxes(xp, key, g, len(shape) + nb)
        out[_in_bounds(key, out.shape, 0)] = g
    else:
        out[key] = g
    return out


def _one_index_array(key, nb):
    """The axis of the one integer index array in ``key`` when every other entry
    takes a whole axis (a gather along one axis), else None."""
    arrays = [i for i, k in enumerate(key) if _is_array(k)]
    if len(arrays) != 1 or kind(key[arrays[0]].dtype) not in "iu":
        return None
    if any(k is None or k is Ellipsis or (not _is_array(k) and k != _ALL) for k in key):
        return None
    return nb + arrays[0]


def _add_at_one_axis(xp, out, idx, g, axis):
    """``out`` (zeros) with ``g``'s slices added at ``idx`` along ``axis``: a
    product with a one-hot matrix, as the standard has no scatter-add."""
    n, m = out.shape[axis], 1
    for d in idx.shape:
        m *= d
    g = xp.reshape(g, tuple(g.shape[:axis]) + (m,) + tuple(g.shape[axis + idx.ndim:]))
    hot = xp.astype(xp.reshape(idx, (-1, 1)) == xp.reshape(xp.arange(n, dtype=idx.dtype), (1, -1)),
                    g.dtype)
    return out + xp.moveaxis(xp.moveaxis(g, axis, -1) @ hot, -1, axis)


def _add_at(xp, out, key, g):
    add_at = getattr(xp.add, "at", None)
    if add_at is None:
        raise UnimplementedError(
            f"op scatter_add_into_zeros (the gradient of indexing with index arrays: "
            f"gather, gather_nd, boolean_mask, tensor_scatter_nd_*) is not supported on "
            f"{getattr(xp, '__name__', xp)}: the array API has no scatter-add")
    add_at(out, key, g)


def _without_newaxes(xp, key, g, ndim):
    """``key`` without its ``None``s, and ``g`` without the unit axes they made
    (a standard ``__setitem__`` takes no new axes)."""
    if None not in key:
        return key, g
    n_used = sum(1 for k in key if k is not None and k is not Ellipsis)
    out_axis, drop, kept = 0, [], []
    for k in key:
        if k is None:
            drop.append(out_axis)
            out_axis += 1
        elif k is Ellipsis:
            out_axis += ndim - n_used
            kept.append(k)
            continue
        else:
            if isinstance(k, builtins.slice):
                out_axis += 1
            kept.append(k)
    if Ellipsis not in kept:
        out_axis += ndim - n_used
    lead = g.ndim - out_axis
    g = xp.squeeze(g, axis=tuple(lead + a for a in drop))
    return tuple(kept), g


def _index_vjp(ct, ans, x, key, rank, front, out_rank):
    shape = tuple(x.shape)[x.ndim - rank:]
    return apply(_SCATTER, (ct,), {"key": key, "shape": shape, "out_rank": out_rank,
                                   "front": front})


def _scatter_vjp(ct, ans, g, key, shape, out_rank, front):
    return apply(_STRIDED_SLICE, (ct,),
                 {"key": key, "rank": len(shape), "front": front, "out_rank": out_rank})


_SCATTER = defop("scatter_add_into_zeros", _scatter_impl, vjp=_scatter_vjp, linear=True,
                 save="none")


def _index_op(name):
    """The indexing primitive under ``name`` (one per public op, for diagnostics)."""
    return defop(name, _index_impl, portable=_index_standard, vjp=_index_vjp, linear=True,
                 save="none")


_STRIDED_SLICE = _index_op("strided_slice")
_GATHER = _index_op("gather")
_GATHER_ND = _index_op("gather_nd")
_BOOLEAN_MASK = _index_op("boolean_mask")
_SLICE = _index_op("slice")
_REVERSE = _index_op("reverse")


def _index(op, x, key):
    shape = x._value.shape
    try:
        out_rank = _probe(shape)[key].ndim
    except IndexError as e:
        raise InvalidArgumentError(f"index {key!r} is out of range for a tensor of shape "
                                   f"{tuple(shape)}: {e}") from None
    return apply(op, (x,), {"key": key, "rank": len(shape), "front": _advanced_front(key),
                            "out_rank": out_rank})


def getitem(x: TensorInput, key: Any) -> Tensor:
    """``x[key]`` for a tensor, recorded so gradients flow to the selected elements.

    >>> import gradtape as tf
    >>> x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> x[:, ::-1][0].numpy(), x[..., [0, 2]].shape, x[x > 4.0].numpy()
    (array([3., 2., 1.], dtype=float32), TensorShape([2, 2]), array([5., 6.], dtype=float32))
    >>> x[[1, 2]].numpy()  # a list key is a tuple, as in TensorFlow
    6.0
    """
    x = tensor(x)
    if type(key) is list and not any(isinstance(k, bool) for k in key):
        key = tuple(key)  # TensorFlow reads a list key as a tuple: x[[0, 2]] is x[0, 2]
    _check_masks(x._value.shape, key)
    return _index(_STRIDED_SLICE, x, _normalize_key(key))


def _strided_part(k):
    return k is None or k is Ellipsis or isinstance(k, builtins.slice) or _is_int(k) or (
        isinstance(k, TensorLike) and k._value.ndim == 0 and k.dtype.kind in "iu")


def _is_strided_slice(key: Any) -> bool:
    """Whether ``x[key]`` is a strided slice (ints, slices, ``...``, ``None``,
    scalar integer tensors; a list key is a tuple, as TensorFlow reads it), not
    a gather by index arrays or a mask.

    >>> from gradtape.rules.indexing import _is_strided_slice
    >>> _is_strided_slice((0, Ellipsis, None)), _is_strided_slice([0, 1]), _is_strided_slice([[0]])
    (True, True, False)
    """
    if type(key) in _STRIDED_TYPES:
        return True
    for k in key if isinstance(key, (tuple, list)) else (key,):
        if type(k) not in _STRIDED_TYPES and not _strided_part(k):
            return False
    return True


_STRIDED_TYPES = frozenset((int, builtins.slice, type(None), type(Ellipsis)))


def _slice_positions(shape: Any, key: Any) -> Any:
    """The flat positions, in an array of ``shape``, of the elements that
    ``x[key]`` selects, shaped as ``x[key]`` (the strided slice ``key``).

    >>> from gradtape.rules.indexing import _slice_positions
    >>> _slice_positions((2, 3), (Ellipsis, 1)).tolist()
    [1, 4]
    """
    if type(key) is list:
        key = tuple(key)
    try:
        return NP.arange(int(NP.prod(shape, dtype=NP.int64)), dtype=NP.int64).reshape(
            shape)[_normalize_key(key)]
    except IndexError as e:
        raise InvalidArgumentError(f"index {key!r} is out of range for a tensor of shape "
                                   f"{tuple(shape)}: {e}") from None


def _check_masks(shape, key):
    """Bool masks must match the axes they cover: NumPy checks that, ``nonzero`` does not."""
    parts = key if isinstance(key, tuple) else (key,)
    raw = [k._value if isinstance(k, TensorLike) else NP.asarray(k) if isinstance(k, list) else k
           for k in parts]
    if not any(isinstance(k, NP.ndarray) and k.dtype.kind == "b" for k in raw):
        return
    try:
        _probe(shape)[tuple(raw)]
    except IndexError as e:
        raise InvalidArgumentError(f"index: a bool mask does not match the shape "
                                   f"{tuple(shape)} of the indexed tensor: {e}") from None


newaxis = None


# ---------------------------------------------------------------------------
# gather, gather_nd, boolean_mask
# ---------------------------------------------------------------------------

def _int_array(value, opname, argname):
    arr = decide(value._value) if isinstance(value, TensorLike) else NP.asarray(value)
    if arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.dtype.kind == "f"):
        # TensorFlow's words for its GatherV2 and friends: an InvalidArgumentError
        got = {"float32": "float", "float64": "double"}.get(arr.dtype.name, arr.dtype.name)
        raise InvalidArgumentError(
            f"Value for attr 'Tindices' of {got} is not in the list of allowed values: "
            f"int16, int32, int64 [Op:{opname}]; {opname}: {argname} must be an int32 or "
            f"int64 tensor, got dtype {arr.dtype.name}")
    return NP.astype(arr, NP.int64, copy=False)


def _first_bad(bad):
    """The position of the first True of ``bad``, and how TensorFlow prints it."""
    where = tuple(int(i) for i in NP.argwhere(bad)[0])
    return where, f"indices[{','.join(map(str, where))}]" if where else "indices"


def _check_range(idx, bound, opname):
    bad = (idx < 0) | (idx >= bound)
    if bad.any():
        where, name = _first_bad(bad)
        raise InvalidArgumentError(
            f"{opname}: {name} = {int(idx[where])} is not in [0, {bound})")


def _axis_arange(size, pos, ndim):
    """``arange(size)`` shaped to broadcast along axis ``pos`` of ``ndim`` axes."""
    shape = [1] * ndim
    shape[pos] = size
    return NP.arange(size).reshape(shape)


def gather(params: TensorInput, indices: TensorInput, validate_indices: Optional[bool] = None,
           axis: Axis = None, batch_dims: int = 0, name: Optional[str] = None) -> Tensor:
    """Slices of ``params`` along ``axis`` at ``indices`` (repeats add up in the gradient).

    The result has shape ``params.shape[:axis] + indices.shape[batch_dims:] +
    params.shape[axis + 1:]``; the first ``batch_dims`` axes of ``params`` and
    ``indices`` are matched (a batch of gathers).

    >>> import gradtape as tf
    >>> tf.gather(tf.constant([10.0, 20.0, 30.0]), [2, 0, 2]).numpy()
    array([30., 10., 30.], dtype=float32)
    >>> tf.gather(tf.constant([[1.0, 2.0], [3.0, 4.0]]), [[1], [0]], axis=1, batch_dims=1).numpy()
    array([[2.],
           [3.]], dtype=float32)
    """
    x = tensor(params)
    idx = _int_array(indices, "gather", "indices")
    shape = x._value.shape
    b = int_arg(batch_dims, "gather", "batch_dims")
    if b < 0:
        b += idx.ndim
    if not 0 <= b <= idx.ndim:
        raise InvalidArgumentError(f"gather: batch_dims {batch_dims} must be in "
                                   f"[-{idx.ndim}, {idx.ndim}] (the rank of indices)")
    axis = b if axis is None else int_arg(axis, "gather")
    if axis < 0:
        axis += len(shape)
    if not b <= axis < len(shape):
        raise InvalidArgumentError(
            f"gather: axis {axis} must be in [{b}, {len(shape)}) for params of shape "
            f"{tuple(shape)} and batch_dims {b}")
    if tuple(shape[:b]) != tuple(idx.shape[:b]):
        raise InvalidArgumentError(
            f"gather: params.shape[:{b}] = {tuple(shape[:b])} must equal indices.shape[:{b}] "
            f"= {tuple(idx.shape[:b])} (batch_dims={b})")
    _check_range(idx, shape[axis], "gather")
    if b == 0:
        key = (_ALL,) * axis + (idx,)
    else:
        n = axis + idx.ndim - b
        key = tuple(_axis_arange(shape[k], k, n) for k in range(axis))
        key += (idx.reshape(idx.shape[:b] + (1,) * (axis - b) + idx.shape[b:]),)
    return _index(_GATHER, x, key)


def gather_nd(params: TensorInput, indices: TensorInput, batch_dims: int = 0,
              name: Optional[str] = None) -> Tensor:
    """Elements or slices of ``params`` at the index tuples in the last axis of ``indices``.

    >>> import gradtape as tf
    >>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    >>> tf.gather_nd(x, [[1, 0], [0, 1]]).numpy(), tf.gather_nd(x, [[1]]).numpy()
    (array([3., 2.], dtype=float32), array([[3., 4.]], dtype=float32))
    """
    x = tensor(params)
    idx = _int_array(indices, "gather_nd", "indices")
    shape = x._value.shape
    b = int_arg(batch_dims, "gather_nd", "batch_dims")
    if idx.ndim < 1:
        raise InvalidArgumentError("gather_nd: indices must have rank >= 1, got a scalar")
    if not 0 <= b < idx.ndim or b > len(shape):
        raise InvalidArgumentError(
            f"gather_nd: batch_dims {b} must be in [0, {min(idx.ndim - 1, len(shape))}]")
    if tuple(shape[:b]) != tuple(idx.shape[:b]):
        raise InvalidArgumentError(
            f"gather_nd: params.shape[:{b}] = {tuple(shape[:b])} must equal "
            f"indices.shape[:{b}] = {tuple(idx.shape[:b])} (batch_dims={b})")
    k = idx.shape[-1]
    if not 1 <= k <= len(shape) - b:
        raise InvalidArgumentError(
            f"gather_nd: indices.shape[-1] must be in [1, {len(shape) - b}] (the rank of params "
            f"after batch_dims), got {k}")
    inner = shape[b:b + k]
    bad = ((idx < 0) | (idx >= NP.asarray(inner, NP.int64))).any(axis=-1)
    if bad.any():
        where, name = _first_bad(bad)
        raise InvalidArgumentError(f"gather_nd: {name} = {idx[where].tolist()} does not index "
                                   f"into param shape {list(shape)}")
    if b == 0 and idx.ndim == 2 and k == 1:
        # rows of params: a gather along axis 0, whose gradient is an
        # IndexedSlices, as TensorFlow's for this case
        return _index(_GATHER, x, (idx[:, 0],))
    n = idx.ndim - 1
    key = tuple(_axis_arange(shape[j], j, n) for j in range(b))
    key += tuple(idx[..., j] for j in range(k))
    return _index(_GATHER_ND, x, key)


def boolean_mask(tensor: TensorInput, mask: TensorInput, axis: Axis = None,
                 name: Optional[str] = None) -> Tensor:
    """The elements (or slices) of ``tensor`` where the boolean ``mask`` is True.

    ``mask`` covers the axes ``axis .. axis + mask.ndim`` of ``tensor``; they
    become one axis in the result.

    >>> import gradtape as tf
    >>> tf.boolean_mask(tf.constant([[1.0, 2.0], [3.0, 4.0]]), [False, True]).numpy()
    array([[3., 4.]], dtype=float32)
    """
    x = _to_tensor(tensor)
    m = decide(mask._value) if isinstance(mask, TensorLike) else NP.asarray(mask)
    if m.dtype.kind != "b":
        raise TypeError(f"boolean_mask: mask must be a bool tensor, got dtype {m.dtype.name}")
    if m.ndim == 0:
        raise ValueError("boolean_mask: mask cannot be a scalar")
    shape = x._value.shape
    axis = 0 if axis is None else int_arg(axis, "boolean_mask")
    if axis < 0:
        axis += len(shape)
    if not 0 <= axis or tuple(shape[axis:axis + m.ndim]) != m.shape:
        raise ValueError(f"boolean_mask: mask of shape {m.shape} does not match the axes "
                         f"{axis}..{axis + m.ndim - 1} of a tensor of shape {tuple(shape)}")
    return _index(_BOOLEAN_MASK, x, (_ALL,) * axis + NP.nonzero(m))


# ---------------------------------------------------------------------------
# slice, reverse
# ---------------------------------------------------------------------------

def _int_list(value, opname, argname):
    if isinstance(value, TensorLike):
        value = decide(value._value)
    arr = NP.asarray(value)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.dtype.kind not in "iu" and arr.size:
        raise TypeError(f"{opname}: {argname} must be integers, got {value!r}")
    return [int(v) for v in arr.ravel()]


def slice(input_: TensorInput, begin: TensorInput, size: TensorInput,
          name: Optional[str] = None) -> Tensor:
    """The block of ``input_`` starting at ``begin`` with ``size`` (-1: to the end).

    >>> import gradtape as tf
    >>> x = tf.reshape(tf.range(12.0), (3, 4))
    >>> tf.slice(x, [1, 1], [2, -1]).numpy()
    array([[ 5.,  6.,  7.],
           [ 9., 10., 11.]], dtype=float32)
    """
    x = tensor(input_)
    shape = x._value.shape
    begin = _int_list(begin, "slice", "begin")
    size = _int_list(size, "slice", "size")
    if not len(begin) == len(size) == len(shape):
        raise InvalidArgumentError(
            f"slice: begin ({len(begin)} values) and size ({len(size)} values) must both have "
            f"one entry per axis of the input of shape {tuple(shape)}")
    key = []
    for i, (b, s, d) in enumerate(zip(begin, size, shape)):
        if not 0 <= b <= d:
            raise InvalidArgumentError(f"slice: expected begin[{i}] in [0, {d}], but got {b}")
        if s == -1:
            s = d - b
        if not 0 <= s <= d - b:
            raise InvalidArgumentError(f"slice: expected size[{i}] in [0, {d - b}], but got {s}")
        key.append(builtins.slice(b, b + s))
    return _index(_SLICE, x, tuple(key))


def strided_slice(input_: TensorInput, begin: TensorInput, end: TensorInput,
                  strides: Optional[TensorInput] = None, begin_mask: int = 0, end_mask: int = 0,
                  ellipsis_mask: int = 0, new_axis_mask: int = 0, shrink_axis_mask: int = 0,
                  var: Any = None, name: Optional[str] = None) -> Tensor:
    """``input_[begin[0]:end[0]:strides[0], ...]``, the masks as TensorFlow's:
    bit ``i`` of ``begin_mask`` / ``end_mask`` leaves out ``begin[i]`` /
    ``end[i]``, of ``ellipsis_mask`` puts ``...``, of ``new_axis_mask`` a
    ``tf.newaxis``, and of ``shrink_axis_mask`` the index ``begin[i]`` there.

    >>> import gradtape as tf
    >>> x = tf.reshape(tf.range(20), (4, 5))
    >>> tf.strided_slice(x, [0, 1], [4, 5], [2, 2]).numpy()
    array([[ 1,  3],
           [11, 13]], dtype=int32)
    >>> tf.strided_slice(x, [1, 0], [2, 0], end_mask=2, shrink_axis_mask=1).numpy()
    array([5, 6, 7, 8, 9], dtype=int32)
    """
    begin = _int_list(begin, "strided_slice", "begin")
    end = _int_list(end, "strided_slice", "end")
    strides = [1] * len(begin) if strides is None else _int_list(strides, "strided_slice",
                                                                "strides")
    if not len(begin) == len(end) == len(strides):
        raise InvalidArgumentError(
            f"Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
            f"[{len(begin)}], [{len(end)}], and [{len(strides)}] instead.")
    key = []
    for i, (b, e, st) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b)
        else:
            key.append(builtins.slice(None if begin_mask & bit else b,
                                      None if end_mask & bit else e, st))
    return getitem(input_, tuple(key)) if var is None else var[tuple(key)]


def reverse(tensor: TensorInput, axis: Axis, name: Optional[str] = None) -> Tensor:
    """``tensor`` with the order of its elements reversed along each axis in ``axis``.

    >>> import gradtape as tf
    >>> tf.reverse(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=[-1]).numpy()
    array([[2., 1.],
           [4., 3.]], dtype=float32)
    """
    x = _to_tensor(tensor)
    nd = x._value.ndim
    axes = []
    for a in _int_list(axis, "reverse", "axis"):
        if not -nd <= a < nd:
            raise InvalidArgumentError(f"reverse: axis {a} is out of range for a tensor of "
                                       f"rank {nd} (expected -{nd} <= axis < {nd})")
        if a % nd in axes:
            raise InvalidArgumentError(f"reverse: axis {a % nd} specified more than once")
        axes.append(a % nd)
    key = tuple(builtins.slice(None, None, -1) if i in axes else _ALL for i in range(nd))
    return _index(_REVERSE, x, key)


# ---------------------------------------------------------------------------
# tensor_scatter_nd_update / tensor_scatter_nd_add
# ---------------------------------------------------------------------------

def _scatter_nd_key(shape, idx, updates, opname):
    k = idx.shape[-1] if idx.ndim else 0
    if idx.ndim < 1 or not 1 <= k <= len(shape):
        raise InvalidArgumentError(
            f"{opname}: indices must have shape [..., k] with 1 <= k <= {len(shape)} "
            f"(the rank of tensor), got shape {tuple(idx.shape)}")
    want = tuple(idx.shape[:-1]) + tuple(shape[k:])
    if tuple(updates._value.shape) != want:
        raise InvalidArgumentError(
            f"{opname}: updates must have shape indices.shape[:-1] + tensor.shape[{k}:] = "
            f"{want}, got {tuple(updates._value.shape)}")
    bad = ((idx < 0) | (idx >= NP.asarray(shape[:k], NP.int64))).any(axis=-1)
    if bad.any():
        where, name = _first_bad(bad)
        raise InvalidArgumentError(f"{opname}: {name} = {idx[where].tolist()} does not index "
                                   f"into shape {list(shape)}")
    return tuple(idx[..., j] for j in range(k))


def _scatter_into(u, key, shape):
    """``u`` added into zeros of ``shape`` at the index tuples ``key`` (differentiable)."""
    return apply(_SCATTER, (u,), {"key": key, "shape": tuple(shape),
                                  "out_rank": u._value.ndim, "front": 0})


def tensor_scatter_nd_add(tensor: TensorInput, indices: TensorInput, updates: TensorInput,
                          name: Optional[str] = None) -> Tensor:
    """``tensor`` with ``updates`` added at the index tuples of ``indices`` (repeats add up).

    >>> import gradtape as tf
    >>> tf.tensor_scatter_nd_add(tf.zeros((4,)), [[1], [3], [1]], [1.0, 2.0, 3.0]).numpy()
    array([0., 4., 0., 2.], dtype=float32)
    """
    x, u = pair(tensor, updates, "TensorScatterAdd")
    idx = _int_array(indices, "tensor_scatter_nd_add", "indices")
    key = _scatter_nd_key(x._value.shape, idx, u, "tensor_scatter_nd_add")
    return x + _scatter_into(u, key, x._value.shape)


def tensor_scatter_nd_update(tensor: TensorInput, indices: TensorInput, updates: TensorInput,
                             name: Optional[str] = None) -> Tensor:
    """``tensor`` with the slices at the index tuples of ``indices`` replaced by ``updates``.

    Where an index repeats, the last of its updates wins.

    >>> import gradtape as tf
    >>> tf.tensor_scatter_nd_update(tf.ones((4,)), [[1], [3]], [5.0, 6.0]).numpy()
    array([1., 5., 1., 6.], dtype=float32)
    """
    x, u = pair(tensor, updates, "TensorScatterUpdate")
    idx = _int_array(indices, "tensor_scatter_nd_update", "indices")
    key = _scatter_nd_key(x._value.shape, idx, u, "tensor_scatter_nd_update")
    shape = x._value.shape
    rows = idx.shape[:-1]
    # which update each target slice keeps (the last one), as a 0/1 weight per update
    owner = NP.full(shape[:idx.shape[-1]], -1, NP.int64)
    owner[key] = NP.arange(int(NP.prod(rows, dtype=NP.int64))).reshape(rows)
    wins = (owner[key] == NP.arange(owner[key].size).reshape(rows))
    tail = (1,) * (len(shape) - idx.shape[-1])
    keep = NP.ones(shape[:idx.shape[-1]], bool)
    keep[key] = False
    # selections, not products with 0/1 masks: an inf or nan replaced (or in a
    # losing update) must not leak a nan into the result
    from .elementwise import where, zeros_like
    kept_updates = where(on_host_for(wins.reshape(rows + tail), x), u, zeros_like(u))
    return where(on_host_for(keep.reshape(keep.shape + tail), x), x,
                 _scatter_into(kept_updates, key, shape))


def tensor_scatter_nd_sub(tensor: TensorInput, indices: TensorInput, updates: TensorInput,
                          name: Optional[str] = None) -> Tensor:
    """``tensor`` with ``updates`` subtracted at the index tuples of ``indices`` (repeats add up).

    >>> import gradtape as tf
    >>> tf.tensor_scatter_nd_sub(tf.zeros((4,)), [[1], [3], [1]], [1.0, 2.0, 3.0]).numpy()
    array([ 0., -4.,  0., -2.], dtype=float32)
    """
    x, u = pair(tensor, updates, "TensorScatterSub")
    idx = _int_array(indices, "tensor_scatter_nd_sub", "indices")
    key = _scatter_nd_key(x._value.shape, idx, u, "tensor_scatter_nd_sub")
    return x - _scatter_into(u, key, x._value.shape)


def scatter_nd(indices: TensorInput, updates: TensorInput, shape: TensorInput,
               name: Optional[str] = None) -> Tensor:
    """Zeros of ``shape`` with ``updates`` added at the index tuples of ``indices``
    (repeats add up).

    >>> import gradtape as tf
    >>> tf.scatter_nd([[1], [3], [1]], [1.0, 2.0, 3.0], [5]).numpy()
    array([0., 4., 0., 2., 0.], dtype=float32)
    """
    u = _to_tensor(updates)
    idx = _int_array(indices, "scatter_nd", "indices")
    dims = tuple(_int_list(shape, "scatter_nd", "shape"))
    if any(d < 0 for d in dims):
        raise InvalidArgumentError(f"scatter_nd: shape must be non-negative, got {list(dims)}")
    key = _scatter_nd_key(dims, idx, u, "scatter_nd")
    return _scatter_into(u, key, dims)


def _gather_at(t, key, shape):
    """``t[key]`` on the trailing axes of ``shape`` (``t`` may have leading batch axes)."""
    return apply(_GATHER_ND, (t,), {"key": key, "rank": len(shape), "front": 0,
                                   "out_rank": _probe(shape)[key].ndim})


def _scatter_at(t, key, shape):
    """The transpose of ``_gather_at``: ``t`` added into zeros of ``shape`` at ``key``."""
    return apply(_SCATTER, (t,), {"key": key, "shape": tuple(shape), "front": 0,
                                  "out_rank": _probe(shape)[key].ndim})


def _extremum_shares(ans, x, u, key):
    """TensorFlow's split of an extremum scatter's gradient: the 0/1 weights of
    ``x`` and of each update where they equal the result, and how many share
    each element (ties split the gradient)."""
    shape = tuple(x.shape)
    x_share = _cast_like(ans == x, x)
    u_share = _cast_like(_gather_at(ans, key, shape) == u, u)
    return x_share, u_share, x_share + _scatter_at(u_share, key, shape)


def _cast_like(cond, like):
    from .elementwise import cast
    return cast(cond, like.dtype)


def _extremum_vjp_x(ct, ans, x, u, key, ufunc):
    x_share, _, count = _extremum_shares(ans, x, u, key)
    return ct * x_share / count


def _extremum_vjp_u(ct, ans, x, u, key, ufunc):
    _, u_share, count = _extremum_shares(ans, x, u, key)
    return _gather_at(ct / count, key, tuple(x.shape)) * u_share


def _extremum_jvp(ts, ans, x, u, key, ufunc):
    x_share, u_share, count = _extremum_shares(ans, x, u, key)
    tx, tu = ts
    out = None if tx is None else tx * x_share
    if tu is not None:
        part = _scatter_at(tu * u_share, key, tuple(x.shape))
        out = part if out is None else out + part
    return out / count


def _extremum_impl(xp, x, u, key, ufunc):
    at = getattr(getattr(xp, ufunc), "at", None)
    if at is None:
        raise UnimplementedError(f"tensor_scatter_nd_{ufunc[:3]} is not supported on "
                                 f"{getattr(xp, '__name__', xp)}: the array API has no scatter")
    out = xp.asarray(x, copy=True)
    at(out, key, u)
    return out


_SCATTER_EXTREMUM = defop("tensor_scatter_nd_extremum", _extremum_impl,
                          vjp=(_extremum_vjp_x, _extremum_vjp_u), jvp=_extremum_jvp,
                          save_ans=True)


def _scatter_extremum(tensor, indices, updates, ufunc, opname, tfname):
    x, u = pair(tensor, updates, tfname)
    idx = _int_array(indices, opname, "indices")
    key = _scatter_nd_key(x._value.shape, idx, u, opname)
    return apply(_SCATTER_EXTREMUM, (x, u), {"key": key, "ufunc": ufunc})


def tensor_scatter_nd_max(tensor: TensorInput, indices: TensorInput, updates: TensorInput,
                          name: Optional[str] = None) -> Tensor:
    """``tensor`` with each element at an index tuple of ``indices`` replaced by
    the largest of it and its ``updates``.  Where several equal the result,
    they share the gradient, as in TensorFlow.

    >>> import gradtape as tf
    >>> tf.tensor_scatter_nd_max(tf.ones((4,)), [[1], [1], [2]], [5.0, 6.0, -1.0]).numpy()
    array([1., 6., 1., 1.], dtype=float32)
    """
    return _scatter_extremum(tensor, indices, updates, "maximum", "tensor_scatter_nd_max",
                             "TensorScatterMax")


def tensor_scatter_nd_min(tensor: TensorInput, indices: TensorInput, updates: TensorInput,
                          name: Optional[str] = None) -> Tensor:
    """``tensor`` with each element at an index tuple of ``indices`` replaced by
    the smallest of it and its ``updates`` (ties share the gradient).

    >>> import gradtape as tf
    >>> tf.tensor_scatter_nd_min(tf.ones((4,)), [[1], [1], [2]], [5.0, -6.0, -1.0]).numpy()
    array([ 1., -6., -1.,  1.], dtype=float32)
    """
    return _scatter_extremum(tensor, indices, updates, "minimum", "tensor_scatter_nd_min",
                             "TensorScatterMin")


# ---------------------------------------------------------------------------
# sort, argsort, top_k: gathers at a value-dependent order
# ---------------------------------------------------------------------------

_SORT = _index_op("sort")
_TOP_K = _index_op("top_k")
_TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _sortable(x, opname):
    """``x``'s dtype and shape checked: refused where TensorFlow's order is its
    kernel's own (NaN) or it has no kernel (bool, complex)."""
    v = x._value
    if kind(v.dtype) not in "iuf":
        raise InvalidArgumentError(
            f"Value for attr 'T' of {v.dtype.name} is not in the list of allowed values "
            f"[Op:{opname}]; {opname} sorts integers and floats")
    if v.ndim == 0:
        raise InvalidArgumentError(f"{opname}: input must be >= 1-D, got shape []")
    return v


def _order(v, axis, descending, opname):
    """The positions along ``axis`` that sort ``v``, equal values in index order:
    read through ``decide`` (a compiled function checks the order, not the values)."""
    found = decide(v, _StableOrder(axis, descending))
    if found is None:
        raise InvalidArgumentError(
            f"{opname}: the input has NaN values, where TensorFlow's order is its kernel's "
            f"own and gradtape cannot match it; replace them first (e.g. with tf.where)")
    return NP.frombuffer(found, NP.int64).reshape(v.shape)


class _StableOrder:
    """The sorting order along an axis as bytes of int64 (None with a NaN)."""

    __slots__ = ("axis", "descending")

    def __init__(self, axis, descending):
        self.axis, self.descending = axis, descending

    def __call__(self, value):
        v = NP.moveaxis(value if isinstance(value, NP.ndarray) else NP.asarray(host(value)),
                        self.axis, -1)
        if v.dtype.kind == "f" and NP.isnan(v).any():
            return None
        if self.descending:  # stable: the reversed row's last equal value is the first
            order = v.shape[-1] - 1 - NP.argsort(v[..., ::-1], axis=-1, kind="stable")[..., ::-1]
        else:
            order = NP.argsort(v, axis=-1, kind="stable")
        return NP.astype(NP.moveaxis(order, -1, self.axis), NP.int64).tobytes()


def _order_key(order, axis):
    """An index key picking ``order`` (positions along ``axis``) in every row."""
    nd = order.ndim
    return tuple(order if j == axis else _axis_arange(order.shape[j], j, nd) for j in range(nd))


def _sort_order(values, axis, direction, opname):
    x = _to_tensor(values)
    v = _sortable(x, opname)
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Argument `direction` should be one of ASCENDING, DESCENDING. "
                         f"Received: direction={direction}")
    nd = v.ndim
    axis = int_arg(axis, opname)
    if not -nd <= axis < nd:
        raise InvalidArgumentError(f"{opname}: axis {axis} is out of range for a tensor of "
                                   f"rank {nd} (expected -{nd} <= axis < {nd})")
    axis %= nd
    return x, _order(v, axis, direction == "DESCENDING", opname), axis


def sort(values: TensorInput, axis: Axis = -1, direction: str = "ASCENDING",
         name: Optional[str] = None) -> Tensor:
    """``values`` sorted along ``axis``; its gradient goes back to where each value came from.

    >>> import gradtape as tf
    >>> tf.sort(tf.constant([3.0, 1.0, 2.0]), direction="DESCENDING").numpy()
    array([3., 2., 1.], dtype=float32)
    """
    x, order, axis = _sort_order(values, axis, direction, "sort")
    return _index(_SORT, x, _order_key(order, axis))


def argsort(values: TensorInput, axis: Axis = -1, direction: str = "ASCENDING",
            stable: bool = False, name: Optional[str] = None) -> Tensor:
    """The int32 indices that sort ``values`` along ``axis``; equal values keep
    their order (whatever ``stable`` says, as TensorFlow's).

    >>> import gradtape as tf
    >>> tf.argsort(tf.constant([3.0, 1.0, 3.0, 2.0])).numpy()
    array([1, 3, 0, 2], dtype=int32)
    """
    _, order, _ = _sort_order(values, axis, direction, "argsort")
    return wrap(NP.astype(order, NP.int32))


def top_k(input: TensorInput, k: TensorInput = 1, sorted: bool = True,
          index_type: DTypeLike = "int32", name: Optional[str] = None) -> Any:
    """The ``k`` largest entries of the last axis of ``input`` and their
    indices, as ``(values, indices)``; equal values come in index order.  With
    ``sorted=False`` TensorFlow leaves the order unspecified: this gives the
    sorted one.  The gradient goes to the picked entries.

    >>> import gradtape as tf
    >>> values, indices = tf.math.top_k(tf.constant([1.0, 3.0, 2.0, 3.0]), k=2)
    >>> values.numpy(), indices.numpy()
    (array([3., 3.], dtype=float32), array([1, 3], dtype=int32))
    """
    from .._core.dtypes import as_dtype
    x = _to_tensor(input)
    v = _sortable(x, "TopKV2")
    k = int_arg(k.numpy() if isinstance(k, TensorLike) else k, "top_k", "k")
    if k < 0:
        raise InvalidArgumentError(f"Need k >= 0, got {k} [Op:TopKV2]")
    if k > v.shape[-1]:
        raise InvalidArgumentError(f"input must have at least k columns. Had {v.shape[-1]}, "
                                   f"needed {k} [Op:TopKV2]")
    order = _order(v, v.ndim - 1, True, "top_k")[..., :k]
    values = _index(_TOP_K, x, _order_key(order, order.ndim - 1))
    return _TopKV2(values, wrap(NP.astype(order, as_dtype(index_type)._np)))


# ---------------------------------------------------------------------------
# segment reductions: scatters into one row per segment
# ---------------------------------------------------------------------------

def _segments(data, segment_ids, num_segments, opname):
    """``data`` without the rows of negative ids, the scatter key of the rest,
    the result's shape, and each segment's row count (shaped to broadcast)."""
    x = _to_tensor(data)
    ids = _int_array(segment_ids, opname, "segment_ids")
    shape = tuple(x._value.shape)
    if shape[:ids.ndim] != ids.shape:
        raise InvalidArgumentError(f"{opname}: segment_ids.shape = {list(ids.shape)} must be a "
                                   f"prefix of data.shape = {list(shape)}")
    if isinstance(num_segments, TensorLike):
        num_segments = num_segments.numpy()
    n = int_arg(num_segments, opname, "num_segments")
    if n < 0:
        raise InvalidArgumentError(f"{opname}: num_segments must be non-negative, got {n}")
    bad = ids >= n
    if bad.any():
        where, _ = _first_bad(bad)
        raise InvalidArgumentError(f"{opname}: segment_ids{list(where)} = {int(ids[where])} is "
                                   f"out of range [0, {n})")
    keep = ids >= 0
    if not keep.all():  # rows of a negative id are dropped, as TensorFlow does
        x = _index(_BOOLEAN_MASK, x, NP.nonzero(keep))
        ids = ids[keep]
    out_shape = (n,) + shape[keep.ndim:]
    counts = NP.bincount(ids.ravel(), minlength=n).reshape((n,) + (1,) * (len(out_shape) - 1))
    return x, (ids,), out_shape, counts


def _sorted_segments(data, segment_ids, opname):
    """``_segments`` for ids that must be sorted and non-negative (one segment per id
    up to the largest)."""
    ids = _int_array(segment_ids, opname, "segment_ids")
    if ids.ndim != 1:
        raise InvalidArgumentError(f"{opname}: segment_ids should be a vector, got shape "
                                   f"{list(ids.shape)}")
    if ids.size and (ids[0] < 0 or (NP.diff(ids) < 0).any()):
        raise InvalidArgumentError(f"{opname}: segment ids must be non-negative and "
                                   f"increasing, got {ids.tolist()}")
    return _segments(data, ids, int(ids[-1]) + 1 if ids.size else 0, opname)


def _count_like(counts, x, floor=1):
    """``max(counts, floor)`` as a constant of ``x``'s dtype on ``x``'s device."""
    return on_host_for(NP.astype(NP.maximum(counts, floor), x.dtype.as_numpy_dtype), x)


def _mean_of(x, key, shape, counts, opname, root=False):
    from .elementwise import sqrt
    if not x.dtype.is_floating:
        raise TypeError(f"{opname}: data must be floating, got {x.dtype.name}")
    n = _count_like(counts, x)
    return _scatter_at(x, key, shape) / (sqrt(n) if root else n)


def _scatter_with(xp, x, key, shape, ufunc, fill):
    """``x`` combined by ``xp.<ufunc>.at`` into a ``shape`` array full of
    ``fill(dtype)``."""
    at = getattr(getattr(xp, ufunc), "at", None)
    if at is None:
        raise UnimplementedError(f"segment {ufunc} is not supported on "
                                 f"{getattr(xp, '__name__', xp)}: the array API has no scatter")
    out = xp.full(shape, fill(x.dtype), dtype=x.dtype)
    at(out, key, x)
    return out


def _lowest_or_highest(ufunc):
    def fill(dtype):
        info = NP.finfo(dtype) if NP.dtype(dtype).kind == "f" else NP.iinfo(dtype)
        return info.min if ufunc == "maximum" else info.max
    return fill


def _segment_extremum_impl(xp, x, key, shape, ufunc):
    return _scatter_with(xp, x, key, shape, ufunc, _lowest_or_highest(ufunc))


def _segment_shares(ans, x, key, shape):
    """TensorFlow's split of a segment max/min's gradient: which rows equal their
    segment's result, and how many per segment (at least 1)."""
    from .elementwise import maximum
    picked = _cast_like(_gather_at(ans, key, shape) == x, x)
    return picked, maximum(_scatter_at(picked, key, shape), 1.0)


def _segment_extremum_vjp(ct, ans, x, key, shape, ufunc):
    picked, count = _segment_shares(ans, x, key, shape)
    return _gather_at(ct / count, key, shape) * picked


def _segment_extremum_jvp(ts, ans, x, key, shape, ufunc):
    picked, count = _segment_shares(ans, x, key, shape)
    return _scatter_at(ts[0] * picked, key, shape) / count


_SEGMENT_EXTREMUM = defop("segment_extremum", _segment_extremum_impl,
                          vjp=_segment_extremum_vjp, jvp=_segment_extremum_jvp, save_ans=True)


def _extremum_of(x, key, shape, ufunc):
    return apply(_SEGMENT_EXTREMUM, (x,), {"key": key, "shape": shape, "ufunc": ufunc})


def _segment_prod_impl(xp, x, key, shape):
    return _scatter_with(xp, x, key, shape, "multiply", lambda dtype: 1)


def _segment_prod_partials(ans, x, key, shape):
    """TensorFlow's derivative of a segment product by each row: the product over
    the row (``ans / x``) without zeros; at the segment's one zero the product of
    its non-zeros; 0 in a segment of two zeros or more."""
    from .elementwise import cast, equal, where
    is_zero = equal(x, 0)
    n_zeros = _scatter_at(cast(is_zero, "float64"), key, shape)
    safe = where(is_zero, 1, x)
    nonzeros = apply(_SEGMENT_PROD, (safe,), {"key": key, "shape": shape})
    partial = where(is_zero, _gather_at(nonzeros, key, shape), _gather_at(ans, key, shape) / safe)
    return partial * _gather_at(cast(n_zeros <= 1, x.dtype), key, shape)


def _segment_prod_vjp(ct, ans, x, key, shape):
    # not conjugated for complex data: TensorFlow's SegmentProd gradients are not
    # (unlike reduce_prod's, see elementwise._adjoint)
    return _gather_at(ct, key, shape) * _segment_prod_partials(ans, x, key, shape)


_SEGMENT_PROD = defop(
    "segment_prod", _segment_prod_impl, vjp=_segment_prod_vjp,
    jvp=lambda ts, ans, x, key, shape:
        _scatter_at(ts[0] * _segment_prod_partials(ans, x, key, shape), key, shape),
    save_ans=True)


def _prod_of(x, key, shape, opname):
    if kind(x._value.dtype) not in "iufc":
        raise InvalidArgumentError(f"{opname}: data must be a number tensor, got "
                                   f"{x.dtype.name}")
    return apply(_SEGMENT_PROD, (x,), {"key": key, "shape": shape})


def _zero_where_empty(t, counts):
    """``t`` with the rows of empty segments set to 0 (sorted segment max/min)."""
    from .elementwise import where
    if counts.all():
        return t
    return where(on_host_for(counts > 0, t), t, on_host_for(NP.zeros((), t.dtype.as_numpy_dtype), t))


def unsorted_segment_sum(data: TensorInput, segment_ids: TensorInput, num_segments: TensorInput,
                         name: Optional[str] = None) -> Tensor:
    """Row ``i`` of the result sums the rows of ``data`` whose ``segment_ids`` is
    ``i`` (a negative id drops its row; ``segment_ids`` may cover several leading axes).

    >>> import gradtape as tf
    >>> tf.math.unsorted_segment_sum(tf.constant([1.0, 2.0, 3.0]), [1, 0, 1], 3).numpy()
    array([2., 4., 0.], dtype=float32)
    """
    x, key, shape, _ = _segments(data, segment_ids, num_segments, "unsorted_segment_sum")
    return _scatter_at(x, key, shape)


def unsorted_segment_mean(data: TensorInput, segment_ids: TensorInput,
                          num_segments: TensorInput, name: Optional[str] = None) -> Tensor:
    """The mean of each segment's rows (0 for an empty segment).

    >>> import gradtape as tf
    >>> tf.math.unsorted_segment_mean(tf.constant([1.0, 2.0, 3.0]), [1, 0, 1], 3).numpy()
    array([2., 2., 0.], dtype=float32)
    """
    x, key, shape, counts = _segments(data, segment_ids, num_segments, "unsorted_segment_mean")
    return _mean_of(x, key, shape, counts, "unsorted_segment_mean")


def unsorted_segment_sqrt_n(data: TensorInput, segment_ids: TensorInput,
                            num_segments: TensorInput, name: Optional[str] = None) -> Tensor:
    """Each segment's sum divided by the square root of its row count (0 when empty).

    >>> import gradtape as tf
    >>> tf.math.unsorted_segment_sqrt_n(tf.constant([1.0, 3.0, 2.0]), [0, 0, 1], 2).numpy()
    array([2.828427, 2.      ], dtype=float32)
    """
    x, key, shape, counts = _segments(data, segment_ids, num_segments, "unsorted_segment_sqrt_n")
    return _mean_of(x, key, shape, counts, "unsorted_segment_sqrt_n", root=True)


def unsorted_segment_max(data: TensorInput, segment_ids: TensorInput, num_segments: TensorInput,
                         name: Optional[str] = None) -> Tensor:
    """The largest of each segment's rows; an empty segment gets the dtype's lowest
    value.  Equal maxima share the gradient, as in TensorFlow.

    >>> import gradtape as tf
    >>> tf.math.unsorted_segment_max(tf.constant([1.0, 2.0, 3.0]), [1, 0, 1], 2).numpy()
    array([2., 3.], dtype=float32)
    """
    x, key, shape, _ = _segments(data, segment_ids, num_segments, "unsorted_segment_max")
    return _extremum_of(x, key, shape, "maximum")


def unsorted_segment_min(data: TensorInput, segment_ids: TensorInput, num_segments: TensorInput,
                         name: Optional[str] = None) -> Tensor:
    """The smallest of each segment's rows; an empty segment gets the dtype's
    highest value.  Equal minima share the gradient.

    >>> import gradtape as tf
    >>> tf.math.unsorted_segment_min(tf.constant([1.0, 2.0, 3.0]), [1, 0, 1], 2).numpy()
    array([2., 1.], dtype=float32)
    """
    x, key, shape, _ = _segments(data, segment_ids, num_segments, "unsorted_segment_min")
    return _extremum_of(x, key, shape, "minimum")


def unsorted_segment_prod(data: TensorInput, segment_ids: TensorInput,
                          num_segments: TensorInput, name: Optional[str] = None) -> Tensor:
    """The product of each segment's rows (1 for an empty segment; a negative id
    drops its row).  The gradient is TensorFlow's, exact at zeros.

    >>> import gradtape as tf
    >>> tf.math.unsorted_segment_prod(tf.constant([2.0, 3.0, 4.0]), [1, 0, 1], 3).numpy()
    array([3., 8., 1.], dtype=float32)
    """
    x, key, shape, _ = _segments(data, segment_ids, num_segments, "unsorted_segment_prod")
    return _prod_of(x, key, shape, "unsorted_segment_prod")


def segment_sum(data: TensorInput, segment_ids: TensorInput,
                name: Optional[str] = None) -> Tensor:
    """Row ``i`` sums the rows of ``data`` whose (sorted) ``segment_ids`` is ``i``.

    >>> import gradtape as tf
    >>> tf.math.segment_sum(tf.constant([1.0, 2.0, 3.0]), [0, 0, 2]).numpy()
    array([3., 0., 3.], dtype=float32)
    """
    x, key, shape, _ = _sorted_segments(data, segment_ids, "segment_sum")
    return _scatter_at(x, key, shape)


def segment_mean(data: TensorInput, segment_ids: TensorInput,
                 name: Optional[str] = None) -> Tensor:
    """The mean of each segment's rows, for sorted ``segment_ids`` (0 when empty).

    >>> import gradtape as tf
    >>> tf.math.segment_mean(tf.constant([1.0, 2.0, 3.0]), [0, 0, 2]).numpy()
    array([1.5, 0. , 3. ], dtype=float32)
    """
    x, key, shape, counts = _sorted_segments(data, segment_ids, "segment_mean")
    return _mean_of(x, key, shape, counts, "segment_mean")


def segment_prod(data: TensorInput, segment_ids: TensorInput,
                 name: Optional[str] = None) -> Tensor:
    """The product of each segment's rows, for sorted ``segment_ids`` (1 when empty).

    >>> import gradtape as tf
    >>> tf.math.segment_prod(tf.constant([2.0, 3.0, 4.0]), [0, 0, 2]).numpy()
    array([6., 1., 4.], dtype=float32)
    """
    x, key, shape, _ = _sorted_segments(data, segment_ids, "segment_prod")
    return _prod_of(x, key, shape, "segment_prod")


def segment_max(data: TensorInput, segment_ids: TensorInput,
                name: Optional[str] = None) -> Tensor:
    """The largest of each segment's rows, for sorted ``segment_ids`` (0 when empty).

    >>> import gradtape as tf
    >>> tf.math.segment_max(tf.constant([1.0, 2.0, 3.0]), [0, 0, 2]).numpy()
    array([2., 0., 3.], dtype=float32)
    """
    x, key, shape, counts = _sorted_segments(data, segment_ids, "segment_max")
    return _zero_where_empty(_extremum_of(x, key, shape, "maximum"), counts)


def segment_min(data: TensorInput, segment_ids: TensorInput,
                name: Optional[str] = None) -> Tensor:
    """The smallest of each segment's rows, for sorted ``segment_ids`` (0 when empty).

    >>> import gradtape as tf
    >>> tf.math.segment_min(tf.constant([1.0, 2.0, 3.0]), [0, 0, 2]).numpy()
    array([1., 0., 3.], dtype=float32)
    """
    x, key, shape, counts = _sorted_segments(data, segment_ids, "segment_min")
    return _zero_where_empty(_extremum_of(x, key, shape, "minimum"), counts)


# ---------------------------------------------------------------------------
# invert_permutation, confusion_matrix
# ---------------------------------------------------------------------------

def invert_permutation(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """The permutation ``y`` with ``y[x[i]] = i`` for an int32 or int64 vector ``x``
    holding each of ``0 .. n-1`` once.  It has no gradient.

    >>> import gradtape as tf
    >>> tf.math.invert_permutation([3, 4, 0, 2, 1]).numpy()
    array([2, 4, 3, 0, 1], dtype=int32)
    """
    x = _to_tensor(x)
    if x.dtype.is_floating and not x.shape.num_elements():  # ``[]``: an empty int32 vector
        x = _to_tensor(NP.zeros(x.shape, NP.int32))
    if x.dtype.name not in ("int32", "int64"):
        raise InvalidArgumentError(f"Value for attr 'T' of {x.dtype.name} is not in the list "
                                   "of allowed values: int32, int64 [Op:InvertPermutation]")
    perm = decide(x._value)
    if perm.ndim != 1:
        raise InvalidArgumentError("invert_permutation expects a 1D vector "
                                   f"[Op:InvertPermutation], got shape {list(perm.shape)}")
    n = perm.shape[0]
    out = NP.full(n, -1, perm.dtype)
    for i, p in enumerate(perm.tolist()):
        if not 0 <= p < n:
            raise InvalidArgumentError(f"{p} is not between 0 and {n} [Op:InvertPermutation]")
        if out[p] >= 0:
            raise InvalidArgumentError(f"{p} is duplicated in the input. [Op:InvertPermutation]")
        out[p] = i
    return wrap(out)


def _squeeze_one(labels, predictions):
    """TensorFlow's ``remove_squeezable_dimensions``: drop a last axis of 1 from
    the argument of one more axis."""
    from .shape import squeeze
    diff = len(predictions.shape) - len(labels.shape)
    if diff == 1 and predictions.shape[-1] == 1:
        predictions = squeeze(predictions, [-1])
    elif diff == -1 and labels.shape[-1] == 1:
        labels = squeeze(labels, [-1])
    return labels, predictions


def _class_ids(t, argname, num_classes):
    """``t`` as int64 NumPy ids, checked non-negative and below ``num_classes``."""
    from .elementwise import cast
    ids = decide(cast(t, "int64")._value)
    if (ids < 0).any():
        raise InvalidArgumentError(f"`{argname}` contains negative values: {ids.tolist()}")
    if num_classes is not None and (ids >= num_classes).any():
        raise InvalidArgumentError(f"`{argname}` out of bound: {ids.tolist()} must be less "
                                   f"than num_classes = {num_classes}")
    return ids


def confusion_matrix(labels: TensorInput, predictions: TensorInput,
                     num_classes: Optional[TensorInput] = None,
                     weights: Optional[TensorInput] = None, dtype: DTypeLike = "int32",
                     name: Optional[str] = None) -> Tensor:
    """The ``[num_classes, num_classes]`` matrix whose entry ``[i, j]`` counts (or
    sums the ``weights`` of) the examples of label ``i`` predicted ``j``.  Without
    ``num_classes`` it is one more than the largest label or prediction; the
    result is differentiable in ``weights``.

    >>> import gradtape as tf
    >>> tf.math.confusion_matrix([1, 2, 1], [2, 2, 1]).numpy()
    array([[0, 0, 0],
           [0, 1, 1],
           [0, 0, 1]], dtype=int32)
    """
    from .elementwise import cast, ones_like
    labels, predictions = _squeeze_one(_to_tensor(labels), _to_tensor(predictions))
    if num_classes is not None:
        if isinstance(num_classes, TensorLike):
            num_classes = num_classes.numpy()
        num_classes = int_arg(num_classes, "confusion_matrix", "num_classes")
    rows = _class_ids(labels, "labels", num_classes)
    cols = _class_ids(predictions, "predictions", num_classes)
    if rows.ndim != 1 or rows.shape != cols.shape:
        raise InvalidArgumentError(
            f"confusion_matrix: labels and predictions must be vectors of one length, got "
            f"shapes {list(rows.shape)} and {list(cols.shape)}")
    if num_classes is None:
        if not rows.size:
            raise InvalidArgumentError("confusion_matrix: without num_classes, labels and "
                                       "predictions must not be empty")
        num_classes = int(max(rows.max(), cols.max())) + 1
    if weights is None:
        values = ones_like(predictions, dtype=dtype)
    else:
        weights = _to_tensor(weights)
        if tuple(weights.shape) != tuple(predictions.shape):
            raise ValueError(f"Shapes {predictions.shape} and {weights.shape} are incompatible")
        values = cast(weights, dtype)
    return scatter_nd(NP.stack([rows, cols], axis=1), values, [num_classes, num_classes])


# ---------------------------------------------------------------------------
# searchsorted
# ---------------------------------------------------------------------------

def searchsorted(sorted_sequence: TensorInput, values: TensorInput, side: str = "left",
                 out_type: DTypeLike = "int32", name: Optional[str] = None) -> Tensor:
    """Where ``values`` would go in the innermost axis of ``sorted_sequence`` to keep it sorted.

    The leading axes of both arguments must match (one search per row).  It
    has no gradient.

    >>> import gradtape as tf
    >>> tf.searchsorted(tf.constant([1.0, 3.0, 5.0]), tf.constant([0.0, 3.0, 6.0])).numpy()
    array([0, 1, 3], dtype=int32)
    """
    from .._core.dtypes import as_dtype
    seq = decide(tensor(sorted_sequence)._value)
    vals = decide(tensor(values)._value)
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if seq.ndim < 1 or seq.shape[:-1] != vals.shape[:-1] or vals.ndim != seq.ndim:
        raise InvalidArgumentError(
            f"searchsorted: sorted_sequence of shape {tuple(seq.shape)} and values of shape "
            f"{tuple(vals.shape)} must have the same rank (>= 1) and the same leading axes")
    flat_s = seq.reshape(-1, seq.shape[-1])
    flat_v = vals.reshape(-1, vals.shape[-1])
    out = NP.empty(flat_v.shape, as_dtype(out_type)._np)
    for r in range(flat_s.shape[0]):
        out[r] = NP.searchsorted(flat_s[r], flat_v[r], side=side)
    return wrap(out.reshape(vals.shape))


# TensorFlow has these under tf.math (and tf.nn) only
_MATH_ONLY = ("top_k", "invert_permutation", "confusion_matrix", "segment_max", "segment_mean", "segment_min", "segment_prod",
              "segment_sum", "unsorted_segment_max", "unsorted_segment_mean",
              "unsorted_segment_min", "unsorted_segment_prod",
              "unsorted_segment_sqrt_n", "unsorted_segment_sum")

if not TYPE_CHECKING:  # a type checker reads the module's own public names
    __all__ = public_names(globals(), exclude=_MATH_ONLY)

"""Indexing: ``tensor[key]`` (ints, slices, ``...``, ``None``, negative steps,
integer and bool arrays), and its transpose, a scatter into zeros.

The VJP of ``x[key]`` adds the cotangent into zeros of ``x``'s shape at
``key`` (``np.add.at`` when repeated indices may add up); the VJP of that
scatter is indexing again, so second derivatives work.
"""
import numbers

from .._core.tensor import TensorLike
from ..errors import InvalidArgumentError
from ._util import apply, defop, tensor, xp


def _is_int(k):
    return isinstance(k, numbers.Integral) and not isinstance(k, bool)


def _normalize_key(key, shape):
    """A tuple key of ints, slices, None, Ellipsis and integer ndarrays."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, TensorLike):
            k = k.numpy()
        if isinstance(k, list):
            k = xp.asarray(k)
        if isinstance(k, xp.ndarray) or isinstance(k, xp.generic):
            if k.dtype.kind == "b":
                out.extend(xp.nonzero(k))
                continue
            if k.dtype.kind not in "iu":
                raise TypeError(f"index arrays must be integers or bools, got dtype {k.dtype}")
            if k.ndim == 0:
                k = int(k)
        elif not (_is_int(k) or k is None or k is Ellipsis or isinstance(k, slice)):
            raise TypeError(f"only integers, slices (`:`), ellipsis (`...`), "
                            f"gradtape.newaxis (`None`) and integer or boolean arrays are "
                            f"valid indices, got {k!r}")
        out.append(k)
    return tuple(out)


def _has_array(key):
    return any(isinstance(k, xp.ndarray) for k in key)


def _advanced_adjacent(key):
    """Whether the advanced indices (arrays, and ints among them) stand together."""
    pos = [i for i, k in enumerate(key) if isinstance(k, xp.ndarray) or _is_int(k)]
    return not pos or pos[-1] - pos[0] + 1 == len(pos)


def _getitem_impl(x, key, out_ndim):
    return x[key]


def _scatter_impl(ct, key, shape, out_ndim):
    nb = ct.ndim - out_ndim
    full = (slice(None),) * nb + key
    out = xp.zeros(ct.shape[:nb] + tuple(shape), ct.dtype)
    if _has_array(key):
        xp.add.at(out, full, ct)
    else:
        out[full] = ct
    return out


def _batched_key(t, base_ndim, key):
    return (slice(None),) * (t.ndim - base_ndim) + key


def _getitem_vjp(ct, ans, x, key, out_ndim):
    return apply(_SCATTER, (ct,), {"key": key, "shape": tuple(x.shape), "out_ndim": out_ndim})


def _getitem_jvp(ts, ans, x, key, out_ndim):
    t = ts[0]
    nb = t.ndim - x.ndim
    return apply(_GETITEM, (t,), {"key": _batched_key(t, x.ndim, key), "out_ndim": out_ndim + nb})


def _scatter_vjp(ct, ans, g, key, shape, out_ndim):
    nb = ct.ndim - len(shape)
    return apply(_GETITEM, (ct,), {"key": (slice(None),) * nb + key, "out_ndim": out_ndim + nb})


def _scatter_jvp(ts, ans, g, key, shape, out_ndim):
    return apply(_SCATTER, (ts[0],), {"key": key, "shape": shape, "out_ndim": out_ndim})


_GETITEM = defop("strided_slice", _getitem_impl, vjp=_getitem_vjp, jvp=_getitem_jvp, save="none")
# a key whose advanced indices are split by a slice moves their axes to the
# front, so a leading batch axis would land elsewhere: loop over it instead
_GETITEM_SPLIT = defop("gather_split_index", _getitem_impl, vjp=_getitem_vjp,
                       jvp=_getitem_jvp, save="none", batch_vjp=False, batch_jvp=False)
_SCATTER = defop("scatter_into_zeros", _scatter_impl, vjp=_scatter_vjp, jvp=_scatter_jvp,
                 save="none")


def getitem(x, key):
    """``x[key]`` for a tensor, recorded so gradients flow to the selected elements.

    >>> import gradtape as tf
    >>> x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> x[:, ::-1][0].numpy(), x[..., [0, 2]].shape
    (array([3., 2., 1.], dtype=float32), TensorShape([2, 2]))
    """
    x = tensor(x)
    arr = x._value
    key = _normalize_key(key, arr.shape)
    try:
        probe = xp.lib.stride_tricks.as_strided(xp.zeros((), arr.dtype), arr.shape,
                                                (0,) * arr.ndim)[key]
    except IndexError as e:
        raise InvalidArgumentError(f"index {key!r} is out of range for a tensor of shape "
                                   f"{tuple(arr.shape)}: {e}") from None
    op = _GETITEM if _advanced_adjacent(key) or not _has_array(key) else _GETITEM_SPLIT
    return apply(op, (x,), {"key": key, "out_ndim": xp.ndim(probe)})


newaxis = None

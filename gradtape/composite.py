"""TensorFlow ops that are compositions of gradtape's primitives: ``clip_by_norm``,
``meshgrid``, ``repeat``, ``scalar_mul``, ``sequence_mask``, and the loss scaling
of ``tf.nn.compute_average_loss`` and ``tf.nn.scale_regularization_loss``.

They are written as TensorFlow writes them, op for op, so their values and
gradients (including at the corner cases, such as a zero norm) are TensorFlow's.
"""
from __future__ import annotations
import numpy as np

from ._core.tensor import TensorLike
from ._core.convert import convert_to_tensor
from ._core.dtypes import as_dtype
from . import rules
from .errors import InvalidArgumentError
from typing import Any, List, Optional
from ._core.types import Axis, DTypeLike, Tensor, TensorInput

__all__ = ["clip_by_norm", "compute_average_loss", "meshgrid", "repeat", "scalar_mul",
           "scale_regularization_loss", "sequence_mask"]


def clip_by_norm(t: TensorInput, clip_norm: TensorInput, axes: Axis = None,
                 name: Optional[str] = None) -> Tensor:
    """``t`` scaled so that its L2 norm (over ``axes``, all by default) is at most ``clip_norm``.

    ``t * clip_norm / max(norm(t), clip_norm)``; a zero ``t`` stays zero and
    has a finite gradient.

    >>> import gradtape as tf
    >>> tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    t = convert_to_tensor(t)
    clip_norm = convert_to_tensor(clip_norm, dtype=t.dtype)
    l2sum = rules.reduce_sum(t * t, axes, keepdims=True)
    positive = l2sum > 0
    safe = rules.where(positive, l2sum, rules.ones_like(l2sum))
    l2norm = rules.where(positive, rules.sqrt(safe), l2sum)
    return rules.identity(t * clip_norm / rules.maximum(l2norm, clip_norm))


def meshgrid(*args: Any, **kwargs: Any) -> List[Tensor]:
    """Coordinate grids from 1-D coordinate vectors: one N-D tensor per argument.

    ``indexing="xy"`` (the default) gives the first two outputs the shape
    ``(len(args[1]), len(args[0]), ...)``, as NumPy's ``meshgrid`` does;
    ``indexing="ij"`` keeps the arguments' order.  Each output is its argument
    reshaped and multiplied by ones, as TensorFlow computes it, so gradients
    flow back to the coordinate vectors.

    >>> import gradtape as tf
    >>> X, Y = tf.meshgrid([1, 2, 3], [4, 5])
    >>> X.numpy()
    array([[1, 2, 3],
           [1, 2, 3]], dtype=int32)
    >>> Y.numpy()
    array([[4, 4, 4],
           [5, 5, 5]], dtype=int32)
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"{next(iter(kwargs))!r} is an invalid keyword argument for this function")
    if indexing not in ("xy", "ij"):
        raise ValueError("Argument `indexing` parameter must be either 'xy' or 'ij', "
                         f"got {indexing!r}")
    ndim = len(args)
    if not ndim:
        return []
    vectors = [convert_to_tensor(x) for x in args]
    ones_shape = (1,) * ndim
    outputs = [rules.reshape(x, ones_shape[:i] + (-1,) + ones_shape[i + 1:])
               for i, x in enumerate(vectors)]
    sizes = [int(np.prod(x.shape)) for x in vectors]
    if indexing == "xy" and ndim > 1:
        outputs[0] = rules.reshape(outputs[0], (1, -1) + (1,) * (ndim - 2))
        outputs[1] = rules.reshape(outputs[1], (-1, 1) + (1,) * (ndim - 2))
        sizes[0], sizes[1] = sizes[1], sizes[0]
    ones = rules.ones(sizes, dtype=vectors[0].dtype)
    return [x * ones for x in outputs]


def repeat(input: TensorInput, repeats: TensorInput, axis: Axis = None,
           name: Optional[str] = None) -> Tensor:
    """Each element of ``input`` repeated ``repeats`` times along ``axis``
    (the flattened input if ``axis`` is None); ``repeats`` is one count or one per element.

    >>> import gradtape as tf
    >>> tf.repeat(tf.constant([[1, 2], [3, 4]]), [1, 2], axis=0).numpy()
    array([[1, 2],
           [3, 4],
           [3, 4]], dtype=int32)
    """
    x = convert_to_tensor(input)
    if axis is None:
        x, axis = rules.reshape(x, [-1]), 0
    if x.ndim == 0:
        x = rules.reshape(x, [1])
    axis = int(axis)
    n = x.shape[axis]
    counts = np.asarray(repeats.numpy() if isinstance(repeats, TensorLike) else repeats)
    if counts.ndim > 1 or counts.dtype.kind not in "iu":
        raise TypeError(f"repeat: repeats must be an integer or a 1-D list of integers, "
                        f"got {repeats!r}")
    if counts.ndim == 1 and counts.shape[0] not in (1, n):  # one count broadcasts
        raise ValueError(f"Dimensions {n} and {counts.shape[0]} are not compatible")
    if (counts < 0).any():
        raise InvalidArgumentError(f"repeat: repeats must be non-negative, got {repeats!r}")
    if counts.ndim == 1 and counts.shape[0] == 1:
        counts = counts[0]
    index = np.repeat(np.arange(n, dtype=np.int32), counts)
    return rules.gather(x, index, axis=axis)


def scalar_mul(scalar: TensorInput, x: TensorInput, name: Optional[str] = None) -> Tensor:
    """``scalar * x`` for a 0-d ``scalar``, converted to ``x``'s dtype.

    >>> import gradtape as tf
    >>> tf.math.scalar_mul(2, tf.constant([1.5, 3.0])).numpy()
    array([3., 6.], dtype=float32)
    """
    x = convert_to_tensor(x)
    scalar = convert_to_tensor(scalar, dtype=x.dtype)
    if scalar.ndim != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape "
                         f"{tuple(scalar.shape)}.")
    return rules.multiply(scalar, x)


def compute_average_loss(per_example_loss: TensorInput, sample_weight: Optional[TensorInput] = None,
                         global_batch_size: Optional[int] = None) -> Tensor:
    """The sum of the (weighted) per-example losses divided by the global batch
    size (by default the size of the batch's first axis).

    >>> import gradtape as tf
    >>> tf.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0]).numpy()
    2.5
    >>> tf.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0], global_batch_size=8).numpy()
    1.25
    """
    loss = convert_to_tensor(per_example_loss)
    if loss.ndim == 0:
        raise ValueError(f"Invalid value passed for `per_example_loss`. Expected a tensor "
                         f"with at least rank 1. Received per_example_loss={loss.numpy()} "
                         "with rank 0")
    if sample_weight is not None:
        loss = loss * convert_to_tensor(sample_weight, dtype=loss.dtype)
    if global_batch_size is None:
        global_batch_size = loss.shape[0]
    batch = convert_to_tensor(global_batch_size)
    if batch.ndim != 0 or not batch.dtype.is_integer:
        raise TypeError(f"global_batch_size must be an integer scalar, got "
                        f"{global_batch_size!r}")
    total = rules.reduce_sum(loss)
    if not loss.dtype.is_floating:
        return total / rules.cast(batch, loss.dtype)
    return rules.divide_no_nan(total, rules.cast(batch, loss.dtype))


def scale_regularization_loss(regularization_loss: TensorInput) -> Tensor:
    """The sum of ``regularization_loss`` divided by the number of replicas
    (one: gradtape runs in one replica).

    >>> import gradtape as tf
    >>> tf.nn.scale_regularization_loss([1.0, 2.0]).numpy()
    3.0
    """
    return rules.reduce_sum(convert_to_tensor(regularization_loss)) / 1


_RANGE_DTYPES = ("int32", "int64", "float16", "float32", "float64")


def sequence_mask(lengths: TensorInput, maxlen: Optional[TensorInput] = None,
                  dtype: DTypeLike = "bool", name: Optional[str] = None) -> Tensor:
    """``mask[..., j] = j < lengths[...]`` for ``j`` in ``range(maxlen)``, cast to
    ``dtype``.  ``maxlen`` (a scalar) defaults to the largest length (at least 0);
    the lengths are cast to its dtype first, as TensorFlow does.

    >>> import gradtape as tf
    >>> tf.sequence_mask([1, 3, 2], 4).numpy()
    array([[ True, False, False, False],
           [ True,  True,  True, False],
           [ True,  True, False, False]])
    """
    cast = rules.cast
    lengths = convert_to_tensor(lengths)
    if maxlen is None:
        maxlen = rules.maximum(rules.reduce_max(lengths), cast(0, lengths.dtype))
    else:
        maxlen = convert_to_tensor(maxlen)
    if maxlen.shape.rank != 0:
        raise ValueError(f"Argument `maxlen` must be scalar for sequence_mask, received "
                         f"`maxlen` = {maxlen} with shape '{maxlen.shape}' instead")
    if maxlen.dtype.name not in _RANGE_DTYPES:  # TensorFlow's CPU Range kernels
        raise InvalidArgumentError(
            f"sequence_mask: maxlen (or, without it, lengths) must be "
            f"{', '.join(_RANGE_DTYPES)}, got {maxlen.dtype.name} [Op:Range]")
    row = rules.range(0, maxlen, 1, dtype=maxlen.dtype)
    mask = rules.less(row, cast(rules.expand_dims(lengths, -1), maxlen.dtype))
    if dtype is None or as_dtype(dtype) == mask.dtype:
        return mask
    return cast(mask, dtype)


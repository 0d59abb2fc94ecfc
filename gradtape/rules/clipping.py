"""Clipping a list of tensors by their joint norm: ``tf.clip_by_global_norm`` and
``tf.linalg.global_norm``.

Both are compositions of gradtape's ops written as TensorFlow computes them
(half squared norms by ``l2_loss``, stacked and summed; the scale as
``clip_norm * min(1 / norm, 1 / clip_norm)``), so the values and gradients,
the ``None`` entries and the ``IndexedSlices`` are TensorFlow's.
"""
from __future__ import annotations
from collections.abc import Sequence

from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike
from . import elementwise as ew
from . import reductions as red
from . import shape as sh
from .._core.dtypes import kind
from ._util import NP, public_names, refuse_dtype
from typing import Any, List, Optional, Tuple, TYPE_CHECKING
from .._core.types import Tensor, TensorInput


def _is_slices(t):
    return hasattr(type(t), "_as_dense_tensor") and hasattr(t, "indices")


def _dense_part(t):
    """The tensor whose norm ``t`` contributes: an IndexedSlices' values."""
    return convert_to_tensor(t.values if _is_slices(t) else t)


def _half_squared_norm(t):
    """``tf.nn.l2_loss(t)``, written here: ``rules`` may not import ``rules.nn``."""
    if kind(t._value.dtype) not in "f":
        raise refuse_dtype("L2Loss", t.dtype, "f")
    return red.reduce_sum(ew.square(t)) * 0.5


def _as_list(t_list):
    if not isinstance(t_list, Sequence) or isinstance(t_list, (str, bytes)):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    return list(t_list)


def global_norm(t_list: Sequence[Any], name: Optional[str] = None) -> Tensor:
    """``sqrt(sum(sum(t ** 2) for t in t_list))``, the L2 norm of all the tensors
    together; ``None`` entries are skipped and an ``IndexedSlices`` counts its values.

    The tensors must share one floating dtype (else ``InvalidArgumentError``, as
    TensorFlow's stack of their norms); an empty list has the float32 norm 0.

    >>> import gradtape as tf
    >>> tf.linalg.global_norm([tf.constant([3.0, 0.0]), None, tf.constant([4.0])]).numpy()
    5.0
    """
    values = [_dense_part(t) for t in _as_list(t_list) if t is not None]
    if not values:
        return convert_to_tensor(0.0)
    half_squared_norm = red.reduce_sum(sh.stack([_half_squared_norm(v) for v in values]))
    return ew.sqrt(half_squared_norm * 2.0)


def _scale(clip_norm, use_norm):
    """``clip_norm / max(use_norm, clip_norm)``, NaN when ``use_norm`` is not finite."""
    if isinstance(clip_norm, TensorLike) and clip_norm.dtype != use_norm.dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got tf.{use_norm.dtype.name} "
                        f"!= tf.{clip_norm.dtype.name}.")
    clip_norm = convert_to_tensor(clip_norm, dtype=use_norm.dtype)
    one = convert_to_tensor(1.0, dtype=use_norm.dtype)
    with NP.errstate(divide="ignore"):  # a zero norm: 1/0 is inf, silently, as in TensorFlow
        inverse = 1.0 / use_norm
    scale_for_finite = clip_norm * ew.minimum(inverse, one / clip_norm)
    # inf - inf is NaN: an infinite or NaN norm makes every clipped value NaN
    return scale_for_finite + (use_norm - use_norm)


def clip_by_global_norm(t_list: Sequence[Any], clip_norm: TensorInput,
                        use_norm: Optional[TensorInput] = None,
                        name: Optional[str] = None) -> Tuple[List[Any], Tensor]:
    """``([t * clip_norm / max(global_norm, clip_norm) for t in t_list], global_norm)``.

    Scales every tensor by one factor so that their joint L2 norm
    (``tf.linalg.global_norm``, or ``use_norm`` when given) is at most
    ``clip_norm``.  ``None`` entries stay ``None``, an ``IndexedSlices`` gives an
    ``IndexedSlices`` with scaled values, and an infinite or NaN norm makes every
    clipped tensor NaN.  ``t_list`` must be a list or tuple (a single tensor is a
    ``TypeError``).

    >>> import gradtape as tf
    >>> clipped, norm = tf.clip_by_global_norm([tf.constant([3.0, 0.0]), tf.constant([4.0])], 1.0)
    >>> [t.numpy() for t in clipped], norm.numpy()
    ([array([0.6, 0. ], dtype=float32), array([0.8], dtype=float32)], 5.0)
    """
    t_list = _as_list(t_list)
    use_norm = global_norm(t_list) if use_norm is None else convert_to_tensor(use_norm)
    scale = _scale(clip_norm, use_norm)
    return [_clipped(t, scale) for t in t_list], use_norm


def _clipped(t, scale):
    if t is None:
        return None
    values = _dense_part(t)
    clipped = sh.identity(values * ew.cast(scale, values.dtype))
    if _is_slices(t):
        return type(t)(clipped, t.indices, t.dense_shape)
    return clipped


if not TYPE_CHECKING:  # global_norm is tf.linalg's only: gradtape.linalg imports it
    __all__ = [n for n in public_names(globals()) if n != "global_norm"]

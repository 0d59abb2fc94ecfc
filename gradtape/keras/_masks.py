"""Keras masks riding on tensors: ``tensor._keras_mask``.

Keras 3 attaches a layer output's mask (booleans, ``(batch, timesteps)`` for a sequence)
to the tensor itself; the next layer finds it there. gradtape's tensors have fixed slots,
so the masks live in a table keyed by the tensor (dropped with it) and ``_keras_mask`` is a
property reading that table: ``getattr(x, "_keras_mask", None)`` works as in TensorFlow.
A ``KerasTensor`` keeps its symbolic mask as a plain attribute.
"""
from __future__ import annotations

import weakref
from typing import Any

from .._core.tensor import Tensor

#: id(tensor) -> (weak reference to the tensor, its mask)
_MASKS: dict = {}


def _forget(uid, ref):
    entry = _MASKS.get(uid)
    if entry is not None and entry[0] is ref:
        del _MASKS[uid]


def get_keras_mask(x: Any) -> Any:
    """The mask attached to ``x`` (a tensor or ``KerasTensor``), or None.

    >>> import gradtape as tf
    >>> x = tf.constant([[1.0, 0.0]])
    >>> get_keras_mask(x) is None
    True
    >>> set_keras_mask(x, tf.constant([[True, False]]))
    >>> get_keras_mask(x).numpy()
    array([[ True, False]])
    """
    if isinstance(x, Tensor):
        entry = _MASKS.get(id(x)) if _MASKS else None
        return entry[1] if entry is not None and entry[0]() is x else None
    return getattr(x, "_keras_mask", None)


def set_keras_mask(x: Any, mask: Any) -> None:
    """Attach ``mask`` to ``x`` (None removes it), as Keras' ``backend.set_keras_mask``."""
    if not isinstance(x, Tensor):
        x._keras_mask = mask
        return
    if mask is None:
        _MASKS.pop(id(x), None)
        return
    uid = id(x)
    ref = weakref.ref(x, lambda ref, uid=uid: _forget(uid, ref))
    _MASKS[uid] = (ref, mask)


def masks_of(value: Any) -> Any:
    """The mask of each leaf of a list/tuple/dict structure, in the structure (Keras'
    ``tree.map_structure(get_keras_mask, value)``)."""
    if type(value) is dict:
        return {key: masks_of(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(masks_of(item) for item in value)
    return get_keras_mask(value)


def any_mask(masks: Any) -> bool:
    """Whether a structure of masks holds one that is not None."""
    if type(masks) is dict:
        return any(any_mask(m) for m in masks.values())
    if type(masks) in (list, tuple):
        return any(any_mask(m) for m in masks)
    return masks is not None


def carry_masks(source: Any, target: Any) -> None:
    """Give each leaf of ``target`` the mask of the matching leaf of ``source`` (a cast
    made a new tensor: Keras keeps the mask)."""
    if type(source) is dict and type(target) is dict:
        for key in source:
            if key in target:
                carry_masks(source[key], target[key])
    elif type(source) in (list, tuple) and type(target) in (list, tuple):
        for s, t in zip(source, target):
            carry_masks(s, t)
    elif source is not target:
        mask = get_keras_mask(source)
        if mask is not None and get_keras_mask(target) is None:
            set_keras_mask(target, mask)


def _read_mask(tensor):
    mask = get_keras_mask(tensor)
    if mask is None:
        raise AttributeError(f"'{type(tensor).__name__}' object has no attribute '_keras_mask'")
    return mask


def _delete_mask(tensor):
    set_keras_mask(tensor, None)


if not hasattr(Tensor, "_keras_mask"):
    Tensor._keras_mask = property(_read_mask, set_keras_mask, _delete_mask,
                                  "The Keras mask attached to this tensor (AttributeError "
                                  "without one), as on TensorFlow's eager tensors.")

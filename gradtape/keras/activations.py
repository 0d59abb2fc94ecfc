"""``tf.keras.activations``: activation functions under Keras' names and defaults.

Layers take any of these by name (``Dense(10, activation="relu")``), as a
function, or ``None`` for the identity.

>>> import gradtape as tf
>>> tf.keras.activations.relu(tf.constant([-1.0, 2.0])).numpy()
array([0., 2.], dtype=float32)
"""
from __future__ import annotations
import weakref

from .. import nn as _nn
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike
from ..rules import elementwise as _ew
from .._missing import missing_names as _missing_names
from typing import Any, Callable, Optional
from .._core.types import Axis, Tensor, TensorInput


def _tensor(x):
    return x if isinstance(x, TensorLike) else convert_to_tensor(x)


#: id of a sigmoid's or softmax's output -> (weak reference to it, its logits)
_LOGITS = {}


def _with_logits(output, logits):
    """Remember ``logits`` as the input ``output`` came from, as Keras keeps
    them on the tensor (``_keras_logits``): the cross-entropy losses then
    compute from the logits (see ``_logits_of``)."""
    key = id(output)
    _LOGITS[key] = (weakref.ref(output, lambda _, key=key: _LOGITS.pop(key, None)), logits)
    return output


def _logits_of(output: Any) -> Optional[Tensor]:
    """The logits ``output`` was computed from by ``sigmoid`` or ``softmax``
    of this module (so by a layer with that activation), else None.

    Keras' cross-entropy losses use them in place of the probabilities, so
    a saturated probability (exactly 0 or 1 in float32) still gives the
    logits' loss and gradient.

    >>> import gradtape as tf
    >>> x = tf.constant([0.0, 1.0])
    >>> _logits_of(tf.keras.activations.sigmoid(x)) is x, _logits_of(tf.sigmoid(x))
    (True, None)
    """
    entry = _LOGITS.get(id(output))
    return entry[1] if entry is not None and entry[0]() is output else None


def relu(x: TensorInput, negative_slope: float = 0.0, max_value: Optional[float] = None,
         threshold: float = 0.0) -> Tensor:
    """``max(x, 0)``; with ``negative_slope`` leaky below ``threshold``, capped at ``max_value``.

    >>> import gradtape as tf
    >>> tf.keras.activations.relu(tf.constant([-1.0, 2.0, 8.0]), negative_slope=0.1,
    ...                           max_value=6.0).numpy()
    array([-0.1,  2. ,  6. ], dtype=float32)
    """
    x = _tensor(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return _nn.leaky_relu(x, alpha=negative_slope)
    negative_part = _nn.relu(threshold - x) if negative_slope != 0.0 else None
    clip = max_value is not None
    if threshold != 0:
        x = x * _ew.cast(x > threshold, x.dtype)
    elif max_value == 6:
        x, clip = _nn.relu6(x), False
    else:
        x = _nn.relu(x)
    if clip:
        x = _ew.clip_by_value(x, 0.0, max_value)
    if negative_part is not None:
        x = x - negative_slope * negative_part
    return x


def relu6(x: TensorInput) -> Tensor:
    """``min(max(x, 0), 6)``.

    >>> import gradtape as tf
    >>> tf.keras.activations.relu6(tf.constant([-1.0, 7.0])).numpy()
    array([0., 6.], dtype=float32)
    """
    return _nn.relu6(_tensor(x))


def leaky_relu(x: TensorInput, negative_slope: float = 0.2) -> Tensor:
    """``x`` above zero, ``negative_slope * x`` below.

    >>> import gradtape as tf
    >>> tf.keras.activations.leaky_relu(tf.constant([-1.0, 2.0])).numpy()
    array([-0.2,  2. ], dtype=float32)
    """
    return _nn.leaky_relu(_tensor(x), alpha=negative_slope)


def elu(x: TensorInput, alpha: float = 1.0) -> Tensor:
    """``x`` above zero, ``alpha * (exp(x) - 1)`` below.

    >>> import gradtape as tf
    >>> tf.keras.activations.elu(tf.constant([0.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    x = _tensor(x)
    out = _nn.elu(x)
    return out if alpha == 1 else _ew.where(x > 0, out, alpha * out)


def selu(x: TensorInput) -> Tensor:
    """The scaled ELU, ``1.0507 * elu(x, 1.6733)``.

    >>> import gradtape as tf
    >>> tf.keras.activations.selu(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _nn.selu(_tensor(x))


def gelu(x: TensorInput, approximate: bool = False) -> Tensor:
    """``x * Phi(x)`` with ``Phi`` the standard normal CDF (its tanh form if ``approximate``).

    >>> import gradtape as tf
    >>> tf.keras.activations.gelu(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _nn.gelu(_tensor(x), approximate=approximate)


def silu(x: TensorInput) -> Tensor:
    """``x * sigmoid(x)``, also called swish.

    >>> import gradtape as tf
    >>> tf.keras.activations.silu(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _nn.silu(_tensor(x))


swish = silu


def sigmoid(x: TensorInput) -> Tensor:
    """``1 / (1 + exp(-x))``.

    >>> import gradtape as tf
    >>> tf.keras.activations.sigmoid(tf.constant([0.0])).numpy()
    array([0.5], dtype=float32)
    """
    x = _tensor(x)
    return _with_logits(_ew.sigmoid(x), x)


def hard_sigmoid(x: TensorInput) -> Tensor:
    """The piecewise-linear sigmoid ``relu6(x + 3) / 6``.

    >>> import gradtape as tf
    >>> tf.keras.activations.hard_sigmoid(tf.constant([-4.0, 0.0, 4.0])).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    return _nn.relu6(_tensor(x) + 3.0) / 6.0


def tanh(x: TensorInput) -> Tensor:
    """The hyperbolic tangent.

    >>> import gradtape as tf
    >>> tf.keras.activations.tanh(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _ew.tanh(_tensor(x))


def softplus(x: TensorInput) -> Tensor:
    """``log(1 + exp(x))``.

    >>> import gradtape as tf
    >>> tf.keras.activations.softplus(tf.constant([0.0])).numpy()   # log 2
    array([0.6931472], dtype=float32)
    """
    return _ew.softplus(_tensor(x))


def softsign(x: TensorInput) -> Tensor:
    """``x / (1 + |x|)``.

    >>> import gradtape as tf
    >>> tf.keras.activations.softsign(tf.constant([1.0, -3.0])).numpy()
    array([ 0.5 , -0.75], dtype=float32)
    """
    return _nn.softsign(_tensor(x))


def exponential(x: TensorInput) -> Tensor:
    """``exp(x)``.

    >>> import gradtape as tf
    >>> tf.keras.activations.exponential(tf.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    return _ew.exp(_tensor(x))


def softmax(x: TensorInput, axis: Axis = -1) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis``.

    >>> import gradtape as tf
    >>> tf.keras.activations.softmax(tf.constant([[0.0, 0.0]])).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """
    x = _tensor(x)
    return _with_logits(_nn.softmax(x, axis=axis), x)


def log_softmax(x: TensorInput, axis: Axis = -1) -> Tensor:
    """``x - log(sum(exp(x)))`` along ``axis``.

    >>> import gradtape as tf
    >>> tf.keras.activations.log_softmax(tf.constant([[0.0, 0.0]])).numpy()   # log 0.5
    array([[-0.6931472, -0.6931472]], dtype=float32)
    """
    return _nn.log_softmax(_tensor(x), axis=axis)


def linear(x: TensorInput) -> Tensor:
    """The identity.

    >>> import gradtape as tf
    >>> tf.keras.activations.linear(tf.constant([-1.0])).numpy()
    array([-1.], dtype=float32)
    """
    return x


_BY_NAME = {fn.__name__: fn for fn in (
    relu, relu6, leaky_relu, elu, selu, gelu, silu, sigmoid, hard_sigmoid, tanh, softplus,
    softsign, exponential, softmax, log_softmax, linear)}
_BY_NAME["swish"] = silu


def get(identifier: Any) -> Callable[..., Any]:
    """An activation from its Keras name, a callable (returned unchanged), or None (``linear``).

    >>> import gradtape as tf
    >>> tf.keras.activations.get("relu") is tf.keras.activations.relu
    True
    """
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    raise ValueError(f"unknown activation {identifier!r}; expected a callable, None "
                     f"or one of {sorted(_BY_NAME)}")


def serialize(activation: Any) -> str:
    """The Keras name of an activation function of this module.

    >>> import gradtape as tf
    >>> tf.keras.activations.serialize(tf.keras.activations.tanh)
    'tanh'
    """
    for name, fn in _BY_NAME.items():
        if fn is activation:
            return name
    raise ValueError(f"activations.serialize: {activation!r} is not one of Keras' activations")


__getattr__ = _missing_names("gradtape.keras.activations", "tf.keras.activations")

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
from ..rules import creation as _creation, elementwise as _ew, indexing as _indexing
from ..rules import reductions as _red, shape as _shape
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


def mish(x: TensorInput) -> Tensor:
    """``x * tanh(softplus(x))``.

    >>> import gradtape as tf
    >>> tf.keras.activations.mish(tf.constant([0.0, 1.0])).numpy()
    array([0.       , 0.8650984], dtype=float32)
    """
    x = _tensor(x)
    return x * _ew.tanh(_ew.softplus(x))


def log_sigmoid(x: TensorInput) -> Tensor:
    """``log(sigmoid(x))``, computed without overflow.

    >>> import gradtape as tf
    >>> tf.keras.activations.log_sigmoid(tf.constant([0.0])).numpy()   # log 0.5
    array([-0.6931472], dtype=float32)
    """
    return _ew.log_sigmoid(_tensor(x))


def sparse_sigmoid(x: TensorInput) -> Tensor:
    """``0`` up to -1, ``(x + 1) / 2`` between, ``1`` from 1 on.

    >>> import gradtape as tf
    >>> tf.keras.activations.sparse_sigmoid(tf.constant([-2.0, 0.5, 2.0])).numpy()
    array([0.  , 0.75, 1.  ], dtype=float32)
    """
    x = _tensor(x)
    one = _ew.ones_like(x)
    return _ew.where(x <= -1, _ew.zeros_like(x), _ew.where(x >= 1, one, 0.5 * (x + 1)))


def hard_silu(x: TensorInput) -> Tensor:
    """``x * hard_sigmoid(x)``, also called hard swish.

    >>> import gradtape as tf
    >>> tf.keras.activations.hard_silu(tf.constant([-4.0, 1.0, 4.0])).numpy()
    array([-0.       ,  0.6666667,  4.       ], dtype=float32)
    """
    x = _tensor(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def celu(x: TensorInput, alpha: float = 1.0) -> Tensor:
    """``x`` above zero, ``alpha * (exp(x / alpha) - 1)`` below.

    >>> import gradtape as tf
    >>> tf.keras.activations.celu(tf.constant([2.0, 0.0])).numpy()
    array([2., 0.], dtype=float32)
    """
    x = _tensor(x)
    return _ew.maximum(x, 0.0) + alpha * _ew.expm1(_ew.minimum(x, 0.0) / alpha)


def hard_tanh(x: TensorInput) -> Tensor:
    """``x`` clipped to ``[-1, 1]``.

    >>> import gradtape as tf
    >>> tf.keras.activations.hard_tanh(tf.constant([-2.0, 0.5, 3.0])).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    return _ew.clip_by_value(_tensor(x), -1.0, 1.0)


def soft_shrink(x: TensorInput, threshold: float = 0.5) -> Tensor:
    """``x`` moved towards zero by ``threshold``, zero within ``threshold`` of it.

    >>> import gradtape as tf
    >>> tf.keras.activations.soft_shrink(tf.constant([-2.0, 0.2, 1.0])).numpy()
    array([-1.5,  0. ,  0.5], dtype=float32)
    """
    x = _tensor(x)
    zeros = _ew.zeros_like(x)
    return _ew.where(x > threshold, x - threshold,
                     _ew.where(x < -threshold, x + threshold, zeros))


def hard_shrink(x: TensorInput, threshold: float = 0.5) -> Tensor:
    """``x`` where ``|x| > threshold``, else zero.

    >>> import gradtape as tf
    >>> tf.keras.activations.hard_shrink(tf.constant([-2.0, 0.2, 1.0])).numpy()
    array([-2.,  0.,  1.], dtype=float32)
    """
    x = _tensor(x)
    return _ew.where(_ew.abs(x) > threshold, x, _ew.zeros_like(x))


def threshold(x: TensorInput, threshold: float, default_value: float) -> Tensor:
    """``x`` where ``x > threshold``, else ``default_value``.

    >>> import gradtape as tf
    >>> tf.keras.activations.threshold(tf.constant([-2.0, 1.0]), 0.0, 5.0).numpy()
    array([5., 1.], dtype=float32)
    """
    x = _tensor(x)
    return _ew.where(x > threshold, x, default_value)


def tanh_shrink(x: TensorInput) -> Tensor:
    """``x - tanh(x)``.

    >>> import gradtape as tf
    >>> tf.keras.activations.tanh_shrink(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    x = _tensor(x)
    return x - _ew.tanh(x)


def squareplus(x: TensorInput, b: float = 4) -> Tensor:
    """``(x + sqrt(x ** 2 + b)) / 2``, a smooth ReLU.

    >>> import gradtape as tf
    >>> tf.keras.activations.squareplus(tf.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    x = _tensor(x)
    b = convert_to_tensor(b, dtype=x.dtype)
    return (x + _ew.sqrt(_ew.square(x) + b)) / 2


def sparse_plus(x: TensorInput) -> Tensor:
    """``0`` up to -1, ``(x + 1) ** 2 / 4`` between, ``x`` from 1 on.

    >>> import gradtape as tf
    >>> tf.keras.activations.sparse_plus(tf.constant([-2.0, 0.0, 2.0])).numpy()
    array([0.  , 0.25, 2.  ], dtype=float32)
    """
    x = _tensor(x)
    return _ew.where(x <= -1, _ew.zeros_like(x),
                     _ew.where(x < 1, (1 / 4) * _ew.pow(x + 1, 2), x))


def glu(x: TensorInput, axis: int = -1) -> Tensor:
    """The gated linear unit ``a * sigmoid(b)``, ``a`` and ``b`` the halves of ``x`` along ``axis``.

    >>> import gradtape as tf
    >>> tf.keras.activations.glu(tf.constant([[2.0, 0.0]])).numpy()
    array([[1.]], dtype=float32)
    """
    x = _tensor(x)
    if x.shape[axis] % 2 != 0:
        raise ValueError(f"glu: axis size must be divisible by 2. Received: "
                         f"x.shape={tuple(x.shape)} with axis={axis}")
    a, b = _shape.split(x, 2, axis=axis)
    return a * _ew.sigmoid(b)


def sparsemax(x: TensorInput, axis: int = -1) -> Tensor:
    """Keras' sparsemax along ``axis``: ``max(x - tau, 0)``.

    As Keras 3 (TensorFlow 2.21), ``tau`` is ``(sum of the cumulative sums of
    the support's sorted entries - 1) / k``, which is the true sparsemax
    threshold only when the support holds one entry.

    >>> import gradtape as tf
    >>> tf.keras.activations.sparsemax(tf.constant([[1.0, 2.0, 0.5]])).numpy()
    array([[0., 1., 0.]], dtype=float32)
    """
    x = _tensor(x)
    ndim = x.ndim
    ordered = _indexing.sort(x, direction="DESCENDING", axis=axis)
    cumsum = _red.cumsum(ordered, axis=axis)
    shape = [1] * ndim
    shape[axis] = -1
    ranks = _shape.reshape(_creation.range(1, x.shape[axis] + 1, dtype=x.dtype), shape)
    support = ordered - (cumsum - 1) / ranks > 0
    k = _red.reduce_sum(_ew.cast(support, x.dtype), axis=axis, keepdims=True)
    summed = _red.reduce_sum(_ew.where(support, cumsum, 0.0), axis=axis, keepdims=True)
    return _ew.maximum(x - (summed - 1) / k, 0.0)


def linear(x: TensorInput) -> Tensor:
    """The identity.

    >>> import gradtape as tf
    >>> tf.keras.activations.linear(tf.constant([-1.0])).numpy()
    array([-1.], dtype=float32)
    """
    return x


_BY_NAME = {fn.__name__: fn for fn in (
    relu, relu6, leaky_relu, elu, selu, gelu, silu, sigmoid, hard_sigmoid, tanh, softplus,
    softsign, exponential, softmax, log_softmax, linear, mish, log_sigmoid, sparse_sigmoid,
    hard_silu, celu, hard_tanh, soft_shrink, hard_shrink, threshold, tanh_shrink, squareplus,
    sparse_plus, glu, sparsemax)}
_BY_NAME["swish"] = silu
_BY_NAME["hard_swish"] = hard_silu


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

"""Losses with Keras' formulas, names and reduction.

Each loss exists as a function returning one value per sample (the mean
over the last axis, as ``keras.losses.mean_squared_error``) and as a class
whose call reduces those values over the batch: ``"sum_over_batch_size"``
(the default: the mean), ``"sum"`` or ``"none"``, after multiplying by
``sample_weight`` when given.

Cross-entropies take probabilities, clipped to ``[1e-7, 1 - 1e-7]`` as Keras
does, or logits with ``from_logits=True``, computed through the stable
``gradtape.nn`` forms (no overflow for logits of any size).
"""
from __future__ import annotations
import numpy as np

from .. import nn as _nn
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike
from ..errors import InvalidArgumentError
from ..rules import elementwise as _ew
from ..rules import reductions as _red
from ..rules import shape as _sh
from .._missing import missing_names as _missing_names
from typing import Any, Callable, Optional
from .._core.types import Axis, Config, DTypeLike, Tensor, TensorInput

EPSILON = 1e-7
_REDUCTIONS = ("sum_over_batch_size", "sum", "none", None)


def _as_pred(y_pred, who):
    y_pred = y_pred if isinstance(y_pred, TensorLike) else convert_to_tensor(y_pred)
    if not y_pred.dtype.is_floating:
        raise TypeError(f"{who}: y_pred must be a floating tensor, got {y_pred.dtype.name}")
    return y_pred


def _pred_and_true(y_true, y_pred, who):
    y_pred = _as_pred(y_pred, who)
    y_true = y_true if isinstance(y_true, TensorLike) else convert_to_tensor(y_true)
    if y_true.dtype != y_pred.dtype:
        y_true = _ew.cast(y_true, y_pred.dtype)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"{who}: y_true and y_pred must have the same shape, got "
                         f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}")
    return y_true, y_pred


# ---------------------------------------------------------------------------
# Functions: one value per sample
# ---------------------------------------------------------------------------

def mean_squared_error(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``mean((y_true - y_pred) ** 2)`` over the last axis.

    >>> import gradtape as tf
    >>> tf.losses.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
    array([0.5], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "mean_squared_error")
    return _red.reduce_mean(_ew.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``mean(|y_true - y_pred|)`` over the last axis.

    >>> import gradtape as tf
    >>> tf.losses.mean_absolute_error([[0.0, 1.0]], [[2.0, 1.0]]).numpy()
    array([1.], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "mean_absolute_error")
    return _red.reduce_mean(_ew.abs(y_pred - y_true), axis=-1)


def huber(y_true: TensorInput, y_pred: TensorInput, delta: float = 1.0) -> Tensor:
    """Quadratic for errors up to ``delta``, linear beyond: ``0.5 * e**2`` or
    ``delta * |e| - 0.5 * delta**2``, averaged over the last axis.

    >>> import gradtape as tf
    >>> tf.losses.huber([[0.0, 0.0]], [[0.5, 3.0]]).numpy()   # (0.125 + 2.5) / 2
    array([1.3125], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "huber")
    error = y_pred - y_true
    abs_error = _ew.abs(error)
    quadratic = 0.5 * _ew.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return _red.reduce_mean(_ew.where(abs_error <= delta, quadratic, linear), axis=-1)


def binary_crossentropy(y_true: TensorInput, y_pred: TensorInput, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: Axis = -1) -> Tensor:
    """Binary cross-entropy, averaged over ``axis``; labels in ``[0, 1]``.

    >>> import gradtape as tf
    >>> loss = tf.losses.binary_crossentropy([[1.0, 0.0]], [[0.9, 0.2]])
    >>> [round(v, 4) for v in loss.numpy().tolist()]    # -(log 0.9 + log 0.8) / 2
    [0.1643]
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        per_element = _nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    else:
        p = _ew.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
        per_element = -(y_true * _ew.log(p) + (1.0 - y_true) * _ew.log(1.0 - p))
    return _red.reduce_mean(per_element, axis=axis)


def categorical_crossentropy(y_true: TensorInput, y_pred: TensorInput, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: Axis = -1) -> Tensor:
    """Cross-entropy between one-hot (or soft) labels and predicted class
    probabilities (or logits) along ``axis``.

    >>> import gradtape as tf
    >>> loss = tf.losses.categorical_crossentropy([[0.0, 1.0, 0.0]], [[0.05, 0.9, 0.05]])
    >>> [round(v, 4) for v in loss.numpy().tolist()]   # -log 0.9
    [0.1054]
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "categorical_crossentropy")
    if label_smoothing:
        classes = y_pred.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    if from_logits:
        return _nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred, axis=axis)
    p = y_pred / _red.reduce_sum(y_pred, axis=axis, keepdims=True)
    p = _ew.clip_by_value(p, EPSILON, 1.0 - EPSILON)
    return -_red.reduce_sum(y_true * _ew.log(p), axis=axis)


def _sparse_tensor_labels(labels, y_pred, who):
    """Tensor labels checked without reading their values (a compiled step repeats them);
    the cross-entropy op checks their range."""
    if labels.ndim == y_pred.ndim and tuple(labels.shape[-1:]) == (1,):
        labels = _sh.squeeze(labels, -1)
    if tuple(labels.shape) != tuple(y_pred.shape[:-1]):
        raise ValueError(f"{who}: y_true must hold one class index per sample, shape "
                         f"{tuple(y_pred.shape[:-1])}, got shape {tuple(labels.shape)}")
    if labels.dtype.is_floating:
        return _ew.cast(labels, "int64")
    if not labels.dtype.is_integer:
        raise TypeError(f"{who}: y_true must hold integer class indices, got dtype "
                        f"{labels.dtype.name}")
    return labels


def _sparse_labels(y_true, y_pred, who):
    if isinstance(y_true, TensorLike):
        return _sparse_tensor_labels(y_true, y_pred, who)
    labels = np.asarray(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1:] == (1,):
        labels = labels[..., 0]
    if labels.shape != tuple(y_pred.shape[:-1]):
        raise ValueError(f"{who}: y_true must hold one class index per sample, shape "
                         f"{tuple(y_pred.shape[:-1])}, got shape {labels.shape}")
    if labels.dtype.kind == "f":
        if not np.all(labels == np.round(labels)):
            raise ValueError(f"{who}: y_true must hold integer class indices, got {labels}")
    elif labels.dtype.kind not in "iu":
        raise TypeError(f"{who}: y_true must hold integer class indices, got dtype {labels.dtype}")
    labels = labels.astype(np.int64)
    classes = y_pred.shape[-1]
    bad = (labels < 0) | (labels >= classes)
    if bad.any():
        raise InvalidArgumentError(
            f"{who}: received a label value of {int(labels[bad].flat[0])} which is outside "
            f"the valid range of [0, {classes})")
    return convert_to_tensor(labels)


def sparse_categorical_crossentropy(y_true: TensorInput, y_pred: TensorInput, from_logits: bool = False,
                                    axis: Axis = -1) -> Tensor:
    """Cross-entropy between integer class labels and predicted class
    probabilities (or logits) on the last axis.

    >>> import gradtape as tf
    >>> loss = tf.losses.sparse_categorical_crossentropy([1], [[0.05, 0.9, 0.05]])
    >>> [round(v, 4) for v in loss.numpy().tolist()]   # -log 0.9
    [0.1054]
    """
    who = "sparse_categorical_crossentropy"
    if axis not in (-1, None):
        raise ValueError(f"{who}: only axis=-1 is supported, got axis={axis}")
    y_pred = _as_pred(y_pred, who)
    if y_pred.ndim < 1:
        raise ValueError(f"{who}: y_pred must have a class axis, got a scalar")
    labels = _sparse_labels(y_true, y_pred, who)
    if from_logits:
        logits = y_pred
    else:
        # log-probabilities are logits whose softmax is the normalized input
        logits = _ew.log(_ew.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON))
    return _nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


# ---------------------------------------------------------------------------
# Classes: reduced over the batch
# ---------------------------------------------------------------------------

def _weighted(values, sample_weight):
    if sample_weight is None:
        return values
    sw = sample_weight if isinstance(sample_weight, TensorLike) else convert_to_tensor(
        np.asarray(sample_weight, values.dtype._np))
    if sw.dtype != values.dtype:
        sw = _ew.cast(sw, values.dtype)
    if sw.ndim == values.ndim + 1 and sw.shape[-1] == 1:
        sw = _sh.squeeze(sw, -1)
    while sw.ndim < values.ndim:
        sw = _sh.expand_dims(sw, -1)
    return values * sw


def reduce_values(values: TensorInput, sample_weight: Optional[TensorInput] = None,
                  reduction: str = "sum_over_batch_size") -> Tensor:
    """Weight per-sample ``values`` and reduce them as a Keras loss does.

    >>> import gradtape as tf
    >>> tf.losses.reduce_values(tf.constant([1.0, 3.0]), sample_weight=[1.0, 0.0]).numpy()
    0.5
    """
    values = _weighted(values, sample_weight)
    if reduction in ("none", None):
        return values
    total = _red.reduce_sum(values)
    if reduction == "sum":
        return total
    return total / float(max(int(np.prod(values.shape)), 1))


class Loss:
    """Base class: ``loss(y_true, y_pred, sample_weight=None)`` is ``call``'s
    per-sample values, weighted and reduced.

    >>> import gradtape as tf
    >>> class Squared(tf.losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return tf.reduce_sum((y_true - y_pred) ** 2, axis=-1)
    >>> Squared()(tf.constant([[1.0], [2.0]]), tf.constant([[0.0], [0.0]])).numpy()
    2.5
    """

    def __init__(self, name: Optional[str] = None, reduction: str = "sum_over_batch_size",
                 dtype: Optional[DTypeLike] = None) -> None:
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of "
                             f"{_REDUCTIONS}, got {reduction!r}")
        self.name = name or type(self).__name__
        self.reduction = reduction

    def call(self, y_true: TensorInput, y_pred: TensorInput) -> Tensor:
        """Per-sample losses; subclasses implement it."""
        raise NotImplementedError

    def __call__(self, y_true: TensorInput, y_pred: TensorInput,
                 sample_weight: Optional[TensorInput] = None) -> Tensor:
        return reduce_values(self.call(y_true, y_pred), sample_weight, self.reduction)

    def get_config(self) -> Config:
        """The constructor arguments, as a dict."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: Config) -> Any:
        """A loss built from ``get_config()``'s output."""
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function and its keyword arguments.

    >>> import gradtape as tf
    >>> loss = tf.losses.LossFunctionWrapper(tf.losses.huber, delta=2.0)
    >>> loss([[0.0]], [[1.0]]).numpy()
    0.5
    """

    def __init__(self, fn: Callable[..., Any], name: Optional[str] = None,
                 reduction: str = "sum_over_batch_size", **fn_kwargs: Any) -> None:
        super().__init__(name=name or fn.__name__, reduction=reduction)
        self.fn = fn
        self._fn_kwargs = fn_kwargs

    def call(self, y_true: TensorInput, y_pred: TensorInput) -> Tensor:
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> Config:
        return {**super().get_config(), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: Config) -> Any:
        return cls(**config)


class MeanSquaredError(LossFunctionWrapper):
    """The mean of squared errors over the batch.

    >>> import gradtape as tf
    >>> tf.losses.MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).numpy()
    0.5
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "mean_squared_error") -> None:
        super().__init__(mean_squared_error, name=name, reduction=reduction)


class MeanAbsoluteError(LossFunctionWrapper):
    """The mean of absolute errors over the batch.

    >>> import gradtape as tf
    >>> tf.losses.MeanAbsoluteError()([[0.0], [0.0]], [[1.0], [-3.0]]).numpy()
    2.0
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "mean_absolute_error") -> None:
        super().__init__(mean_absolute_error, name=name, reduction=reduction)


class Huber(LossFunctionWrapper):
    """The Huber loss (quadratic up to ``delta``, then linear), mean over the batch.

    >>> import gradtape as tf
    >>> tf.losses.Huber(delta=1.0)([[0.0], [0.0]], [[0.5], [3.0]]).numpy()
    1.3125
    """

    def __init__(self, delta: float = 1.0, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "huber_loss") -> None:
        super().__init__(huber, name=name, reduction=reduction, delta=delta)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy of probabilities (or logits with ``from_logits=True``).

    >>> import gradtape as tf
    >>> bce = tf.losses.BinaryCrossentropy(from_logits=True)
    >>> round(float(bce([[1.0], [0.0]], [[100.0], [-100.0]])), 6)   # stable for large logits
    0.0
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: Axis = -1,
                 reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "binary_crossentropy") -> None:
        super().__init__(binary_crossentropy, name=name, reduction=reduction,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot labels and class probabilities (or logits).

    >>> import gradtape as tf
    >>> cce = tf.losses.CategoricalCrossentropy(from_logits=True)
    >>> round(float(cce([[0.0, 1.0]], [[0.0, 0.0]])), 4)   # log 2
    0.6931
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: Axis = -1,
                 reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "categorical_crossentropy") -> None:
        super().__init__(categorical_crossentropy, name=name, reduction=reduction,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels and class probabilities (or logits).

    >>> import gradtape as tf
    >>> scce = tf.losses.SparseCategoricalCrossentropy(from_logits=True)
    >>> round(float(scce([1, 0], [[0.0, 0.0], [1000.0, 0.0]])), 4)   # (log 2 + 0) / 2
    0.3466
    """

    def __init__(self, from_logits: bool = False, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "sparse_categorical_crossentropy") -> None:
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction,
                         from_logits=from_logits)


_BY_NAME = {
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "huber": huber, "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}


def get(identifier: Any) -> Any:
    """A loss function from its Keras name, or a callable unchanged.

    >>> import gradtape as tf
    >>> tf.losses.get("mse").__name__
    'mean_squared_error'
    """
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    raise ValueError(f"losses.get: unknown loss {identifier!r}; expected a callable or one "
                     f"of {sorted(_BY_NAME)}")


__getattr__ = _missing_names("gradtape.keras.losses", "tf.keras.losses")

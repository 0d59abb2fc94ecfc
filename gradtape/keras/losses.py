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
from . import activations as _activations
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike
from .._core.dtypes import as_dtype
from .module import camel_to_snake
from . import _masks
from .. import rules as _rules
from ..errors import InvalidArgumentError
from ..rules import elementwise as _ew
from ..rules import reductions as _red
from ..rules import shape as _sh
from .._missing import missing_names as _missing_names
from typing import Any, Callable, Optional
from .._core.types import Axis, Config, DTypeLike, Tensor, TensorInput

EPSILON = 1e-7
_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _as_tensor(x, dtype=None):
    """``x`` as a tensor, cast to ``dtype`` when given (a tensor of that dtype is
    returned as it is, as Keras' ``convert_to_tensor``)."""
    x = x if isinstance(x, TensorLike) else convert_to_tensor(x)
    return x if dtype is None or x.dtype == dtype else _ew.cast(x, dtype)


def _as_pred(y_pred, who):
    y_pred = _as_tensor(y_pred)
    if not y_pred.dtype.is_floating:
        raise TypeError(f"{who}: y_pred must be a floating tensor, got {y_pred.dtype.name}")
    return y_pred


def _match_ranks(x1: TensorInput, x2: TensorInput,
                                   expand_rank_1: bool = True) -> Any:
    """Keras' rank matching: when the ranks differ by one and the longer one
    ends in a dimension of 1, squeeze it (a rank-1 partner is expanded instead).

    >>> import gradtape as tf
    >>> a, b = _match_ranks(tf.ones((3, 1)), tf.ones((3, 4, 1)))
    >>> a.shape, b.shape
    (TensorShape([3, 1]), TensorShape([3, 4]))
    """
    x1, x2 = _as_tensor(x1), _as_tensor(x2)
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = _sh.expand_dims(x2, -1)
        else:
            x1 = _sh.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = _sh.expand_dims(x1, -1)
        else:
            x2 = _sh.squeeze(x2, -1)
    return x1, x2


def _pred_and_true(y_true, y_pred, who, match_ranks=True):
    """``y_pred`` as a floating tensor and ``y_true`` cast to its dtype; with
    ``match_ranks`` their ranks matched as Keras does (they then broadcast)."""
    y_pred = _as_pred(y_pred, who)
    y_true = _as_tensor(y_true, y_pred.dtype)
    if match_ranks:
        y_true, y_pred = _match_ranks(y_true, y_pred)
    return y_true, y_pred


def _same_shape(y_true, y_pred, who):
    """As Keras' cross-entropies: the labels must have the predictions' shape."""
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"{who}: y_true and y_pred must have the same shape, got "
                         f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}")


def _logits_or_probabilities(y_pred, from_logits):
    """Keras' choice: the output of a sigmoid or softmax activation gives its
    logits (and ``from_logits=True``); any other ``y_pred`` is used as given."""
    logits = _activations._logits_of(y_pred)
    return (y_pred, from_logits) if logits is None else (logits, True)


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
    return _red.reduce_mean(_ew.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``mean(|y_true - y_pred|)`` over the last axis.

    >>> import gradtape as tf
    >>> tf.losses.mean_absolute_error([[0.0, 1.0]], [[2.0, 1.0]]).numpy()
    array([1.], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "mean_absolute_error")
    return _red.reduce_mean(_ew.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``100 * mean(|(y_true - y_pred) / max(|y_true|, 1e-7)|)`` over the last axis.

    >>> import gradtape as tf
    >>> tf.losses.mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]]).numpy()
    array([25.], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "mean_absolute_percentage_error")
    diff = _ew.abs((y_true - y_pred) / _ew.maximum(_ew.abs(y_true), _eps(y_pred)))
    return 100.0 * _red.reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``mean((log(1 + y_pred) - log(1 + y_true)) ** 2)`` over the last axis,
    both taken at least ``1e-7``.

    >>> import gradtape as tf
    >>> tf.losses.mean_squared_logarithmic_error([[0.0]], [[1.718282]]).numpy().round(5)
    array([1.], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "mean_squared_logarithmic_error")
    if y_pred.dtype._np.itemsize < 4:  # Keras' epsilon is a float32 tensor: float16 promotes to it
        y_true, y_pred = _ew.cast(y_true, "float32"), _ew.cast(y_pred, "float32")
    eps = _eps(y_pred)
    first = _ew.log(_ew.maximum(y_pred, eps) + 1.0)
    second = _ew.log(_ew.maximum(y_true, eps) + 1.0)
    return _red.reduce_mean(_ew.square(first - second), axis=-1)


def _l2_normalize(x, axis):
    """Keras' ``normalize``: ``x * min(rsqrt(sum(x**2)), 1 / 1e-7)``."""
    inv_norm = _ew.rsqrt(_red.reduce_sum(_ew.square(x), axis=axis, keepdims=True))
    return x * _ew.minimum(inv_norm, 1.0 / EPSILON)


def cosine_similarity(y_true: TensorInput, y_pred: TensorInput, axis: Axis = -1) -> Tensor:
    """Minus the cosine of the angle between ``y_true`` and ``y_pred`` along
    ``axis``: -1 for parallel vectors, 0 for orthogonal ones (or a zero vector).

    >>> import gradtape as tf
    >>> tf.losses.cosine_similarity([[1.0, 0.0], [1.0, 1.0]], [[2.0, 0.0], [0.0, 1.0]]).numpy()
    array([-1.        , -0.70710677], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "cosine_similarity")
    return -_red.reduce_sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis),
                            axis=axis)


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


def log_cosh(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``mean(log(cosh(y_pred - y_true)))`` over the last axis, computed as
    ``x + softplus(-2x) - log 2`` (no overflow).

    >>> import gradtape as tf
    >>> tf.losses.log_cosh([[0.0, 0.0]], [[0.0, 100.0]]).numpy()   # (0 + 100 - log 2) / 2
    array([49.65343], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "log_cosh")
    x = y_pred - y_true
    return _red.reduce_mean(x + _nn.softplus(x * -2.0) - float(np.log(np.float32(2.0))),
                            axis=-1)


def kl_divergence(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``sum(y_true * log(y_true / y_pred))`` over the last axis, both clipped
    to ``[1e-7, 1]``.

    >>> import gradtape as tf
    >>> tf.losses.kl_divergence([[0.5, 0.5]], [[0.5, 0.5]]).numpy()
    array([0.], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "kl_divergence", match_ranks=False)
    y_true = _ew.clip_by_value(y_true, EPSILON, 1.0)
    y_pred = _ew.clip_by_value(y_pred, EPSILON, 1.0)
    return _red.reduce_sum(y_true * _ew.log(y_true / y_pred), axis=-1)


def poisson(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``mean(y_pred - y_true * log(y_pred + 1e-7))`` over the last axis.

    >>> import gradtape as tf
    >>> tf.losses.poisson([[0.0, 0.0]], [[1.0, 3.0]]).numpy()
    array([2.], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "poisson", match_ranks=False)
    return _red.reduce_mean(y_pred - y_true * _ew.log(y_pred + _eps(y_pred)), axis=-1)


def _hinge_labels(y_true):
    """Labels of 0 and 1 only become -1 and 1, as Keras; others stay."""
    binary = _red.reduce_all(_ew.logical_or(_ew.equal(y_true, 0.0), _ew.equal(y_true, 1.0)))
    return _ew.where(binary, 2.0 * y_true - 1.0, y_true)


def _hinge_margins(y_true, y_pred, who):
    y_true, y_pred = _pred_and_true(y_true, y_pred, who, match_ranks=False)
    return _ew.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0)


def hinge(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0))`` over the last axis; labels of 0
    and 1 only are taken as -1 and 1.

    >>> import gradtape as tf
    >>> tf.losses.hinge([[0.0, 1.0]], [[0.5, 0.5]]).numpy()   # (1.5 + 0.5) / 2
    array([1.], dtype=float32)
    """
    return _red.reduce_mean(_hinge_margins(y_true, y_pred, "hinge"), axis=-1)


def squared_hinge(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0) ** 2)`` over the last axis; labels
    of 0 and 1 only are taken as -1 and 1.

    >>> import gradtape as tf
    >>> tf.losses.squared_hinge([[0.0, 1.0]], [[0.5, 0.5]]).numpy()   # (2.25 + 0.25) / 2
    array([1.25], dtype=float32)
    """
    return _red.reduce_mean(_ew.square(_hinge_margins(y_true, y_pred, "squared_hinge")),
                            axis=-1)


def categorical_hinge(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` over
    the last axis, for one-hot ``y_true``.

    >>> import gradtape as tf
    >>> tf.losses.categorical_hinge([[0.0, 1.0]], [[0.3, 0.8]]).numpy()
    array([0.5], dtype=float32)
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "categorical_hinge", match_ranks=False)
    pos = _red.reduce_sum(y_true * y_pred, axis=-1)
    neg = _red.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return _ew.maximum(neg - pos + 1.0, 0.0)


def _eps(like):
    return _as_tensor(np.asarray(EPSILON, like.dtype._np))


def binary_crossentropy(y_true: TensorInput, y_pred: TensorInput, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: Axis = -1) -> Tensor:
    """Binary cross-entropy, averaged over ``axis``; labels in ``[0, 1]``.

    The output of a sigmoid activation (``tf.keras.activations.sigmoid``, a
    layer's ``activation="sigmoid"``) is taken through its logits, as Keras does.

    >>> import gradtape as tf
    >>> loss = tf.losses.binary_crossentropy([[1.0, 0.0]], [[0.9, 0.2]])
    >>> [round(v, 4) for v in loss.numpy().tolist()]    # -(log 0.9 + log 0.8) / 2
    [0.1643]
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "binary_crossentropy", match_ranks=False)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return _red.reduce_mean(_binary_crossentropies(y_true, y_pred, from_logits,
                                                   "binary_crossentropy"), axis=axis)


def _binary_crossentropies(y_true, y_pred, from_logits, who):
    """The elementwise binary cross-entropies, as Keras' ``ops.binary_crossentropy``."""
    y_pred, from_logits = _logits_or_probabilities(y_pred, from_logits)
    _same_shape(y_true, y_pred, who)
    if from_logits:
        return _nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    p = _ew.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
    return -(y_true * _ew.log(p) + (1.0 - y_true) * _ew.log(1.0 - p))


def binary_focal_crossentropy(y_true: TensorInput, y_pred: TensorInput,
                              apply_class_balancing: bool = False, alpha: float = 0.25,
                              gamma: float = 2.0, from_logits: bool = False,
                              label_smoothing: float = 0.0, axis: Axis = -1) -> Tensor:
    """Binary cross-entropy scaled by ``(1 - p_t) ** gamma`` (``p_t`` the
    probability of the true label), and with ``apply_class_balancing`` by
    ``alpha`` for the positives and ``1 - alpha`` for the negatives.

    >>> import gradtape as tf
    >>> loss = tf.losses.binary_focal_crossentropy([[1.0]], [[0.5]], gamma=1.0)
    >>> [round(v, 4) for v in loss.numpy().tolist()]    # 0.5 * log 2
    [0.3466]
    """
    y_true, y_pred = _pred_and_true(y_true, y_pred, "binary_focal_crossentropy",
                                    match_ranks=False)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = _activations.sigmoid(y_pred)
    bce = _binary_crossentropies(y_true, y_pred, False, "binary_focal_crossentropy")
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal_bce = _ew.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal_bce
    return _red.reduce_mean(focal_bce, axis=axis)


def categorical_focal_crossentropy(y_true: TensorInput, y_pred: TensorInput, alpha: float = 0.25,
                                   gamma: float = 2.0, from_logits: bool = False,
                                   label_smoothing: float = 0.0, axis: Axis = -1) -> Tensor:
    """Categorical cross-entropy with each class's term scaled by
    ``alpha * (1 - p) ** gamma``.

    >>> import gradtape as tf
    >>> loss = tf.losses.categorical_focal_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], gamma=1.0)
    >>> [round(v, 4) for v in loss.numpy().tolist()]    # 0.25 * 0.5 * log 2
    [0.0866]
    """
    y_true, y_pred = _categorical_inputs(y_true, y_pred, label_smoothing, axis,
                                         "categorical_focal_crossentropy")
    if from_logits:
        y_pred = _nn.softmax(y_pred, axis=axis)
    output = _normalized_probabilities(y_pred, axis)
    cce = -y_true * _ew.log(output)
    focal = _ew.pow(1.0 - output, gamma) * alpha * cce
    return _red.reduce_sum(focal, axis=axis)


def categorical_crossentropy(y_true: TensorInput, y_pred: TensorInput, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: Axis = -1) -> Tensor:
    """Cross-entropy between one-hot (or soft) labels and predicted class
    probabilities (or logits) along ``axis``.

    The output of a softmax activation is taken through its logits, as Keras
    does; ``label_smoothing`` counts the classes on the last axis, as Keras.

    >>> import gradtape as tf
    >>> loss = tf.losses.categorical_crossentropy([[0.0, 1.0, 0.0]], [[0.05, 0.9, 0.05]])
    >>> [round(v, 4) for v in loss.numpy().tolist()]   # -log 0.9
    [0.1054]
    """
    y_true, y_pred = _categorical_inputs(y_true, y_pred, label_smoothing, axis,
                                         "categorical_crossentropy")
    y_pred, from_logits = _logits_or_probabilities(y_pred, from_logits)
    _same_shape(y_true, y_pred, "categorical_crossentropy")
    if from_logits:
        return _nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred, axis=axis)
    return -_red.reduce_sum(y_true * _ew.log(_normalized_probabilities(y_pred, axis)), axis=axis)


def _categorical_inputs(y_true, y_pred, label_smoothing, axis, who):
    """Labels and predictions of a categorical loss, the labels smoothed over
    the classes of the last axis (as Keras, whatever ``axis``)."""
    if isinstance(axis, bool):
        raise ValueError(f"{who}: axis must be an int, got {axis!r}")
    y_true, y_pred = _pred_and_true(y_true, y_pred, who, match_ranks=False)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    return y_true, y_pred


def _normalized_probabilities(y_pred, axis):
    """``y_pred`` divided by its sum along ``axis``, clipped to ``[1e-7, 1 - 1e-7]``."""
    p = y_pred / _red.reduce_sum(y_pred, axis=axis, keepdims=True)
    return _ew.clip_by_value(p, EPSILON, 1.0 - EPSILON)


def _sparse_tensor_labels(labels, y_pred, who):
    """Tensor labels checked without reading their values (a compiled step repeats them);
    the cross-entropy op checks their range."""
    if labels.ndim == y_pred.ndim and tuple(labels.shape[-1:]) == (1,):
        labels = _sh.squeeze(labels, -1)
    if tuple(labels.shape) != tuple(y_pred.shape[:-1]):
        raise ValueError(f"{who}: y_true must hold one class index per sample, shape "
                         f"{tuple(y_pred.shape[:-1])}, got shape {tuple(labels.shape)}")
    if not (labels.dtype.is_floating or labels.dtype.is_integer):
        raise TypeError(f"{who}: y_true must hold integer class indices, got dtype "
                        f"{labels.dtype.name}")
    if labels.dtype.name in ("int32", "int64"):
        return labels
    return _ew.cast(labels, "int64")  # as Keras: the op takes no other label dtype


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
                                    ignore_class: Optional[int] = None, axis: Axis = -1) -> Tensor:
    """Cross-entropy between integer class labels and predicted class
    probabilities (or logits) on the last axis.

    Samples labelled ``ignore_class`` get a loss of 0 and no gradient (as
    Keras, their predictions are then zeros before the cross-entropy).

    >>> import gradtape as tf
    >>> loss = tf.losses.sparse_categorical_crossentropy([1], [[0.05, 0.9, 0.05]])
    >>> [round(v, 4) for v in loss.numpy().tolist()]   # -log 0.9
    [0.1054]
    >>> tf.losses.sparse_categorical_crossentropy([1, -1], [[0.0, 9.0], [5.0, 0.0]],
    ...                                           from_logits=True, ignore_class=-1).numpy()
    array([0.00012337, 0.        ], dtype=float32)
    """
    who = "sparse_categorical_crossentropy"
    if axis not in (-1, None):
        raise ValueError(f"{who}: only axis=-1 is supported, got axis={axis}")
    if ignore_class is None:
        return _sparse_crossentropy(y_true, y_pred, from_logits, who)
    y_pred = _as_pred(y_pred, who)
    valid = _valid_labels(y_true, y_pred, ignore_class)
    labels = _ew.where(valid, _as_tensor(y_true), 0)
    y_pred = _ew.where(_sh.expand_dims(valid, -1), y_pred, 0.0)
    return _ew.where(valid, _sparse_crossentropy(labels, y_pred, from_logits, who), 0.0)


def _valid_labels(y_true, y_pred, ignore_class):
    """Where the labels (a trailing 1 squeezed) differ from ``ignore_class``."""
    labels = _as_tensor(y_true)
    if labels.ndim == y_pred.ndim and tuple(labels.shape[-1:]) == (1,):
        labels = _sh.squeeze(labels, -1)
    return _ew.not_equal(labels, _as_tensor(np.asarray(ignore_class, labels.dtype._np)))


def _sparse_crossentropy(y_true, y_pred, from_logits, who):
    y_pred, from_logits = _logits_or_probabilities(_as_pred(y_pred, who), from_logits)
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
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence
logcosh = log_cosh


# ---------------------------------------------------------------------------
# Classes: reduced over the batch
# ---------------------------------------------------------------------------

def _standardize_reduction(reduction, who):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{who}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    return reduction


def reduce_values(values: TensorInput, sample_weight: Optional[TensorInput] = None,
                  reduction: str = "sum_over_batch_size") -> Tensor:
    """Weight per-sample ``values`` and reduce them as a Keras loss does.

    ``sample_weight`` is matched to the values' rank as Keras does (a
    trailing dimension of 1 squeezed or added) and then broadcast.
    ``"sum_over_batch_size"`` and ``"mean"`` divide the sum by the number of
    values, ``"mean_with_sample_weight"`` by the sum of the weights (0 when
    dividing by 0); a scalar or empty ``values`` is returned unreduced.

    >>> import gradtape as tf
    >>> tf.losses.reduce_values(tf.constant([1.0, 3.0]), sample_weight=[1.0, 0.0]).numpy()
    0.5
    """
    reduction = _standardize_reduction(reduction, "reduce_values")
    values = _as_tensor(values)
    if sample_weight is not None:
        sample_weight = _as_tensor(sample_weight, values.dtype)
        values, sample_weight = _match_ranks(values, sample_weight)
        values = values * sample_weight
    if reduction in ("none", None) or tuple(values.shape) in ((), (0,)):
        return values
    total = _red.reduce_sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = _red.reduce_sum(sample_weight)
    else:
        divisor = _as_tensor(np.asarray(np.prod(values.shape), values.dtype._np))
    return _rules.divide_no_nan(total, divisor)


def _apply_mask(sample_weight: Optional[TensorInput], mask: Optional[TensorInput],
               dtype: DTypeLike, reduction: Optional[str]) -> Any:
    """Keras 3's sample weights for values with a ``mask``: with a mean reduction the kept
    entries weigh ``size / kept`` (so the mean is over them) and the masked ones 0, with
    another the mask as 0/1; times ``sample_weight`` when given.

    >>> import gradtape as tf
    >>> _apply_mask(None, [True, True, False, False], "float32", "mean").numpy()
    array([2., 2., 0., 0.], dtype=float32)
    """
    if mask is None:
        return sample_weight
    dtype = as_dtype(dtype)
    mask = _as_tensor(mask)
    if reduction in ("mean", "sum_over_batch_size"):
        total = _as_tensor(np.asarray(np.prod(mask.shape), dtype._np))
        valid = _red.reduce_sum(_ew.cast(mask, dtype))
        weight = _rules.divide_no_nan(total, valid)
        float_mask = _ew.where(_ew.cast(mask, "bool"), weight, _ew.zeros_like(weight))
    else:
        float_mask = _ew.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = _match_ranks(float_mask, _as_tensor(sample_weight, dtype))
    return sample_weight * float_mask


def _both_masks(in_mask, out_mask):
    if in_mask is not None and out_mask is not None:
        return _ew.logical_and(_ew.cast(in_mask, "bool"), _ew.cast(out_mask, "bool"))
    return in_mask if in_mask is not None else out_mask


class Loss:
    """Base class: ``loss(y_true, y_pred, sample_weight=None)`` is ``call``'s
    per-sample values, weighted and reduced.

    ``y_true`` and ``y_pred`` are first cast to the loss's ``dtype``
    (float32 unless given), as Keras does, so a float16 or float64 model
    gets a float32 loss. A mask on ``y_pred`` (``_keras_mask``, a model's masked
    output) or on ``call``'s values leaves the masked entries out (``_apply_mask``).

    >>> import gradtape as tf
    >>> class Squared(tf.losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return tf.reduce_sum((y_true - y_pred) ** 2, axis=-1)
    >>> Squared()(tf.constant([[1.0], [2.0]]), tf.constant([[0.0], [0.0]])).numpy()
    2.5
    """

    def __init__(self, name: Optional[str] = None, reduction: str = "sum_over_batch_size",
                 dtype: Optional[DTypeLike] = None) -> None:
        self.name = name or camel_to_snake(type(self).__name__)
        self.reduction = _standardize_reduction(reduction, type(self).__name__)
        self._dtype = as_dtype(dtype or "float32")
        if not self._dtype.is_floating:
            raise ValueError(f"{type(self).__name__}: dtype must be floating, got "
                             f"{self._dtype.name}")

    @property
    def dtype(self) -> str:
        """The dtype the loss computes in (a string, as Keras)."""
        return self._dtype.name

    def call(self, y_true: TensorInput, y_pred: TensorInput) -> Tensor:
        """Per-sample losses; subclasses implement it."""
        raise NotImplementedError

    def __call__(self, y_true: TensorInput, y_pred: TensorInput,
                 sample_weight: Optional[TensorInput] = None) -> Tensor:
        in_mask = _masks.get_keras_mask(y_pred)
        y_pred = _as_tensor(y_pred, self._dtype)
        y_true = _as_tensor(y_true, self._dtype)
        values = self.call(y_true, y_pred)
        mask = _both_masks(in_mask, _masks.get_keras_mask(values))
        values = _as_tensor(values, self._dtype)
        sample_weight = _apply_mask(sample_weight, mask, self._dtype, self.reduction)
        return reduce_values(values, sample_weight, self.reduction)

    def get_config(self) -> Config:
        """The constructor arguments, as a dict."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: Config) -> Any:
        """A loss built from ``get_config()``'s output."""
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function and its keyword arguments; the ranks
    of ``y_true`` and ``y_pred`` are first matched as Keras does.

    >>> import gradtape as tf
    >>> loss = tf.losses.LossFunctionWrapper(tf.losses.huber, delta=2.0)
    >>> loss([[0.0]], [[1.0]]).numpy()
    0.5
    """

    def __init__(self, fn: Callable[..., Any], name: Optional[str] = None,
                 reduction: str = "sum_over_batch_size", dtype: Optional[DTypeLike] = None,
                 **fn_kwargs: Any) -> None:
        super().__init__(name=name or fn.__name__, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = fn_kwargs

    def call(self, y_true: TensorInput, y_pred: TensorInput) -> Tensor:
        y_true, y_pred = _match_ranks(y_true, y_pred)
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
                 name: Optional[str] = "mean_squared_error", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """The mean of absolute errors over the batch.

    >>> import gradtape as tf
    >>> tf.losses.MeanAbsoluteError()([[0.0], [0.0]], [[1.0], [-3.0]]).numpy()
    2.0
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "mean_absolute_error", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """The mean absolute percentage error over the batch.

    >>> import gradtape as tf
    >>> tf.losses.MeanAbsolutePercentageError()([[2.0], [4.0]], [[1.0], [4.0]]).numpy()
    25.0
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "mean_absolute_percentage_error", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """The mean squared logarithmic error over the batch.

    >>> import gradtape as tf
    >>> tf.losses.MeanSquaredLogarithmicError()([[0.0], [0.0]], [[0.0], [0.0]]).numpy()
    0.0
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "mean_squared_logarithmic_error", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype)


class LogCosh(LossFunctionWrapper):
    """The mean of ``log(cosh(error))`` over the batch.

    >>> import gradtape as tf
    >>> tf.losses.LogCosh()([[0.0], [0.0]], [[0.0], [0.0]]).numpy()
    0.0
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "log_cosh", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    """The Kullback-Leibler divergence of ``y_pred`` from ``y_true``, mean over the batch.

    >>> import gradtape as tf
    >>> tf.losses.KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]]).numpy()
    0.0
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "kl_divergence", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """The Poisson loss, mean over the batch.

    >>> import gradtape as tf
    >>> tf.losses.Poisson()([[0.0, 0.0]], [[1.0, 3.0]]).numpy()
    2.0
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "poisson", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)


class Hinge(LossFunctionWrapper):
    """The hinge loss, mean over the batch (labels -1 and 1, or 0 and 1).

    >>> import gradtape as tf
    >>> tf.losses.Hinge()([[0.0, 1.0]], [[0.5, 0.5]]).numpy()
    1.0
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "hinge", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """The squared hinge loss, mean over the batch.

    >>> import gradtape as tf
    >>> tf.losses.SquaredHinge()([[0.0, 1.0]], [[0.5, 0.5]]).numpy()
    1.25
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "squared_hinge", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """The categorical hinge loss of one-hot labels, mean over the batch.

    >>> import gradtape as tf
    >>> tf.losses.CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.8]]).numpy()
    0.5
    """

    def __init__(self, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "categorical_hinge", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """Minus the cosine similarity along ``axis``, mean over the batch (so
    minimizing it aligns the vectors).

    >>> import gradtape as tf
    >>> tf.losses.CosineSimilarity()([[1.0, 0.0]], [[3.0, 0.0]]).numpy()
    -1.0
    """

    def __init__(self, axis: Axis = -1, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "cosine_similarity", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype,
                         axis=axis)


class Huber(LossFunctionWrapper):
    """The Huber loss (quadratic up to ``delta``, then linear), mean over the batch.

    >>> import gradtape as tf
    >>> tf.losses.Huber(delta=1.0)([[0.0], [0.0]], [[0.5], [3.0]]).numpy()
    1.3125
    """

    def __init__(self, delta: float = 1.0, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "huber_loss", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy of probabilities (or logits with ``from_logits=True``).

    >>> import gradtape as tf
    >>> bce = tf.losses.BinaryCrossentropy(from_logits=True)
    >>> round(float(bce([[1.0], [0.0]], [[100.0], [-100.0]])), 6)   # stable for large logits
    0.0
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: Axis = -1,
                 reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "binary_crossentropy", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(binary_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """The binary focal cross-entropy (see ``binary_focal_crossentropy``), mean over the batch.

    >>> import gradtape as tf
    >>> round(float(tf.losses.BinaryFocalCrossentropy(gamma=1.0)([[1.0]], [[0.5]])), 4)
    0.3466
    """

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25,
                 gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: Axis = -1, reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "binary_focal_crossentropy",
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(binary_focal_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """The categorical focal cross-entropy (see ``categorical_focal_crossentropy``),
    mean over the batch.

    >>> import gradtape as tf
    >>> loss = tf.losses.CategoricalFocalCrossentropy(gamma=1.0)
    >>> round(float(loss([[0.0, 1.0]], [[0.5, 0.5]])), 4)
    0.0866
    """

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: Axis = -1,
                 reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "categorical_focal_crossentropy",
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(categorical_focal_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot labels and class probabilities (or logits).

    >>> import gradtape as tf
    >>> cce = tf.losses.CategoricalCrossentropy(from_logits=True)
    >>> round(float(cce([[0.0, 1.0]], [[0.0, 0.0]])), 4)   # log 2
    0.6931
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: Axis = -1,
                 reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "categorical_crossentropy", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels and class probabilities (or logits).

    >>> import gradtape as tf
    >>> scce = tf.losses.SparseCategoricalCrossentropy(from_logits=True)
    >>> round(float(scce([1, 0], [[0.0, 0.0], [1000.0, 0.0]])), 4)   # (log 2 + 0) / 2
    0.3466
    """

    def __init__(self, from_logits: bool = False, ignore_class: Optional[int] = None,
                 reduction: str = "sum_over_batch_size",
                 name: Optional[str] = "sparse_categorical_crossentropy", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class)
        self.ignore_class = ignore_class

    def call(self, y_true: TensorInput, y_pred: TensorInput) -> Tensor:
        values = super().call(y_true, y_pred)
        if self.ignore_class is not None:
            # as Keras: the ignored samples are masked out of the reduction, the mean
            # taken over the others
            _masks.set_keras_mask(values, _valid_labels(y_true, _as_tensor(y_pred),
                                                        self.ignore_class))
        return values


_BY_NAME = {
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mape": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "msle": mean_squared_logarithmic_error, "cosine_similarity": cosine_similarity,
    "log_cosh": log_cosh, "logcosh": log_cosh, "kl_divergence": kl_divergence,
    "kld": kl_divergence, "poisson": poisson, "hinge": hinge, "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge,
    "huber": huber, "binary_crossentropy": binary_crossentropy,
    "binary_focal_crossentropy": binary_focal_crossentropy,
    "categorical_focal_crossentropy": categorical_focal_crossentropy,
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

"""``tf.keras.metrics``: running averages for training loops.

A metric keeps its state in non-trainable Variables: ``update_state(...)``
adds a batch, ``result()`` reads the value so far, ``reset_state()`` starts
over; calling the metric does the first two. The updates are ordinary ops
and Variable assignments, so they also run inside a ``gradtape.function``.

>>> import gradtape as tf
>>> loss_avg = tf.keras.metrics.Mean(name="loss")
>>> loss_avg.update_state([1.0, 2.0, 3.0])
>>> float(loss_avg.result())
2.0
"""
from __future__ import annotations
import numpy as np

from .. import rules as _ops
from ..rules import indexing as _ix
from .._core.dtypes import as_dtype
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike
from ..variables import Variable
from . import losses as _losses
from .losses import _match_ranks
from .losses import (binary_crossentropy, binary_focal_crossentropy,  # noqa: F401 - as Keras
                     categorical_crossentropy, categorical_focal_crossentropy, categorical_hinge,
                     hinge, huber, kld, logcosh, mae, mape, mse, msle, poisson,
                     sparse_categorical_crossentropy, squared_hinge)
from .module import camel_to_snake
from . import _masks
from .._missing import missing_names as _missing_names
from typing import Any, Callable, List, Optional
from .._core.types import Config, DTypeLike, ShapeLike, Tensor, TensorInput

_EPSILON = 1e-7       # Keras' backend epsilon


def _tensor(x, dtype=None):
    """Keras' ``convert_to_tensor(x, dtype)``: a Python or NumPy value converted straight to a
    float ``dtype`` (``0.1`` to float64 stays double's 0.1), else converted then cast.
    """
    if not isinstance(x, TensorLike):
        if dtype is not None and as_dtype(dtype).is_floating:
            return convert_to_tensor(x, dtype=dtype)
        x = convert_to_tensor(x)
    return x if dtype is None or x.dtype == dtype else _ops.cast(x, dtype)


def _cast(x, dtype):
    """Keras' ``cast(x, dtype)``: converted as TensorFlow does (Python floats to float32), then cast.

    So ``Mean(dtype='float64')`` of ``[0.1]`` holds float32's 0.1 widened, as Keras.
    """
    return _tensor(_tensor(x), dtype)


class Metric:
    """Base class: state Variables made with ``add_variable``, ``update_state``, ``result``.

    >>> import gradtape as tf
    >>> class Largest(tf.keras.metrics.Metric):
    ...     def __init__(self):
    ...         super().__init__(name="largest")
    ...         self.top = self.add_variable((), initializer=-1e30, name="top")
    ...     def update_state(self, values):
    ...         self.top.assign(tf.maximum(self.top, tf.reduce_max(values)))
    ...     def result(self):
    ...         return tf.identity(self.top)
    >>> m = Largest()
    >>> m([1.0, 5.0]).numpy(), m([2.0]).numpy()
    (5.0, 5.0)
    """

    def __init__(self, name: Optional[str] = None, dtype: Optional[DTypeLike] = None) -> None:
        self.name = name or camel_to_snake(type(self).__name__)
        self.dtype = as_dtype(dtype or "float32")
        self._state = []

    def add_variable(self, shape: ShapeLike, initializer: Any = 0.0, dtype: Optional[DTypeLike] = None,
                     name: Optional[str] = None) -> Any:
        """A non-trainable state Variable named ``'<metric>/<name>'``, reset to ``initializer``.

        As Keras, its dtype is float32 unless ``dtype`` is given (not the metric's).
        """
        dtype = as_dtype(dtype or "float32")
        var = Variable(np.full(shape, initializer, dtype._np), trainable=False, dtype=dtype,
                       name=f"{self.name}/{name or 'state'}")
        self._state.append((var, initializer))
        return var

    @property
    def variables(self) -> List[Any]:
        """The state Variables (a list)."""
        return [var for var, _ in self._state]

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Add a batch to the state; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must define update_state")

    def result(self) -> Tensor:
        """The metric's value so far (a scalar Tensor); subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must define result")

    def reset_state(self) -> None:
        """Set every state Variable back to its initial value."""
        for var, initial in self._state:
            var.assign(np.full(tuple(var.shape), initial, var.dtype._np))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> Config:
        """The constructor arguments, as a dict."""
        return {"name": self.name, "dtype": self.dtype.name}

    @classmethod
    def from_config(cls, config: Config) -> Any:
        """A metric built from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _samplewise(values, sample_weight, dtype, reduce=_ops.reduce_mean):
    """Per-sample values (``reduce``-d over the non-batch axes) and their weights, as Keras does."""
    values = _cast(values, dtype)
    if sample_weight is not None:
        sample_weight = _tensor(sample_weight, dtype)
        values, sample_weight = _match_ranks(values, sample_weight)
        values_ndim, weight_ndim = values.ndim, sample_weight.ndim
        if values_ndim > weight_ndim:
            values = reduce(values, axis=list(range(weight_ndim, values_ndim)))
        sample_weight = _ops.broadcast_to(sample_weight, tuple(values.shape))
        values = values * sample_weight
        if values_ndim > 1:
            sample_weight = reduce(sample_weight, axis=list(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=list(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The running (weighted) sum of the values given.

    >>> import gradtape as tf
    >>> total = tf.keras.metrics.Sum()
    >>> total.update_state([1.0, 2.0])
    >>> total([3.0]).numpy()
    6.0
    """

    def __init__(self, name: Optional[str] = "sum", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), dtype=self.dtype, name="total")

    def update_state(self, values: TensorInput, sample_weight: Optional[TensorInput] = None) -> None:
        """Add ``sum(values * sample_weight)``."""
        values, _ = _samplewise(values, sample_weight, self.dtype, _ops.reduce_sum)
        self.total.assign_add(_ops.reduce_sum(values))

    def result(self) -> Tensor:
        return _ops.identity(self.total)


class Mean(Metric):
    """The running (weighted) mean of the values given: ``total / count``.

    ``sample_weight`` weighs each sample (count adds the weights); values with
    more than one axis count once per sample (the first axis), averaged over
    the others.

    >>> import gradtape as tf
    >>> mean = tf.keras.metrics.Mean()
    >>> mean.update_state([1.0, 2.0, 3.0])
    >>> mean.update_state(5.0, sample_weight=2.0)
    >>> round(float(mean.result()), 4)      # (1 + 2 + 3 + 2 * 5) / (3 + 2)
    3.2
    >>> mean.reset_state(); float(mean.result())
    0.0
    """

    def __init__(self, name: Optional[str] = "mean", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), dtype=self.dtype, name="total")
        self.count = self.add_variable((), dtype=self.dtype, name="count")

    def update_state(self, values: TensorInput, sample_weight: Optional[TensorInput] = None) -> None:
        """Add a batch of values (any shape), optionally weighted per sample."""
        values, sample_weight = _samplewise(values, sample_weight, self.dtype)
        self.total.assign_add(_ops.reduce_sum(values))
        if sample_weight is not None:
            count = _ops.reduce_sum(sample_weight)
        else:
            count = float(values.shape[0]) if values.ndim >= 1 else 1.0
        self.count.assign_add(count)

    def result(self) -> Tensor:
        """``total / count``, 0 before any update."""
        return _ops.divide_no_nan(self.total, self.count)


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred)``, per sample.

    >>> import gradtape as tf
    >>> errors = tf.keras.metrics.MeanMetricWrapper(tf.losses.mean_absolute_error, name="mae")
    >>> errors([[0.0], [0.0]], [[1.0], [3.0]]).numpy()
    2.0
    """

    def __init__(self, fn: Callable[..., Any], name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None, **fn_kwargs: Any) -> None:
        super().__init__(name=name or fn.__name__, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = fn_kwargs

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Add ``fn(y_true, y_pred)`` for a batch, optionally weighted per sample (and by
        the mask of ``y_pred``, a model's masked output, as Keras 3)."""
        mask = _masks.get_keras_mask(y_pred)
        sample_weight = _losses._apply_mask(sample_weight, mask, self.dtype, "sum")
        super().update_state(self.fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self) -> Config:
        return {**super().get_config(), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: Config) -> Any:
        raise NotImplementedError("MeanMetricWrapper.from_config: give the function to the "
                                  "constructor")


def sparse_categorical_accuracy(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """1.0 where the largest entry of ``y_pred`` is at the integer label ``y_true``, else 0.0.

    Ties go to the first largest entry.

    >>> import gradtape as tf
    >>> tf.keras.metrics.sparse_categorical_accuracy([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0., 1.], dtype=float32)>
    """
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = _ops.squeeze(y_true, -1)
    predicted = _ops.cast(_ops.argmax(y_pred, axis=-1), y_true.dtype)
    matches = _ops.cast(_ops.equal(y_true, predicted), "float32")
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = _ops.squeeze(matches, -1)
    return matches


def categorical_accuracy(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """1.0 where ``y_pred``'s largest entry is where the one-hot ``y_true``'s is, else 0.0.

    >>> import gradtape as tf
    >>> tf.keras.metrics.categorical_accuracy([[0, 0, 1], [0, 1, 0]],
    ...                                       [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0., 1.], dtype=float32)>
    """
    y_pred = _tensor(y_pred)
    labels = _ops.argmax(_tensor(y_true), axis=-1)
    predicted = _ops.argmax(y_pred, axis=-1)
    return _ops.cast(_ops.equal(labels, predicted), "float32")


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """The fraction of samples whose largest prediction is at their integer label.

    >>> import gradtape as tf
    >>> acc = tf.keras.metrics.SparseCategoricalAccuracy()
    >>> acc.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
    >>> float(acc.result())
    0.5
    """

    def __init__(self, name: Optional[str] = "sparse_categorical_accuracy",
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)

    @classmethod
    def from_config(cls, config: Config) -> Any:
        return cls(**config)


class CategoricalAccuracy(MeanMetricWrapper):
    """The fraction of samples whose largest prediction is at their one-hot label's 1.

    >>> import gradtape as tf
    >>> acc = tf.keras.metrics.CategoricalAccuracy()
    >>> acc.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    >>> float(acc.result())
    0.5
    """

    def __init__(self, name: Optional[str] = "categorical_accuracy",
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)

    @classmethod
    def from_config(cls, config: Config) -> Any:
        return cls(**config)


def accuracy(y_true: TensorInput, y_pred: TensorInput) -> Tensor:
    """1.0 where ``y_true == y_pred`` (ranks matched as Keras does), else 0.0.

    >>> import gradtape as tf
    >>> tf.keras.metrics.accuracy([1, 2, 3], [1, 0, 3])
    <tf.Tensor: shape=(3,), dtype=float32, numpy=array([1., 0., 1.], dtype=float32)>
    """
    y_pred = _tensor(y_pred)
    y_true, y_pred = _match_ranks(_tensor(y_true, y_pred.dtype), y_pred)
    return _ops.cast(_ops.equal(y_true, y_pred), "float32")


def binary_accuracy(y_true: TensorInput, y_pred: TensorInput, threshold: float = 0.5) -> Tensor:
    """1.0 where ``y_pred > threshold`` matches the 0/1 label ``y_true``, else 0.0.

    >>> import gradtape as tf
    >>> tf.keras.metrics.binary_accuracy([[1.0], [0.0]], [[0.7], [0.5]]).numpy()
    array([[1.],
           [1.]], dtype=float32)
    """
    y_true, y_pred = _match_ranks(_tensor(y_true), _tensor(y_pred))
    predicted = _ops.cast(_ops.greater(y_pred, _tensor(threshold, y_pred.dtype)), y_true.dtype)
    return _ops.cast(_ops.equal(y_true, predicted), "float32")


def _wrapper(fn, default_name, doc, **defaults):
    """A MeanMetricWrapper class of ``fn`` taking ``defaults`` as keyword arguments."""
    def __init__(self, name: Optional[str] = default_name, dtype: Optional[DTypeLike] = None,
                 **kwargs: Any) -> None:
        unknown = set(kwargs) - set(defaults)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(unknown)}")
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **{**defaults, **kwargs})

    def from_config(cls, config: Config) -> Any:
        return cls(**config)
    return {"__init__": __init__, "__doc__": doc, "from_config": classmethod(from_config)}


Accuracy = type("Accuracy", (MeanMetricWrapper,), _wrapper(
    accuracy, "accuracy", """The fraction of predictions equal to the labels.

    >>> import gradtape as tf
    >>> tf.keras.metrics.Accuracy()([1, 2, 3, 4], [1, 2, 0, 4]).numpy()
    0.75
    """))
BinaryAccuracy = type("BinaryAccuracy", (MeanMetricWrapper,), _wrapper(
    binary_accuracy, "binary_accuracy", """The fraction of predictions on the labels' side of ``threshold``.

    >>> import gradtape as tf
    >>> tf.keras.metrics.BinaryAccuracy()([[1.0], [0.0]], [[0.7], [0.6]]).numpy()
    0.5
    """, threshold=0.5))
MeanSquaredError = type("MeanSquaredError", (MeanMetricWrapper,), _wrapper(
    _losses.mean_squared_error, "mean_squared_error", """The running mean squared error.

    >>> import gradtape as tf
    >>> tf.keras.metrics.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
    0.5
    """))
MeanAbsoluteError = type("MeanAbsoluteError", (MeanMetricWrapper,), _wrapper(
    _losses.mean_absolute_error, "mean_absolute_error", """The running mean absolute error.

    >>> import gradtape as tf
    >>> tf.keras.metrics.MeanAbsoluteError()([[0.0, 1.0]], [[2.0, 1.0]]).numpy()
    1.0
    """))
BinaryCrossentropy = type("BinaryCrossentropy", (MeanMetricWrapper,), _wrapper(
    _losses.binary_crossentropy, "binary_crossentropy", """The running mean binary cross-entropy.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.BinaryCrossentropy(from_logits=True)
    >>> round(float(m([[1.0]], [[0.0]])), 4)    # log 2
    0.6931
    """, from_logits=False, label_smoothing=0.0))
CategoricalCrossentropy = type("CategoricalCrossentropy", (MeanMetricWrapper,), _wrapper(
    _losses.categorical_crossentropy, "categorical_crossentropy",
    """The running mean categorical cross-entropy.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.CategoricalCrossentropy(from_logits=True)
    >>> round(float(m([[0.0, 1.0]], [[0.0, 0.0]])), 4)    # log 2
    0.6931
    """, from_logits=False, label_smoothing=0.0, axis=-1))
SparseCategoricalCrossentropy = type("SparseCategoricalCrossentropy", (MeanMetricWrapper,), _wrapper(
    _losses.sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
    """The running mean sparse categorical cross-entropy.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.SparseCategoricalCrossentropy(from_logits=True)
    >>> round(float(m([1], [[0.0, 0.0]])), 4)    # log 2
    0.6931
    """, from_logits=False, ignore_class=None, axis=-1))


def cosine_similarity(y_true: TensorInput, y_pred: TensorInput, axis: int = -1) -> Tensor:
    """The cosine of the angle between ``y_true`` and ``y_pred`` along ``axis`` (the loss's negative).

    >>> import gradtape as tf
    >>> tf.keras.metrics.CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]).numpy()
    0.5
    """
    with np.errstate(divide="ignore"):      # a zero vector has similarity 0, silently as TF
        return -_losses.cosine_similarity(y_true, y_pred, axis=axis)


def _centered(y_true, y_pred, axis):
    """``y_true``, ``y_pred`` (as Keras converts and ranks them) and their means along ``axis``."""
    y_pred = _tensor(y_pred)
    y_true, y_pred = _match_ranks(_tensor(y_true, y_pred.dtype), y_pred)
    return (y_true, y_pred, _ops.reduce_mean(y_true, axis=axis, keepdims=True),
            _ops.reduce_mean(y_pred, axis=axis, keepdims=True))


def pearson_correlation(y_true: TensorInput, y_pred: TensorInput, axis: int = -1) -> Tensor:
    """Pearson's correlation of ``y_true`` and ``y_pred`` along ``axis``.

    >>> import gradtape as tf
    >>> tf.keras.metrics.pearson_correlation([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]]).numpy()
    array([1.], dtype=float32)
    """
    y_true, y_pred, true_mean, pred_mean = _centered(y_true, y_pred, axis)
    y_true, y_pred = y_true - true_mean, y_pred - pred_mean
    y_true = y_true / _ops.reduce_std(y_true, axis=axis, keepdims=True)
    y_pred = y_pred / _ops.reduce_std(y_pred, axis=axis, keepdims=True)
    return _ops.reduce_mean(y_true * y_pred, axis=axis)


def concordance_correlation(y_true: TensorInput, y_pred: TensorInput, axis: int = -1) -> Tensor:
    """Lin's concordance correlation along ``axis``, with Keras' formula as written
    (its covariance centers ``y_true`` on ``y_pred``'s mean).

    >>> import gradtape as tf
    >>> tf.keras.metrics.concordance_correlation([[1.0, 1.0]], [[1.0, 1.0]]).numpy()
    array([0.], dtype=float32)
    """
    y_true, y_pred, true_mean, pred_mean = _centered(y_true, y_pred, axis)
    true_var = _ops.reduce_variance(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = _ops.reduce_variance(y_pred - pred_mean, axis=axis, keepdims=True)
    covar = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + _ops.square(true_mean - pred_mean)
    return _ops.reduce_mean(2.0 * covar / (norm + _EPSILON), axis=axis)


PearsonCorrelation = type("PearsonCorrelation", (MeanMetricWrapper,), _wrapper(
    pearson_correlation, "pearson_correlation", """The running mean Pearson correlation.

    >>> import gradtape as tf
    >>> tf.keras.metrics.PearsonCorrelation()([[1.0, 2.0, 3.0]], [[3.0, 2.0, 1.0]]).numpy()
    -1.0
    """, axis=-1))
ConcordanceCorrelation = type("ConcordanceCorrelation", (MeanMetricWrapper,), _wrapper(
    concordance_correlation, "concordance_correlation",
    """The running mean concordance correlation (Keras' formula).

    >>> import gradtape as tf
    >>> tf.keras.metrics.ConcordanceCorrelation()([[0.0, 0.0]], [[0.0, 0.0]]).numpy()
    0.0
    """, axis=-1))
MeanAbsolutePercentageError = type("MeanAbsolutePercentageError", (MeanMetricWrapper,), _wrapper(
    _losses.mean_absolute_percentage_error, "mean_absolute_percentage_error",
    """The running mean absolute percentage error.

    >>> import gradtape as tf
    >>> tf.keras.metrics.MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]).numpy()
    25.0
    """))
MeanSquaredLogarithmicError = type("MeanSquaredLogarithmicError", (MeanMetricWrapper,), _wrapper(
    _losses.mean_squared_logarithmic_error, "mean_squared_logarithmic_error",
    """The running mean squared logarithmic error.

    >>> import gradtape as tf
    >>> tf.keras.metrics.MeanSquaredLogarithmicError()([[0.0, 1.0]], [[0.0, 1.0]]).numpy()
    0.0
    """))
CosineSimilarity = type("CosineSimilarity", (MeanMetricWrapper,), _wrapper(
    cosine_similarity, "cosine_similarity", """The running mean cosine similarity.

    >>> import gradtape as tf
    >>> tf.keras.metrics.CosineSimilarity()([[0.0, 2.0]], [[0.0, 3.0]]).numpy()
    1.0
    """, axis=-1))
LogCoshError = type("LogCoshError", (MeanMetricWrapper,), _wrapper(
    _losses.log_cosh, "logcosh", """The running mean of ``log(cosh(y_pred - y_true))``.

    >>> import gradtape as tf
    >>> tf.keras.metrics.LogCoshError()([[1.0, 2.0]], [[1.0, 2.0]]).numpy()
    0.0
    """))
Hinge = type("Hinge", (MeanMetricWrapper,), _wrapper(
    _losses.hinge, "hinge", """The running mean hinge loss (labels -1/1 or 0/1).

    >>> import gradtape as tf
    >>> tf.keras.metrics.Hinge()([[1.0, -1.0]], [[0.5, 0.5]]).numpy()
    1.0
    """))
SquaredHinge = type("SquaredHinge", (MeanMetricWrapper,), _wrapper(
    _losses.squared_hinge, "squared_hinge", """The running mean squared hinge loss.

    >>> import gradtape as tf
    >>> tf.keras.metrics.SquaredHinge()([[1.0, -1.0]], [[0.5, 0.5]]).numpy()
    1.25
    """))
CategoricalHinge = type("CategoricalHinge", (MeanMetricWrapper,), _wrapper(
    _losses.categorical_hinge, "categorical_hinge", """The running mean categorical hinge loss.

    >>> import gradtape as tf
    >>> tf.keras.metrics.CategoricalHinge()([[0.0, 1.0]], [[0.6, 0.4]]).numpy()
    1.2
    """))
KLDivergence = type("KLDivergence", (MeanMetricWrapper,), _wrapper(
    _losses.kl_divergence, "kl_divergence", """The running mean Kullback-Leibler divergence.

    >>> import gradtape as tf
    >>> tf.keras.metrics.KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]]).numpy()
    0.0
    """))
Poisson = type("Poisson", (MeanMetricWrapper,), _wrapper(
    _losses.poisson, "poisson", """The running mean Poisson loss ``y_pred - y_true * log(y_pred)``.

    >>> import gradtape as tf
    >>> tf.keras.metrics.Poisson()([[0.0, 0.0]], [[1.0, 3.0]]).numpy()
    2.0
    """))


class RootMeanSquaredError(Mean):
    """The square root of the running mean squared error (over every element).

    >>> import gradtape as tf
    >>> tf.keras.metrics.RootMeanSquaredError()([[0.0, 0.0]], [[3.0, 1.0]]).numpy().round(5)
    2.23607
    """

    def __init__(self, name: Optional[str] = "root_mean_squared_error",
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Add the squared errors of a batch, optionally weighted."""
        y_true, y_pred = _match_ranks(_tensor(y_true, self.dtype), _tensor(y_pred, self.dtype))
        super().update_state(_ops.square(y_pred - y_true), sample_weight)

    def result(self) -> Tensor:
        return _ops.sqrt(super().result())


# ---------------------------------------------------------------------------
# Confusion-matrix metrics: counts of true/false positives/negatives at thresholds
# ---------------------------------------------------------------------------

_NEG_INF = -1e10      # Keras' threshold (and filler) when only ``top_k`` decides


def _threshold_list(thresholds, default):
    """``thresholds`` (a number or a list, each in [0, 1]) as a list, as Keras parses them."""
    if thresholds is not None:
        listed = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
        invalid = [t for t in listed if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    chosen = default if thresholds is None else thresholds
    return list(chosen) if isinstance(chosen, (list, tuple)) else [chosen]


def _evenly_spaced(thresholds):
    """Whether ``thresholds`` are 0, 1/(n-1), ..., 1 (n >= 3): Keras then counts by buckets."""
    n = len(thresholds)
    return n >= 3 and bool(np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1),
                                       atol=_EPSILON))


def _keep_top_k(x, k):
    """``x`` with all but the ``k`` largest entries of its last axis set to -1e10 (as Keras)."""
    _, indices = _ix.top_k(x, k)
    mask = _ops.reduce_sum(_ops.one_hot(indices, x.shape[-1], dtype=x.dtype), axis=-2)
    return x * mask + _NEG_INF * (1.0 - mask)


def _promoted(a, b):
    """``a`` and ``b`` cast to the wider of their dtypes, as Keras' ops promote them."""
    wide = np.promote_types(a.dtype._np, b.dtype._np)
    return _tensor(a, wide), _tensor(b, wide)


def _accumulate(var, value):
    """``var += value``, added in the wider dtype when they differ (as Keras), stored in var's."""
    var.assign(_ops.cast(_ops.add(*_promoted(var, value)), var.dtype))


def _weights_for(sample_weight, label_weights, y_pred):
    """The per-entry weights (flattened like ``y_pred``, in its dtype), or None for all ones."""
    weights = None
    for w in (sample_weight, label_weights):
        if w is not None:
            w = _ops.reshape(_ops.broadcast_to(w, tuple(y_pred.shape)), [-1])
            weights = w if weights is None else _ops.multiply(*_promoted(weights, w))
    return None if weights is None else _tensor(weights, y_pred.dtype)


def _bucket_counts(y_true, y_pred, weights, n, with_epsilon):
    """True and false positives at n evenly spaced thresholds, counted by buckets as Keras does.

    A prediction ``p`` (clipped to [0, 1]) is above the thresholds ``0 .. ceil(p (n-1)) - 1``.
    """
    y_pred = _ops.reshape(_ops.clip_by_value(y_pred, 0.0, 1.0), [-1])
    y_true = _ops.reshape(_ops.cast(_ops.cast(y_true, "bool"), y_pred.dtype), [-1])
    weights = _tensor(1.0, y_pred.dtype) if weights is None else weights
    true_labels, false_labels = y_true * weights, (1.0 - y_true) * weights
    buckets = _ops.ceil(y_pred * _tensor(float(n - 1), y_pred.dtype)) - 1.0
    if with_epsilon:
        buckets = _ops.maximum(buckets, 0.0)
    with np.errstate(invalid="ignore"):     # a nan prediction lands in no bucket, silently as TF
        buckets = _ops.cast(buckets, "int32")

    def above(labels):
        return _ops.cumsum(_ix.unsorted_segment_sum(labels, buckets, n), reverse=True)
    tp, fp = above(true_labels), above(false_labels)
    return {"tp": tp, "fp": fp, "fn": _cpu_order_sum(true_labels) - tp,
            "tn": _cpu_order_sum(false_labels) - fp}


def _threshold_counts(y_true, y_pred, weights, thresholds, wanted):
    """The ``wanted`` counts at each threshold: a prediction is positive when ``> threshold``."""
    predicted = _ops.greater(_ops.reshape(y_pred, [1, -1]),
                             _ops.reshape(_tensor(np.asarray(thresholds), y_pred.dtype), [-1, 1]))
    actual = _ops.reshape(_ops.cast(y_true, "bool"), [1, -1])
    cases = {"tp": (actual, predicted), "fp": (_ops.logical_not(actual), predicted),
             "fn": (actual, _ops.logical_not(predicted)),
             "tn": (_ops.logical_not(actual), _ops.logical_not(predicted))}
    counts = {}
    for key in wanted:
        hit = _ops.logical_and(*cases[key])
        if weights is None:
            hit = _ops.cast(hit, y_pred.dtype)
        else:
            hit = _ops.where(hit, _ops.reshape(weights, [1, -1]), _tensor(0.0, y_pred.dtype))
        counts[key] = _cpu_order_sum(hit)
    return counts


def _update_confusion(variables, y_true, y_pred, thresholds, evenly=False, with_epsilon=False,
                      top_k=None, class_id=None, sample_weight=None, label_weights=None):
    """Add a batch's confusion counts to ``variables`` ({'tp'|'fp'|'tn'|'fn': Variable}).

    Keras' ``update_confusion_matrix_variables`` for single-label data: entries are
    flattened, ``y_true`` is cast to bool, ``sample_weight`` broadcast to ``y_pred``.
    """
    dtype = next(iter(variables.values())).dtype
    y_pred, y_true = _match_ranks(_tensor(y_pred, dtype), _tensor(y_true, dtype))
    if sample_weight is not None:
        sample_weight = _ops.expand_dims(_tensor(sample_weight, dtype), -1)
        _, sample_weight = _match_ranks(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _keep_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {y_pred.shape}")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    if sample_weight is not None:
        sample_weight = _ops.broadcast_to(sample_weight, tuple(y_pred.shape))
    weights = _weights_for(sample_weight, label_weights, y_pred)
    if evenly:
        counts = _bucket_counts(y_true, y_pred, weights, len(thresholds), with_epsilon)
    else:
        counts = _threshold_counts(y_true, y_pred, weights, thresholds, variables)
    for key, var in variables.items():
        var.assign(var + counts[key])


def _cpu_order_sum(x):
    """The sum over the last axis of float32 ``x``, added in TensorFlow's order on CPU.

    TensorFlow (Eigen, packets of 8) adds four packets side by side, then the
    rest packet by packet, then the packet's lanes in pairs, then the last
    ``n % 8`` values one by one. The order shows in the last bit of a sum
    that ``reduce_sum`` may round otherwise; lengths it was not checked on
    (unknown, over 8192) and other dtypes use ``reduce_sum``.
    """
    n = x.shape[-1]
    if n is None or n > 8192 or x.dtype != "float32":
        return _ops.reduce_sum(x, axis=-1)
    unrolled, packed = n // 32 * 32, n // 8 * 8
    lanes = [None] * 4
    for start in range(0, unrolled, 32):
        for i in range(4):
            part = x[..., start + 8 * i:start + 8 * i + 8]
            lanes[i] = part if lanes[i] is None else lanes[i] + part
    packet = None if unrolled == 0 else ((lanes[0] + lanes[1]) + lanes[2]) + lanes[3]
    for start in range(unrolled, packed, 8):
        part = x[..., start:start + 8]
        packet = part if packet is None else packet + part
    total = _ops.zeros(tuple(x.shape[:-1]), x.dtype)
    for i in range(packed, n):
        total = total + x[..., i]
    if packet is not None:
        half = packet[..., :4] + packet[..., 4:]
        total = total + ((half[..., 0] + half[..., 2]) + (half[..., 1] + half[..., 3]))
    return total

class _ConfusionMatrixConditionCount(Metric):
    """The (weighted) count of one confusion-matrix cell at each threshold."""

    _cell = ""

    def __init__(self, thresholds: Any = None, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = _threshold_list(thresholds, 0.5)
        self._evenly = _evenly_spaced(self.thresholds)
        self.accumulator = self.add_variable((len(self.thresholds),), name="accumulator")

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Count a batch: a prediction is positive when above the threshold, a label when nonzero."""
        _update_confusion({self._cell: self.accumulator}, y_true, y_pred, self.thresholds,
                          evenly=self._evenly, sample_weight=sample_weight)

    def result(self) -> Tensor:
        """The count: a scalar for one threshold, else one per threshold."""
        return self.accumulator[0] if len(self.thresholds) == 1 else _ops.identity(self.accumulator)

    def get_config(self) -> Config:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The weighted number of positive labels predicted above ``thresholds`` (default 0.5).

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> float(m.result())
    2.0
    """
    _cell = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """The weighted number of negative labels predicted above ``thresholds`` (default 0.5).

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    >>> float(m.result())
    2.0
    """
    _cell = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The weighted number of negative labels predicted at or below ``thresholds`` (default 0.5).

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """
    _cell = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The weighted number of positive labels predicted at or below ``thresholds`` (default 0.5).

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    >>> float(m.result())
    2.0
    """
    _cell = "fn"


class _PrecisionRecall(Metric):
    """Precision or recall at ``thresholds``, of the ``top_k`` predictions, of class ``class_id``."""

    _other = ""     # the count beside the true positives: 'fp' (precision) or 'fn' (recall)

    def __init__(self, thresholds: Any = None, top_k: Optional[int] = None,
                 class_id: Optional[int] = None, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = _threshold_list(thresholds, 0.5 if top_k is None else _NEG_INF)
        self._evenly = _evenly_spaced(self.thresholds)
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, name="true_positives")
        other = {"fp": "false_positives", "fn": "false_negatives"}[self._other]
        setattr(self, other, self.add_variable(size, name=other))
        self._counts = {"tp": self.true_positives, self._other: getattr(self, other)}

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Count a batch: a prediction is positive when above the threshold, a label when nonzero."""
        _update_confusion(self._counts, y_true, y_pred, self.thresholds, evenly=self._evenly,
                          top_k=self.top_k, class_id=self.class_id, sample_weight=sample_weight)

    def result(self) -> Tensor:
        """``tp / (tp + other)`` (0 where nothing was counted): a scalar for one threshold."""
        tp = self.true_positives
        result = _ops.divide_no_nan(tp, tp + self._counts[self._other])
        return result[0] if len(self.thresholds) == 1 else result

    def get_config(self) -> Config:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """The fraction of positive predictions (above ``thresholds``) whose label is positive.

    ``top_k`` counts only each row's k largest predictions as positive;
    ``class_id`` looks at that column only.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)      # 2 of the 3 predicted positives
    0.6667
    >>> tf.keras.metrics.Precision(top_k=1)([[0, 1], [0, 1]], [[0.2, 0.8], [0.6, 0.4]]).numpy()
    0.5
    """
    _other = "fp"


class Recall(_PrecisionRecall):
    """The fraction of positive labels predicted positive (above ``thresholds``).

    ``top_k`` counts only each row's k largest predictions as positive;
    ``class_id`` looks at that column only.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)      # 2 of the 3 positives
    0.6667
    """
    _other = "fn"


class _AtConstraint(Metric):
    """The best value of one rate where another rate is at least ``value``, over
    ``num_thresholds`` evenly spaced thresholds (Keras' ``SensitivitySpecificityBase``)."""

    _value_name = ""

    def __init__(self, value: float, num_thresholds: int = 200, class_id: Optional[int] = None,
                 name: Optional[str] = None, dtype: Optional[DTypeLike] = None) -> None:
        if value < 0 or value > 1:
            raise ValueError(f"Argument `{self._value_name}` must be in the range [0, 1]. "
                             f"Received: {self._value_name}={value}")
        if num_thresholds <= 0:
            raise ValueError("Argument `num_thresholds` must be an integer > 0. "
                             f"Received: num_thresholds={num_thresholds}")
        super().__init__(name=name, dtype=dtype)
        self.value, self.num_thresholds, self.class_id = value, num_thresholds, class_id
        setattr(self, self._value_name, value)
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            self.thresholds = [0.0] + [(i + 1) * 1.0 / (num_thresholds - 1)
                                       for i in range(num_thresholds - 2)] + [1.0]
            self._evenly = True
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, name="true_positives")
        self.false_positives = self.add_variable(size, name="false_positives")
        self.true_negatives = self.add_variable(size, name="true_negatives")
        self.false_negatives = self.add_variable(size, name="false_negatives")

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Count a batch at every threshold (entries flattened; labels cast to bool)."""
        _update_confusion({"tp": self.true_positives, "tn": self.true_negatives,
                           "fp": self.false_positives, "fn": self.false_negatives},
                          y_true, y_pred, self.thresholds, evenly=self._evenly,
                          class_id=self.class_id, sample_weight=sample_weight)

    def _rates(self):
        """Recall (sensitivity), specificity and precision at each threshold."""
        tp, fp, tn, fn = (self.true_positives, self.false_positives, self.true_negatives,
                          self.false_negatives)
        return {"recall": _ops.divide_no_nan(tp, tp + fn),
                "specificity": _ops.divide_no_nan(tn, tn + fp),
                "precision": _ops.divide_no_nan(tp, tp + fp)}

    def result(self) -> Tensor:
        """The largest ``_result`` rate among the thresholds where ``_given`` >= the value (else 0)."""
        rates = self._rates()
        feasible = _ops.greater_equal(rates[self._given], _tensor(self.value, "float32"))
        best = _ops.where(feasible, rates[self._result], _ops.zeros_like(rates[self._result]))
        return _ops.maximum(_ops.reduce_max(best), 0.0)

    def get_config(self) -> Config:
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._value_name: self.value}


class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity (recall) where the specificity is at least ``specificity``.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.SensitivityAtSpecificity(0.5)
    >>> m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]).numpy()
    0.5
    """
    _value_name, _given, _result = "specificity", "specificity", "recall"

    def __init__(self, specificity: float, num_thresholds: int = 200, class_id: Optional[int] = None,
                 name: Optional[str] = None, dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity where the sensitivity (recall) is at least ``sensitivity``.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.SpecificityAtSensitivity(0.5)
    >>> round(float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])), 4)
    0.6667
    """
    _value_name, _given, _result = "sensitivity", "recall", "specificity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200, class_id: Optional[int] = None,
                 name: Optional[str] = None, dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtConstraint):
    """The best precision where the recall is at least ``recall``.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.PrecisionAtRecall(0.5)
    >>> m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]).numpy()
    1.0
    """
    _value_name, _given, _result = "recall", "recall", "precision"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id: Optional[int] = None,
                 name: Optional[str] = None, dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtConstraint):
    """The best recall where the precision is at least ``precision``.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.RecallAtPrecision(0.8)
    >>> m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]).numpy()
    0.5
    """
    _value_name, _given, _result = "precision", "precision", "recall"

    def __init__(self, precision: float, num_thresholds: int = 200, class_id: Optional[int] = None,
                 name: Optional[str] = None, dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(precision, num_thresholds, class_id, name, dtype)


_AUC_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_AUC_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _auc_option(value, allowed, what):
    key = str(value)
    if key.lower() in allowed:
        return allowed[key.lower()] if isinstance(allowed, dict) else key.lower()
    raise ValueError(f'Invalid AUC {what} value: "{value}". Expected values are '
                     f'{list(allowed.values()) if isinstance(allowed, dict) else list(allowed)}')


class AUC(Metric):
    """The area under the ROC or precision-recall curve, from counts at ``num_thresholds``.

    As Keras: the thresholds are ``0 - 1e-7, 1/(n-1), ..., 1 + 1e-7``; the
    ROC area sums trapezoids (``summation_method='interpolation'``), the PR
    area interpolates the counts (Davis & Goadrich); ``from_logits=True``
    takes a sigmoid first. ``multi_label=True`` is not supported.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> float(m.result())
    0.75
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None, thresholds: Optional[List[float]] = None,
                 multi_label: bool = False, num_labels: Optional[int] = None,
                 label_weights: Optional[TensorInput] = None, from_logits: bool = False) -> None:
        if multi_label:
            raise NotImplementedError("AUC(multi_label=True) is not supported in gradtape; "
                                      "use one AUC per label")
        if num_labels:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.curve = _auc_option(curve, _AUC_CURVES, "curve")
        self.summation_method = _auc_option(summation_method, _AUC_SUMMATIONS,
                                            "summation method")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(thresholds)
            self.num_thresholds = len(thresholds) + 2
            self._evenly = _evenly_spaced(np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = [0.0 - _EPSILON] + list(thresholds) + [1.0 + _EPSILON]
        super().__init__(name=name, dtype=dtype)
        self.multi_label, self.num_labels = False, None
        self.label_weights = None if label_weights is None else _tensor(label_weights, self.dtype)
        self._from_logits = from_logits
        size = (self.num_thresholds,)
        self.true_positives = self.add_variable(size, name="true_positives")
        self.false_positives = self.add_variable(size, name="false_positives")
        self.true_negatives = self.add_variable(size, name="true_negatives")
        self.false_negatives = self.add_variable(size, name="false_negatives")

    @property
    def thresholds(self) -> List[float]:
        """The thresholds, the outer two a little beyond 0 and 1."""
        return list(self._thresholds)

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Count a batch at every threshold (entries flattened; labels cast to bool)."""
        if self._from_logits:
            y_pred = _ops.sigmoid(_tensor(y_pred))
        _update_confusion({"tp": self.true_positives, "tn": self.true_negatives,
                           "fp": self.false_positives, "fn": self.false_negatives},
                          y_true, y_pred, self._thresholds, evenly=self._evenly,
                          with_epsilon=True, sample_weight=sample_weight,
                          label_weights=self.label_weights)

    def _interpolated_pr_auc(self):
        """Keras' ``interpolate_pr_auc``: precision interpolated between thresholds."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _ops.divide_no_nan(dtp, _ops.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        ratio = _ops.where(_ops.logical_and(p[:-1] > 0, p[1:] > 0),
                           _ops.divide_no_nan(p[:-1], _ops.maximum(p[1:], 0.0)),
                           _ops.ones_like(p[1:]))
        increments = _ops.divide_no_nan(slope * (dtp + intercept * _ops.log(ratio)),
                                        _ops.maximum(tp[1:] + fn[1:], 0.0))
        return _cpu_order_sum(increments)

    def _curve(self):
        """The curve's points: ``(x, y)``, one per threshold."""
        tp, fp, tn, fn = (self.true_positives, self.false_positives, self.true_negatives,
                          self.false_negatives)
        recall = _ops.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            return _ops.divide_no_nan(fp, fp + tn), recall
        if self.curve == "PR":
            return recall, _ops.divide_no_nan(tp, tp + fp)
        scale = _ops.divide_no_nan(tp + fn, tn + fp)
        no_tp = _ops.equal(tp, 0.0)
        recall_gain = _ops.where(no_tp, 0.0, 1.0 - scale * _ops.divide_no_nan(fn, tp))
        precision_gain = _ops.where(no_tp, 1.0, 1.0 - scale * _ops.divide_no_nan(fp, tp))
        return _ops.maximum(recall_gain, 0.0), precision_gain

    def result(self) -> Tensor:
        """The area, a float32 scalar."""
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc()
        x, y = self._curve()
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = _ops.minimum(y[:-1], y[1:])
        else:
            heights = _ops.maximum(y[:-1], y[1:])
        return _cpu_order_sum((x[:-1] - x[1:]) * heights)

    def get_config(self) -> Config:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": False, "num_labels": None,
                  "label_weights": None if self.label_weights is None
                  else self.label_weights.numpy().tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self._thresholds[1:-1]
        return config


# ---------------------------------------------------------------------------
# Top-k accuracies
# ---------------------------------------------------------------------------

def _in_top_k(targets, predictions, k):
    """``tf.math.in_top_k``: the target's score has fewer than ``k`` larger scores in its row.

    Ties with the k-th score count as in; a row with a non-finite score, or a
    target outside the row, is never in.
    """
    num_classes = predictions.shape[-1]
    inside = _ops.logical_and(_ops.greater_equal(targets, 0), _ops.less(targets, num_classes))
    chosen = _ops.one_hot(_ops.where(inside, targets, _ops.zeros_like(targets)), num_classes,
                          on_value=True, off_value=False, dtype="bool")
    finite = _ops.reduce_all(_ops.is_finite(predictions), axis=-1)
    score = _ops.reduce_sum(_ops.where(chosen, predictions, _ops.zeros_like(predictions)), axis=-1)
    larger = _ops.reduce_sum(_ops.cast(_ops.greater(predictions, _ops.expand_dims(score, -1)),
                                       "int32"), axis=-1)
    return _ops.logical_and(_ops.logical_and(inside, finite), _ops.less(larger, k))


def _per_label(y_true, y_pred, match):
    """``match(labels, rows)`` as float32 shaped like ``y_true``, with the rows flattened to 2-D."""
    shape = tuple(y_true.shape)
    if y_pred.ndim > 2:
        y_pred = _ops.reshape(y_pred, [-1, y_pred.shape[-1]])
    if y_true.ndim > 1:
        y_true = _ops.reshape(y_true, [-1])
    matches = _ops.cast(match(y_true, y_pred), "float32")
    return _ops.reshape(matches, shape) if len(shape) > 1 else matches


def _top_k_matches(y_true, y_pred, k):
    """1.0 where the integer label ``y_true`` is in ``y_pred``'s top ``k`` (shaped like ``y_true``)."""
    return _per_label(y_true, y_pred, lambda labels, rows: _in_top_k(_ops.cast(labels, "int32"),
                                                                      rows, k))


def top_k_categorical_accuracy(y_true: TensorInput, y_pred: TensorInput, k: int = 5) -> Tensor:
    """1.0 where the one-hot label's class is among ``y_pred``'s ``k`` largest (ties count in).

    >>> import gradtape as tf
    >>> tf.keras.metrics.top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]],
    ...                                             [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]], k=1)
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0., 1.], dtype=float32)>
    """
    y_pred = _tensor(y_pred)
    return _top_k_matches(_ops.argmax(_tensor(y_true, y_pred.dtype), axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true: TensorInput, y_pred: TensorInput, k: int = 5,
                                      from_sorted_ids: bool = False) -> Tensor:
    """1.0 where the integer label is among ``y_pred``'s ``k`` largest (ties count in).

    ``from_sorted_ids=True``: ``y_pred`` holds class ids, best first.

    >>> import gradtape as tf
    >>> tf.keras.metrics.sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.9, 0.8],
    ...                                                           [0.05, 0.95, 0.0]], k=1)
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0., 1.], dtype=float32)>
    """
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype if from_sorted_ids else "int32")
    if not from_sorted_ids:
        return _top_k_matches(y_true, y_pred, k)
    return _per_label(y_true, y_pred, lambda labels, rows: _ops.reduce_any(
        _ops.equal(_ops.expand_dims(labels, 1), rows[:, :k]), axis=1))


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """The fraction of samples whose one-hot label is among the ``k`` (default 5) top predictions.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.TopKCategoricalAccuracy(k=1)
    >>> m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]).numpy()
    0.5
    """

    def __init__(self, k: int = 5, name: Optional[str] = "top_k_categorical_accuracy",
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    @classmethod
    def from_config(cls, config: Config) -> Any:
        return cls(**config)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """The fraction of samples whose integer label is among the ``k`` (default 5) top predictions.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.SparseTopKCategoricalAccuracy(k=2)
    >>> m([2, 2], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]).numpy()
    0.5
    """

    def __init__(self, k: int = 5, name: Optional[str] = "sparse_top_k_categorical_accuracy",
                 dtype: Optional[DTypeLike] = None, from_sorted_ids: bool = False) -> None:
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k, self.from_sorted_ids = k, from_sorted_ids

    def get_config(self) -> Config:
        config = {"name": self.name, "dtype": self.dtype.name, "k": self.k}
        return {**config, "from_sorted_ids": True} if self.from_sorted_ids else config

    @classmethod
    def from_config(cls, config: Config) -> Any:
        return cls(**config)


# ---------------------------------------------------------------------------
# R2Score and F-scores: per-class sums, built at the first batch
# ---------------------------------------------------------------------------

def _expect_2d(who, y_true, y_pred):
    if y_pred.ndim != 2 or y_true.ndim != 2 or y_pred.shape[-1] is None:
        raise ValueError(f"{who} expects 2D inputs with shape (batch_size, output_dim), with "
                         f"output_dim fully defined. Received input shapes: "
                         f"y_pred.shape={y_pred.shape} and y_true.shape={y_true.shape}.")


class R2Score(Metric):
    """The coefficient of determination, ``1 - SS_res / SS_tot``, per output then aggregated.

    ``class_aggregation``: ``'uniform_average'`` (default), ``'variance_weighted_average'``
    or None (one score per output); ``num_regressors > 0`` adjusts for them.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.R2Score()
    >>> m.update_state([[1.0], [2.0], [3.0]], [[1.0], [2.0], [4.0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, class_aggregation: Optional[str] = "uniform_average",
                 num_regressors: int = 0, name: Optional[str] = "r2_score",
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(name=name, dtype=dtype)
        allowed = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in allowed:
            raise ValueError(f"Invalid value for argument `class_aggregation`. Expected one of "
                             f"{allowed}. Received: class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        self.num_samples = self.add_variable((), name="num_samples")
        self._sums = None

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Add a ``(batch, outputs)`` batch, optionally weighted per sample or per entry."""
        y_true, y_pred = _match_ranks(_tensor(y_true, self.dtype), _tensor(y_pred, self.dtype))
        if self._sums is None:
            _expect_2d("R2Score", y_true, y_pred)
            self._sums = [self.add_variable((y_pred.shape[-1],), name=name)
                          for name in ("squared_sum", "sum", "residual", "count")]
        weight = _tensor(1.0 if sample_weight is None else sample_weight, self.dtype)
        if weight.ndim == 1:
            weight = _ops.expand_dims(weight, 1)
        weight = _ops.broadcast_to(weight, tuple(y_true.shape))
        weighted = y_true * weight
        squared_sum, total, residual, count = self._sums
        _accumulate(total, _ops.reduce_sum(weighted, axis=0))
        _accumulate(squared_sum, _ops.reduce_sum(y_true * weighted, axis=0))
        _accumulate(residual, _ops.reduce_sum(_ops.square(y_true - y_pred) * weight, axis=0))
        _accumulate(count, _ops.reduce_sum(weight, axis=0))
        _accumulate(self.num_samples, _ops.cast(_ops.size(y_true), self.num_samples.dtype))

    def result(self) -> Tensor:
        """The score: a scalar, or one per output when ``class_aggregation=None``."""
        if self._sums is None:
            raise ValueError("R2Score.result: call update_state first (the number of outputs "
                             "is not known yet)")
        with np.errstate(divide="ignore", invalid="ignore"):   # Keras sends 0/0 to 0 below
            return self._score(*self._sums)

    def _score(self, squared_sum, total, residual, count):
        mean = total / count
        spread = squared_sum - total * mean
        raw = 1.0 - residual / spread
        raw = _ops.where(_ops.is_inf(raw), _ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = _ops.reduce_mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = _ops.reduce_sum(spread * raw) / _ops.reduce_sum(spread)
        else:
            score = raw
        if self.num_regressors:     # adjusted, unless there are too few samples (as Keras)
            n, regressors = self.num_samples, _tensor(float(self.num_regressors), self.dtype)
            adjusted = 1.0 - ((1.0 - score) * (n - 1.0)) / ((n - regressors) - 1.0)
            score = _ops.where(_ops.less(regressors, n - 1.0), adjusted, score)
        return score

    def get_config(self) -> Config:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


class FBetaScore(Metric):
    """The F-beta score per class: ``(1 + b^2) P R / (b^2 P + R)``, or averaged.

    ``threshold=None`` counts each row's largest prediction(s) as positive;
    ``average``: None (per class), ``'micro'``, ``'macro'`` or ``'weighted'``.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.FBetaScore(beta=1.0, threshold=0.5, average="micro")
    >>> round(float(m([[1, 0], [1, 1]], [[0.9, 0.2], [0.1, 0.8]])), 4)     # P = 1, R = 2/3
    0.8
    """

    def __init__(self, average: Optional[str] = None, beta: float = 1.0,
                 threshold: Optional[float] = None, name: Optional[str] = "fbeta_score",
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', "
                             f"'macro', 'weighted'}}. Received: average={average}")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be a Python float > 0. "
                             f"Received: beta={beta}")
        if threshold is not None and (not isinstance(threshold, float)
                                      or not 0.0 < threshold <= 1.0):
            raise ValueError("Invalid `threshold` argument value. It should be a Python float "
                             f"with 0 < threshold <= 1. Received: threshold={threshold}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        self._counts = None

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Add a ``(batch, classes)`` batch, optionally weighted per sample."""
        y_true, y_pred = _tensor(y_true, self.dtype), _tensor(y_pred, self.dtype)
        if self._counts is None:
            _expect_2d(type(self).__name__, y_true, y_pred)
            shape = () if self.average == "micro" else (y_pred.shape[-1],)
            self._counts = [self.add_variable(shape, dtype=self.dtype, name=name) for name in (
                "true_positives", "false_positives", "false_negatives", "intermediate_weights")]
        if self.threshold is None:
            top = _ops.reduce_max(y_pred, axis=-1, keepdims=True)
            predicted = _ops.logical_and(_ops.greater_equal(y_pred, top),
                                         _ops.greater(_ops.abs(y_pred), 1e-9))
        else:
            predicted = _ops.greater(y_pred, self.threshold)
        predicted = _ops.cast(predicted, self.dtype)
        weight = None if sample_weight is None else _ops.expand_dims(
            _tensor(sample_weight, self.dtype), 1)

        def weighted_sum(value):
            return _ops.reduce_sum(value if weight is None else value * weight, axis=self.axis)
        for var, value in zip(self._counts, (predicted * y_true, predicted * (1.0 - y_true),
                                             (1.0 - predicted) * y_true, y_true)):
            var.assign(var + weighted_sum(value))

    def result(self) -> Tensor:
        """The score: per class (``average=None``) or averaged."""
        if self._counts is None:
            raise ValueError(f"{type(self).__name__}.result: call update_state first (the "
                             "number of classes is not known yet)")
        tp, fp, fn, class_weight = self._counts
        precision = tp / (tp + fp + _EPSILON)
        recall = tp / (tp + fn + _EPSILON)
        b2 = self.beta ** 2
        score = precision * recall / (b2 * precision + recall + _EPSILON) * (1 + b2)
        if self.average == "weighted":
            return _ops.reduce_sum(score * (class_weight / (_ops.reduce_sum(class_weight)
                                                            + _EPSILON)))
        return score if self.average is None else _ops.reduce_mean(score)

    def get_config(self) -> Config:
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score (``FBetaScore`` with ``beta=1.0``).

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.F1Score(threshold=0.5)
    >>> m([[1, 0], [1, 1]], [[0.9, 0.2], [0.1, 0.8]]).numpy().round(4)   # per class
    array([0.6667, 1.    ], dtype=float32)
    """

    def __init__(self, average: Optional[str] = None, threshold: Optional[float] = None,
                 name: Optional[str] = "f1_score", dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> Config:
        config = super().get_config()
        del config["beta"]
        return config



# ---------------------------------------------------------------------------
# Intersection over union, from a confusion matrix of class ids
# ---------------------------------------------------------------------------

class IoU(Metric):
    """The mean intersection-over-union of ``target_class_ids``: ``TP / (TP + FP + FN)`` each.

    Labels and predictions are class ids (``sparse_y_true/sparse_y_pred=False``:
    scores, argmax-ed over ``axis``). As Keras, the confusion matrix is kept in
    ``dtype`` (int64 by default, so float ``sample_weight`` is truncated), ids
    outside ``[0, num_classes)`` and ``ignore_class`` are skipped, and classes
    never seen are left out of the mean.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.IoU(num_classes=2, target_class_ids=[0])
    >>> m([0, 0, 1, 1], [0, 1, 0, 1]).numpy().round(4)     # class 0: 1 / (2 + 2 - 1)
    0.3333
    """

    def __init__(self, num_classes: int, target_class_ids: Any, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None, ignore_class: Optional[int] = None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1) -> None:
        super().__init__(name=name, dtype=dtype or "int64")
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, which is "
                             f"[0, {num_classes}).")
        self.num_classes, self.target_class_ids = num_classes, list(target_class_ids)
        self.ignore_class, self.axis = ignore_class, axis
        self.sparse_y_true, self.sparse_y_pred = sparse_y_true, sparse_y_pred
        self.total_cm = self.add_variable((num_classes, num_classes), dtype=self.dtype,
                                          name="total_confusion_matrix")

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Add a batch of (label, prediction) class-id pairs to the confusion matrix."""
        if not self.sparse_y_true:
            y_true = _ops.argmax(_tensor(y_true), axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = _ops.argmax(_tensor(y_pred), axis=self.axis)
        y_true = _ops.reshape(_tensor(y_true, self.dtype), [-1])
        y_pred = _ops.reshape(_tensor(y_pred, self.dtype), [-1])
        weight = _tensor(1 if sample_weight is None else sample_weight, self.dtype)
        weight = _ops.broadcast_to(_ops.reshape(weight, [-1]) if weight.ndim > 1 else weight,
                                   tuple(y_true.shape))
        n = self.num_classes
        keep = _ops.logical_and(
            _ops.logical_and(_ops.greater_equal(y_true, 0), _ops.less(y_true, n)),
            _ops.logical_and(_ops.greater_equal(y_pred, 0), _ops.less(y_pred, n)))
        if self.ignore_class is not None:
            keep = _ops.logical_and(keep, _ops.not_equal(y_true, self.ignore_class))
        zero = _ops.zeros_like(y_true)
        cells = (_ops.where(keep, y_true, zero) * n + _ops.where(keep, y_pred, zero))
        counts = _ix.unsorted_segment_sum(_ops.where(keep, weight, _ops.zeros_like(weight)),
                                          _ops.cast(cells, "int32"), n * n)
        self.total_cm.assign(self.total_cm + _ops.reshape(counts, (n, n)))

    def result(self) -> Tensor:
        """The mean IoU over the target classes seen (a float32 scalar)."""
        cm, ids = self.total_cm, self.target_class_ids
        true_positives = _ops.gather(_ops.reshape(cm, [-1]), [i * (self.num_classes + 1) for i in ids])
        denominator = _ops.gather(_ops.reduce_sum(cm, axis=0) + _ops.reduce_sum(cm, axis=1),
                                  ids) - true_positives
        denominator = _ops.cast(denominator, "float32")
        true_positives = _ops.cast(true_positives, "float32")
        valid = _ops.greater(denominator, 1e-9)
        iou = _ops.where(valid, true_positives / (denominator + _EPSILON),
                         _ops.zeros_like(denominator))
        return _ops.reduce_sum(iou, axis=self.axis) / (
            _ops.reduce_sum(_ops.cast(valid, "float32")) + _EPSILON)

    def get_config(self) -> Config:
        return {**super().get_config(), "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class MeanIoU(IoU):
    """The intersection-over-union averaged over all ``num_classes`` classes seen.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.MeanIoU(num_classes=2)
    >>> m([0, 0, 1, 1], [0, 1, 0, 1]).numpy().round(4)     # (1/3 + 1/3) / 2
    0.3333
    """

    def __init__(self, num_classes: int, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None, ignore_class: Optional[int] = None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1) -> None:
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> Config:
        config = super().get_config()
        del config["target_class_ids"]
        return config


class BinaryIoU(IoU):
    """The IoU of 0/1 labels and predictions ``>= threshold``, over ``target_class_ids``.

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.BinaryIoU(target_class_ids=[1])
    >>> m([0, 1, 1, 1], [0.2, 0.5, 0.9, 0.1]).numpy().round(4)     # 2 / (2 + 3 - 2)
    0.6667
    """

    def __init__(self, target_class_ids: Any = (0, 1), threshold: float = 0.5,
                 name: Optional[str] = None, dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: TensorInput, y_pred: TensorInput,
                     sample_weight: Optional[TensorInput] = None) -> None:
        """Add a batch: a prediction is class 1 when ``>= threshold``."""
        predicted = _ops.greater_equal(_tensor(y_pred, "float32"), self.threshold)
        super().update_state(_tensor(y_true, self.dtype), _ops.cast(predicted, self.dtype),
                             sample_weight)

    def get_config(self) -> Config:
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype.name}


class OneHotIoU(IoU):
    """``IoU`` of one-hot labels and per-class scores (argmax-ed over ``axis``).

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.OneHotIoU(num_classes=2, target_class_ids=[1])
    >>> m([[1, 0], [0, 1], [0, 1]], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]).numpy()
    0.5
    """

    def __init__(self, num_classes: int, target_class_ids: Any, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None, ignore_class: Optional[int] = None,
                 sparse_y_pred: bool = False, axis: int = -1) -> None:
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> Config:
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """``MeanIoU`` of one-hot labels and per-class scores (argmax-ed over ``axis``).

    >>> import gradtape as tf
    >>> m = tf.keras.metrics.OneHotMeanIoU(num_classes=2)
    >>> m([[1, 0], [0, 1], [0, 1]], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]).numpy()
    0.5
    """

    def __init__(self, num_classes: int, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None, ignore_class: Optional[int] = None,
                 sparse_y_pred: bool = False, axis: int = -1) -> None:
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> Config:
        config = super().get_config()
        del config["sparse_y_true"]
        return config


kullback_leibler_divergence = kld
MSE, MAE, MAPE, MSLE, KLD = mse, mae, mape, msle, kld

_ALIASES = {"mse": "MeanSquaredError", "MSE": "MeanSquaredError", "mae": "MeanAbsoluteError",
            "MAE": "MeanAbsoluteError", "bce": "BinaryCrossentropy", "BCE": "BinaryCrossentropy",
            "mape": "MeanAbsolutePercentageError", "MAPE": "MeanAbsolutePercentageError",
            "msle": "MeanSquaredLogarithmicError", "MSLE": "MeanSquaredLogarithmicError"}


def _metric_classes():
    """Keras' names for ``get``: each metric class by its name and its snake_case name."""
    classes = {name: cls for name, cls in globals().items()
               if isinstance(cls, type) and issubclass(cls, Metric) and not name.startswith("_")}
    by_name = {**classes, **{camel_to_snake(name): cls for name, cls in classes.items()}}
    return {**by_name, **{alias: classes[name] for alias, name in _ALIASES.items()}}


def get(identifier: Any) -> Any:
    """A metric from its Keras name (a new instance, as Keras 3), a config dict, or a callable.

    Names are class names (``'AUC'``), their snake_case (``'categorical_accuracy'``
    gives a ``CategoricalAccuracy``, not the function) and ``'mse'``, ``'mae'``, ``'bce'``.

    >>> import gradtape as tf
    >>> tf.keras.metrics.get("categorical_accuracy")
    <CategoricalAccuracy name=categorical_accuracy>
    >>> tf.keras.metrics.get({"class_name": "AUC", "config": {"curve": "PR"}}).curve
    'PR'
    """
    if identifier is None:
        return None
    known = _metric_classes()
    if isinstance(identifier, dict) and identifier.get("class_name") in known:
        return known[identifier["class_name"]].from_config(identifier.get("config", {}))
    obj = known.get(identifier) if isinstance(identifier, str) else identifier
    if isinstance(obj, type):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}; expected a metric "
                     f"name (one of {sorted(n for n in known if n.islower())}), a config dict, "
                     "or a callable")


__getattr__ = _missing_names("gradtape.keras.metrics", "tf.keras.metrics")

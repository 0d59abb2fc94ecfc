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
from .._core.dtypes import as_dtype
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike
from ..variables import Variable
from . import losses as _losses
from .losses import _match_ranks
from .module import camel_to_snake
from .._missing import missing_names as _missing_names
from typing import Any, Callable, List, Optional
from .._core.types import Config, DTypeLike, ShapeLike, Tensor, TensorInput


def _tensor(x, dtype=None):
    if isinstance(x, TensorLike):
        return x if dtype is None or x.dtype == dtype else _ops.cast(x, dtype)
    x = convert_to_tensor(np.asarray(x))
    return x if dtype is None or x.dtype == dtype else _ops.cast(x, dtype)


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
        """A non-trainable state Variable named ``'<metric>/<name>'``, reset to ``initializer``."""
        dtype = as_dtype(dtype or self.dtype)
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
    values = _tensor(values, dtype)
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
        self.total = self.add_variable((), name="total")

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
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

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
        """Add ``fn(y_true, y_pred)`` for a batch, optionally weighted per sample."""
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
    <gradtape.Tensor: shape=(2,), dtype=float32, numpy=array([0., 1.], dtype=float32)>
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
    <gradtape.Tensor: shape=(2,), dtype=float32, numpy=array([0., 1.], dtype=float32)>
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
    <gradtape.Tensor: shape=(3,), dtype=float32, numpy=array([1., 0., 1.], dtype=float32)>
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
    """, from_logits=False, axis=-1))


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


_BY_NAME = {"sparse_categorical_accuracy": sparse_categorical_accuracy,
            "categorical_accuracy": categorical_accuracy, "accuracy": accuracy,
            "binary_accuracy": binary_accuracy}


def get(identifier: Any) -> Any:
    """A metric function from its Keras name, or a callable unchanged.

    >>> import gradtape as tf
    >>> tf.keras.metrics.get("categorical_accuracy").__name__
    'categorical_accuracy'
    """
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    raise ValueError(f"metrics.get: unknown metric {identifier!r}; expected a callable or one "
                     f"of {sorted(_BY_NAME)}")


__getattr__ = _missing_names("gradtape.keras.metrics", "tf.keras.metrics")

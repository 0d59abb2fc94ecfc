"""``tf.keras.callbacks``: hooks that ``fit``, ``evaluate`` and ``predict`` call as Keras 3.

``fit`` calls ``on_train_begin``, then for each epoch ``on_epoch_begin``, each batch's
``on_train_batch_begin``/``on_train_batch_end``, the validation's ``on_test_*`` hooks and
``on_epoch_end``, and at last ``on_train_end``; ``evaluate`` calls the ``on_test_*`` hooks
and ``predict`` the ``on_predict_*`` ones. The ``logs`` dicts are Keras': empty at the
beginnings, the metrics' running results (Python floats, in name order) at a batch's end,
the epoch's results plus the ``val_`` ones at an epoch's end, ``{'outputs': array}`` at a
prediction batch's end. A callback sets ``self.model.stop_training = True`` to stop ``fit``
after the current batch.

>>> import gradtape as tf, numpy as np
>>> class Count(tf.keras.callbacks.Callback):
...     def on_epoch_end(self, epoch, logs=None):
...         print(epoch, sorted(logs), self.params["steps"])
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
>>> model.compile(loss="mse")
>>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), batch_size=2, epochs=2, verbose=0,
...               callbacks=[Count()])
0 ['loss'] 2
1 ['loss'] 2
"""
from __future__ import annotations

import collections
import csv
import os
import warnings
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from .._core.tensor import TensorLike
from .._missing import missing_names as _missing_names

__all__ = ["Callback", "CallbackList", "History", "EarlyStopping", "LearningRateScheduler",
           "ReduceLROnPlateau", "LambdaCallback", "TerminateOnNaN", "CSVLogger",
           "ModelCheckpoint", "ProgbarLogger"]


class Callback:
    """The base class of callbacks: every hook does nothing; ``self.model`` is the model
    being trained and ``self.params`` ``fit``'s ``{'verbose', 'epochs', 'steps'}``.

    >>> import gradtape as tf
    >>> callback = tf.keras.callbacks.Callback()
    >>> callback.params, callback.model
    (None, None)
    """

    def __init__(self) -> None:
        self.params: Optional[Dict[str, Any]] = None
        self._model = None

    def set_params(self, params: Dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        return self._model

    def on_batch_begin(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        """An alias ``on_train_batch_begin`` calls (Keras' older name)."""

    def on_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        """An alias ``on_train_batch_end`` calls (Keras' older name)."""

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        """At the start of an epoch of ``fit``."""

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        """At the end of an epoch of ``fit``: ``logs`` has the epoch's results."""

    def on_train_batch_begin(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        """Before a batch of ``fit``."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        """After a batch of ``fit``: ``logs`` has the results so far in the epoch."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        """Before a batch of ``evaluate`` (or of ``fit``'s validation)."""

    def on_test_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        """After a batch of ``evaluate`` (or of ``fit``'s validation)."""

    def on_predict_batch_begin(self, batch: int,
                               logs: Optional[Dict[str, Any]] = None) -> None:
        """Before a batch of ``predict``."""

    def on_predict_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        """After a batch of ``predict``: ``logs['outputs']`` is the batch's outputs."""

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        """At the start of ``fit``."""

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        """At the end of ``fit``: ``logs`` has the last epoch's results."""

    def on_test_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        """At the start of ``evaluate`` (or of ``fit``'s validation)."""

    def on_test_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        """At the end of ``evaluate`` (or of ``fit``'s validation)."""

    def on_predict_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        """At the start of ``predict``."""

    def on_predict_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        """At the end of ``predict``."""


def pythonify_logs(logs: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """Keras' ``logs``: a flat dict in key order with each value a Python float where
    ``float`` takes it (an array of several values stays a NumPy array).

    >>> pythonify_logs({"b": np.float32(0.5), "a": {"c": 1}, "o": np.ones((2, 1))})
    {'c': 1.0, 'b': 0.5, 'o': array([[1.],
           [1.]])}
    """
    result: Dict[str, Any] = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        if isinstance(value, TensorLike):
            value = value.numpy()
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result


_HOOKS = ["on_batch_begin", "on_batch_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
          "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end",
          "on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
          "on_predict_begin", "on_predict_end"]


class CallbackList(Callback):
    """Callbacks called together, in order, each with the same (pythonified) ``logs``;
    a ``History`` (``add_history``) and a ``ProgbarLogger`` (``add_progbar``) are added
    at the end unless given.

    >>> import gradtape as tf
    >>> callbacks = CallbackList([tf.keras.callbacks.Callback()], add_history=True)
    >>> [type(c).__name__ for c in callbacks.callbacks]
    ['Callback', 'History']
    """

    def __init__(self, callbacks: Any = None, add_history: bool = False,
                 add_progbar: bool = False, model: Any = None, **params: Any) -> None:
        super().__init__()
        self.callbacks: List[Callback] = list(_flatten(callbacks))
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self.set_model(model)
        self.set_params(params)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def set_params(self, params: Dict[str, Any]) -> None:
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model: Any) -> None:
        if not model:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)


def _dispatch(hook):
    """A ``CallbackList`` method calling ``hook`` on each callback in turn (a batch's
    ``logs`` by keyword, the others by position, as Keras 3)."""
    if "batch" in hook:
        def call(self: Any, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
            logs = pythonify_logs(logs)
            for callback in self.callbacks:
                getattr(callback, hook)(batch, logs=logs)
    elif "epoch" in hook:
        def call(self: Any, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
            logs = pythonify_logs(logs)
            for callback in self.callbacks:
                getattr(callback, hook)(epoch, logs)
    else:
        def call(self: Any, logs: Optional[Dict[str, Any]] = None) -> None:
            logs = pythonify_logs(logs)
            for callback in self.callbacks:
                getattr(callback, hook)(logs)
    call.__name__ = hook
    call.__doc__ = f"Call ``{hook}`` on each callback."
    return call


for _hook in _HOOKS:
    setattr(CallbackList, _hook, _dispatch(_hook))
del _hook


def _flatten(callbacks):
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return [c for item in callbacks for c in _flatten(item)]
    if not isinstance(callbacks, Callback):
        raise TypeError(f"callbacks must be tf.keras.callbacks.Callback instances; received "
                        f"{type(callbacks).__name__}")
    return [callbacks]


class History(Callback):
    """What ``fit`` returns: ``history`` maps each name in the epoch's ``logs`` to its
    value after each epoch; ``epoch`` lists the epochs run (it restarts at each ``fit``).

    >>> h = History()
    >>> h.history, h.params
    ({}, None)
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: Dict[str, List[Any]] = {}
        self.epoch: List[int] = []

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)
        self.model.history = self


class ProgbarLogger(Callback):
    """What ``verbose`` prints: ``fit``'s ``Epoch i/n`` line (with more than one epoch) and each epoch's results,
    ``evaluate``'s results, ``predict``'s step count (one line each; Keras' progress bar
    redraws its line during the batches).

    >>> import gradtape as tf, numpy as np
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="zeros")])
    >>> model.compile(loss="mse")
    >>> _ = model.fit(np.ones((2, 1)), np.ones((2, 1)), epochs=2)
    Epoch 1/2
    1/1 - loss: 1.0000
    Epoch 2/2
    1/1 - loss: 0.9874
    """

    def __init__(self) -> None:
        super().__init__()
        self._in_fit = False

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self._in_fit = True

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.params["verbose"] and self.params["epochs"] > 1:
            print(f"Epoch {epoch + 1}/{self.params['epochs']}")

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.params["verbose"]:
            _print_logs(self.params["steps"], logs)

    def on_test_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if not self._in_fit and self.params["verbose"]:
            _print_logs(self.params["steps"], logs)

    def on_predict_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.params["verbose"]:
            _print_logs(self.params["steps"], {})


def _print_logs(steps, logs):
    parts = " - ".join(f"{name}: {value:.4f}" for name, value in logs.items()
                       if isinstance(value, float))
    print(f"{steps}/{steps} - {parts}" if parts else f"{steps}/{steps}")


# Keras 3's metrics that EarlyStopping / ReduceLROnPlateau in mode "auto" maximize or minimize
_UP = {"Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
       "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "Precision", "Recall",
       "SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall",
       "RecallAtPrecision", "AUC", "F1Score", "FBetaScore", "IoU", "BinaryIoU", "MeanIoU",
       "OneHotIoU", "OneHotMeanIoU", "R2Score", "CosineSimilarity", "PearsonCorrelation",
       "ConcordanceCorrelation"}
_DOWN = {"MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
         "MeanSquaredLogarithmicError", "RootMeanSquaredError", "LogCoshError",
         "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
         "Hinge", "SquaredHinge", "CategoricalHinge"}


def _direction(metric):
    """``'up'``, ``'down'`` or None: which way Keras 3 calls ``metric`` better."""
    given = getattr(metric, "_direction", None)
    if given is not None:
        return given
    for cls in type(metric).__mro__:
        if cls.__name__ in _UP:
            return "up"
        if cls.__name__ in _DOWN:
            return "down"
    return None


class MonitorCallback(Callback):
    """A callback watching ``monitor`` in the epoch's logs (Keras 3's comparison: the
    value less ``min_delta`` against the best, in float32)."""

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: Any = None,
                 min_delta: float = 0) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to "
                          "auto mode.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op: Optional[Callable[[Any, Any], Any]] = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            if name == "loss":
                self.monitor_op = np.less
            for metric in _compiled_metrics(self.model):
                if metric.name == name and _direction(metric) is not None:
                    self.monitor_op = np.greater if _direction(metric) == "up" else np.less
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but "
                    "Keras isn't able to automatically determine whether that metric should "
                    "be maximized or minimized. Pass `mode='max'` in order to monitor based "
                    "on the highest metric value, or pass `mode='min'` in order to use the "
                    "lowest value.")
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        # Keras compares with keras.ops, which takes Python floats as float32
        return bool(self.monitor_op(np.float32(value - self.min_delta), np.float32(reference)))


def _compiled_metrics(model):
    """The metric objects ``compile`` was given (Keras 3 searches only those)."""
    found = []
    for metric in getattr(model, "metrics", []):
        if type(metric).__name__ == "CompileMetrics":
            found.extend(metric.metrics)
    return found


class EarlyStopping(MonitorCallback):
    """Stop ``fit`` when ``monitor`` has not improved by more than ``min_delta`` for
    ``patience`` epochs (counting from ``start_from_epoch``), as Keras 3; with
    ``restore_best_weights`` the best epoch's weights are put back at the end.

    >>> import gradtape as tf, numpy as np
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="zeros")])
    >>> model.compile(tf.keras.optimizers.SGD(), loss="mse")
    >>> stop = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=10.0)
    >>> history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=10, verbose=0,
    ...                     callbacks=[stop])
    >>> history.epoch, stop.stopped_epoch
    ([0, 1], 1)
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: Optional[float] = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights: Optional[List[Any]] = None
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: Optional[Dict[str, Any]]) -> Any:
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(list(logs.keys()))}",
                          stacklevel=2)
        return value


def _learning_rate(optimizer):
    return float(np.asarray(optimizer.learning_rate))


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at each epoch's start to
    ``schedule(epoch, learning_rate)`` (or ``schedule(epoch)``); each epoch's logs get
    ``'learning_rate'``.

    >>> import gradtape as tf, numpy as np
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    >>> model.compile(tf.keras.optimizers.SGD(0.1), loss="mse")
    >>> scheduler = tf.keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr / 2)
    >>> history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
    ...                     callbacks=[scheduler])
    >>> history.history["learning_rate"]
    [0.05000000074505806, 0.02500000037252903]
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            rate = self.schedule(epoch, _learning_rate(optimizer))
        except TypeError:  # a schedule of the epoch only, as Keras
            rate = self.schedule(epoch)
        if not isinstance(rate, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. "
                             f"Got: {rate}")
        optimizer.learning_rate = rate
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{rate}.")

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if logs is not None:
            logs["learning_rate"] = _learning_rate(self.model.optimizer)


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` (not below ``min_lr``) when ``monitor``
    has not improved by more than ``min_delta`` for ``patience`` epochs, then wait
    ``cooldown`` epochs; each epoch's logs get ``'learning_rate'`` (Keras 3's).

    >>> import gradtape as tf, numpy as np
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="zeros")])
    >>> model.compile(tf.keras.optimizers.SGD(0.5), loss="mse")
    >>> reduce = tf.keras.callbacks.ReduceLROnPlateau("loss", factor=0.5, patience=0,
    ...                                               min_delta=10.0)
    >>> history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=3, verbose=0,
    ...                     callbacks=[reduce])
    >>> history.history["learning_rate"]
    [0.5, 0.5, 0.25]
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0.0, **kwargs: Any) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. "
                             f"Received factor={factor}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _learning_rate(self.model.optimizer)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` "
                          f"which is not available. Available metrics are: "
                          f"{','.join(list(logs.keys()))}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, epoch):
        old = _learning_rate(self.model.optimizer)
        if old <= np.float32(self.min_lr):
            return False
        new = max(old * self.factor, self.min_lr)
        self.model.optimizer.learning_rate = new
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
        return True

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0


class LambdaCallback(Callback):
    """A callback made of the functions given for ``fit``'s hooks (other keyword
    arguments become attributes, e.g. ``on_test_end=...``, as Keras).

    >>> import gradtape as tf, numpy as np
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    >>> model.compile(loss="mse")
    >>> show = tf.keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: print(epoch))
    >>> _ = model.fit(np.ones((2, 1)), np.ones((2, 1)), epochs=2, verbose=0, callbacks=[show])
    0
    1
    """

    def __init__(self, on_epoch_begin: Optional[Callable[..., Any]] = None,
                 on_epoch_end: Optional[Callable[..., Any]] = None,
                 on_train_begin: Optional[Callable[..., Any]] = None,
                 on_train_end: Optional[Callable[..., Any]] = None,
                 on_train_batch_begin: Optional[Callable[..., Any]] = None,
                 on_train_batch_end: Optional[Callable[..., Any]] = None,
                 **kwargs: Any) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        given = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for hook, fn in given.items():
            if fn is not None:
                setattr(self, hook, fn)


class TerminateOnNaN(Callback):
    """Stop ``fit`` after a batch whose loss is NaN or infinite (raise a RuntimeError
    instead with ``raise_error=True``).

    >>> import gradtape as tf, numpy as np
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    >>> model.compile(loss="mse")
    >>> history = model.fit(np.ones((4, 1)), np.full((4, 1), np.nan), batch_size=1, epochs=3,
    ...                     verbose=0, callbacks=[tf.keras.callbacks.TerminateOnNaN()])
    Batch 0: Invalid loss, terminating training
    >>> history.epoch
    [0]
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                                   f"{loss}. Terminating training immediately.")
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class CSVLogger(Callback):
    """Write each epoch's logs as a row of the CSV file ``filename`` (columns ``epoch``
    then the log names in order, the ``val_`` ones added when missing), as Keras 3.

    >>> import gradtape as tf, numpy as np, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="zeros")])
    >>> model.compile(loss="mse")
    >>> _ = model.fit(np.ones((2, 1)), np.ones((2, 1)), verbose=0,
    ...               callbacks=[tf.keras.callbacks.CSVLogger(path)])
    >>> print(open(path).read().strip())
    epoch,loss,val_loss
    0,1.0,NA
    """

    def __init__(self, filename: Any, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer: Any = None
        self.keys: Optional[List[str]] = None
        self.append_header = True
        self.csv_file: Any = None

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        mode = "w"
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as file:
                    self.append_header = not bool(len(file.readline()))
            mode = "a"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys.extend([f"val_{key}" for key in self.keys])
        if self.writer is None:
            dialect = type("CustomDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = collections.OrderedDict({"epoch": epoch})
        row.update((key, _csv_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _csv_value(value):
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value
    if isinstance(value, collections.abc.Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class ModelCheckpoint(Callback):
    """Keras' checkpoint callback: not supported in gradtape, which has neither the
    ``.keras`` / SavedModel formats nor ``Model.save_weights``; constructing it raises.

    >>> import gradtape as tf
    >>> try:
    ...     tf.keras.callbacks.ModelCheckpoint("ckpt.weights.h5", save_weights_only=True)
    ... except NotImplementedError as error:
    ...     print(str(error)[:64])
    tf.keras.callbacks.ModelCheckpoint is not supported in gradtape:
    """

    def __init__(self, filepath: Any, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            "tf.keras.callbacks.ModelCheckpoint is not supported in gradtape: it has no "
            "SavedModel or .keras model saving and no Model.save_weights (.weights.h5) "
            "format. Save the weights in a callback's on_epoch_end with "
            "`gradtape.train.Checkpoint(model=self.model).write(path)`")


__getattr__ = _missing_names("gradtape.keras.callbacks", "tf.keras.callbacks")

"""Keras 3's training engine for a ``Model``: ``compile``, ``fit``, ``evaluate``,
``predict``, and the ``train_step`` / ``test_step`` / ``predict_step`` they call on each batch (override them to change what
``fit`` does, as Keras' "customizing what happens in fit" guide shows).

``fit`` takes NumPy arrays or tensors, cut into batches of ``batch_size`` (floating
arrays cast to float32, as Keras), or a ``tf.data.Dataset`` of batches, and calls
``train_step`` on ``(x, y)`` or ``(x, y, sample_weight)`` (``(x,)`` without targets;
a dataset's elements as they are). As in Keras, the
step runs under ``gradtape.function`` (with ``reduce_retracing``) unless ``compile`` was
given ``run_eagerly=True``: a Python side effect in ``train_step`` (a ``print``) happens
while tracing. Keras traces with the batch size unknown when the last batch is
smaller, so the number of traces can differ from TensorFlow's; the numbers do not.
Each epoch starts with the
metrics reset, and ``History.history`` keeps each metric's value after its last batch
and the ``val_`` ones of ``validation_data``, all in name order, as Keras. The three
methods call ``callbacks`` (``gradtape/keras/callbacks.py``) as Keras 3 does;
``steps_per_epoch`` takes that many batches an epoch, going on where the last epoch
stopped.
With ``shuffle=True`` (the default) the batches' order is NumPy's, not TensorFlow's;
``shuffle=False`` gives TensorFlow's numbers.
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np

from .. import nest as _nest
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike
from ..rules import elementwise as _ew
from . import callbacks as _callbacks
from . import losses as _losses
from . import metrics as _metrics
from . import optimizers as _optimizers
from .callbacks import History
from typing import Any, Dict, List, Optional


class CompileMetrics(_metrics.Metric):
    """The metrics given to ``compile``, updated together; ``result()`` is a dict by name.

    For a functional model with several outputs (``output_names``), the metrics are per
    output (a list with one entry per output, or a dict by output name) and named
    ``'<output>_<metric>'``, as Keras 3.

    >>> import gradtape as tf
    >>> m = CompileMetrics(["mae", "mse"])
    >>> m.update_state([[1.0], [2.0]], [[2.0], [4.0]])
    >>> {k: float(v) for k, v in m.result().items()}
    {'mae': 1.5, 'mse': 2.5}
    >>> m = CompileMetrics([["mae"], "mse"], output_names=["a", "b"])
    >>> m.update_state([[[1.0]], [[2.0]]], [[[2.0]], [[4.0]]])
    >>> {k: float(v) for k, v in m.result().items()}
    {'a_mae': 1.0, 'b_mse': 4.0}
    """

    def __init__(self, metrics: Any = None, weighted_metrics: Any = None,
                 output_names: Optional[List[str]] = None) -> None:
        super().__init__(name="compile_metrics")
        self._output_names = output_names
        # one list of metrics per output ('accuracy' a name until a batch picks its class);
        # metrics that do not match the outputs raise on the first batch, as in Keras 3
        self._mismatch = None
        try:
            self._unweighted = _metric_lists(metrics, output_names, "metrics")
            self._weighted = _metric_lists(weighted_metrics, output_names, "weighted_metrics")
        except ValueError as error:
            self._mismatch, self._unweighted, self._weighted = error, [], []

    @property
    def metrics(self) -> List[Any]:
        """The metric objects, unweighted ones first (an ``'accuracy'`` only once the
        first batch has picked its class)."""
        return [m for group in self._unweighted + self._weighted for m in group
                if not isinstance(m, str)]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if self._mismatch is not None:
            raise self._mismatch
        if self._output_names is None:
            _refuse_several_outputs(y_pred, "compiled metrics")
            pairs = [(_one_output(y_true), _one_output(y_pred))]
        else:
            pairs = list(zip(_by_output(y_true, self._output_names, "the targets (y)"),
                             _by_output(y_pred, self._output_names, "the model's outputs")))
        for k, (y_t, y_p) in enumerate(pairs):
            self._unweighted[k] = [_accuracy_for(m, y_t, y_p) for m in self._unweighted[k]]
            self._weighted[k] = [_accuracy_for(m, y_t, y_p) for m in self._weighted[k]]
            for metric in self._unweighted[k]:
                metric.update_state(y_t, y_p)
            for metric in self._weighted[k]:
                metric.update_state(y_t, y_p, sample_weight=sample_weight)

    def result(self) -> Dict[str, Any]:
        """Each metric's result by name, as Keras 3: a name seen before gets ``_1``,
        ``_2``, ... and a weighted metric's the prefix ``weighted_`` first."""
        names = self._output_names or [None]
        results: Dict[str, Any] = {}
        counts: Dict[str, int] = {}
        for weighted, groups in ((False, self._unweighted), (True, self._weighted)):
            for k, group in enumerate(groups):
                prefix = f"{names[k]}_" if names[k] else ""
                for metric in group:
                    name = prefix + metric.name
                    if name in counts and weighted:
                        name = prefix + "weighted_" + metric.name
                    if name in counts:
                        counts[name] += 1
                        name = f"{name}_{counts[name] - 1}"
                    else:
                        counts[name] = 1
                    results[name] = metric.result()
        return results

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()


def _metric_lists(spec, names, what):
    """``compile``'s metrics as one list of compiled metrics per output (one list for a
    model with one output)."""
    if names is None:
        return [[_compiled_metric(m) for m in _as_list(spec)]]
    if spec is None:
        return [[] for _ in names]
    if isinstance(spec, dict):
        unknown = [key for key in spec if key not in names]
        if unknown:
            raise ValueError(f"Invalid `{what}`: the keys {unknown} are not the model's output "
                             f"names {names}")
        per_output = [spec.get(name) for name in names]
    elif isinstance(spec, (list, tuple)) and len(spec) == len(names):
        per_output = list(spec)
    else:
        raise ValueError(
            f"Invalid `{what}`. `{what}` should contain metrics objects and either be a dict "
            f"or a list matching the output names of the functional model {names} or match "
            f"the output structure of the model: {['X'] * len(names)}.\nReceived: "
            f"{what}={spec!r}")
    return [[_compiled_metric(m) for m in _as_list(entry)] for entry in per_output]


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, dict) or (isinstance(value, (list, tuple))
                                   and any(isinstance(v, (list, tuple, dict)) for v in value)):
        raise NotImplementedError("compile: metrics for several outputs (nested lists or "
                                  "dicts) are not supported in gradtape; give one flat list")
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _compiled_metric(identifier):
    """A metric object for ``compile(metrics=[...])``, named as given (``'mae'``);
    ``'accuracy'`` stays a name until the first batch shows its shapes."""
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        return identifier
    if isinstance(identifier, str) and identifier in ("crossentropy", "ce"):
        raise NotImplementedError(
            f"compile: the metric {identifier!r} (Keras picks its class from the targets' "
            "shapes) is not supported in gradtape; pass the metric object, e.g. "
            "tf.keras.metrics.SparseCategoricalCrossentropy()")
    metric = _metrics.get(identifier)
    if not isinstance(metric, _metrics.Metric):
        name = identifier if isinstance(identifier, str) else getattr(metric, "__name__", None)
        return _metrics.MeanMetricWrapper(metric, name=name)
    if isinstance(identifier, str):
        metric.name = identifier
    return metric


def _accuracy_for(metric, y_true, y_pred):
    """The accuracy class Keras picks for ``compile(metrics=['accuracy'])`` from the
    shapes of a batch: binary for one output column, sparse categorical for integer
    labels (one rank less, or one column), categorical otherwise.

    >>> import numpy as np
    >>> type(_accuracy_for("accuracy", np.zeros(4), np.zeros((4, 10)))).__name__
    'SparseCategoricalAccuracy'
    >>> type(_accuracy_for("acc", np.zeros((4, 1)), np.zeros((4, 1)))).__name__
    'BinaryAccuracy'
    """
    if not isinstance(metric, str):
        return metric
    true_shape, pred_shape = _shape_of(y_true), _shape_of(y_pred)
    if pred_shape[-1] == 1:
        cls = _metrics.BinaryAccuracy
    elif len(true_shape) < len(pred_shape) or true_shape[-1] == 1:
        cls = _metrics.SparseCategoricalAccuracy
    else:
        cls = _metrics.CategoricalAccuracy
    return cls(name=metric)


def _shape_of(value):
    return tuple(value.shape) if hasattr(value, "shape") else np.shape(value)


def _compiled_loss(identifier):
    """A Loss object for ``compile(loss=...)``: a name or a function is wrapped
    (the mean over the batch, as Keras)."""
    if isinstance(identifier, _losses.Loss):
        return identifier
    fn = _losses.get(identifier)
    if isinstance(fn, _losses.Loss):
        return fn
    return _losses.LossFunctionWrapper(fn, name=identifier if isinstance(identifier, str)
                                       else getattr(fn, "__name__", None))


class CompileLoss:
    """Keras 3's compiled loss: one loss, or one per output of a functional model with
    several (a list in output order, or a dict by output name; ``None`` skips an output),
    each scaled by its ``loss_weights`` entry; the total is their sum. With several, each
    output's unweighted loss is tracked as ``'<output name>_loss'`` (a mean over the
    batches, each batch counted once as under TensorFlow's traced step, or by its size
    with ``run_eagerly``).

    >>> import gradtape as tf, numpy as np
    >>> inputs = tf.keras.Input(shape=(2,))
    >>> a = tf.keras.layers.Dense(1, name="a", kernel_initializer="ones")(inputs)
    >>> b = tf.keras.layers.Dense(1, name="b", kernel_initializer="zeros")(inputs)
    >>> model = tf.keras.Model(inputs, [a, b])
    >>> model.compile(loss=["mse", "mae"], loss_weights={"a": 1.0, "b": 0.5})
    >>> model.evaluate(np.ones((2, 2)), [np.zeros((2, 1)), np.ones((2, 1))], verbose=0)
    [4.5, 4.0, 1.0]
    """

    def __init__(self, loss: Any, loss_weights: Any = None,
                 output_names: Optional[List[str]] = None, by_batch_size: bool = False) -> None:
        names = output_names or [None]
        losses = _per_output(loss, names, "loss") if output_names else [_only_one(loss, "loss")]
        weights = ([None] * len(names) if loss_weights is None
                   else _loss_weights(loss, loss_weights, names))
        self.output_names = names
        self.losses = [None if fn is None else _compiled_loss(fn) for fn in losses]
        self.weights = weights
        self.by_batch_size = by_batch_size
        several = sum(fn is not None for fn in losses) > 1
        self._trackers = [_metrics.Mean(name=f"{name}_loss") if several and fn is not None
                          else None for name, fn in zip(names, losses)]
        self.built = False

    @property
    def metrics(self) -> List[Any]:
        """Each output's loss tracker (once a batch has been seen, as Keras 3 lists them)."""
        return [m for m in self._trackers if m is not None] if self.built else []

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        if len(self.output_names) == 1:
            _refuse_several_outputs(y_pred, "a compiled loss")
            y_true, y_pred = [_one_output(y_true)], [_one_output(y_pred)]
        else:
            y_pred = _by_output(y_pred, self.output_names, "the model's outputs")
            y_true = _by_output(y_true, self.output_names, "the targets (y)")
        self.built = True
        total = None
        for loss, weight, metric, y_t, y_p in zip(self.losses, self.weights, self._trackers,
                                                 y_true, y_pred):
            if loss is None:
                continue
            value = loss(y_t, y_p, sample_weight=sample_weight)
            if metric is not None:
                metric.update_state(value, sample_weight=y_p.shape[0] if self.by_batch_size
                                    else None)
            if weight is not None:
                value = value * _ew.cast(convert_to_tensor(weight), value.dtype)
            total = value if total is None else total + value
        return total


def _only_one(loss, what):
    """The loss of a model with one output: a list or dict of one is unwrapped."""
    if isinstance(loss, dict):
        loss = list(loss.values())
    if isinstance(loss, (list, tuple)):
        if len(loss) != 1 or loss[0] is None:
            raise NotImplementedError(f"compile: {what}={loss!r} for a model with one output "
                                      "is not supported in gradtape; give one loss")
        loss = loss[0]
    return loss


def _per_output(spec, names, what):
    """``spec`` (one value for every output, a list in output order, or a dict by output
    name) as a list in output order."""
    if isinstance(spec, dict):
        if set(spec) != set(names):
            raise ValueError(f"Expected keys {names} in {what} dict, but found "
                             f"{what}.keys()={list(spec)}")
        return [spec[name] for name in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(names):
            raise NotImplementedError(
                f"compile: {len(spec)} {what} for a model with {len(names)} outputs {names} "
                f"is not supported in gradtape; give one per output (None to skip one)")
        return list(spec)
    return [spec] * len(names)


def _loss_weights(loss, loss_weights, names):
    """``compile``'s ``loss_weights`` in output order (a number for a model with one output)."""
    if len(names) == 1:
        return [_only_one(loss_weights, "loss_weights")]
    if not isinstance(loss, (list, tuple, dict)):
        count = len(loss_weights) if isinstance(loss_weights, (list, tuple, dict)) else 1
        raise ValueError(f"`loss_weights` must match the number of losses, got 1 losses "
                         f"and {count} weights.")
    return _per_output(loss_weights, names, "loss_weights")


def _by_output(values, names, what):
    """A structure of one value per output (a list, or a dict by output name) in output order."""
    if isinstance(values, dict):
        missing = [name for name in names if name not in values]
        if missing:
            raise ValueError(f"{what}: no value for the outputs {missing}; the dict has the "
                             f"keys {list(values)}")
        return [values[name] for name in names]
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    if len(values) != len(names):
        raise ValueError(f"{what}: {len(values)} values for a model with {len(names)} "
                         f"outputs {names}")
    return values


def _output_names(model):
    """The names of a functional model's outputs (the dict's keys, or the layers that
    make them); None for one output or a model that is not functional."""
    graph = getattr(model, "_graph", None)
    if graph is None or len(_nest.flatten(graph.outputs)) < 2:
        return None
    if isinstance(graph.outputs, dict):
        return sorted(graph.outputs)
    return [t._node.layer.name for t in _nest.flatten(graph.outputs)]


def _as_numpy(value):
    return value.numpy() if isinstance(value, TensorLike) else np.asarray(value)


def _as_batches_source(value):
    """Arrays (a structure of them) with floats as float32, as Keras' array adapter."""
    def convert(leaf):
        array = leaf.numpy() if isinstance(leaf, TensorLike) else np.asarray(leaf)
        return array.astype("float32") if array.dtype.kind == "f" else array
    return None if value is None else _nest.map_structure(convert, value)


def _length(source):
    lengths = {len(leaf) for leaf in _nest.flatten(source)}
    if len(lengths) != 1:
        raise ValueError(f"Data cardinality is ambiguous: the arrays have different sizes "
                         f"{sorted(lengths)}; make sure all arrays contain the same number "
                         "of samples.")
    return lengths.pop()


def _batches(data, batch_size, shuffle):
    """The ``(x, y[, sample_weight])`` tuples of each batch, as tensors."""
    size = _length(data)
    order = np.random.permutation(size) if shuffle else np.arange(size)
    for start in range(0, size, batch_size):
        index = order[start:start + batch_size]
        yield tuple(_nest.map_structure(lambda a: convert_to_tensor(a[index]), part)
                    for part in data)


class _EpochBatches:
    """The ``(step, batch)`` pairs of each epoch of ``fit``, as Keras 3's epoch iterator:
    every batch each epoch, or with ``steps_per_epoch`` that many, an epoch going on
    where the last one stopped and ending early (with Keras' warning) when the data
    runs out; the next epoch then starts over.  ``make_batches()`` starts a pass over
    the data, of ``num_batches`` batches (None: unknown until a pass ends).

    >>> batches = _EpochBatches(lambda: _batches((np.arange(5.0),), 2, False), 3,
    ...                         steps_per_epoch=2)
    >>> [[float(b[0][0]) for _, b in batches.epoch()] for _ in range(3)]
    [[0.0, 2.0], [4.0], [0.0, 2.0]]
    """

    def __init__(self, make_batches, num_batches, steps_per_epoch=None):
        self._make_batches = make_batches
        self._steps_per_epoch = steps_per_epoch
        self._num_batches = num_batches
        self._current = None
        self._seen = 0

    @property
    def steps(self):
        """The steps of an epoch, as ``History.params['steps']`` (None: unknown)."""
        return self._steps_per_epoch or self._num_batches

    def epoch(self):
        """The epoch's ``(step, batch)`` pairs.  As Keras 3, a pass over the data starts
        when an epoch starts (or goes on, with ``steps_per_epoch``) and again right
        after the last batch, and an unknown length is learnt (one too many, as Keras
        counts it) when the data runs out, with Keras' warning; each new pass is a new
        iteration of a dataset (a ``shuffle`` in it reshuffles)."""
        steps = self.steps
        if not steps:
            self._restart()
        elif self._current is None or not self._steps_per_epoch:
            self._restart()
        for step in (range(steps) if steps else itertools.count()):
            if self._num_batches and self._seen >= self._num_batches:
                if self._steps_per_epoch:
                    _warn_out_of_data()
                break
            self._seen += 1
            batch = next(self._current, _END)
            if batch is _END:
                if self._num_batches is None:
                    self._num_batches = self._seen
                _warn_out_of_data()
                self._current = None
                return
            yield step, batch
        if self._num_batches and self._seen >= self._num_batches:
            self._restart()

    def _restart(self):
        self._current = iter(self._make_batches())
        self._seen = 0


_END = object()


def _warn_out_of_data():
    warnings.warn("Your input ran out of data; interrupting training. Make sure that your "
                  "dataset or generator can generate at least `steps_per_epoch * epochs` "
                  "batches. You may need to use the `.repeat()` function when building your "
                  "dataset.", stacklevel=4)


def _is_dataset(value):
    from ..data import Dataset
    return isinstance(value, Dataset)


def _dataset_batches(dataset):
    """A pass over a ``tf.data.Dataset`` as ``fit`` gives it to ``train_step``: each
    element as it is (a tuple ``(x, y[, sample_weight])``, or ``x``)."""
    return iter(dataset)


def _dataset_num_batches(dataset):
    count = int(dataset.cardinality())
    return count if count >= 0 else None


def _check_dataset_arguments(method, x, y=None, sample_weight=None, validation_split=0.0,
                             class_weight=None):
    """Keras 3's errors for what a dataset must carry itself."""
    if y is not None:
        raise ValueError("When providing `x` as a tf.data.Dataset, `y` should not be passed. "
                         "Instead, the targets should be included as part of the "
                         "tf.data.Dataset.")
    if sample_weight is not None:
        raise ValueError("When providing `x` as a tf.data.Dataset, `sample_weights` should "
                         "not be passed. Instead, the sample weights should be included as "
                         "part of the tf.data.Dataset.")
    if validation_split:
        raise ValueError("Argument `validation_split` is only supported for tensors or NumPy "
                         f"arrays.Found incompatible type in the input: {[type(x)]}")
    if class_weight is not None:
        raise NotImplementedError(f"Model.{method}(class_weight=...) with a tf.data.Dataset is "
                                  "not supported in gradtape: put per-sample weights in the "
                                  "dataset, (x, y, sample_weight)")


def _data(x, y, sample_weight):
    parts = [_as_batches_source(x)]
    if y is not None:
        parts.append(_as_batches_source(y))
    if sample_weight is not None:
        if y is None:
            raise ValueError("fit: sample_weight needs y")
        parts.append(_as_batches_source(sample_weight))
    return tuple(parts)


def _with_class_weights(data, class_weight):
    """``(x, y)`` with the per-sample weights of ``class_weight`` (``{class: weight}``)
    appended, as Keras 3: the class of a sample is its label (rounded; one-hot or
    probability rows by their argmax), a class missing from the dict weighs 1."""
    if len(data) != 2:
        raise ValueError("You cannot `class_weight` and `sample_weight` at the same time."
                         if len(data) == 3 else "fit: class_weight needs y")
    y = data[1]
    if not isinstance(y, np.ndarray):
        raise ValueError("`class_weight` is only supported for Models with a single output.")
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else np.squeeze(y, axis=-1)
    classes = np.round(y).astype("int32")
    weights = np.array([class_weight.get(int(c), 1.0) for c in classes], dtype="float32")
    return data + (weights,)


def _validation_parts(validation_data):
    """``fit``'s ``validation_data`` as ``(x, y, sample_weight)`` for ``evaluate`` (arrays only)."""
    if validation_data is None:
        return None
    if _is_dataset(validation_data):
        return validation_data, None, None
    if isinstance(validation_data, np.ndarray) or (
            isinstance(validation_data, (tuple, list)) and len(validation_data) == 1):
        # Keras 3 takes these as inputs without targets; its loss then fails on None
        raise ValueError("None values not supported. (fit: validation_data has no targets; "
                         "pass (x_val, y_val))")
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        got = (f"a {type(validation_data).__name__} of {len(validation_data)}"
               if isinstance(validation_data, (tuple, list))
               else type(validation_data).__name__)
        raise ValueError("fit: validation_data must be a tuple (x, y) or "
                         f"(x, y, sample_weight) of arrays; received {got}")
    x, y, weight = tuple(validation_data) + (None,) * (3 - len(validation_data))
    return x, y, weight


def _one_output(value):
    """The array of a model's one output (or its targets), given in a list or dict of one
    (``Model(inputs, [outputs])``), as Keras 3.

    >>> _one_output({"o": np.ones(2)}), _one_output([[1.0], [2.0]])
    (array([1., 1.]), [[1.0], [2.0]])
    """
    if isinstance(value, (list, tuple, dict)):
        leaves = _nest.flatten(value)
        if len(leaves) == 1 and hasattr(leaves[0], "shape"):
            return leaves[0]
    return value


def _refuse_several_outputs(y_pred, what):
    """Keras applies a compiled loss or metric to each output of a model with several;
    gradtape would measure them stacked together, so it refuses (one array written as
    nested lists of numbers is one output)."""
    outputs = sum(hasattr(leaf, "shape") for leaf in _nest.flatten(y_pred)) \
        if isinstance(y_pred, (list, tuple, dict)) else 1
    if outputs > 1:
        raise NotImplementedError(
            f"{what} on a model with {outputs} outputs is not supported in "
            "gradtape (Keras applies them to each output); override train_step/test_step "
            "to compute each output's loss and metrics")


def _refuse_unsupported(method, **given):
    for name, value in given.items():
        if value not in (None, 0, 0.0, 1, False):
            raise NotImplementedError(f"Model.{method}({name}=...) is not supported in "
                                      "gradtape's training engine")


class Trainer:
    """The training engine of ``tf.keras.Model``; see the module docstring.

    >>> import gradtape as tf
    >>> issubclass(tf.keras.Model, Trainer)
    True
    """

    compiled = False
    optimizer = None
    loss = None
    _loss_tracker = None
    _compile_loss = None
    _compile_metrics = None
    run_eagerly = False
    stop_training = False
    history = None
    train_function = None
    test_function = None

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None,
                metrics: Any = None, weighted_metrics: Any = None, run_eagerly: bool = False,
                steps_per_execution: int = 1, jit_compile: Any = "auto",
                auto_scale_loss: bool = True) -> None:
        """Keep the optimizer, loss and metrics that ``fit`` and ``evaluate`` use.

        >>> import gradtape as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        >>> model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        >>> [m.name for m in model.metrics]
        ['loss', 'compile_metrics']
        """
        _refuse_unsupported("compile", steps_per_execution=steps_per_execution)
        self.optimizer = _optimizers.get(optimizer) if optimizer is not None else None
        if loss is not None:
            self._compile_loss = CompileLoss(loss, loss_weights, _output_names(self),
                                             by_batch_size=bool(run_eagerly))
            self.loss = loss
        if metrics is not None or weighted_metrics is not None:
            self._compile_metrics = CompileMetrics(metrics, weighted_metrics,
                                                   _output_names(self))
        self.run_eagerly = bool(run_eagerly)
        self._loss_tracker = _metrics.Mean(name="loss")
        self.train_function = self.test_function = None
        self.compiled = True

    @property
    def metrics(self) -> List[Any]:
        """The loss tracker and the compiled metrics (after ``compile``), then the
        metric objects held as attributes, in the order they were set."""
        found = []
        if self.compiled:
            found.append(self._loss_tracker)
            if self._compile_metrics is not None:
                found.append(self._compile_metrics)
            if self._compile_loss is not None:
                found.extend(self._compile_loss.metrics)
        found.extend(v for v in vars(self).values()
                     if isinstance(v, _metrics.Metric) and not isinstance(v, CompileMetrics)
                     and v is not self._loss_tracker)
        return found

    @property
    def metrics_names(self) -> List[str]:
        """The names of ``metrics``."""
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Reset every metric in ``metrics``."""
        for metric in self.metrics:
            metric.reset_state()

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None,
                     sample_weight: Any = None, training: bool = True) -> Any:
        """The compiled loss of ``(y, y_pred)`` plus the model's ``losses``."""
        total = []
        if self._compile_loss is not None:
            total.append(self._compile_loss(y, y_pred, sample_weight=sample_weight))
        total.extend(self.losses)
        if not total:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total[0] if len(total) == 1 else sum(total[1:], total[0])

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """Update the compiled metrics and return every metric's result."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight=sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> Dict[str, Any]:
        """Each metric's result by name (the compiled metrics' spread out)."""
        logs = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[metric.name] = result
        return logs

    def train_step(self, data: Any) -> Dict[str, Any]:
        """One batch of training: forward, loss, gradients, optimizer step, metrics (Keras')."""
        from ..tape import GradientTape
        x, y, sample_weight = _unpack(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
            self._loss_tracker.update_state(loss, sample_weight=_nest.flatten(x)[0].shape[0])
        weights = self.trainable_weights
        if weights:
            self.optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data: Any) -> Dict[str, Any]:
        """One batch of evaluation: forward, loss, metrics (Keras')."""
        x, y, sample_weight = _unpack(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                 training=False)
        self._loss_tracker.update_state(loss, sample_weight=_nest.flatten(x)[0].shape[0])
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def _step_function(self, step):
        """``step`` as ``fit``/``evaluate`` call it: under ``gradtape.function`` (traced
        once per batch shape, as TensorFlow's ``tf.function``) unless ``run_eagerly``."""
        if self.run_eagerly:
            return step
        from ..compiled import function
        return function(step, reduce_retracing=True)

    def _check_compiled(self, method):
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model.")

    def fit(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None,
            epochs: int = 1, verbose: Any = "auto", callbacks: Any = None,
            validation_split: float = 0.0, validation_data: Any = None, shuffle: bool = True,
            class_weight: Any = None, sample_weight: Any = None, initial_epoch: int = 0,
            steps_per_epoch: Optional[int] = None, **kwargs: Any) -> History:
        """Train for ``epochs`` passes over ``x`` (and ``y``), calling ``train_step`` on
        each batch; returns a ``History``.

        >>> import gradtape as tf, numpy as np
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="zeros")])
        >>> model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
        >>> history = model.fit(np.ones((4, 1)), np.ones((4, 1)), batch_size=4, epochs=2,
        ...                     shuffle=False, verbose=0)
        >>> [round(v, 4) for v in history.history["loss"]]
        [1.0, 0.36]
        """
        self._check_compiled("fit")
        validation_batch_size = kwargs.pop("validation_batch_size", None)
        validation_steps = kwargs.pop("validation_steps", None)
        _refuse_unsupported("fit", **kwargs)
        if _is_dataset(x):
            batches = self._dataset_epochs(x, y, sample_weight, validation_split, class_weight,
                                           shuffle, steps_per_epoch)
        else:
            data = _data(x, y, sample_weight)
            if validation_split and validation_data is None:
                data, validation_data = _train_validation_split(data, validation_split)
            if class_weight is not None:
                data = _with_class_weights(data, class_weight)
            batch_size = batch_size or 32
            _build_on_data(self, data[0], batch_size)
            batches = _EpochBatches(lambda: _batches(data, batch_size, shuffle),
                                    -(-_length(data) // batch_size), steps_per_epoch)
        validation = _validation_parts(validation_data)
        verbose = 1 if verbose == "auto" else verbose
        callbacks = self._callback_list(callbacks, verbose, epochs, batches.steps, history=True)
        self.stop_training = False
        if self.train_function is None:
            self.train_function = self._step_function(self.train_step)
        callbacks.on_train_begin()
        epoch_logs = None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            logs: Any = {}
            for step, batch in batches.epoch():
                callbacks.on_train_batch_begin(step)
                logs = self.train_function(batch)
                callbacks.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            epoch_logs = _callbacks.pythonify_logs(logs)
            if validation is not None:
                epoch_logs.update(self._validation_logs(
                    validation, validation_batch_size or batch_size, callbacks,
                    validation_steps))
            callbacks.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callbacks.on_train_end(logs=epoch_logs)
        return self.history

    def _callback_list(self, callbacks, verbose, epochs, steps, history=False):
        """``callbacks`` as a ``CallbackList`` (a History and what ``verbose`` prints
        added), given this model and ``{'verbose', 'epochs', 'steps'}``, as Keras 3."""
        if isinstance(callbacks, _callbacks.CallbackList):
            return callbacks
        return _callbacks.CallbackList(callbacks, add_history=history,
                                       add_progbar=verbose != 0, model=self,
                                       verbose=verbose, epochs=epochs, steps=steps)

    def _dataset_epochs(self, dataset, y, sample_weight, validation_split, class_weight,
                        shuffle, steps_per_epoch):
        """``fit``'s epochs over a ``tf.data.Dataset`` of batches, as Keras 3 (which
        ignores ``batch_size`` and warns about ``shuffle`` then)."""
        _check_dataset_arguments("fit", dataset, y, sample_weight, validation_split,
                                 class_weight)
        if shuffle:
            warnings.warn("`shuffle=True` was passed, but will be ignored since the data `x` "
                          "was provided as a tf.data.Dataset. The Dataset is expected to "
                          "already be shuffled (via `.shuffle(buffer_size)`).", stacklevel=3)
        _build_on_spec(self, dataset.element_spec)
        return _EpochBatches(lambda: _dataset_batches(dataset), _dataset_num_batches(dataset),
                             steps_per_epoch)

    def _validation_logs(self, validation, batch_size, callbacks, steps=None):
        """``evaluate`` on ``validation`` (``x, y, sample_weight``) at the end of an epoch,
        with ``fit``'s callbacks, its names prefixed ``val_`` (as Keras, it resets the
        metrics first)."""
        x, y, weight = validation
        if _is_dataset(x):
            batch_size = None
        logs = self.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True,
                             sample_weight=weight, callbacks=callbacks, steps=steps)
        return {f"val_{name}": value for name, value in logs.items()}

    def evaluate(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None,
                 verbose: Any = "auto", sample_weight: Any = None, steps: Optional[int] = None,
                 callbacks: Any = None, return_dict: bool = False, **kwargs: Any) -> Any:
        """The loss and metrics over ``x`` (and ``y``), calling ``test_step`` on each batch:
        one value, a list in ``metrics`` order, or a dict with ``return_dict=True``.

        >>> import gradtape as tf, numpy as np
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="zeros")])
        >>> model.compile(loss="mse", metrics=["mae"])
        >>> model.evaluate(np.ones((4, 1)), 2 * np.ones((4, 1)), verbose=0)
        [4.0, 2.0]
        """
        self._check_compiled("evaluate")
        _refuse_unsupported("evaluate", **kwargs)
        if _is_dataset(x):
            _check_dataset_arguments("evaluate", x, y, sample_weight)
            _build_on_spec(self, x.element_spec)
            batches = _EpochBatches(lambda: _dataset_batches(x), _dataset_num_batches(x), steps)
        else:
            _refuse_unsupported("evaluate", steps=steps)
            data = _data(x, y, sample_weight)
            batch_size = batch_size or 32
            _build_on_data(self, data[0], batch_size)
            batches = _EpochBatches(lambda: _batches(data, batch_size, shuffle=False),
                                    -(-_length(data) // batch_size))
        if self.test_function is None:
            self.test_function = self._step_function(self.test_step)
        callbacks = self._callback_list(callbacks, 1 if verbose == "auto" else verbose, 1,
                                        batches.steps)
        self.stop_evaluating = False
        callbacks.on_test_begin()
        self.reset_metrics()
        logs: Any = {}
        for step, batch in batches.epoch():
            callbacks.on_test_batch_begin(step)
            logs = self.test_function(batch)
            callbacks.on_test_batch_end(step, logs)
            if self.stop_evaluating:
                break
        logs = _callbacks.pythonify_logs(logs)
        callbacks.on_test_end(logs)
        return logs if return_dict else self._in_metrics_order(logs)

    def predict_step(self, data: Any) -> Any:
        """One batch of inference: the model called with ``training=False`` on ``x``."""
        x, _, _ = _unpack(data)
        return self(x, training=False)

    def predict(self, x: Any, batch_size: Optional[int] = None, verbose: Any = "auto",
                steps: Optional[int] = None, callbacks: Any = None) -> Any:
        """The model's outputs on ``x``, batch by batch (32 by default) with
        ``predict_step``, joined into NumPy arrays.

        >>> import gradtape as tf, numpy as np
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="ones")])
        >>> model.predict(np.ones((3, 2)), verbose=0)
        array([[2.],
               [2.],
               [2.]], dtype=float32)
        """
        if _is_dataset(x):
            batches = _EpochBatches(lambda: _dataset_batches(x), _dataset_num_batches(x), steps)
        else:
            _refuse_unsupported("predict", steps=steps)
            data = (_as_batches_source(x),)
            batch_size = batch_size or 32
            batches = _EpochBatches(lambda: _batches(data, batch_size, shuffle=False),
                                    -(-_length(data) // batch_size))
        callbacks = self._callback_list(callbacks, 1 if verbose == "auto" else verbose, 1,
                                        batches.steps)
        self.stop_predicting = False
        callbacks.on_predict_begin()
        outputs = []
        for step, batch in batches.epoch():
            callbacks.on_predict_batch_begin(step)
            batch_outputs = self.predict_step(batch)
            outputs.append(_nest.map_structure(_as_numpy, batch_outputs))
            callbacks.on_predict_batch_end(step, {"outputs": batch_outputs})
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        return _nest.map_structure(lambda *parts: np.concatenate(parts), *outputs)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's outputs on one batch ``x``, as NumPy arrays.

        >>> import gradtape as tf, numpy as np
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="ones")])
        >>> model.predict_on_batch(np.ones((1, 2)))
        array([[2.]], dtype=float32)
        """
        batch = tuple(_nest.map_structure(convert_to_tensor, part)
                      for part in (_as_batches_source(x),))
        return _nest.map_structure(_as_numpy, self.predict_step(batch))

    def _in_metrics_order(self, logs):
        names = []
        for metric in self.metrics:
            names.extend(m.name for m in metric.metrics) if isinstance(
                metric, CompileMetrics) else names.append(metric.name)
        results = [logs[name] for name in names if name in logs]
        results += [logs[key] for key in sorted(logs) if key not in names]
        return results[0] if len(results) == 1 else results


def _build_on_data(model, x, batch_size):
    """``fit`` and ``evaluate`` build an unbuilt Sequential model on the batches' shape, as
    Keras 3: the batch size is known when ``batch_size`` divides the samples, else unknown
    (``predict`` and other models build on their first call).

    >>> import gradtape as tf, numpy as np
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(2)])
    >>> _build_on_data(model, np.ones((6, 3), "float32"), 4)
    >>> model.input_shape
    (None, 3)
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(2)])
    >>> _build_on_data(model, np.ones((8, 3), "float32"), 4)
    >>> model.input_shape
    (4, 3)
    """
    build = getattr(model, "_build_for_shape", None)
    if build is not None and not model.built and isinstance(x, np.ndarray):
        batch = batch_size if len(x) % batch_size == 0 else None
        build((batch,) + x.shape[1:])


def _build_on_spec(model, spec):
    """``fit`` and ``evaluate`` on a dataset build an unbuilt Sequential model on the
    inputs' spec (``x`` of ``(x, y[, sample_weight])`` elements)."""
    build = getattr(model, "_build_for_shape", None)
    x = spec[0] if isinstance(spec, tuple) and 1 <= len(spec) <= 3 else spec
    shape = getattr(x, "shape", None)
    if build is not None and not model.built and shape is not None:
        build(tuple(shape))


def _train_validation_split(data, validation_split):
    """The first ``1 - validation_split`` of the samples to train on, the rest to validate
    (Keras 3's split, made before any shuffling)."""
    size = _length(data)
    split_at = int(np.floor(size * (1.0 - validation_split)))
    if split_at == 0 or split_at == size:
        raise ValueError(f"Training data contains {size} samples, which is not sufficient to "
                         "split it into a validation and training set as specified by "
                         f"`validation_split={validation_split}`. Either provide more data, or "
                         "a different value for the `validation_split` argument.")
    parts = [_nest.map_structure(lambda a, s=s: a[s], data)
             for s in (slice(None, split_at), slice(split_at, None))]
    return parts[0], parts[1]


def _unpack(data):
    """Keras' ``(x, y, sample_weight)`` from a batch of one, two or three parts."""
    if isinstance(data, tuple) and 1 <= len(data) <= 3:
        return tuple(data) + (None,) * (3 - len(data))
    return data, None, None

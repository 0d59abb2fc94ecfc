"""Optimizers with Keras 3's update rules: SGD, Adam, AdamW, RMSprop, Adagrad,
Adamax, Nadam, Lion, Adadelta, Ftrl.

The training step TensorFlow users write works unchanged::

    with GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

An update is a change of state (``Variable.assign``), computed in NumPy: no
tape records it.  Inside a ``gradtape.function`` being traced the same rules
compute with gradtape ops instead (see ``_update_math``), so the compiled
step repeats the whole update on each call, learning-rate schedule
included.  Each step: gradients are clipped (``clipnorm``,
``clipvalue`` or ``global_clipnorm``), weight decay shrinks the variables
(``var -= var * weight_decay * lr``), the optimizer's rule updates them, then
``iterations`` grows by one.  A schedule's learning rate is read at
``iterations`` before the step.  ``optimizer.variables`` is the whole state
(step count, learning rate, slots), saved by ``gradtape.Checkpoint``.
"""
from __future__ import annotations
import numbers
import warnings

import numpy as np

from . import schedules
from .._core import trace
from .._core.tensor import TensorLike
from ._update_math import ARRAYS, TENSORS, namespace_of
from . import module as _module
from ..indexed_slices import IndexedSlices, summed_rows
from .module import camel_to_snake, unique_name
from ..variables import Variable
from typing import Any, Callable, List, Optional, Sequence, Union
from .._core.types import Config, Nested, TensorInput


def _hyper(value, what, who, low=0.0, high=None, low_open=False):
    """Check a hyperparameter is a number within bounds; return it as float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{who}: {what} must be a float, got {value!r}")
    value = float(value)
    if value < low or (low_open and value == low) or (high is not None and value > high):
        bounds = f"{'(' if low_open else '['}{low}, {high if high is not None else 'inf'}]"
        raise ValueError(f"{who}: {what} must be in {bounds}, got {value}")
    return value


def _keras_cast(number, dt):
    """A Python hyperparameter as Keras' ``ops.cast(number, variable.dtype)``
    makes it: a float32 first, so a float64 variable gets float32's rounding
    (``0.9`` becomes ``0.8999999761581421``)."""
    return dt(np.float32(number))


class Optimizer:
    """Base class of the optimizers; subclasses declare slots and ``update_step``.

    >>> import gradtape as tf
    >>> w = tf.Variable([1.0, 2.0], name="w")
    >>> opt = tf.optimizers.SGD(learning_rate=0.1)
    >>> with tf.GradientTape() as tape:
    ...     loss = tf.reduce_sum(w ** 2)
    >>> _ = opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    >>> w.numpy(), int(opt.iterations)
    (array([0.8, 1.6], dtype=float32), 1)
    """

    #: groups of ``(slot name, initial value)`` pairs, created per trainable variable
    #: at build time: a group's slots for the first variable, then for the next...
    _SLOTS = ()

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]],
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        who = type(self).__name__
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        given = {k: v for k, v in clips.items() if v is not None}
        if len(given) > 1:
            raise ValueError(f"{who}: only one of `clipnorm`, `clipvalue` and "
                             f"`global_clipnorm` can be set; got {given}")
        for key, value in given.items():
            _hyper(value, key, who)
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.weight_decay = None if weight_decay is None else _hyper(weight_decay, "weight_decay", who)
        self.use_ema = bool(use_ema)
        if self.use_ema:
            _hyper(ema_momentum, "ema_momentum", who, 0.0, 1.0)
            if ema_overwrite_frequency and (
                    not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. "
                                 f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.name = name or unique_name(camel_to_snake(who))
        self._iterations = Variable(np.int64(0), trainable=False, name=f"{self.name}/iteration")
        self._variables = [self._iterations]
        self._learning_rate = self._build_learning_rate(learning_rate)
        self._trainable_variables = []
        self._index = {}
        self._slots = {}
        self._exclude_ids = set()
        self._exclude_names = ()
        self._sparse_rows = {}
        self.built = False

    # -- learning rate and state ------------------------------------------
    def _build_learning_rate(self, learning_rate):
        if isinstance(learning_rate, TensorLike):  # as Keras: not copied, so refused
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of "
                "LearningRateSchedule, or a callable (that takes in the current iteration value "
                "and returns the corresponding learning rate value). Received instead: "
                f"learning_rate={learning_rate!r}")
        if isinstance(learning_rate, schedules.LearningRateSchedule) or (
                callable(learning_rate) and not isinstance(learning_rate, TensorLike)):
            return learning_rate
        try:
            value = float(np.asarray(learning_rate))
        except (TypeError, ValueError):
            raise TypeError(
                f"{type(self).__name__}: learning_rate must be a float, a LearningRateSchedule "
                f"or a callable returning the rate, got {learning_rate!r}") from None
        var = Variable(np.float32(value), trainable=False, name=f"{self.name}/learning_rate")
        self._variables.append(var)
        return var

    @property
    def iterations(self) -> Any:
        """The number of steps taken, an int64 Variable."""
        return self._iterations

    @property
    def learning_rate(self) -> Any:
        """The learning rate for the next step (a schedule is evaluated at ``iterations``)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return lr(self._iterations)
        if callable(lr) and not isinstance(lr, Variable):
            return lr()
        return lr

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(self._learning_rate, Variable) and not callable(value):
            self._learning_rate.assign(np.float32(value))
            return
        if not isinstance(self._learning_rate, Variable) and not callable(value):
            raise TypeError(f"{type(self).__name__}: this optimizer was created with a "
                            "schedule as its learning_rate, so the rate cannot be set; "
                            "create it with a float learning_rate instead")
        if isinstance(self._learning_rate, Variable):
            self._variables.remove(self._learning_rate)
        self._learning_rate = value

    def _current_lr(self, xp):
        """The step's learning rate: a float, or a tensor when ``xp`` is ``TENSORS``."""
        return xp.learning_rate(self.learning_rate)

    @property
    def variables(self) -> List[Any]:
        """The optimizer's state: step count, learning rate (unless a schedule), slots."""
        return list(self._variables)

    def _checkpoint_items(self):
        """``(key, variable)`` pairs with keys stable across runs, for Checkpoint
        (the slots are keyed by their variable's path: see ``_slot_variables``)."""
        items = [("iteration", self._iterations)]
        if isinstance(self._learning_rate, Variable):
            items.append(("learning_rate", self._learning_rate))
        return items

    def _slot_variables(self):
        """``(slot name, variable, slot variable)`` triples: a Checkpoint keys
        each slot by its variable's path, never by the order of ``build``."""
        return [(slot, var, slot_vars[i])
                for slot, slot_vars in self._slots.items()
                for i, var in enumerate(self._trainable_variables)]

    # -- building ----------------------------------------------------------
    def build(self, var_list: Nested) -> None:
        """Create the slots (moments, accumulators) for the variables to train.

        Called by the first ``apply_gradients``; call it yourself before
        restoring a checkpoint into a fresh optimizer.

        >>> import gradtape as tf
        >>> opt = tf.optimizers.Adam()
        >>> opt.build([tf.Variable([1.0, 2.0], name="w")])
        >>> [v.name for v in opt.variables]   # doctest: +ELLIPSIS
        ['adam.../iteration:0', 'adam.../learning_rate:0', 'adam.../w_momentum:0', 'adam.../w_velocity:0']
        """
        var_list = list(var_list)
        for var in var_list:
            if not isinstance(var, Variable):
                raise TypeError(f"{type(self).__name__}.build: expected Variables, "
                                f"got {type(var).__name__}")
        new = [v for v in var_list if id(v) not in self._index]
        for var in new:
            self._index[id(var)] = len(self._trainable_variables)
            self._trainable_variables.append(var)
        # as Keras: the moving averages first, then each group's slots side by side per variable
        for group in (((("average", 0.0),),) if self.use_ema else ()) + tuple(self._SLOTS):
            for var in new:
                for slot, initial in group:
                    self._slots.setdefault(slot, []).append(
                        self.add_variable_from_reference(var, slot, initial))
        self.built = True
        if new and _module.on_new_variable is not None:  # a checkpoint waits for the slots
            _module.on_new_variable()

    def add_variable_from_reference(self, reference_variable: Any, name: Optional[str],
                                    initial_value: Any = 0.0) -> Any:
        """A state Variable shaped like ``reference_variable``, tracked in ``variables``."""
        base = reference_variable.name.rsplit(":", 1)[0].replace("/", "_")
        dt = reference_variable.dtype._np.type  # as Keras' Constant initializer: via float32
        value = np.full(reference_variable.shape, _keras_cast(initial_value, dt), dt)
        var = Variable(value, trainable=False, name=f"{self.name}/{base}_{name}")
        self._variables.append(var)
        return var

    def _slot(self, name, var):
        return self._slots[name][self._index[id(var)]]

    def exclude_from_weight_decay(self, var_list: Nested = None, var_names: Any = None) -> None:
        """Spare some variables from weight decay: these ones, or those whose
        name contains one of ``var_names``.  Call it before the first step.

        >>> import gradtape as tf
        >>> opt = tf.optimizers.AdamW()
        >>> opt.exclude_from_weight_decay(var_names=["bias"])
        """
        if self.built:
            raise ValueError(f"{type(self).__name__}.exclude_from_weight_decay: call it "
                             "before the optimizer is built (before its first step)")
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_names = tuple(var_names or ())

    def _decays(self, var):
        return id(var) not in self._exclude_ids and not any(
            n in var.name for n in self._exclude_names)

    # -- applying ------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Nested) -> Any:
        """Update each variable from its gradient; returns ``iterations``.

        A ``None`` gradient skips its variable with a warning that names it.

        >>> import gradtape as tf
        >>> v = tf.Variable(1.0)
        >>> _ = tf.optimizers.SGD(0.5).apply_gradients([(tf.constant(2.0), v)])
        >>> v.numpy()
        0.0
        """
        pairs = list(grads_and_vars)
        if not pairs:  # Keras 3 unpacks the pairs; none is its ValueError
            raise ValueError("not enough values to unpack (expected 2, got 0): "
                             "apply_gradients got no (gradient, variable) pairs; "
                             "is the list of variables empty?")
        grads, variables = zip(*pairs)
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads: Sequence[Any], trainable_variables: Nested = None) -> Any:
        """Update ``trainable_variables`` (default: those built with) from ``grads``.

        Eagerly the update computes with NumPy; while a ``gradtape.function``
        is traced, with gradtape ops, so each replay repeats it.

        >>> import gradtape as tf
        >>> w = tf.Variable(1.0)
        >>> opt = tf.optimizers.Adam(learning_rate=0.1)
        >>> step = tf.function(lambda g: opt.apply([g], [w]))
        >>> for g in (1.0, -2.0, 3.0):
        ...     step(tf.constant(g))
        >>> int(opt.iterations), step.trace_count
        (3, 1)
        """
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError(f"{type(self).__name__}.apply: without variables the "
                                 "optimizer must be built first: call optimizer.build(variables)")
            trainable_variables = self._trainable_variables
        variables = list(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(f"{type(self).__name__}.apply: got {len(grads)} gradients for "
                             f"{len(variables)} variables")
        if not grads:
            return
        self._check_variables(variables)
        if not self.built:
            self.build(variables)
        self._check_known(variables)
        grads, variables = self._filter_empty(grads, variables)
        xp = TENSORS if trace._active[0] and trace.tracer() is not None else ARRAYS
        rows = {i: g.indices for i, g in enumerate(grads) if type(g) is IndexedSlices}
        grads = [self._gradient_value(g, v, xp) for g, v in zip(grads, variables)]
        grads = self._clip(grads, variables, xp)  # an IndexedSlices' rows, as Keras clips them
        grads = self._sum_rows(grads, rows, variables, xp)
        lr = self._current_lr(xp)
        if self.weight_decay is not None:
            for var in variables:
                if self._decays(var):
                    dt = var.dtype._np.type
                    var.assign_sub(xp.read(var) * _keras_cast(self.weight_decay, dt)
                                   * xp.cast(lr, dt))
        self._before_update_steps(variables, xp)
        for g, var in zip(grads, variables):
            self.update_step(g, var, lr)
        if self.use_ema:
            self._update_moving_averages(xp)
        for var in variables:  # as Keras: the constraints project the updated values
            if var.constraint is not None:
                var.assign(var.constraint(var))
        self._sparse_rows.clear()
        self._iterations.assign_add(1)

    def _update_moving_averages(self, xp):
        """Keras' ``use_ema``: ``average = m * average + (1 - m) * w`` over every
        variable built with (``m`` is 0 on the first step), then every
        ``ema_overwrite_frequency`` steps the variables take their averages."""
        step = xp.read(self._iterations)
        pairs = list(zip(self._trainable_variables, self._slots["average"]))
        for var, average in pairs:
            dt = var.dtype._np.type
            momentum = xp.where(step == 0, dt(0), dt(self.ema_momentum))
            average.assign(momentum * xp.read(average) + (dt(1) - momentum) * xp.read(var))
        if self.ema_overwrite_frequency:
            overwrite = (step + 1) % self.ema_overwrite_frequency == 0
            for var, average in pairs:
                var.assign(xp.where(overwrite, xp.read(average), xp.read(var)))

    def finalize_variable_values(self, var_list: Nested) -> None:
        """With ``use_ema``, give the variables their moving averages (Keras
        calls it at the end of ``fit``); otherwise nothing.

        >>> import gradtape as tf
        >>> w = tf.Variable(1.0)
        >>> opt = tf.optimizers.SGD(0.5, use_ema=True, ema_momentum=0.5)
        >>> for _ in range(2):
        ...     _ = opt.apply_gradients([(tf.constant(1.0), w)])
        >>> float(w.numpy()), float(opt.variables[2].numpy())   # average: 0.5 * 0.5 + 0.5 * 0
        (0.0, 0.25)
        >>> opt.finalize_variable_values([w])
        >>> float(w.numpy())
        0.25
        """
        if not self.use_ema:
            return
        var_list = list(var_list)
        averages = self._slots.get("average", [])
        if len(var_list) != len(averages):
            raise ValueError(f"The length of model variables ({len(var_list)}) to override "
                             "does not match the length of model variables stored in the "
                             f"optimizer ({len(averages)}). Please check if the optimizer "
                             "was called on your model.")
        for var, average in zip(var_list, averages):
            var.assign(average)

    def minimize(self, loss: Any, var_list: Nested, tape: Any = None) -> Any:
        """Take one step on ``loss``: a zero-argument callable, or a tensor recorded on ``tape``.

        >>> import gradtape as tf
        >>> v = tf.Variable(3.0)
        >>> _ = tf.optimizers.SGD(0.25).minimize(lambda: v ** 2, [v])
        >>> v.numpy()
        1.5
        """
        from ..tape import GradientTape
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        if callable(loss):
            with GradientTape() as tape:
                tape.watch(var_list)
                loss = loss()
        elif tape is None:
            raise ValueError(f"{type(self).__name__}.minimize: `tape` is required when "
                             "`loss` is a tensor; pass the GradientTape that recorded it")
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def _check_variables(self, variables):
        for i, var in enumerate(variables):
            if not isinstance(var, Variable):
                raise TypeError(
                    f"{type(self).__name__}.apply_gradients: item {i} pairs a gradient with a "
                    f"{type(var).__name__}, not a Variable; only Variables can be updated")
            if not var.dtype.is_floating:
                raise TypeError(f"{type(self).__name__}.apply_gradients: variable "
                                f"'{var.name}' has dtype {var.dtype.name}; only floating "
                                "variables can be trained")

    def _check_known(self, variables):
        for var in variables:
            if id(var) not in self._index:
                raise ValueError(
                    f"{type(self).__name__}.apply_gradients: unknown variable '{var.name}'. "
                    "This optimizer can only update the variables it was first built with; "
                    "create a new optimizer for a new set of variables")

    @staticmethod
    def _filter_empty(grads, variables):
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        missing = [v.name for g, v in zip(grads, variables) if g is None]
        if not kept:
            raise ValueError("No gradients provided for any variable: "
                             f"{[v.name for v in variables]}")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing "
                          "the loss; they are left unchanged", UserWarning, stacklevel=4)
        return [g for g, _ in kept], [v for _, v in kept]

    def _gradient_value(self, grad, var, xp):
        """The gradient as an array (or a tensor) of ``var``'s shape and dtype (of
        an IndexedSlices: its rows)."""
        if type(grad) is IndexedSlices:
            value, shape = xp.value(grad.values), tuple(grad.shape)
        else:
            value = xp.value(grad)
            shape = tuple(value.shape)
        if shape != tuple(var.shape):
            raise ValueError(
                f"{type(self).__name__}.apply_gradients: the gradient for variable "
                f"'{var.name}' has shape {shape}, but the variable has shape "
                f"{tuple(var.shape)}")
        return xp.cast(value, var.dtype._np.type)

    def _sum_rows(self, grads, rows, variables, xp):
        """Each IndexedSlices' rows added into a dense gradient.  Keras applies a
        nonlinear function (square, abs) to an IndexedSlices row by row, so a
        repeated index adds its rows' images: ``_rowwise`` gives that sum.
        Keras' ``global_clipnorm`` scales an IndexedSlices into a dense tensor,
        to which the rule then applies the function."""
        for i, indices in rows.items():
            var = variables[i]
            if not self.global_clipnorm:
                self._sparse_rows[id(var)] = (grads[i], indices)
            grads[i] = summed_rows(grads[i], indices, var.shape)
        return grads

    def _rowwise(self, fn, gradient, variable, *dense):
        """``fn(gradient, *dense)`` as Keras computes it (see ``_sum_rows``): of
        an IndexedSlices, ``fn`` of each row and the ``dense`` arrays' rows
        at its index, summed."""
        sparse = self._sparse_rows.get(id(variable))
        if sparse is None:
            return fn(gradient, *dense)
        rows, indices = sparse
        xp = namespace_of(rows)
        return summed_rows(fn(rows, *(xp.rows(d, indices) for d in dense)), indices,
                           variable.shape)

    def _square(self, gradient, variable, xp):
        """``gradient ** 2`` as Keras computes it (see ``_sum_rows``)."""
        return self._rowwise(xp.square, gradient, variable)

    def _clip(self, grads, variables, xp):
        types = [var.dtype._np.type for var in variables]
        if self.clipnorm:
            return [g * (dt(self.clipnorm)
                         / xp.maximum(xp.sqrt(xp.sum_of_squares(g, dt)), dt(self.clipnorm)))
                    for g, dt in zip(grads, types)]
        if self.global_clipnorm:  # the norm in float64, as Keras
            squares = [xp.sum_of_squares(g, np.float64) for g in grads]
            norm = squares[0]
            for square in squares[1:]:
                norm = norm + square
            norm = xp.sqrt(norm)
            clip = np.float64(self.global_clipnorm)
            scale = xp.where(xp.isfinite(norm), clip / xp.maximum(norm, clip), np.float64(np.nan))
            return [g * xp.cast(scale, dt) for g, dt in zip(grads, types)]
        if self.clipvalue:
            return [xp.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _before_update_steps(self, variables, xp):
        """State shared by the variables' rules, updated once per step (none by default)."""

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        """Apply the rule to one variable.

        ``gradient`` has the variable's shape and dtype: an ndarray eagerly, a
        Tensor while a ``gradtape.function`` is traced; ``learning_rate`` is a
        float, or while traced a tensor (a Variable's or a schedule's value).
        A rule computes with operators and the namespace
        ``namespace_of(gradient)`` (NumPy or gradtape ops), reads Variables
        with ``xp.read`` and writes them with ``assign``.
        """
        raise NotImplementedError

    # -- config ----------------------------------------------------------------
    def get_config(self) -> Config:
        """The constructor arguments, as a dict."""
        lr = self._learning_rate
        return {"name": self.name,
                "learning_rate": float(lr.numpy()) if isinstance(lr, Variable) else lr,
                "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                "clipvalue": self.clipvalue, "global_clipnorm": self.global_clipnorm,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency}

    @classmethod
    def from_config(cls, config: Config) -> Any:
        """An optimizer built from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        return f"<gradtape.optimizers.{type(self).__name__} '{self.name}'>"


class SGD(Optimizer):
    """Gradient descent, with momentum and Nesterov momentum as in Keras.

    With momentum ``m``: ``velocity = m * velocity - lr * g`` then
    ``w += velocity`` (Nesterov: ``w += m * velocity - lr * g``).

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> opt = tf.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     _ = opt.apply_gradients([(tf.constant(1.0), w)])
    >>> round(float(w.numpy()), 6)    # 1 - 0.1 - (0.9 * 0.1 + 0.1)
    0.71
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: Optional[float] = None,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        self.momentum = _hyper(momentum, "momentum", "SGD", 0.0, 1.0)
        self.nesterov = bool(nesterov)
        self._SLOTS = ((("momentum", 0.0),),) if self.momentum != 0 else ()
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        xp = namespace_of(gradient)
        dt = variable.dtype._np.type
        lr = xp.cast(learning_rate, dt)
        if self.momentum == 0:
            variable.assign_sub(gradient * lr)
            return
        m = self._slot("momentum", variable)
        mom = _keras_cast(self.momentum, dt)
        m.assign(-gradient * lr + xp.read(m) * mom)
        if self.nesterov:
            variable.assign_add(-gradient * lr + xp.read(m) * mom)
        else:
            variable.assign_add(xp.read(m))

    def get_config(self) -> Config:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam, in Keras' form: with ``t = iterations + 1``,
    ``m += (g - m) * (1 - beta_1)``, ``v += (g**2 - v) * (1 - beta_2)``,
    ``w -= lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(v) + epsilon)``.

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> _ = tf.optimizers.Adam(learning_rate=0.1).apply_gradients([(tf.constant(5.0), w)])
    >>> round(float(w.numpy()), 5)    # the first step moves by about lr
    0.9
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        who = type(self).__name__
        self.beta_1 = _hyper(beta_1, "beta_1", who, 0.0, 1.0)
        self.beta_2 = _hyper(beta_2, "beta_2", who, 0.0, 1.0)
        self.epsilon = _hyper(epsilon, "epsilon", who)
        self.amsgrad = bool(amsgrad)
        self._SLOTS = ((("momentum", 0.0), ("velocity", 0.0)),) + (
            ((("velocity_hat", 0.0),),) if self.amsgrad else ())
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        xp = namespace_of(gradient)
        dt = variable.dtype._np.type
        lr, one = xp.cast(learning_rate, dt), dt(1)
        b1, b2 = _keras_cast(self.beta_1, dt), _keras_cast(self.beta_2, dt)
        t = xp.cast(xp.read(self._iterations) + 1, dt)
        alpha = lr * xp.sqrt(one - xp.power(b2, t)) / (one - xp.power(b1, t))
        m, v = self._slot("momentum", variable), self._slot("velocity", variable)
        # as Keras: 1 - beta in Python (float64) for the moments, in float32 for alpha
        m.assign_add((gradient - xp.read(m)) * dt(1.0 - self.beta_1))
        v.assign_add((self._square(gradient, variable, xp) - xp.read(v)) * dt(1.0 - self.beta_2))
        v_used = xp.read(v)
        if self.amsgrad:
            v_hat = self._slot("velocity_hat", variable)
            v_hat.assign(xp.maximum(xp.read(v_hat), xp.read(v)))
            v_used = xp.read(v_hat)
        variable.assign_sub((xp.read(m) * alpha) / (xp.sqrt(v_used) + dt(self.epsilon)))

    def get_config(self) -> Config:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (default 0.004): each step first does
    ``w -= w * weight_decay * lr``, then the Adam update.

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> opt = tf.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    >>> _ = opt.apply_gradients([(tf.constant(0.0), w)])   # zero gradient: only the decay acts
    >>> round(float(w.numpy()), 6)
    0.95
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.001,
                 weight_decay: float = 0.004, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a float, got None")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay,
                         clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)


class RMSprop(Optimizer):
    """RMSprop as in Keras: ``v = rho * v + (1 - rho) * g**2``,
    ``w -= lr * g / sqrt(v + epsilon)`` (centered: ``v - mean_g**2`` under the
    root; with momentum the increment feeds a velocity first).

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> _ = tf.optimizers.RMSprop(learning_rate=0.01).apply_gradients([(tf.constant(2.0), w)])
    >>> round(float(w.numpy()), 5)   # 1 - 0.01 * 2 / sqrt(0.1 * 4)
    0.96838
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.001, rho: float = 0.9,
                 momentum: float = 0.0, epsilon: float = 1e-7, centered: bool = False,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        self.rho = _hyper(rho, "rho", "RMSprop", 0.0, 1.0)
        self.momentum = _hyper(momentum, "momentum", "RMSprop", 0.0, 1.0)
        self.epsilon = _hyper(epsilon, "epsilon", "RMSprop")
        self.centered = bool(centered)
        self._SLOTS = ((("velocity", 0.0),),) + (
            ((("momentum", 0.0),),) if self.momentum > 0 else ()) + (
            ((("average_gradient", 0.0),),) if self.centered else ())
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        xp = namespace_of(gradient)
        dt = variable.dtype._np.type
        # as Keras: 1 - rho in Python (float64), then float32
        lr, rho, one_minus_rho = xp.cast(learning_rate, dt), dt(self.rho), dt(1.0 - self.rho)
        v = self._slot("velocity", variable)
        v.assign(rho * xp.read(v) + one_minus_rho * self._square(gradient, variable, xp))
        if self.centered:
            avg = self._slot("average_gradient", variable)
            avg.assign(rho * xp.read(avg) + one_minus_rho * gradient)
            denominator = xp.read(v) - xp.square(xp.read(avg)) + dt(self.epsilon)
        else:
            denominator = xp.read(v) + dt(self.epsilon)
        increment = lr * gradient / xp.sqrt(denominator)
        if self.momentum > 0:
            m = self._slot("momentum", variable)
            m.assign(dt(self.momentum) * xp.read(m) + increment)
            variable.assign_sub(xp.read(m))
        else:
            variable.assign_sub(increment)

    def get_config(self) -> Config:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class Adagrad(Optimizer):
    """Adagrad as in Keras: ``acc += g**2``, ``w -= lr * g / sqrt(acc + epsilon)``,
    the accumulator starting at ``initial_accumulator_value``.

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> _ = tf.optimizers.Adagrad(learning_rate=0.1).apply_gradients([(tf.constant(1.0), w)])
    >>> round(float(w.numpy()), 5)   # 1 - 0.1 / sqrt(1.1)
    0.90465
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.001,
                 initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        self.initial_accumulator_value = _hyper(
            initial_accumulator_value, "initial_accumulator_value", "Adagrad")
        self.epsilon = _hyper(epsilon, "epsilon", "Adagrad")
        self._SLOTS = ((("accumulator", self.initial_accumulator_value),),)
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        xp = namespace_of(gradient)
        dt = variable.dtype._np.type
        acc = self._slot("accumulator", variable)
        acc.assign_add(self._square(gradient, variable, xp))
        variable.assign_sub(xp.cast(learning_rate, dt) * gradient
                            / xp.sqrt(xp.read(acc) + dt(self.epsilon)))

    def get_config(self) -> Config:
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adamax(Optimizer):
    """Adamax as in Keras: ``m += (g - m) * (1 - beta_1)``,
    ``u = max(beta_2 * u, |g|)``, ``w -= lr * m / ((1 - beta_1**t) * (u + epsilon))``.

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> _ = tf.optimizers.Adamax(learning_rate=0.1).apply_gradients([(tf.constant(2.0), w)])
    >>> round(float(w.numpy()), 5)    # the first step moves by lr
    0.9
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.001,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        self.beta_1 = _hyper(beta_1, "beta_1", "Adamax", 0.0, 1.0)
        self.beta_2 = _hyper(beta_2, "beta_2", "Adamax", 0.0, 1.0)
        self.epsilon = _hyper(epsilon, "epsilon", "Adamax")
        self._SLOTS = ((("momentum", 0.0), ("norm", 0.0)),)
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        xp = namespace_of(gradient)
        dt = variable.dtype._np.type
        lr = xp.cast(learning_rate, dt)
        t = xp.cast(xp.read(self._iterations) + 1, dt)
        beta_1_power = xp.power(_keras_cast(self.beta_1, dt), t)
        m, u = self._slot("momentum", variable), self._slot("norm", variable)
        m.assign_add((gradient - xp.read(m)) * dt(1.0 - self.beta_1))
        u.assign(xp.maximum(dt(self.beta_2) * xp.read(u), self._rowwise(xp.abs, gradient, variable)))
        variable.assign_sub((lr * xp.read(m))
                            / ((dt(1) - beta_1_power) * (xp.read(u) + dt(self.epsilon))))

    def get_config(self) -> Config:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Adam with Nesterov momentum, as in Keras (its momentum schedule
    ``beta_1 * (1 - 0.5 * 0.96**t)`` and the product of its values so far).

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> _ = tf.optimizers.Nadam(learning_rate=0.1).apply_gradients([(tf.constant(2.0), w)])
    >>> round(float(w.numpy()), 4)    # TensorFlow 2.21: 0.8937212
    0.8937
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.001,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        self.beta_1 = _hyper(beta_1, "beta_1", "Nadam", 0.0, 1.0)
        self.beta_2 = _hyper(beta_2, "beta_2", "Nadam", 0.0, 1.0)
        self.epsilon = _hyper(epsilon, "epsilon", "Nadam")
        self._SLOTS = ((("momentum", 0.0), ("velocity", 0.0)),)
        self._u_product = None
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)

    def build(self, var_list: Nested) -> None:
        var_list = list(var_list)
        first_build = not self.built
        super().build(var_list)
        if first_build:  # as Keras: after the slots, in the first variable's dtype
            dtype = var_list[0].dtype._np if var_list else np.float32
            self._u_product = Variable(dtype.type(1.0), trainable=False,
                                       name=f"{self.name}/u_product")
            self._variables.append(self._u_product)

    def _checkpoint_items(self):
        return super()._checkpoint_items() + [("u_product", self._u_product)]

    def _before_update_steps(self, variables, xp):
        dt = self._u_product.dtype._np.type
        t = xp.cast(xp.read(self._iterations) + 1, dt)
        self._u_product.assign(xp.read(self._u_product) * dt(self.beta_1)
                               * (dt(1.0) - dt(0.5) * xp.power(dt(0.96), t)))

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        xp = namespace_of(gradient)
        dt = variable.dtype._np.type
        lr, one = xp.cast(learning_rate, dt), dt(1.0)
        step = xp.read(self._iterations)
        t, t_next = xp.cast(step + 1, dt), xp.cast(step + 2, dt)
        decay, b1, b2 = _keras_cast(0.96, dt), _keras_cast(self.beta_1, dt), _keras_cast(self.beta_2, dt)
        u_t = b1 * (one - dt(0.5) * xp.power(decay, t))
        u_t_1 = b1 * (one - dt(0.5) * xp.power(decay, t_next))
        u_product_t = xp.cast(xp.read(self._u_product), dt)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = xp.power(b2, t)
        m, v = self._slot("momentum", variable), self._slot("velocity", variable)
        m.assign_add((gradient - xp.read(m)) * (one - b1))
        v.assign_add((self._square(gradient, variable, xp) - xp.read(v)) * (one - b2))
        m_hat = (u_t_1 * xp.read(m)) / (one - u_product_t_1) + ((one - u_t) * gradient) / (
            one - u_product_t)
        v_hat = xp.read(v) / (one - beta_2_power)
        variable.assign_sub((m_hat * lr) / (xp.sqrt(v_hat) + dt(self.epsilon)))

    def get_config(self) -> Config:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class Lion(Optimizer):
    """Lion as in Keras: ``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)``,
    then ``m = beta_2 * m + (1 - beta_2) * g``.

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> _ = tf.optimizers.Lion(learning_rate=0.1).apply_gradients([(tf.constant(-3.0), w)])
    >>> round(float(w.numpy()), 5)
    1.1
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.001,
                 beta_1: float = 0.9, beta_2: float = 0.99,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        self.beta_1 = _hyper(beta_1, "beta_1", "Lion", 0.0, 1.0, low_open=True)
        self.beta_2 = _hyper(beta_2, "beta_2", "Lion", 0.0, 1.0)
        self._SLOTS = ((("momentum", 0.0),),)
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        xp = namespace_of(gradient)
        dt = variable.dtype._np.type
        lr, one = xp.cast(learning_rate, dt), dt(1.0)
        b1, b2 = _keras_cast(self.beta_1, dt), _keras_cast(self.beta_2, dt)
        m = self._slot("momentum", variable)
        variable.assign_sub(lr * xp.sign(xp.read(m) * b1 + gradient * (one - b1)))
        m.assign(xp.read(m) * b2 + gradient * (one - b2))

    def get_config(self) -> Config:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}


class Adadelta(Optimizer):
    """Adadelta as in Keras: ``acc_g = rho * acc_g + (1 - rho) * g**2``,
    ``delta = -sqrt(acc_d + eps) * g / sqrt(acc_g + eps)``,
    ``acc_d = rho * acc_d + (1 - rho) * delta**2``, ``w += lr * delta``.

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> _ = tf.optimizers.Adadelta(learning_rate=1.0).apply_gradients([(tf.constant(1.0), w)])
    >>> round(float(w.numpy()), 5)   # 1 - sqrt(1e-7 / 0.05)
    0.99859
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.001,
                 rho: float = 0.95, epsilon: float = 1e-7,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        self.rho = _hyper(rho, "rho", "Adadelta", 0.0, 1.0)
        self.epsilon = _hyper(epsilon, "epsilon", "Adadelta")
        self._SLOTS = ((("accumulated_grad", 0.0), ("accumulated_delta_var", 0.0)),)
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        xp = namespace_of(gradient)
        dt = variable.dtype._np.type
        lr, rho, one_minus_rho, eps = (xp.cast(learning_rate, dt), dt(self.rho),
                                       dt(1.0 - self.rho), dt(self.epsilon))
        acc_grad = self._slot("accumulated_grad", variable)
        acc_delta = self._slot("accumulated_delta_var", variable)
        acc_grad.assign(rho * xp.read(acc_grad)
                        + one_minus_rho * self._square(gradient, variable, xp))
        rms_delta, rms_grad = xp.sqrt(xp.read(acc_delta) + eps), xp.sqrt(xp.read(acc_grad) + eps)

        def delta(g, rms_delta, rms_grad):
            return -((rms_delta * g) / rms_grad)
        squares = self._rowwise(lambda *a: xp.square(delta(*a)), gradient, variable,
                                rms_delta, rms_grad)
        acc_delta.assign(rho * xp.read(acc_delta) + one_minus_rho * squares)
        variable.assign_add(lr * delta(gradient, rms_delta, rms_grad))

    def get_config(self) -> Config:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Ftrl(Optimizer):
    """FTRL-Proximal as in Keras: with ``p = -learning_rate_power``,
    ``acc' = acc + g**2``,
    ``linear += g + 2 * l2_shrinkage * w - (acc'**p - acc**p) / lr * w``,
    ``w = (clip(linear, -l1, l1) - linear) / (acc'**p / lr + 2 * (l2 + beta / (2 * lr)))``.

    >>> import gradtape as tf
    >>> w = tf.Variable(1.0)
    >>> _ = tf.optimizers.Ftrl(learning_rate=0.1).apply_gradients([(tf.constant(1.0), w)])
    >>> round(float(w.numpy()), 4)   # -(1 - (sqrt(1.1) - sqrt(0.1)) / 0.1) / (sqrt(1.1) / 0.1)
    0.6031
    """

    def __init__(self, learning_rate: Union[TensorInput, Callable[[Any], Any]] = 0.001,
                 learning_rate_power: float = -0.5, initial_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0,
                 l2_shrinkage_regularization_strength: float = 0.0, beta: float = 0.0,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None) -> None:
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = float(learning_rate_power)
        for what, value in (("initial_accumulator_value", initial_accumulator_value),
                            ("l1_regularization_strength", l1_regularization_strength),
                            ("l2_regularization_strength", l2_regularization_strength),
                            ("l2_shrinkage_regularization_strength",
                             l2_shrinkage_regularization_strength)):
            setattr(self, what, _hyper(value, what, "Ftrl"))
        self.beta = float(beta)
        self._SLOTS = ((("accumulator", self.initial_accumulator_value), ("linear", 0.0)),)
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name,
                         use_ema, ema_momentum, ema_overwrite_frequency)

    def update_step(self, gradient: Any, variable: Any, learning_rate: TensorInput) -> None:
        xp = namespace_of(gradient)
        dt = variable.dtype._np.type
        lr, power = xp.cast(learning_rate, dt), dt(-self.learning_rate_power)
        l2 = dt(self.l2_regularization_strength) + dt(self.beta) / (dt(2.0) * lr)
        acc, linear = self._slot("accumulator", variable), self._slot("linear", variable)
        w, old_acc = xp.read(variable), xp.read(acc)
        new_acc = old_acc + self._square(gradient, variable, xp)
        shrunk = gradient + dt(2 * self.l2_shrinkage_regularization_strength) * w
        linear.assign_add(shrunk - ((xp.power(new_acc, power) - xp.power(old_acc, power)) / lr) * w)
        quadratic = xp.power(new_acc, power) / lr + dt(2) * l2
        l1 = self.l1_regularization_strength
        variable.assign((xp.clip(xp.read(linear), dt(-l1), dt(l1)) - xp.read(linear)) / quadratic)
        acc.assign(new_acc)

    def get_config(self) -> Config:
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength":
                    self.l2_shrinkage_regularization_strength,
                "beta": self.beta}


_BY_NAME = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad,
            "adamax": Adamax, "nadam": Nadam, "lion": Lion, "adadelta": Adadelta,
            "ftrl": Ftrl}


def get(identifier: Any) -> Any:
    """An optimizer from its Keras name (``'adam'``, ``'sgd'``...) or an instance.

    >>> import gradtape as tf
    >>> type(tf.optimizers.get("adam")).__name__
    'Adam'
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ValueError(f"optimizers.get: unknown optimizer {identifier!r}; expected an "
                     f"Optimizer or one of {sorted(_BY_NAME)}")


from .._missing import missing_names as _missing_names  # noqa: E402
__getattr__ = _missing_names("gradtape.keras.optimizers", "tf.keras.optimizers")

"""Learning-rate schedules, as ``keras.optimizers.schedules``.

A schedule maps the optimizer's step count (``optimizer.iterations``, before
the step is taken) to a float32 learning rate.  Pass one as an optimizer's
``learning_rate``.  Inside a ``gradtape.function`` being traced, a schedule
given a tensor step (the optimizer's ``iterations``) computes with gradtape
ops, so each replay evaluates it at the step of that call.
"""
from __future__ import annotations
import math

import numpy as np

from .._core import trace
from .._core.tensor import TensorLike, constant
from ._update_math import ARRAYS, TENSORS
from typing import Any, Optional
from .._core.types import Config, TensorInput


def _step(step):
    """The namespace to compute with, and ``step`` as float32 in it."""
    if isinstance(step, TensorLike) and trace._active[0] and trace.tracer() is not None:
        return TENSORS, TENSORS.cast(step, np.float32)
    return ARRAYS, np.float32(np.asarray(step))


def _rate(value):
    """The learning rate as a float32 tensor."""
    return value if isinstance(value, TensorLike) else constant(np.float32(value))


class LearningRateSchedule:
    """Base class: ``schedule(step)`` returns the learning rate for that step.

    >>> import gradtape as tf
    >>> class Halving(tf.optimizers.schedules.LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return tf.constant(1.0 / 2 ** int(step))
    >>> float(Halving()(3))
    0.125
    """

    def __call__(self, step: TensorInput) -> Any:
        raise NotImplementedError

    def get_config(self) -> Config:
        """The constructor arguments, as a dict."""
        return {}

    @classmethod
    def from_config(cls, config: Config) -> Any:
        """A schedule built from ``get_config()``'s output."""
        return cls(**config)


def _positive(value, what, who):
    if not value > 0:
        raise ValueError(f"{who}: {what} must be positive, got {value!r}")


class _RateDecay(LearningRateSchedule):
    """The decays of ``initial_learning_rate`` by ``decay_rate`` per ``decay_steps``."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: Optional[str] = None) -> None:
        _positive(decay_steps, "decay_steps", type(self).__name__)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name or type(self).__name__

    def _progress(self, step):
        """The namespace, and ``step / decay_steps`` (floored with ``staircase``) in float32."""
        xp, step = _step(step)
        p = step / np.float32(self.decay_steps)
        return xp, xp.floor(p) if self.staircase else p

    def get_config(self) -> Config:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``; with
    ``staircase`` the exponent is floored, so the rate drops in steps.

    >>> import gradtape as tf
    >>> s = tf.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> round(float(s(10)), 6), round(float(s(5)), 6)
    (0.05, 0.070711)
    """

    def __call__(self, step: TensorInput) -> Any:
        xp, progress = self._progress(step)
        return _rate(np.float32(self.initial_learning_rate)
                     * xp.power(np.float32(self.decay_rate), progress))


class InverseTimeDecay(_RateDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored with ``staircase``).

    >>> import gradtape as tf
    >>> s = tf.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=1.0)
    >>> round(float(s(3)), 6)
    0.025
    """

    def __call__(self, step: TensorInput) -> Any:
        xp, progress = self._progress(step)
        denom = np.float32(1) + np.float32(self.decay_rate) * progress
        return _rate(np.float32(self.initial_learning_rate) / denom)


class CosineDecay(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate`` to ``alpha`` times it over
    ``decay_steps``, after an optional linear warmup to ``warmup_target``
    over ``warmup_steps``; constant after the end.

    >>> import gradtape as tf
    >>> s = tf.optimizers.schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1)
    >>> [round(float(s(k)), 6) for k in (0, 50, 100, 200)]
    [0.1, 0.055, 0.01, 0.01]
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: Optional[str] = "CosineDecay", warmup_target: Optional[float] = None,
                 warmup_steps: int = 0) -> None:
        _positive(decay_steps, "decay_steps", "CosineDecay")
        if warmup_steps < 0:
            raise ValueError(f"CosineDecay: warmup_steps must be >= 0, got {warmup_steps!r}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, xp, step, decay_from):
        f32 = np.float32
        fraction = step / f32(self.decay_steps)
        cosine = f32(0.5) * (f32(1) + xp.cos(f32(math.pi) * fraction))
        return f32(decay_from) * ((f32(1) - f32(self.alpha)) * cosine + f32(self.alpha))

    def __call__(self, step: TensorInput) -> Any:
        f32 = np.float32
        xp, step = _step(step)
        if self.warmup_target is None:
            return _rate(self._decay(xp, xp.minimum(step, f32(self.decay_steps)),
                                     self.initial_learning_rate))
        step = xp.minimum(step, f32(self.decay_steps + self.warmup_steps))
        decayed = self._decay(xp, step - f32(self.warmup_steps), self.warmup_target)
        if not self.warmup_steps:
            return _rate(decayed)
        delta = f32(self.warmup_target) - f32(self.initial_learning_rate)
        warming = delta * (step / f32(self.warmup_steps)) + f32(self.initial_learning_rate)
        # both branches are computed, so a compiled step takes the right one on each call
        return _rate(xp.where(step < self.warmup_steps, warming, decayed))

    def get_config(self) -> Config:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): the first period lasts
    ``first_decay_steps``, each next one ``t_mul`` times longer and starting
    ``m_mul`` times lower; ``alpha`` is the floor as a fraction of the start.

    >>> import gradtape as tf
    >>> s = tf.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=10)
    >>> [round(float(s(k)), 6) for k in (0, 5, 10, 20, 30)]
    [0.1, 0.05, 0.1, 0.05, 0.1]
    """

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0,
                 m_mul: float = 1.0, alpha: float = 0.0, name: Optional[str] = "SGDRDecay") -> None:
        if first_decay_steps <= 0:
            raise ValueError("Argument `first_decay_steps` must be > 0. "
                             f"Received: first_decay_steps={first_decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def _restart(self, xp, fraction):
        """The period's number and the fraction of it done, as Keras computes them."""
        f32 = np.float32
        t_mul = f32(self._t_mul)
        if t_mul == 1:
            restart = xp.floor(fraction)
            return restart, fraction - restart
        restart = xp.floor(xp.log(f32(1) - fraction * (f32(1) - t_mul)) / xp.log(t_mul))
        done = (f32(1) - xp.power(t_mul, restart)) / (f32(1) - t_mul)
        return restart, (fraction - done) / xp.power(t_mul, restart)

    def __call__(self, step: TensorInput) -> Any:
        f32 = np.float32
        xp, step = _step(step)
        restart, fraction = self._restart(xp, step / f32(self.first_decay_steps))
        cosine = f32(0.5) * xp.power(f32(self._m_mul), restart) * (
            f32(1) + xp.cos(f32(math.pi) * fraction))
        alpha = f32(self.alpha)
        return _rate(f32(self.initial_learning_rate) * ((f32(1) - alpha) * cosine + alpha))

    def get_config(self) -> Config:
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


def _is_integer_step(step):
    if isinstance(step, TensorLike):
        return step.dtype.is_integer
    return np.asarray(step).dtype.kind in "iu"


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to ``boundaries[0]`` (included), ``values[1]`` up to
    ``boundaries[1]``, ..., ``values[-1]`` after the last boundary.

    >>> import gradtape as tf
    >>> s = tf.optimizers.schedules.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1])
    >>> [round(float(s(k)), 6) for k in (0, 2, 3, 5, 6)]
    [1.0, 1.0, 0.5, 0.5, 0.1]
    """

    def __init__(self, boundaries: Any, values: Any, name: Optional[str] = "PiecewiseConstant") -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay: the length of boundaries should be 1 less than the "
                f"length of values; got boundaries={boundaries} of length {len(boundaries)} "
                f"and values={values} of length {len(values)}")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: TensorInput) -> Any:
        # as Keras: the boundaries take the step's dtype (an integer step truncates them)
        integer = _is_integer_step(step)
        xp, step = _step(step)
        bounds = [np.float32(int(b) if integer else b) for b in self.boundaries]
        values = [np.float32(v) for v in self.values]

        def where(mask):
            return xp.cast(mask, np.float32)
        rate = where(step <= bounds[0]) * values[0] + where(step > bounds[-1]) * values[-1]
        for low, high, value in zip(bounds[:-1], bounds[1:], values[1:-1]):
            rate = rate + where((step > low) & (step <= high)) * value
        return _rate(rate)

    def get_config(self) -> Config:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end``, then
    ``end_learning_rate``; with ``cycle`` the decay restarts, over the first
    multiple of ``decay_steps`` past the step.

    >>> import gradtape as tf
    >>> s = tf.optimizers.schedules.PolynomialDecay(0.1, decay_steps=4, end_learning_rate=0.02)
    >>> [round(float(s(k)), 6) for k in (0, 2, 4, 9)]
    [0.1, 0.06, 0.02, 0.02]
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int,
                 end_learning_rate: float = 0.0001, power: float = 1.0, cycle: bool = False,
                 name: Optional[str] = "PolynomialDecay") -> None:
        _positive(decay_steps, "decay_steps", "PolynomialDecay")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: TensorInput) -> Any:
        f32 = np.float32
        xp, step = _step(step)
        decay_steps = f32(self.decay_steps)
        if self.cycle:
            multiplier = xp.where(step == f32(0), f32(1), xp.ceil(step / decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step = xp.minimum(step, decay_steps)
        p = step / decay_steps
        end = f32(self.end_learning_rate)
        return _rate((f32(self.initial_learning_rate) - end)
                     * xp.power(f32(1) - p, f32(self.power)) + end)

    def get_config(self) -> Config:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}

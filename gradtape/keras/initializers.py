"""Initializers: how a layer fills a new weight, under Keras' names.

An initializer is called as ``init(shape, dtype=None)`` and returns a Tensor.
With a ``seed`` it returns the same values on every call (as in Keras 3;
``gradtape.random``'s seeded ops draw anew on each call);
without one it draws from gradtape's global generator, which
``gradtape.random.set_seed`` makes reproducible.  ``get('glorot_uniform')``
turns a Keras string name into an initializer.
"""
from __future__ import annotations
import math

import numpy as np

from .. import random as _random
from .._core.dtypes import as_dtype
from .._core.tensor import constant as _constant
from .._missing import missing_names as _missing_names
from typing import Any, Optional, Tuple
from .._core.types import Config, DTypeLike, ShapeLike

# The standard deviation of a standard normal truncated to [-2, 2].
_TRUNCATED_STD = 0.87962566103423978


def _float_dtype(dtype, who):
    dt = as_dtype(dtype or "float32")
    if not dt.is_floating:
        raise ValueError(f"{who}: expected a floating dtype, got {dt.name}")
    return dt


def _shape(shape):
    return tuple(int(d) for d in shape)


def compute_fans(shape: ShapeLike) -> Tuple[float, float]:
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    A kernel of shape ``(..., in, out)`` has ``fan_in = in * receptive field``
    and ``fan_out = out * receptive field`` (the product of the leading dims).

    >>> compute_fans((64, 10))
    (64, 10)
    >>> compute_fans((3, 3, 8, 16))
    (72, 144)
    """
    shape = _shape(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: a callable ``(shape, dtype=None) -> Tensor`` with a config.

    >>> import gradtape as tf
    >>> tf.initializers.Ones()((2,)).numpy()
    array([1., 1.], dtype=float32)
    """

    def __call__(self, shape: ShapeLike, dtype: Optional[DTypeLike] = None) -> Any:
        raise NotImplementedError

    def get_config(self) -> Config:
        """The constructor arguments, as a dict."""
        return {}

    @classmethod
    def from_config(cls, config: Config) -> Any:
        """An initializer built from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros.

    >>> import gradtape as tf
    >>> tf.initializers.Zeros()((2,)).numpy()
    array([0., 0.], dtype=float32)
    """

    def __call__(self, shape: ShapeLike, dtype: Optional[DTypeLike] = None) -> Any:
        return _constant(np.zeros(_shape(shape), as_dtype(dtype or "float32")._np))


class Ones(Initializer):
    """All ones.

    >>> import gradtape as tf
    >>> tf.initializers.Ones()((1, 2)).numpy()
    array([[1., 1.]], dtype=float32)
    """

    def __call__(self, shape: ShapeLike, dtype: Optional[DTypeLike] = None) -> Any:
        return _constant(np.ones(_shape(shape), as_dtype(dtype or "float32")._np))


class Constant(Initializer):
    """Every element set to ``value``.

    >>> import gradtape as tf
    >>> tf.initializers.Constant(0.5)((2,)).numpy()
    array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def __call__(self, shape: ShapeLike, dtype: Optional[DTypeLike] = None) -> Any:
        dt = as_dtype(dtype or "float32")
        return _constant(np.full(_shape(shape), self.value, dt._np))

    def get_config(self) -> Config:
        return {"value": self.value}


class Identity(Initializer):
    """``gain`` times the identity matrix (of a 2-D shape, square or not).

    >>> import gradtape as tf
    >>> tf.keras.initializers.Identity(gain=2.0)((2, 3)).numpy()
    array([[2., 0., 0.],
           [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: ShapeLike, dtype: Optional[DTypeLike] = None) -> Any:
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        dt = _float_dtype(dtype, "Identity")
        return _constant((np.eye(*shape) * self.gain).astype(dt._np))

    def get_config(self) -> Config:
        return {"gain": self.gain}


class _Seeded(Initializer):
    def __init__(self, seed: Optional[int] = None) -> None:
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise TypeError(f"{type(self).__name__}: seed must be an int or None, "
                            f"got {type(seed).__name__}")
        self.seed = seed


class _Sampled(_Seeded):
    """An initializer that draws from one ``gradtape.random`` function with two parameters."""

    _params = ()

    def __call__(self, shape: ShapeLike, dtype: Optional[DTypeLike] = None) -> Any:
        dt = _float_dtype(dtype, type(self).__name__)
        a, b = (getattr(self, p) for p in self._params)
        with _random._same_each_call():
            return self._sample(_shape(shape), a, b, dt, seed=self.seed)

    def get_config(self) -> Config:
        return {**{p: getattr(self, p) for p in self._params}, "seed": self.seed}


class RandomNormal(_Sampled):
    """Normal samples with ``mean`` and ``stddev`` (Keras' defaults 0 and 0.05).

    >>> import gradtape as tf
    >>> init = tf.initializers.RandomNormal(stddev=1.0, seed=3)
    >>> bool((init((4,)).numpy() == init((4,)).numpy()).all())   # seeded: same values
    True
    """

    _params = ("mean", "stddev")
    _sample = staticmethod(_random.normal)

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Optional[int] = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev


class RandomUniform(_Sampled):
    """Uniform samples on ``[minval, maxval)`` (Keras' defaults -0.05 and 0.05).

    >>> import gradtape as tf
    >>> x = tf.initializers.RandomUniform(-1.0, 1.0, seed=0)((100,)).numpy()
    >>> bool((abs(x) <= 1).all())
    True
    """

    _params = ("minval", "maxval")
    _sample = staticmethod(_random.uniform)

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Optional[int] = None) -> None:
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval


class TruncatedNormal(RandomNormal):
    """Normal samples redrawn beyond two standard deviations (Keras' stddev 0.05).

    >>> import gradtape as tf
    >>> x = tf.initializers.TruncatedNormal(stddev=1.0, seed=0)((1000,)).numpy()
    >>> bool((abs(x) <= 2).all())
    True
    """

    _sample = staticmethod(_random.truncated_normal)


class VarianceScaling(_Seeded):
    """Samples whose variance is ``scale / fan`` (``fan`` chosen by ``mode``).

    ``distribution`` is ``'truncated_normal'`` (stddev corrected for the
    truncation), ``'untruncated_normal'`` or ``'uniform'`` (on
    ``[-sqrt(3 * scale / fan), sqrt(3 * scale / fan)]``).

    >>> import gradtape as tf
    >>> init = tf.initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=0)
    >>> bool(abs(init((300, 10)).numpy()).max() <= (3 / 300) ** 0.5)
    True
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: Optional[int] = None) -> None:
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError(f"{type(self).__name__}: scale must be positive, got {scale}")
        if mode not in self._MODES:
            raise ValueError(f"{type(self).__name__}: mode must be one of {self._MODES}, "
                             f"got {mode!r}")
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(f"{type(self).__name__}: distribution must be one of "
                             f"{self._DISTRIBUTIONS}, got {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape: ShapeLike, dtype: Optional[DTypeLike] = None) -> Any:
        dt = _float_dtype(dtype, type(self).__name__)
        shape = _shape(shape)
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        with _random._same_each_call():
            if self.distribution == "truncated_normal":
                std = math.sqrt(scale) / _TRUNCATED_STD
                return _random.truncated_normal(shape, 0.0, std, dt, seed=self.seed)
            if self.distribution == "untruncated_normal":
                return _random.normal(shape, 0.0, math.sqrt(scale), dt, seed=self.seed)
            limit = math.sqrt(3.0 * scale)
            return _random.uniform(shape, -limit, limit, dt, seed=self.seed)

    def get_config(self) -> Config:
        return {"scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "seed": self.seed}


def _variance_scaling(class_name, scale, mode, distribution, summary):
    def __init__(self, seed: Optional[int] = None) -> None:
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self) -> Config:
        return {"seed": self.seed}

    doc = (f"{summary}\n\n    >>> import gradtape as tf\n"
           f"    >>> tf.initializers.{class_name}(seed=0)((64, 10)).shape\n"
           f"    TensorShape([64, 10])\n    ")
    return type(class_name, (VarianceScaling,),
                {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                 "__module__": __name__})


GlorotUniform = _variance_scaling(
    "GlorotUniform", 1.0, "fan_avg", "uniform",
    "Uniform on ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))`` (Keras' Dense default).")
GlorotNormal = _variance_scaling(
    "GlorotNormal", 1.0, "fan_avg", "truncated_normal",
    "Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``.")
HeNormal = _variance_scaling(
    "HeNormal", 2.0, "fan_in", "truncated_normal",
    "Truncated normal with ``stddev = sqrt(2 / fan_in)``, for ReLU layers.")
HeUniform = _variance_scaling(
    "HeUniform", 2.0, "fan_in", "uniform",
    "Uniform on ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``, for ReLU layers.")
LecunNormal = _variance_scaling(
    "LecunNormal", 1.0, "fan_in", "truncated_normal",
    "Truncated normal with ``stddev = sqrt(1 / fan_in)``.")
LecunUniform = _variance_scaling(
    "LecunUniform", 1.0, "fan_in", "uniform",
    "Uniform on ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``.")

class Orthogonal(_Seeded):
    """A (semi-)orthogonal matrix times ``gain``, from the QR factorization of
    normal samples; a shape of more than 2 axes is flattened to
    ``(prod(shape[:-1]), shape[-1])`` first, as Keras does.

    >>> import gradtape as tf
    >>> q = tf.keras.initializers.Orthogonal(seed=0)((3, 5)).numpy()
    >>> bool(abs(q @ q.T - tf.eye(3).numpy()).max() < 1e-5)
    True
    """

    def __init__(self, gain: float = 1.0, seed: Optional[int] = None) -> None:
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape: ShapeLike, dtype: Optional[DTypeLike] = None) -> Any:
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        dt = _float_dtype(dtype, "Orthogonal")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        with _random._same_each_call():
            a = np.asarray(_random.normal(flat, 0.0, 1.0, dt, seed=self.seed)._value, np.float64)
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return _constant((self.gain * q.reshape(shape)).astype(dt._np))

    def get_config(self) -> Config:
        return {"gain": self.gain, "seed": self.seed}


# Keras' lower-case aliases name the same classes.
zeros = Zeros
ones = Ones
constant = Constant
random_normal = RandomNormal
normal = RandomNormal
random_uniform = RandomUniform
uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
identity = Identity
orthogonal = Orthogonal

_BY_NAME = {name: cls for name, cls in globals().items()
            if isinstance(cls, type) and issubclass(cls, Initializer) and cls is not Initializer
            and not name.startswith("_")}


def get(identifier: Any) -> Any:
    """An initializer from a name (``'he_normal'``, ``'HeNormal'``), an instance or a callable.

    >>> import gradtape as tf
    >>> tf.initializers.get("glorot_uniform")
    GlorotUniform(seed=None)
    """
    if identifier is None:
        return None
    if isinstance(identifier, Initializer) or (callable(identifier) and not isinstance(identifier, type)):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]()
    known = sorted(n for n in _BY_NAME if n.islower())
    raise ValueError(f"initializers.get: unknown initializer {identifier!r}; "
                     f"expected one of {known}, an Initializer or a callable")


__getattr__ = _missing_names("gradtape.keras.initializers", "tf.keras.initializers")

"""TensorFlow's own initializers (``tf.zeros_initializer``, ``tf.ones_initializer``,
``tf.constant_initializer``, ``tf.random_normal_initializer``,
``tf.random_uniform_initializer``), which differ from Keras' in small ways:
zeros, ones and constants take any dtype, and a constant may be a list
filling the shape.

Each is called as ``init(shape, dtype=tf.float32)`` and returns a Tensor.
"""
from __future__ import annotations
from . import random as _random
from ._core.dtypes import as_dtype
from ._core.tensor import constant
from typing import Any, Optional
from ._core.types import Config, DTypeLike, ShapeLike, Tensor

__all__ = ["constant_initializer", "ones_initializer", "random_normal_initializer",
           "random_uniform_initializer", "zeros_initializer"]


class _Initializer:
    def get_config(self) -> Config:
        """The constructor arguments, as a dict."""
        return {}

    @classmethod
    def from_config(cls, config: Config) -> Any:
        """An initializer built from ``get_config()``'s output."""
        return cls(**config)


def _shape(shape):
    return tuple(int(d) for d in shape)


class zeros_initializer(_Initializer):  # noqa: N801 - TensorFlow's name
    """Zeros of any dtype.

    >>> import gradtape as tf
    >>> tf.zeros_initializer()((2,), dtype=tf.int32).numpy()
    array([0, 0], dtype=int32)
    """

    def __call__(self, shape: ShapeLike, dtype: DTypeLike = "float32", **kwargs: Any) -> Tensor:
        return constant(0, dtype=as_dtype(dtype), shape=_shape(shape))


class ones_initializer(_Initializer):  # noqa: N801 - TensorFlow's name
    """Ones of any dtype.

    >>> import gradtape as tf
    >>> tf.ones_initializer()((2,), tf.float64).numpy()
    array([1., 1.])
    """

    def __call__(self, shape: ShapeLike, dtype: DTypeLike = "float32", **kwargs: Any) -> Tensor:
        return constant(1, dtype=as_dtype(dtype), shape=_shape(shape))


class constant_initializer(_Initializer):  # noqa: N801 - TensorFlow's name
    """``value`` everywhere, or a list of values filling the shape in row-major order.

    >>> import gradtape as tf
    >>> tf.constant_initializer([1.0, 2.0, 3.0, 4.0])((2, 2)).numpy()
    array([[1., 2.],
           [3., 4.]], dtype=float32)
    """

    def __init__(self, value: Any = 0) -> None:
        self.value = value

    def __call__(self, shape: ShapeLike, dtype: Optional[DTypeLike] = None, **kwargs: Any) -> Tensor:
        return constant(self.value, dtype=dtype, shape=_shape(shape))

    def get_config(self) -> Config:
        return {"value": self.value}


def _floating(dtype):
    dt = as_dtype(dtype)
    if not dt.is_floating:
        raise ValueError(f"Argument `dtype` is expected to be floating point. Received: "
                         f"{dt.name}.")
    return dt


class random_normal_initializer(_Initializer):  # noqa: N801 - TensorFlow's name
    """Normal samples (TensorFlow's defaults: mean 0, stddev 0.05); a seed gives the
    same values on every call.

    >>> import gradtape as tf
    >>> init = tf.random_normal_initializer(stddev=1.0, seed=3)
    >>> init((2, 3)).shape, init.get_config()
    (TensorShape([2, 3]), {'mean': 0.0, 'stddev': 1.0, 'seed': 3})
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Optional[int] = None) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: ShapeLike, dtype: DTypeLike = "float32", **kwargs: Any) -> Tensor:
        with _random._same_each_call():  # a seeded initializer repeats itself
            return _random.normal(_shape(shape), self.mean, self.stddev, _floating(dtype),
                                  seed=self.seed)

    def get_config(self) -> Config:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class random_uniform_initializer(_Initializer):  # noqa: N801 - TensorFlow's name
    """Uniform samples on ``[minval, maxval)`` (TensorFlow's defaults -0.05 and 0.05).

    >>> import gradtape as tf
    >>> x = tf.random_uniform_initializer(-1.0, 1.0, seed=0)((100,)).numpy()
    >>> bool((abs(x) <= 1.0).all())
    True
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Optional[int] = None) -> None:
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape: ShapeLike, dtype: DTypeLike = "float32", **kwargs: Any) -> Tensor:
        dt = as_dtype(dtype)
        if not (dt.is_floating or dt.is_integer):
            raise ValueError(f"Argument `dtype` is expected to be floating point or integer. "
                             f"Received: {dt.name}.")
        with _random._same_each_call():
            return _random.uniform(_shape(shape), self.minval, self.maxval, dt, seed=self.seed)

    def get_config(self) -> Config:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}

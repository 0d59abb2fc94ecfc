"""``tf.keras.random``: Keras 3's random draws, seeded by an int or a ``SeedGenerator``.

The numbers are NumPy's, not TensorFlow's (as everywhere in gradtape). An
int ``seed`` gives the same values on every call, as Keras 3's stateless
draws; a ``SeedGenerator`` gives a new draw each call (its state is a
Variable, so a ``gradtape.function`` advances it on every call); no seed
draws from the global generator that ``tf.random.set_seed`` starts.

>>> import gradtape as tf
>>> gen = tf.keras.random.SeedGenerator(1337)
>>> a, b = tf.keras.random.normal((2,), seed=gen), tf.keras.random.normal((2,), seed=gen)
>>> bool((a.numpy() == b.numpy()).all())
False
"""
from __future__ import annotations

from .. import random as _random
from .._core.tensor import TensorLike
from .._missing import missing_names as _missing_names
from typing import Any, Optional
from .._core.types import DTypeLike, ShapeLike, TensorInput


class SeedGenerator:
    """A seed that moves on with each draw: pass it as ``seed=`` to ``keras.random`` draws.

    >>> import gradtape as tf
    >>> first = tf.keras.random.uniform((3,), seed=tf.keras.random.SeedGenerator(7))
    >>> again = tf.keras.random.uniform((3,), seed=tf.keras.random.SeedGenerator(7))
    >>> bool((first.numpy() == again.numpy()).all())
    True
    """

    def __init__(self, seed: Optional[int] = None, name: Optional[str] = None) -> None:
        self._generator = (_random.Generator.from_non_deterministic_state() if seed is None
                           else _random.Generator.from_seed(seed))
        self.name = name or "seed_generator"

    @property
    def state(self) -> Any:
        """The Variable that holds the generator's state."""
        return self._generator.state


def _shape(shape):
    """A shape as ints (``tf.shape(x)`` included)."""
    if isinstance(shape, TensorLike):
        shape = shape.numpy().tolist()
    return tuple(int(d) for d in shape)


def _draw(kind, shape, low, high, dtype, seed):
    """A draw of ``kind`` (``'normal'`` or ``'uniform'``) under Keras 3's seed rules."""
    dtype = dtype or "float32"
    shape = _shape(shape)
    if isinstance(seed, SeedGenerator):
        return getattr(seed._generator, kind)(shape, low, high, dtype=dtype)
    if seed is None:
        return getattr(_random, kind)(shape, low, high, dtype=dtype)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError("seed must be an int, a keras.random.SeedGenerator or None, "
                         f"got {seed!r}")
    return getattr(_random, f"stateless_{kind}")(shape, [seed, 0], low, high, dtype=dtype)


def normal(shape: ShapeLike, mean: TensorInput = 0.0, stddev: TensorInput = 1.0,
           dtype: Optional[DTypeLike] = None, seed: Any = None) -> Any:
    """Normal samples of ``shape`` (float32 unless ``dtype`` is given).

    >>> import gradtape as tf
    >>> tf.keras.random.normal((2, 3), seed=1).shape
    TensorShape([2, 3])
    """
    return _draw("normal", shape, mean, stddev, dtype, seed)


def uniform(shape: ShapeLike, minval: TensorInput = 0.0, maxval: TensorInput = 1.0,
            dtype: Optional[DTypeLike] = None, seed: Any = None) -> Any:
    """Uniform samples of ``shape`` on ``[minval, maxval)``.

    >>> import gradtape as tf
    >>> x = tf.keras.random.uniform((100,), 2.0, 3.0, seed=1).numpy()
    >>> bool((x >= 2).all() and (x < 3).all())
    True
    """
    return _draw("uniform", shape, minval, maxval, dtype, seed)


__getattr__ = _missing_names("gradtape.keras.random", "tf.keras.random")

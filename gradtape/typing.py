"""Type aliases for annotating code that uses gradtape.

>>> import gradtape as tf
>>> from gradtape.typing import TensorInput
>>> def double(x: TensorInput) -> tf.Tensor:
...     return tf.convert_to_tensor(x) * 2.0
>>> double([1.0, 2.0]).numpy()
array([2., 4.], dtype=float32)
"""
from ._core.types import (Axis, Config, DTypeLike, Nested, ShapeLike, TensorFunction,  # noqa: F401
                          TensorInput)

__all__ = ["TensorInput", "DTypeLike", "Axis", "ShapeLike", "Nested", "TensorFunction", "Config"]

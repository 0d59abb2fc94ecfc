"""Regularizers: penalties on a layer's weights or outputs, under Keras' names.

A regularizer is called on a weight (or a layer's output) and returns a
scalar; a layer built with ``kernel_regularizer=``, ``bias_regularizer=`` or
``activity_regularizer=`` lists the penalties in ``layer.losses``, to be added
to the loss of a training step (``loss += sum(model.losses)``).

>>> import gradtape as tf
>>> tf.keras.regularizers.l2(0.1)(tf.constant([1.0, -2.0])).numpy()
0.5
"""
from __future__ import annotations
import math

from .._core.convert import convert_to_tensor
from ..rules import elementwise as _ew
from ..rules import reductions as _red
from .._missing import missing_names as _missing_names
from typing import Any, Dict
from .._core.types import TensorInput


def _penalty(value, name):
    """Keras' check of a penalty factor: a finite number, not negative."""
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or math.isinf(value) or math.isnan(value) or value < 0):
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative float."
                         f"Received: {name}={value}")
    return float(value)


def _scaled(factor, total, x):
    return _ew.cast(convert_to_tensor(factor), x.dtype) * total


class Regularizer:
    """Base class: a callable ``weight -> scalar penalty`` with a config.

    >>> import gradtape as tf
    >>> class Sum(tf.keras.regularizers.Regularizer):
    ...     def __call__(self, x):
    ...         return tf.reduce_sum(x)
    >>> Sum()(tf.constant([1.0, 2.0])).numpy()
    3.0
    """

    def __call__(self, x: TensorInput) -> Any:
        return 0.0

    def get_config(self) -> Dict[str, Any]:
        """The arguments that rebuild this regularizer (``from_config``)."""
        return {}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Regularizer":
        """A regularizer from ``get_config()``'s dict."""
        return cls(**config)


class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))`` (both factors 0 by default).

    >>> import gradtape as tf
    >>> tf.keras.regularizers.L1L2(l1=0.5, l2=0.25)(tf.constant([1.0, -2.0])).numpy()
    2.75
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _penalty(0.0 if l1 is None else l1, "l1")
        self.l2 = _penalty(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: TensorInput) -> Any:
        x = convert_to_tensor(x)
        total = _ew.cast(convert_to_tensor(0.0), x.dtype)
        if self.l1 != 0.0:
            total = total + _scaled(self.l1, _red.reduce_sum(_ew.abs(x)), x)
        if self.l2 != 0.0:
            total = total + _scaled(self.l2, _red.reduce_sum(_ew.square(x)), x)
        return total

    def get_config(self) -> Dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(abs(x))``.

    >>> import gradtape as tf
    >>> tf.keras.regularizers.L1(0.5)(tf.constant([1.0, -2.0])).numpy()
    1.5
    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _penalty(0.01 if l1 is None else l1, "l1")

    def __call__(self, x: TensorInput) -> Any:
        x = convert_to_tensor(x)
        return _scaled(self.l1, _red.reduce_sum(_ew.abs(x)), x)

    def get_config(self) -> Dict[str, Any]:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(square(x))``.

    >>> import gradtape as tf
    >>> tf.keras.regularizers.L2(0.5)(tf.constant([1.0, -2.0])).numpy()
    2.5
    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _penalty(0.01 if l2 is None else l2, "l2")

    def __call__(self, x: TensorInput) -> Any:
        x = convert_to_tensor(x)
        return _scaled(self.l2, _red.reduce_sum(_ew.square(x)), x)

    def get_config(self) -> Dict[str, Any]:
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2

_BY_NAME = {"l1": L1, "l2": L2, "l1_l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier: Any) -> Any:
    """A regularizer from a name (``'l2'``), a class, an instance or a callable; None stays None.

    >>> import gradtape as tf
    >>> tf.keras.regularizers.get("l2").get_config()
    {'l2': 0.01}
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Could not interpret regularizer identifier: {identifier}")
        identifier = _BY_NAME[identifier]
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")


def serialize(regularizer: Any) -> Any:
    """Keras' dict for a regularizer: its module, class name and config.

    >>> import gradtape as tf
    >>> tf.keras.regularizers.serialize(tf.keras.regularizers.l2(0.1))
    {'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.1}, 'registered_name': None}
    """
    if regularizer is None:
        return None
    if not isinstance(regularizer, Regularizer):
        raise ValueError(f"regularizers.serialize: cannot serialize {regularizer!r}; "
                         "subclass tf.keras.regularizers.Regularizer and define get_config")
    return {"module": "keras.regularizers", "class_name": type(regularizer).__name__,
            "config": regularizer.get_config(), "registered_name": None}


__getattr__ = _missing_names("gradtape.keras.regularizers", "tf.keras.regularizers")

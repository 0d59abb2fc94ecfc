"""``gradtape.autodiff``: ``GradientTape`` and forward mode, as ``tf.autodiff``.

>>> import gradtape as tf
>>> tf.autodiff.ForwardAccumulator.__name__, tf.autodiff.GradientTape is tf.GradientTape
('ForwardAccumulator', True)
"""
from .forwardprop import ForwardAccumulator  # noqa: F401
from .tape import GradientTape  # noqa: F401

from ._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.autodiff", "tf.autodiff")

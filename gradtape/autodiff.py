"""``gradtape.autodiff``: forward mode, as ``tf.autodiff``.

>>> import gradtape as tf
>>> tf.autodiff.ForwardAccumulator.__name__
'ForwardAccumulator'
"""
from .forwardprop import ForwardAccumulator  # noqa: F401

"""``gradtape.test``: ``compute_gradient`` as ``tf.test`` has it.

>>> import gradtape as tf
>>> callable(tf.test.compute_gradient)
True
"""
from .testing import compute_gradient  # noqa: F401

from ._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.test", "tf.test")

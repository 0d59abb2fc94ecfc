"""``gradtape.test``: ``compute_gradient`` as ``tf.test`` has it.

>>> import gradtape as tf
>>> callable(tf.test.compute_gradient)
True
"""
from .testing import compute_gradient  # noqa: F401

"""Debugging aids: a debug mode that keeps full stacks, and check_numerics
(``gradtape.diagnostics.debugging``, under the module path TensorFlow uses).

>>> import gradtape as tf
>>> tf.debugging.debug_mode()
False
"""
from .diagnostics.debugging import *  # noqa: F401,F403
from .diagnostics.debugging import __all__  # noqa: F401

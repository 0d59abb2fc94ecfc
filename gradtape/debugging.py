"""Debugging aids: a debug mode that keeps full stacks, check_numerics
(``gradtape.diagnostics.debugging``, under the module path TensorFlow uses),
and TensorFlow's assertions (``gradtape.assertions``).

>>> import gradtape as tf
>>> tf.debugging.debug_mode()
False
"""
from .diagnostics.debugging import *  # noqa: F401,F403
from .diagnostics.debugging import __all__ as _debugging_names
from .assertions import *  # noqa: F401,F403
from .assertions import __all__ as _assertion_names

__all__ = list(_debugging_names) + [n for n in _assertion_names if n != "ensure_shape"]


from ._missing import missing_names as _missing_names  # noqa: E402
__getattr__ = _missing_names("gradtape.debugging", "tf.debugging")

"""gradtape's exception classes, named like TensorFlow's (defined in ``_core``,
which raises them).

>>> import gradtape as tf
>>> issubclass(tf.errors.InvalidArgumentError, ValueError)
True
"""
from ._core.errors import *  # noqa: F401,F403
from ._core.errors import __all__  # noqa: F401

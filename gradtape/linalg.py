"""``gradtape.linalg``: matrix ops under TensorFlow's ``tf.linalg`` names.

>>> import gradtape as tf
>>> tf.linalg.matmul(tf.ones((1, 2)), tf.ones((2, 1))).numpy().ravel()
array([2.], dtype=float32)
"""
from .rules.linalg import *  # noqa: F401,F403
from .rules.nn import l2_normalize  # noqa: F401
from .rules.clipping import global_norm  # noqa: F401
from .rules.shape import matrix_transpose  # noqa: F401
from .rules.creation import eye  # noqa: F401

from ._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.linalg", "tf.linalg")

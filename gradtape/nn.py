"""``gradtape.nn``: activations, softmax and losses under TensorFlow's ``tf.nn`` names.

>>> import gradtape as tf
>>> tf.nn.relu(tf.constant([-1.0, 2.0])).numpy()
array([0., 2.], dtype=float32)
"""
from .rules.nn import *  # noqa: F401,F403
from .rules.conv import *  # noqa: F401,F403
from .rules.indexing import top_k  # noqa: F401
from .rules.rearrange import depth_to_space, space_to_depth  # noqa: F401
from .rules.reductions import zero_fraction  # noqa: F401 - TensorFlow's tf.nn alias
from .composite import compute_average_loss, scale_regularization_loss  # noqa: F401

from ._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.nn", "tf.nn")

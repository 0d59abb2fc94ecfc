"""``gradtape.nn``: activations, softmax and losses under TensorFlow's ``tf.nn`` names.

>>> import gradtape as tf
>>> tf.nn.relu(tf.constant([-1.0, 2.0])).numpy()
array([0., 2.], dtype=float32)
"""
from .rules.nn import *  # noqa: F401,F403
from .rules.conv import *  # noqa: F401,F403

"""The training toolkit, TensorFlow's ``tf.keras`` home: layers, losses, optimizers and more.

``gradtape.optimizers``, ``gradtape.losses``, ``gradtape.layers``, ... are the
same modules (TensorFlow's ``tf.optimizers`` is likewise ``tf.keras.optimizers``).

>>> import gradtape as tf
>>> tf.keras.optimizers is tf.optimizers
True
"""
from .module import Module
from . import initializers, layers, losses, optimizers, schedules, train  # noqa: F401
from . import data, demo, distribute  # noqa: F401

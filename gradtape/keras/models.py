"""``tf.keras.models``: the model classes under their other import path.

>>> import gradtape as tf
>>> tf.keras.models.Sequential is tf.keras.Sequential
True
"""
from .layers import Model, Sequential  # noqa: F401
from .._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.keras.models", "tf.keras.models")

"""``gradtape.math.special``: TensorFlow's ``tf.math.special`` names gradtape has.

>>> import gradtape as tf
>>> tf.math.special.bessel_i0e(tf.constant([0.0])).numpy()
array([1.], dtype=float32)
"""
from .rules.elementwise import bessel_i0, bessel_i0e, bessel_i1, bessel_i1e  # noqa: F401

__all__ = ["bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e"]

from ._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.math.special", "tf.math.special")

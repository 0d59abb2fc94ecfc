"""``gradtape.math``: the elementwise and reduction ops under TensorFlow's ``tf.math`` names.

>>> import gradtape as tf
>>> tf.math.reduce_sum(tf.math.square(tf.constant([1.0, 2.0]))).numpy()
5.0
"""
from typing import TYPE_CHECKING

from .rules.elementwise import *  # noqa: F401,F403
from .rules.reductions import *  # noqa: F401,F403
from .rules.elementwise import __all__ as _ew
from .rules.reductions import __all__ as _red
from .composite import scalar_mul
from . import math_special as special  # noqa: F401 - tf.math.special
from .rules.complex_ops import angle, conj, imag, real
from .rules.indexing import _MATH_ONLY as _indexing
from .rules.indexing import (segment_max, segment_mean, segment_min, segment_sum,  # noqa: F401
                             top_k, unsorted_segment_max, unsorted_segment_mean,
                             unsorted_segment_min, unsorted_segment_sqrt_n, unsorted_segment_sum)
# TensorFlow's tf.math aliases of these tf.nn functions
from .rules.nn import (approx_max_k, approx_min_k, in_top_k, l2_normalize, log_softmax,
                       softmax, softsign)

if not TYPE_CHECKING:  # a type checker reads the names from the imports above
    __all__ = list(_ew) + list(_red) + ["scalar_mul", "angle", "conj", "imag", "real",
                                        "approx_max_k", "approx_min_k", "in_top_k",
                                        "l2_normalize", "log_softmax", "softmax",
                                        "softsign", "special"] + list(_indexing)

from ._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.math", "tf.math")

"""``gradtape.math``: the elementwise and reduction ops under TensorFlow's ``tf.math`` names.

>>> import gradtape as tf
>>> tf.math.reduce_sum(tf.math.square(tf.constant([1.0, 2.0]))).numpy()
5.0
"""
from typing import TYPE_CHECKING, Optional

from ._core.convert import convert_to_tensor
from ._core.types import DTypeLike, Tensor, TensorInput
from .random import _gradient_raises
from .rules.elementwise import add
from .rules.special import betainc, igamma, igammac, lbeta, zeta  # noqa: F401
from .rules.reductions import cumulative_logsumexp, dense_bincount

from .rules.elementwise import *  # noqa: F401,F403
from .rules.reductions import *  # noqa: F401,F403
from .rules.elementwise import __all__ as _ew
from .rules.reductions import __all__ as _red
from .composite import scalar_mul
from . import math_special as special  # noqa: F401 - tf.math.special
from .rules.complex_ops import angle, conj, imag, real
from .rules.indexing import _MATH_ONLY as _indexing
from .rules.indexing import (confusion_matrix, invert_permutation,  # noqa: F401
                             segment_max, segment_mean, segment_min, segment_prod,
                             segment_sum, top_k, unsorted_segment_max, unsorted_segment_mean,
                             unsorted_segment_min, unsorted_segment_prod, unsorted_segment_sqrt_n,
                             unsorted_segment_sum)
# TensorFlow's tf.math aliases of these tf.nn functions
from .rules.nn import (approx_max_k, approx_min_k, in_top_k, l2_normalize, log_softmax,
                       softmax, softsign)

if not TYPE_CHECKING:  # a type checker reads the names from the imports above
    __all__ = list(_ew) + list(_red) + ["scalar_mul", "angle", "conj", "imag", "real",
                                        "approx_max_k", "approx_min_k", "in_top_k",
                                        "l2_normalize", "log_softmax", "softmax",
                                        "softsign", "special", "bincount",
                                        "cumulative_logsumexp", "betainc", "igamma", "igammac", "lbeta",
                                        "zeta"] + list(_indexing)


def bincount(arr: TensorInput, weights: Optional[TensorInput] = None,
             minlength: Optional[int] = None, maxlength: Optional[int] = None,
             dtype: DTypeLike = "int32", name: Optional[str] = None, axis: Optional[int] = None,
             binary_output: bool = False) -> Tensor:
    """How many times each value ``0, 1, ... max(arr)`` occurs in ``arr`` (the sum
    of their ``weights``); ``axis=-1`` counts each row of a matrix apart.

    As TensorFlow's: non-integer ``arr`` is cast to int32, the result has
    ``weights``' dtype (else ``dtype``), and a gradient through ``weights``
    raises ``LookupError``.

    >>> import gradtape as tf
    >>> tf.math.bincount([1, 1, 2, 3, 2, 4, 4, 5]).numpy()
    array([0, 2, 2, 1, 2, 1], dtype=int32)
    """
    weights = None if weights is None else convert_to_tensor(weights)
    out = dense_bincount(arr, weights, minlength, maxlength, dtype, axis, binary_output)
    if weights is not None and out.dtype.is_floating:  # a tape may watch the weights
        out = add(out, _gradient_raises(weights, out, LookupError(
            "gradient registry has no entry for: DenseBincount")))
    return out


from ._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.math", "tf.math")

"""``tf.data``: in-memory input pipelines (``Dataset``), and the bundled digits.

>>> import gradtape as tf
>>> ds = tf.data.Dataset.from_tensor_slices(([1.0, 2.0, 3.0], [0, 1, 0]))
>>> [(x.numpy(), y.numpy()) for x, y in ds.batch(2)]
[(array([1., 2.], dtype=float32), array([0, 1], dtype=int32)), (array([3.], dtype=float32), array([0], dtype=int32))]
"""
from ..keras.data import load_digits  # noqa: F401
from . import experimental  # noqa: F401
from .dataset import AUTOTUNE, Dataset, DatasetSpec, OwnedIterator, Options  # noqa: F401
from ._structure import INFINITE as INFINITE_CARDINALITY, UNKNOWN as UNKNOWN_CARDINALITY  # noqa: F401

Iterator = OwnedIterator

from .._missing import missing_names as _missing_names  # noqa: E402
__getattr__ = _missing_names("gradtape.data", "tf.data")

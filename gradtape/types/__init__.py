"""``tf.types``: the types TensorFlow code names (``tf.types.experimental``)."""
from . import experimental  # noqa: F401

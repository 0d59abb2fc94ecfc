"""gradtape's exception classes, named like TensorFlow's.

>>> import gradtape as tf
>>> issubclass(tf.errors.InvalidArgumentError, ValueError)
True
"""


class OpError(Exception):
    """Base class of errors raised while running an op.

    >>> import gradtape as tf
    >>> issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError)
    True
    """


class InvalidArgumentError(OpError, ValueError):
    """An op received an argument it cannot use (wrong shape, dtype or value).

    >>> import gradtape as tf
    >>> try:
    ...     tf.constant(1.0) + tf.constant(1.0, dtype=tf.float64)
    ... except tf.errors.InvalidArgumentError as e:
    ...     print("float64" in str(e))
    True
    """


class UnimplementedError(OpError, NotImplementedError):
    """The op has no rule for what was asked (e.g. a JVP it cannot give).

    >>> import gradtape as tf
    >>> issubclass(tf.errors.UnimplementedError, NotImplementedError)
    True
    """


class OutOfRangeError(OpError):
    """An index or a count past the end of what exists (reading a ``TensorArray``
    past its size, folding over no elements).

    >>> import gradtape as tf
    >>> issubclass(tf.errors.OutOfRangeError, tf.errors.OpError)
    True
    """


class NotFoundError(OpError):
    """A file or checkpoint that was asked for does not exist.

    >>> import gradtape as tf
    >>> issubclass(tf.errors.NotFoundError, tf.errors.OpError)
    True
    """


class OperatorNotAllowedInGraphError(TypeError):
    """Something a ``gradtape.function`` cannot replay was done while tracing it
    (``.numpy()`` on a value computed from its inputs, a NumPy array assigned
    to a Variable).

    >>> import gradtape as tf
    >>> issubclass(tf.errors.OperatorNotAllowedInGraphError, TypeError)
    True
    """


__all__ = ["OpError", "InvalidArgumentError", "UnimplementedError", "OutOfRangeError",
           "NotFoundError", "OperatorNotAllowedInGraphError"]

for _name in __all__:  # users meet them as gradtape.errors.X (tracebacks, pickles)
    globals()[_name].__module__ = "gradtape.errors"
del _name

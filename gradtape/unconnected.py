"""What a gradient is asked of: ``UnconnectedGradients``, the checks on
sources, and the default memory budget of a vectorized Jacobian sweep.

Apart from ``tape.py`` so that the tape, the Jacobians and forward mode share
them without importing one another (TensorFlow keeps the enum in a module of
its own too).  The budget users set is ``gradtape.tape.JACOBIAN_CHUNK_BYTES``,
which the tape and ``gradtape.functional`` pass on at each call.
"""
from __future__ import annotations
import enum

from ._core.tensor import TensorLike
from typing import Any

__all__ = ["UnconnectedGradients", "as_unconnected", "check_source"]

#: Bytes the stacked cotangents (or tangents) of one vectorized Jacobian chunk
#: may take, unless ``gradtape.tape.JACOBIAN_CHUNK_BYTES`` says otherwise.
JACOBIAN_CHUNK_BYTES = 256 * 2**20


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on.

    >>> import gradtape as tf
    >>> x, y = tf.Variable(1.0), tf.Variable(2.0)
    >>> with tf.GradientTape() as tape:
    ...     z = x * 3.0
    >>> tape.gradient(z, y, unconnected_gradients=tf.UnconnectedGradients.ZERO).numpy()
    0.0
    """

    NONE = "none"
    ZERO = "zero"


def as_unconnected(value: Any, accumulator: bool = False) -> Any:
    """``value`` (an ``UnconnectedGradients`` or its name) as an
    ``UnconnectedGradients``, or ValueError in TensorFlow's words (a tape's and
    an accumulator's differ).

    >>> from gradtape.unconnected import as_unconnected
    >>> as_unconnected("zero")
    <UnconnectedGradients.ZERO: 'zero'>
    """
    if type(value) is UnconnectedGradients:
        return value
    try:
        return UnconnectedGradients(value)
    except ValueError:
        said = (f"{value!r} is not a valid UnconnectedGradients" if accumulator
                else f"Unknown value for unconnected_gradients: {value!r}")
        raise ValueError(f"{said} (use UnconnectedGradients.NONE or .ZERO, or "
                         "'none' or 'zero')") from None


def check_source(s: Any, what: str = "sources") -> None:
    """Refuse a source that is not a tensor or Variable (a list, a NumPy array...).

    >>> import gradtape as tf
    >>> from gradtape.unconnected import check_source
    >>> check_source(tf.constant(1.0))
    >>> check_source([1.0])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: Passed in object [1.0] of type 'list', not tf.Tensor or tf.Variable...
    """
    if not isinstance(s, TensorLike):
        raise ValueError(f"Passed in object {s!r} of type '{type(s).__name__}', not "
                         f"tf.Tensor or tf.Variable or ExtensionType, in {what}; "
                         "convert it with gradtape.constant and tape.watch it, or use a Variable")

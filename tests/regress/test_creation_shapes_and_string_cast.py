"""Bug: ``tf.ones((1.5, 2))`` silently made a (1, 2) tensor, ``tf.ones((-1,))``
and ``tf.constant(1.0, shape=(-1,))`` failed inside NumPy ("negative
dimensions are not allowed"), and ``tf.cast(x, tf.string)`` returned a tensor
of NumPy strings (TensorFlow cannot cast numbers to strings).  All are named
errors now; tensors of ints still work as shapes."""
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: tf.ones((1.5, 2)), TypeError, r"ones: a shape must be a list of ints"),
    (lambda: tf.zeros((2, -1)), InvalidArgumentError, r"zeros: dimensions must be non-negative"),
    (lambda: tf.constant(1.0, shape=(-1,)), ValueError, r"constant: shape must not have negative"),
    (lambda: tf.constant(1.0, shape=(2.0,)), TypeError, r"constant: shape must be a list of ints"),
    (lambda: tf.cast(tf.ones(2), tf.string), TypeError, r"cast: cannot cast a float32 tensor to string"),
])
def test_bad_shapes_and_casts_are_named(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_tensor_shapes_still_work():
    assert tf.ones(tf.constant([2, 3])).shape == (2, 3)
    assert tf.constant(1.0, shape=tf.constant([2])).shape == (2,)

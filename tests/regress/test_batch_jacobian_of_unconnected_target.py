"""batch_jacobian of a target that does not depend on the source is zeros of
the full shape (TensorFlow ignores unconnected_gradients there): of the
target's dtype by default, of the source's with 'zero'."""
import numpy as np

import gradtape as tf


def _unconnected():
    x = tf.constant([[1.0, 2.0]])
    y = tf.constant([[3.0]], tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        z = y * 2.0
    return tape, z, x


def test_unconnected_target_gives_zeros_of_the_target_dtype():
    tape, z, x = _unconnected()
    j = tape.batch_jacobian(z, x)
    # TensorFlow 2.21: dtype float64, shape (1, 1, 2), all zeros
    assert j.dtype == tf.float64 and j.shape == (1, 1, 2)
    np.testing.assert_array_equal(j.numpy(), np.zeros((1, 1, 2)))


def test_unconnected_target_with_zero_gives_zeros_of_the_source_dtype():
    tape, z, x = _unconnected()
    j = tape.batch_jacobian(z, x, unconnected_gradients="zero")
    # TensorFlow 2.21: dtype float32, shape (1, 1, 2)
    assert j.dtype == tf.float32 and j.shape == (1, 1, 2)
    assert not np.any(j.numpy())


def test_unwatched_source_gives_zeros_too():
    x, y = tf.constant([[1.0], [2.0]]), tf.constant([[3.0], [4.0]])
    with tf.GradientTape() as tape:
        tape.watch(y)
        z = x * y
    j = tape.batch_jacobian(z, x)
    np.testing.assert_array_equal(j.numpy(), np.zeros((2, 1, 1), np.float32))
